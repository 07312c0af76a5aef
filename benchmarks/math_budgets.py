#!/usr/bin/env python3
"""Math budgets, ours (typeset at build time) beside the reference (arithmatex + MathJax in the
browser, as Material documents it), from one run.

  weight  the real site's notes in Chromium (Debian's), cold cache: every resource the page
          loads, summed as gzip-compressed sizes (what a server sends; images and fonts as they
          are); layout shift (PerformanceObserver 'layout-shift', whole load); time until the
          math is on screen. Budget: a note's first load <= 120 KB gzip, layout shift 0.
  build   a generated site of N notes with F formulas each (inline and display, some shared
          between notes), Material + search, built in rounds: the reference with arithmatex (and
          the client MathJax loader), ours with dlnotes.mathmd, one after the other per round.
          Round 1 is ours' first build (empty formula cache); later rounds are next builds.
          CPU time of the build process and its children (node). Budget: next builds <= 1.3x.

Not a test. Usage: .venv/bin/python benchmarks/math.py [--notes 1000] [--formulas 5] [--rounds 3] [--only weight,build]
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from tests.support.chromium import layout_shift_js

if TYPE_CHECKING:
    from playwright.sync_api import Browser

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "NO_COLOR": "1"}
MKDOCS = [sys.executable, "-m", "mkdocs"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MATHJAX_ES5 = ROOT / "node_modules" / "mathjax-full" / "es5"
MATHJAX_PARTS = ("tex-mml-chtml.js", "output/chtml/fonts/woff-v2", "input/tex/extensions")
COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt")
WEIGHT_BUDGET_KB = 120
BUILD_BUDGET = 1.3

# The reference's loader: the site's own MathJax on pages with math (what this site did before).
LOADER_JS = """(function () {
  var src = new URL("../mathjax/tex-mml-chtml.js", document.currentScript.src).href;
  window.MathJax = {tex: {inlineMath: [["\\\\(", "\\\\)"]], displayMath: [["\\\\[", "\\\\]"]], processEscapes: true,
    processEnvironments: true}, options: {ignoreHtmlClass: ".*|", processHtmlClass: "arithmatex"},
    startup: {typeset: false}};
  var loading = null;
  function typeset() {
    var root = document.documentElement;
    if (!document.querySelector(".arithmatex")) { root.setAttribute("data-math", "none"); return; }
    if (!loading) loading = new Promise(function (ok, fail) {
      var s = document.createElement("script"); s.src = src; s.async = true;
      s.onload = function () { window.MathJax.startup.promise.then(ok, fail); }; s.onerror = fail;
      document.head.appendChild(s); });
    loading.then(function () { var MJ = window.MathJax; MJ.typesetClear(); MJ.texReset(); return MJ.typesetPromise(); })
      .then(function () { root.setAttribute("data-math", "done"); window.__mathDoneAt = performance.now(); });
  }
  if (window.document$) window.document$.subscribe(typeset); else document.addEventListener("DOMContentLoaded", typeset);
})();
"""

LAYOUT_SHIFT_JS = layout_shift_js(1000)


def cpu_run(args: list[str], cwd: Path) -> tuple[float, float, str]:
    """(CPU seconds of the process and its children, wall seconds, stderr)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(args, cwd=cwd, env=ENV, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        sys.exit(f"build failed in {cwd}:\n{result.stderr[-3000:]}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall, result.stdout + result.stderr


# --- the real site: ours and the reference ----------------------------------------------------


def real_site_variant(work: Path, reference: bool) -> Path:
    """A copy of the project's site; the reference swaps dlnotes.mathmd for arithmatex + MathJax."""
    where = work / ("reference" if reference else "ours")
    shutil.rmtree(where, ignore_errors=True)
    for name in ("docs", "bib", "config", "overrides"):
        shutil.copytree(ROOT / name, where / name)
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    if reference:
        config = config.replace("  - dlnotes.mathmd\n", "  - pymdownx.arithmatex:\n      generic: true\n")
        config = config.replace("extra_css:", "extra_javascript:\n  - assets/javascripts/mathjax.js\n\nextra_css:", 1)
        (where / "docs/assets/javascripts").mkdir(parents=True, exist_ok=True)
        (where / "docs/assets/javascripts/mathjax.js").write_text(LOADER_JS, encoding="utf-8")
        for part in MATHJAX_PARTS:
            src, dst = MATHJAX_ES5 / part, where / "docs/assets/mathjax" / part
            if src.is_dir():
                shutil.copytree(src, dst)
            else:
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, dst)
    (where / "mkdocs.yml").write_text(config, encoding="utf-8")
    cpu_run([*MKDOCS, "build", "--strict" if not reference else "--no-strict", "-d", str(where / "site")], where)
    return where / "site"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        pass


def measure_page(browser: Browser, site: Path, url_path: str, reference: bool) -> dict[str, float]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    urls: list[str] = []
    page.on("request", lambda r: urls.append(r.url))
    page.goto(base + url_path, wait_until="load")
    if reference:
        page.wait_for_function("['none', 'done'].includes(document.documentElement.getAttribute('data-math'))", timeout=60_000)
    # Ours: the math is in the HTML, drawn with the first contentful paint; the reference: MathJax done.
    math_ms = page.evaluate(
        "window.__mathDoneAt || (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime || 0"
    )
    page.wait_for_load_state("networkidle")
    shift = page.evaluate(LAYOUT_SHIFT_JS)
    context.close()
    server.shutdown()
    sizes = []
    for url in dict.fromkeys(urls):
        if not url.startswith(base):
            continue
        path = site / urlparse(url).path.lstrip("/")
        path = path / "index.html" if path.is_dir() else path
        if path.is_file():
            data = path.read_bytes()
            sizes.append(len(gzip.compress(data, 6)) if path.suffix in COMPRESSIBLE else len(data))
    return {"requests": len(sizes), "gzip_kb": sum(sizes) / 1024, "shift": shift, "math_ms": math_ms}


def bench_weight(work: Path) -> None:
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    ours, reference = real_site_variant(work, False), real_site_variant(work, True)
    notes = sorted(
        {
            p.parent.relative_to(ours).as_posix() + "/"
            for p in ours.glob("*/*/index.html")
            if 'class="arithmatex' in p.read_text(encoding="utf-8")
        }
    )
    print(
        "\nA note's first load (cold cache; gzip sizes of every resource it loads; "
        f"budget <= {WEIGHT_BUDGET_KB} KB, layout shift 0)"
    )
    print(
        f"{'note':<42} {'ours KB':>8} {'ref KB':>8} {'ours/ref':>8} {'req':>7} "
        f"{'shift ours':>10} {'shift ref':>9} {'math ms ours':>12} {'ref':>6}"
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        for note in notes:
            a = measure_page(browser, ours, note, reference=False)
            b = measure_page(browser, reference, note, reference=True)
            verdict = "ok" if a["gzip_kb"] <= WEIGHT_BUDGET_KB and a["shift"] == 0 else "OVER"
            print(
                f"{note:<42} {a['gzip_kb']:>8.1f} {b['gzip_kb']:>8.1f} {a['gzip_kb'] / b['gzip_kb']:>8.2f} "
                f"{a['requests']:>3}/{b['requests']:<3} {a['shift']:>10.4f} {b['shift']:>9.4f} "
                f"{a['math_ms']:>12.0f} {b['math_ms']:>6.0f}  {verdict}"
            )
        browser.close()


# --- build time: N notes x F formulas ---------------------------------------------------------


def formulas(i: int, count: int) -> list[tuple[str, bool]]:
    """Formulas of note i: a few that many notes share, the rest its own."""
    pool = [
        (r"h_t = \tanh(W_h h_{t-1} + W_x x_t + b)", False),
        (rf"\alpha_{{{i},j}} = \frac{{\exp(e_{{{i}j}})}}{{\sum_{{k=1}}^{{{i % 50 + 2}}} \exp(e_{{{i}k}})}}", True),
        (
            rf"\mathcal{{L}}_{{{i}}}(\theta) = -\sum_{{t=1}}^{{T}} \log p_\theta(y_t \mid y_{{<t}}, x)"
            rf" + {i % 7}\lambda \|\theta\|_2^2",
            True,
        ),
        (rf"x_{{{i}}} \in \mathbb{{R}}^{{{i % 512 + 1}}}", False),
        (r"\theta", False),
        (rf"\begin{{aligned}} q &= W_q x_{{{i}}} \\ k &= W_k x \end{{aligned}}", True),
    ]
    return [pool[n % len(pool)] for n in range(count)]


def note_text(i: int, count: int) -> str:
    parts = [f"# Note {i}\n\n正文第一段, with some English text around the formulas of note {i}.\n"]
    for tex, display in formulas(i, count):
        parts.append(f"由此得到\n$$\n{tex}\n$$\n继续。\n" if display else f"其中 ${tex}$ 是一个量。\n")
    return "\n".join(parts)


SITE_CONFIG = """site_name: bench
theme:
  name: material
  font: false
  features: [navigation.instant, navigation.prune]
plugins:
  - search
markdown_extensions:
  - admonition
  - footnotes
  - tables
  - pymdownx.superfences
{math}
{extra}
"""
HOOKS = '''"""The dlnotes plugin's math hooks (mkdocs_plugin.py), alone."""
from pathlib import Path
from mkdocs.plugins import event_priority
from dlnotes import mathmd, mathtex

def on_config(config):
    root = Path(config.config_file_path).parent
    mathtex.configure(root / ".cache" / "math.pickle", Path({root!r}))
    return config

def on_page_markdown(markdown, page, config, files):
    mathmd.begin_page(page.file.src_uri, 0)
    return markdown

def on_page_content(html, page, config, files):
    for problem in mathmd.end_page():
        print(problem)
    return html

@event_priority(-100)  # after search has indexed the page
def on_page_context(context, page, config, nav):
    page.content = mathmd.place_math(page.content + mathmd.page_glyphs(page.file.src_uri), page.file.src_uri)
    return context

def on_post_build(config):
    print(mathtex.finish_build(), flush=True)
'''


def generate(where: Path, notes: int, count: int, ours: bool) -> Path:
    shutil.rmtree(where, ignore_errors=True)
    (where / "docs").mkdir(parents=True)
    for i in range(notes):
        (where / "docs" / f"n{i:04d}.md").write_text(note_text(i, count), encoding="utf-8")
    if ours:
        (where / "math_hooks.py").write_text(HOOKS.format(root=str(ROOT)), encoding="utf-8")
        config = SITE_CONFIG.format(math="  - dlnotes.mathmd", extra="hooks:\n  - math_hooks.py\n")
    else:
        (where / "docs" / "mathjax.js").write_text(LOADER_JS, encoding="utf-8")
        config = SITE_CONFIG.format(
            math="  - pymdownx.arithmatex:\n      generic: true", extra="extra_javascript:\n  - mathjax.js\n"
        )
    (where / "mkdocs.yml").write_text(config, encoding="utf-8")
    return where


def bench_build(work: Path, notes: int, count: int, rounds: int) -> None:
    reference = generate(work / "build-reference", notes, count, ours=False)
    ours = generate(work / "build-ours", notes, count, ours=True)
    print(
        f"\nBuild: {notes} notes x {count} formulas (CPU s of mkdocs and node; "
        f"ours' round 1 has an empty cache; budget next builds <= {BUILD_BUDGET}x)"
    )
    print(f"{'round':>5} {'reference s':>11} {'ours s':>8} {'ours/ref':>8} {'wall ref':>8} {'wall ours':>9}  typeset")
    ratios = []
    for r in range(1, rounds + 1):
        ref_cpu, ref_wall, _ = cpu_run([*MKDOCS, "build", "-q", "-d", str(work / "out-ref")], reference)
        our_cpu, our_wall, log = cpu_run([*MKDOCS, "build", "-d", str(work / "out-ours")], ours)
        said = re.search(r"math: .*", log) or re.search(r"math: .*", "")
        ratio = our_cpu / ref_cpu
        if r > 1:
            ratios.append(ratio)
        print(
            f"{r:>5} {ref_cpu:>11.2f} {our_cpu:>8.2f} {ratio:>8.2f} {ref_wall:>8.2f} {our_wall:>9.2f}  "
            f"{said.group(0) if said else '?'}"
        )
    if ratios:
        median = statistics.median(ratios)
        print(
            f"next builds: median ours/reference {median:.2f} "
            f"({'within' if median <= BUILD_BUDGET else 'OVER'} the {BUILD_BUDGET}x budget)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notes", type=int, default=1000)
    parser.add_argument("--formulas", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", default="weight,build")
    args = parser.parse_args()
    only = set(args.only.split(","))
    with tempfile.TemporaryDirectory(prefix="dlnotes-bench-math-") as tmp:
        work = Path(tmp)
        if "weight" in only:
            bench_weight(work)
        if "build" in only:
            bench_build(work, args.notes, args.formulas, args.rounds)


if __name__ == "__main__":
    main()
