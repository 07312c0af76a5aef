"""Page weight of the project's site in Chromium: what a reader's browser downloads.

    python -m benchmarks.weight

The site is built strict and served as static files with `Cache-Control: max-age=3600`; Debian's
Chromium (as in the browser tests) opens a note on a cold cache, a second note on the warm cache,
and the home page (no math) on a cold cache. Printed per page: requests (from the network),
bytes transferred as Chrome reports them (uncompressed), the same files gzipped (roughly what
GitHub Pages sends), the formulas on the page (typeset while the site builds: SVG in the page)
and whether any MathJax script was loaded (it must not be). The reference beside a note is the
home page: what a page without math costs.
"""

from __future__ import annotations

import argparse
import gzip
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from benchmarks.common.sites import project_copy
from tests.support.chromium import CHROMIUM_ARGS, VIEWPORT, chromium_path
from tests.support.serving import serve_files
from tests.support.sitebuild import run_mkdocs_build

COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", "/")


@dataclass
class Visit:
    label: str
    requests: int
    from_network: int
    transferred: int
    gzipped: int
    formulas: int
    mathjax_loaded: bool


def gzip_size(site: Path, url: str) -> int:
    path = site / urlparse(url).path.lstrip("/")
    path = path / "index.html" if path.is_dir() else path
    if not path.is_file():
        return 0
    data = path.read_bytes()
    return len(gzip.compress(data, 6)) if url.endswith(COMPRESSIBLE) or path.suffix in COMPRESSIBLE else len(data)


def visit(context: Any, site: Path, url: str, label: str) -> Visit:
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    urls: dict[str, str] = {}
    sizes: dict[str, int] = {}
    cached: set[str] = set()

    def from_disk(event: dict[str, Any]) -> None:
        if event["response"].get("fromDiskCache"):
            cached.add(event["requestId"])

    cdp.on("Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))
    cdp.on("Network.requestServedFromCache", lambda e: cached.add(e["requestId"]))
    cdp.on("Network.responseReceived", from_disk)
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    formulas = page.evaluate("document.querySelectorAll('article mjx-container').length")
    network = [rid for rid in sizes if rid not in cached and urls.get(rid, "").startswith("http")]
    page.close()
    return Visit(
        label, len(urls), len(network), sum(sizes[rid] for rid in network), sum(gzip_size(site, urls[rid]) for rid in network),
        formulas, any("mathjax" in u.lower() for u in urls.values()),
    )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dlnotes bench weight", description=__doc__.split("\n\n")[0])
    parser.parse_args(argv)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("benchmarks.weight: skipped (playwright not installed: make setup-dev)")
        return 0
    chromium = chromium_path()
    if chromium is None:
        print("benchmarks.weight: skipped (no Chromium: apt-get install chromium, or set CHROMIUM)")
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-weight-") as tmp:
        project = project_copy(Path(tmp) / "project")
        built = Path(tmp) / "site"
        result = run_mkdocs_build(project.config("ours"), built)
        if result.returncode:
            sys.exit(f"benchmarks.weight: the build failed:\n{result.stderr[-3000:]}")
        with serve_files(built, cache_seconds=3600) as base, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            cold = browser.new_context(viewport=VIEWPORT)
            rows = [visit(cold, built, base + "attention/bahdanau2014neural/", "note, cold cache"),
                    visit(cold, built, base + "attention/mnih2014recurrent/", "2nd note, warm cache")]  # fmt: skip
            cold.close()
            home = browser.new_context(viewport=VIEWPORT)
            rows.append(visit(home, built, base, "home (no math), cold"))
            home.close()
            browser.close()
    print("\nPage weight (Chromium; Cache-Control: max-age=3600, no compression; gzip = the same files gzipped)")
    print(f"{'page':<22} {'requests':>8} {'from net':>8} {'transferred KB':>15} {'gzip KB':>8}", end="")
    print(f" {'formulas':>8} {'MathJax loaded':>15}")
    for r in rows:
        print(f"{r.label:<22} {r.requests:>8} {r.from_network:>8} {r.transferred / 1024:>15.1f} {r.gzipped / 1024:>8.1f} "
              f"{r.formulas:>8} {'yes' if r.mathjax_loaded else 'no':>15}")  # fmt: skip
    note, home_row = rows[0], rows[2]
    print(
        f"a note's first load / the home page's: {note.transferred / home_row.transferred:.1f}x transferred, "
        f"{note.gzipped / home_row.gzipped:.1f}x gzipped"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
