"""Search at 1000 notes: what the first search downloads and how long each query takes.

Generates a site from the search fixture (tests/fixtures/search) with N extra notes of mixed
Chinese and English text, builds it with the real overrides/ and search worker, opens it in
Chromium and types queries as a reader does. Prints: bytes the first search downloads (raw and
gzip, as GitHub Pages serves JSON), time until the index is ready, and per-query times (from the
key up to the results on screen). Figures, not a timed test.

    .venv/bin/python benchmarks/search.py [--notes 1000]
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

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


def build(notes: int, where: Path) -> Path:
    shutil.copytree(ROOT / "tests" / "fixtures" / "search", where, dirs_exist_ok=True)
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
    (where / "mkdocs.yml").write_text(
        config.replace("  - 参考文献: references.md\n", "  - 参考文献: references.md\n  - bulk/\n").replace(
            "strict: true", "strict: false"
        ),
        encoding="utf-8",
    )
    started = time.perf_counter()
    result = run_mkdocs_build(where / "mkdocs.yml", where / "site", strict=False)
    if result.returncode:
        sys.exit(result.stderr[-3000:])
    print(f"build: {time.perf_counter() - started:.1f} s for {notes} generated notes + the fixture's")
    return where / "site"


def query_times(page: Page, queries: list[str]) -> list[tuple[float, str]]:
    """Each query typed into the open search box: ms from the key up to its results on screen."""
    times = []
    for query in queries:
        page.locator("input.md-search__input").fill("")
        page.wait_for_timeout(50)
        page.keyboard.insert_text(query)
        started = time.perf_counter()
        page.keyboard.press("End")
        page.wait_for_function(
            "q => { const m = document.querySelector('.md-search-result__meta');"
            " const i = document.querySelector('.md-search__input');"
            " return i.value === q && m && /结果/.test(m.textContent) }",
            arg=query,
            timeout=30_000,
        )
        times.append(((time.perf_counter() - started) * 1000, query))
    return times


def measure(site: Path) -> None:
    executable = chromium_path()
    if executable is None:
        sys.exit("Chromium not found (apt-get install chromium)")
    index = site / "search" / "search_index.json"
    raw = index.read_bytes()
    with serve(site) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        page = browser.new_page()
        sizes: dict[str, int] = {}  # Material fetches the index when the page loads
        page.on("response", lambda r: sizes.__setitem__(r.url, len(r.body())) if r.ok else None)
        page.goto(url, wait_until="load")
        started = time.perf_counter()
        page.keyboard.press("/")
        page.wait_for_function(
            "() => !/正在初始化/.test(document.querySelector('.md-search-result__meta').textContent)", timeout=120_000
        )
        ready = time.perf_counter() - started
        first = {u: n for u, n in sizes.items() if "search" in u or "lunr" in u}
        times = query_times(page, QUERIES * 3)
        browser.close()
    total = sum(first.values())
    zipped = total - len(raw) + len(gzip.compress(raw))
    print(
        f"first search downloads: {total / 1e6:.2f} MB raw over {len(first)} files, {zipped / 1e6:.2f} MB "
        f"with the index gzipped as GitHub Pages serves it (index {len(raw) / 1e6:.2f} MB raw)"
    )
    for u, n in sorted(first.items(), key=lambda x: -x[1]):
        print(f"  {n / 1e3:8.1f} kB  {u.split('/', 3)[-1]}")
    print(f"index ready after opening search: {ready * 1000:.0f} ms")
    ms = [t for t, _ in times]
    print(
        f"query to results on screen ({len(ms)} queries): median {statistics.median(ms):.0f} ms, "
        f"max {max(ms):.0f} ms, mean {statistics.mean(ms):.0f} ms"
    )
    print("slowest: " + ", ".join(f"{q} {t:.0f} ms" for t, q in sorted(times, reverse=True)[:5]))
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (times scale with it)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notes", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        measure(build(args.notes, Path(tmp)))


if __name__ == "__main__":
    main()
