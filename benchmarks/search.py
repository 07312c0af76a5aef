"""Search at 1000 notes: what the first search downloads and how long each query takes, the
site's tuned search beside plain Material's, from one run.

Generates a site from the search fixture (tests/fixtures/search) with N extra notes of mixed
Chinese and English text and builds it twice: as the site is built (the real overrides/ and
search worker, the index tuned by dlnotes.searchindex) and with plain Material (the same search
settings; no overrides, no dlnotes plugin). Opens each in Chromium and types queries as a reader
does. Prints, side by side: the bytes the first search downloads, raw (a server that does not
compress) and as GitHub Pages serves them (JSON and JavaScript gzipped, other files as they are);
the time until the index is ready; per-query times, key up to the results on screen (median,
max, the slowest). Figures, not a timed test.

    .venv/bin/python benchmarks/search.py [--notes 1000]
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright

from tests.support.chromium import CHROMIUM_ARGS, chromium_path
from tests.support.searching import REPORTED
from tests.support.serving import serve_files as serve
from tests.support.sitebuild import ROOT, run_mkdocs_build

CHINESE = [
    "注意力",
    "机制",
    "编码器",
    "解码器",
    "表示学习",
    "深度学习",
    "神经网络",
    "强化学习",
    "机器翻译",
    "卷积",
    "池化",
    "正则化",
    "优化",
    "梯度",
    "无监督学习",
    "自编码器",
    "流形",
    "稀疏编码",
    "生成模型",
    "对抗",
    "训练",
    "推理",
    "语言模型",
    "图像",
    "分类",
    "检测",
    "分割",
]
ENGLISH = [
    "attention",
    "encoder",
    "decoder",
    "representation",
    "learning",
    "network",
    "recurrent",
    "convolutional",
    "pooling",
    "gradient",
    "descent",
    "optimization",
    "regularization",
    "dropout",
    "embedding",
    "transformer",
    "generative",
    "adversarial",
    "translation",
    "alignment",
    "glimpse",
    "policy",
    "reward",
    "sequence",
    "model",
    "training",
]
# The queries readers reported (tests/support/searching.py) and three longer ones.
QUERIES = [*sorted(REPORTED), "表示学习与深度学习的定义", "convolutional networks", "正则化"]


def note(i: int, rng: random.Random) -> str:
    paragraphs = []
    for _ in range(6):
        words = [rng.choice(CHINESE) if rng.random() < 0.5 else rng.choice(ENGLISH) for _ in range(60)]
        paragraphs.append("".join(w if "\u4e00" <= w[0] <= "\u9fff" else f" {w} " for w in words))
    return (
        f"# 笔记 {i}: {rng.choice(ENGLISH)} {rng.choice(CHINESE)}\n\n{paragraphs[0]}\n\n"
        f"## {rng.choice(CHINESE)}与{rng.choice(ENGLISH)}\n\n" + "\n\n".join(paragraphs[1:]) + "\n"
    )


def build(notes: int, where: Path, *, plain: bool = False) -> Path:
    """The fixture site with `notes` generated notes, built into where/site: as the site is built,
    or (`plain`) with Material's search as it comes (no overrides, no dlnotes plugin)."""
    shutil.copytree(ROOT / "tests" / "fixtures" / "search", where, dirs_exist_ok=True)
    if not plain:
        shutil.copytree(ROOT / "overrides", where / "overrides")
        worker = Path("docs/assets/javascripts/workers/search.js")
        (where / worker).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / worker, where / worker)
    rng = random.Random(1)
    bulk = where / "docs" / "bulk"
    bulk.mkdir()
    for i in range(notes):
        (bulk / f"n{i:04d}.md").write_text(note(i, rng), encoding="utf-8")
    config = (where / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("  - 参考文献: references.md\n", "  - 参考文献: references.md\n  - bulk/\n")
    config = config.replace("strict: true", "strict: false")
    if plain:
        config = config.replace("  custom_dir: overrides\n", "")
        config = re.sub(r"  - dlnotes:\n(?:      .*\n)+", "", config)
        config = config.replace("  - dlnotes.mathmd\n", "")
    (where / "mkdocs.yml").write_text(config, encoding="utf-8")
    started = time.perf_counter()
    result = run_mkdocs_build(where / "mkdocs.yml", where / "site", strict=False)
    if result.returncode:
        sys.exit(result.stderr[-3000:])
    kind = "plain Material" if plain else "tuned"
    print(f"build ({kind}): {time.perf_counter() - started:.1f} s for {notes} generated notes + the fixture's")
    return where / "site"


# Set up before a query is typed: the time of the key that sends it (Material searches on keyup)
# and of the first frame after the result count changed to the query's.
TIMER_JS = """() => {
  const meta = document.querySelector('.md-search-result__meta');
  const box = document.querySelector('.md-search__input');
  const t = window.__searchTimer = {start: null, end: null};
  box.addEventListener('keyup', () => { t.start = performance.now(); }, {once: true});
  const observer = new MutationObserver(() => {
    if (t.start !== null && /结果|没有找到/.test(meta.textContent)) {
      observer.disconnect();
      requestAnimationFrame(() => { t.end = performance.now(); });
    }
  });
  observer.observe(meta, {childList: true, characterData: true, subtree: true});
}"""


def query_times(page: Page, queries: list[str]) -> list[tuple[float, str]]:
    """Each query typed into the open search box: ms from its key to the first frame with its
    results (the box is emptied first, so the count on screen is the new query's)."""
    box = page.locator("input.md-search__input")
    times = []
    for query in queries:
        box.fill("")
        page.keyboard.press("End")  # Material reads the box on keyup: the empty query's prompt
        page.wait_for_function("() => /键入以开始搜索/.test(document.querySelector('.md-search-result__meta').textContent)")
        page.keyboard.insert_text(query)
        page.evaluate(TIMER_JS)
        page.keyboard.press("End")
        page.wait_for_function("() => window.__searchTimer.end !== null", timeout=30_000)
        times.append((page.evaluate("() => window.__searchTimer.end - window.__searchTimer.start"), query))
    return times


# GitHub Pages compresses text files; an index in another format is sent as it is.
COMPRESSED_TYPES = (".json", ".js")


def served_size(url: str, body: bytes) -> int:
    path = url.split("?")[0]
    return len(gzip.compress(body)) if path.endswith(COMPRESSED_TYPES) else len(body)


def measure(site: Path, rounds: int = 3) -> dict[str, Any]:
    """Downloads of the first search (url -> (raw, served) bytes), ms until the index is ready,
    and the query times (`query_times`, QUERIES `rounds` times)."""
    executable = chromium_path()
    if executable is None:
        sys.exit("Chromium not found (apt-get install chromium)")
    with serve(site) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        page = browser.new_page()
        bodies: dict[str, bytes] = {}  # Material fetches the index when the page loads
        page.on("response", lambda r: bodies.__setitem__(r.url, r.body()) if r.ok else None)
        page.goto(url, wait_until="load")
        started = time.perf_counter()
        page.keyboard.press("/")
        page.wait_for_function(
            "() => !/正在初始化/.test(document.querySelector('.md-search-result__meta').textContent)", timeout=120_000
        )
        ready = (time.perf_counter() - started) * 1000
        downloads = {
            u.split("/", 3)[-1].split("?")[0]: (len(b), served_size(u, b))
            for u, b in bodies.items()
            if "search" in u or "lunr" in u
        }
        times = query_times(page, QUERIES * rounds)
        browser.close()
    return {"downloads": downloads, "ready": ready, "times": times}


def _per_query(times: list[tuple[float, str]], how: Callable[[list[float]], float]) -> dict[str, float]:
    """Each query's times over the rounds, summed up by `how` (max, median)."""
    rounds: dict[str, list[float]] = {}
    for t, q in times:
        rounds.setdefault(q, []).append(t)
    return {q: how(ts) for q, ts in rounds.items()}


def report(figures: dict[str, dict[str, Any]]) -> None:
    """The figures of each build, side by side, and the ratios."""
    names = list(figures)
    width = 16

    def row(label: str, values: list[str]) -> str:
        return f"  {label:44}" + "".join(f"{v:>{width}}" for v in values)

    print(row("", names))
    totals = {
        n: [sum(r for r, _ in f["downloads"].values()), sum(z for _, z in f["downloads"].values())] for n, f in figures.items()
    }
    print(row("first search downloads, raw (MB)", [f"{totals[n][0] / 1e6:.2f}" for n in names]))
    print(row("  as GitHub Pages serves them (MB)", [f"{totals[n][1] / 1e6:.2f}" for n in names]))
    print(row("index ready after opening search (ms)", [f"{figures[n]['ready']:.0f}" for n in names]))
    ms = {n: [t for t, _ in f["times"]] for n, f in figures.items()}
    print(row(f"query: median (ms, {len(ms[names[0]])} queries)", [f"{statistics.median(ms[n]):.0f}" for n in names]))
    print(row("query: max (ms)", [f"{max(ms[n]):.0f}" for n in names]))
    print(row("queries over 200 ms", [str(sum(1 for t in ms[n] if t > 200)) for n in names]))
    typical = {n: _per_query(f["times"], statistics.median) for n, f in figures.items()}
    print(row("slowest query, median of its rounds (ms)", [f"{max(typical[n].values()):.0f}" for n in names]))
    if len(names) == 2:
        ours, theirs = names
        print(
            f"ratios {ours}/{theirs}: download raw {totals[ours][0] / totals[theirs][0]:.2f}, served "
            f"{totals[ours][1] / totals[theirs][1]:.2f}; query median "
            f"{statistics.median(ms[ours]) / statistics.median(ms[theirs]):.2f}, max {max(ms[ours]) / max(ms[theirs]):.2f}"
        )
    for name, f in figures.items():
        print(f"{name}: files of the first search (raw / served kB)")
        for path, (raw, served) in sorted(f["downloads"].items(), key=lambda x: -x[1][0]):
            print(f"  {raw / 1e3:8.1f} / {served / 1e3:7.1f}  {path}")
        slowest = _per_query(f["times"], max)
        print(
            "  slowest queries (max of rounds): "
            + ", ".join(f"{q} {t:.0f} ms" for q, t in sorted(slowest.items(), key=lambda x: -x[1])[:6])
        )
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (times scale with it)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notes", type=int, default=1000)
    parser.add_argument("--no-plain", action="store_true", help="measure the tuned search only")
    args = parser.parse_args(argv)
    figures: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        figures["tuned (ours)"] = measure(build(args.notes, Path(tmp) / "tuned"))
        if not args.no_plain:
            figures["plain Material"] = measure(build(args.notes, Path(tmp) / "plain", plain=True))
    print(f"at {args.notes} generated notes:")
    report(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
