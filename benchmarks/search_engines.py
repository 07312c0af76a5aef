"""Which search engine: tuned Material (lunr) against Pagefind, on the same queries and the same sites.

From one run, side by side:
- the query set of tests/browser/test_browser_search_queries.py (83 queries on the fixture site
  tests/fixtures/search; each lists the pages that must be among the first three results, some
  the section that must come first): Material as a reader uses it (typed into the search box),
  Pagefind through its JavaScript API (`pagefind.search(q)`, results in its order, the first
  result's first sub-result as its section), both in Chromium;
- at N generated notes (benchmarks/search.py's site): what the first search downloads and how
  long each query takes. Material: key up to results on screen. Pagefind: `search()` plus the
  `data()` of the first ten results (what a result list needs), in the page.

Pagefind is not a dependency of the site. Its npm package ships its binary (the "extended" one
segments Chinese); install it outside the repository and name it:

    mkdir /tmp/pf && cd /tmp/pf && npm install --no-save pagefind@1.6.0
    .venv/bin/python benchmarks/search_engines.py --pagefind /tmp/pf/node_modules/.bin/pagefind [--notes 1000]

Pagefind indexes each page's article (`--root-selector article`), without its BibTeX block,
permalink signs and footnote markers; the paper card's authors and title stay in, since Pagefind
has no other place for them (Material gets them as the `paper` field, see dlnotes.searchindex).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from playwright.sync_api import Page, sync_playwright

from benchmarks import search as material_bench
from tests.browser.test_browser_search import search as material_search
from tests.browser.test_browser_search_queries import _pages
from tests.support.chromium import CHROMIUM_ARGS, chromium_path
from tests.support.searching import QUERY_SET, REPORTED, copy_search_fixture
from tests.support.serving import serve_files as serve
from tests.support.sitebuild import run_mkdocs_build

# The query set's groups, each named by its first query (queries.yml lists them in this order).
GROUPS = [
    ("Chinese", "注意力"),
    ("mixed scripts", "双向RNN"),
    ("English, plurals", "attention"),
    ("one typo", "atention"),
    ("authors", "Mnih"),
    ("titles", "Recurrent Models of Visual Attention"),
]
EXCLUDE = ".paper-card-bibtex, .headerlink, .footnote-ref, .footnote, [data-pagefind-ignore]"
PAGEFIND_VERSION = "1.6.0"

# Pagefind's results for a query as the query set reads them: distinct pages in order, and the
# first result's best sub-result (a section when it has an anchor).
PAGEFIND_QUERY_JS = """async q => {
  const pf = window.__pf || (window.__pf = await import('/pagefind/pagefind.js'));
  const found = await pf.search(q);
  const data = await Promise.all(found.results.slice(0, 10).map(r => r.data()));
  // sub-results come in page order: the section is the one whose matches weigh most
  const score = s => (s.weighted_locations || []).reduce((sum, l) => sum + l.balanced_score, 0);
  const subs = data.length ? data[0].sub_results.slice().sort((a, b) => score(b) - score(a)) : [];
  const section = subs.length ? subs[0].url : '';
  return {pages: data.map(d => d.url), section: section};
}"""


def build_fixture(where: Path) -> Path:
    copy_search_fixture(where)
    result = run_mkdocs_build(where / "mkdocs.yml", where / "site")
    if result.returncode:
        sys.exit(result.stderr[-3000:])
    return where / "site"


def run_pagefind(binary: Path, site: Path) -> float:
    """Index `site` with Pagefind (into site/pagefind/); the seconds it took."""
    version = subprocess.run([str(binary), "--version"], capture_output=True, text=True, check=True).stdout
    if PAGEFIND_VERSION not in version:
        print(f"note: {binary} is {version.strip()}, not Pagefind {PAGEFIND_VERSION}")
    started = time.perf_counter()
    subprocess.run(
        [str(binary), "--site", str(site), "--root-selector", "article", "--exclude-selectors", EXCLUDE, "--quiet"],
        check=True,
        timeout=1200,
    )
    return time.perf_counter() - started


def _relative(url: str, base: str) -> str:
    return unquote(url).removeprefix(base).removeprefix("/")


def check(pages: list[str], section: str, expected: list[str], wanted: str | None) -> bool:
    return all(p in pages[:3] for p in expected) and (wanted is None or section == wanted)


def group_of(query: str) -> str:
    starts = {first: name for name, first in GROUPS}
    name = GROUPS[0][0]
    for q, _, _ in QUERY_SET:
        name = starts.get(q, name)
        if q == query:
            return name
    return name


def query_set(page: Page, base: str, engine: str) -> dict[str, str]:
    """The failures of the query set on `engine` ("material" or "pagefind"): query -> what it got."""
    page.goto(base, wait_until="load")
    failures = {}
    for query, expected, wanted in QUERY_SET:
        if engine == "material":
            material_search(page, query)
            pages, section = _pages(page, base)
        else:
            found = page.evaluate(PAGEFIND_QUERY_JS, query)
            pages = list(dict.fromkeys(_relative(u.split("#")[0], base) for u in found["pages"]))
            section = _relative(found["section"], base) if "#" in found["section"] else ""
        if not check(pages, section, expected, wanted):
            flag = " [reported]" if query in REPORTED else ""
            failures[query] = f"{query!r}{flag}: got {pages[:3]} {section!r}, wanted {expected} {wanted or ''}"
    return failures


def pagefind_figures(page: Page, base: str, queries: list[str]) -> dict[str, Any]:
    """Bytes the first search downloads (one query, its first ten results' data) and per-query times."""
    sizes: dict[str, tuple[int, int]] = {}  # url -> raw bytes, as GitHub Pages serves them
    page.on(
        "response",
        lambda r: (
            sizes.__setitem__(r.url, (len(r.body()), material_bench.served_size(r.url, r.body())))
            if r.ok and "/pagefind/" in r.url
            else None
        ),
    )
    started = time.perf_counter()
    page.goto(base, wait_until="load")
    page.evaluate(PAGEFIND_QUERY_JS, queries[0])
    first_ms = (time.perf_counter() - started) * 1000
    first = dict(sizes)
    times = page.evaluate(
        """async qs => {
      const out = [];
      for (const q of qs) {
        const t = performance.now();
        const found = await window.__pf.search(q);
        await Promise.all(found.results.slice(0, 10).map(r => r.data()));
        out.push([performance.now() - t, q]);
      }
      return out;
    }""",
        queries * 3,
    )
    return {"first": first, "first_ms": first_ms, "times": times, "all": dict(sizes)}


def material_figures(page: Page, base: str, queries: list[str]) -> dict[str, Any]:
    sizes: dict[str, tuple[int, int]] = {}  # url -> raw bytes, as GitHub Pages serves them
    page.on(
        "response",
        lambda r: sizes.__setitem__(r.url, (len(r.body()), material_bench.served_size(r.url, r.body()))) if r.ok else None,
    )
    started = time.perf_counter()
    page.goto(base, wait_until="load")
    page.keyboard.press("/")  # the first query, typed as soon as the page has loaded
    times = material_bench.query_times(page, queries[:1])
    first_ms = (time.perf_counter() - started) * 1000
    first = {u: n for u, n in sizes.items() if "search" in u or "lunr" in u}
    times = material_bench.query_times(page, queries * 3)
    return {"first": first, "first_ms": first_ms, "times": times}


def summary(name: str, figures: dict[str, Any]) -> list[str]:
    raw = sum(r for r, _ in figures["first"].values())
    served = sum(z for _, z in figures["first"].values())
    ms = [t for t, _ in figures["times"]]
    lines = [
        f"{name}: first search downloads {raw / 1e6:.2f} MB raw over {len(figures['first'])} files, "
        f"{served / 1e6:.2f} MB as GitHub Pages serves them (JSON and JavaScript gzipped)"
    ]
    lines.append(f"  first query typed on load, from opening the page to its results: {figures['first_ms']:.0f} ms")
    lines.append(f"  per query ({len(ms)}): median {statistics.median(ms):.0f} ms, max {max(ms):.0f} ms")
    lines.append("  slowest: " + ", ".join(f"{q} {t:.0f} ms" for t, q in sorted(figures["times"], reverse=True)[:4]))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pagefind", type=Path, required=True, help="the pagefind (extended) binary")
    parser.add_argument("--notes", type=int, default=1000, help="generated notes for the figures (0: skip)")
    args = parser.parse_args()
    binary = args.pagefind.resolve()
    executable = chromium_path()
    if executable is None:
        sys.exit("Chromium not found (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        fixture = build_fixture(Path(tmp) / "fixture")
        run_pagefind(binary, fixture)
        with serve(fixture) as base:
            failures = {engine: query_set(browser.new_page(), base, engine) for engine in ("material", "pagefind")}
        print(f"query set ({len(QUERY_SET)} queries on tests/fixtures/search; page(s) among the first three):")
        for engine, failed in failures.items():
            passed = len(QUERY_SET) - len(failed)
            reported = sum(1 for q in failed if q in REPORTED)
            print(
                f"  {engine:9} {passed}/{len(QUERY_SET)} pass ({passed / len(QUERY_SET):.0%}); "
                f"reported queries failing: {reported}/{len(REPORTED)}"
            )
        print(f"  {'group':18} {'queries':>7} " + " ".join(f"{engine:>9}" for engine in failures))
        for name, _ in GROUPS:
            members = [q for q, _, _ in QUERY_SET if group_of(q) == name]
            counts = [sum(1 for q in members if q not in failed) for failed in failures.values()]
            print(f"  {name:18} {len(members):>7} " + " ".join(f"{n:>9}" for n in counts))
        for engine, failed in failures.items():
            print(f"{engine} failures:" + "".join(f"\n  {f}" for f in failed.values()))
        if args.notes:
            site = material_bench.build(args.notes, Path(tmp) / "bulk")
            seconds = run_pagefind(binary, site)
            print(f"pagefind indexing: {seconds:.1f} s")
            queries = material_bench.QUERIES
            with serve(site) as base:
                material = material_figures(browser.new_page(), base, queries)
                pagefind = pagefind_figures(browser.new_page(), base, queries)
            print(f"at {args.notes} notes:")
            print("\n".join(summary("material (tuned)", material) + summary("pagefind", pagefind)))
            print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (times scale with it)")
        browser.close()


if __name__ == "__main__":
    main()
