#!/usr/bin/env python3
"""Benchmark (not a test): build time of the citation layer against plain MkDocs + Material.

Generates a site of N notes, each citing K keys from a bib of M entries, and builds the same
Markdown three ways in one run: plain Material (citations left as text), with our layer
(dlnotes plugin), and, for reference, with stock mkdocs-bibtex. Prints times and ratios.

    .venv/bin/python scripts/bench_build.py --notes 1000 --keys 5 --entries 1000
"""

from __future__ import annotations

import argparse
import logging
import random
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def generate(root: Path, notes: int, keys: int, entries: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    (root / "docs" / "papers").mkdir(parents=True)
    (root / "bib").mkdir()
    bib = []
    for i in range(entries):
        bib.append(
            f"@article{{key{i:05d},\n  author = {{Author{i}, Ann and Writer, Bob}},\n"
            f"  title = {{A study of attention number {i}}},\n  journal = {{Journal of Benchmarks}},\n"
            f"  year = {{{2000 + i % 25}}},\n  pdf = {{https://example.org/{i}.pdf}}\n}}\n"
        )
    (root / "bib" / "refs.bib").write_text("\n".join(bib), encoding="utf-8")
    (root / "docs" / "index.md").write_text("# 首页\n\n生成的笔记。\n", encoding="utf-8")
    for n in range(notes):
        cited = rng.sample(range(entries), keys)
        paragraphs = [
            f"这篇笔记讨论注意力机制和编码器 {n}。The encoder reads a sentence [@key{cited[0]:05d}] and $h_t$ is its state.",
            "Inline `code [@notacitation]` and a [link](https://example.org) stay as written.",
            *(f"另一段文字 [@key{c:05d}], with more English text about representations." for c in cited[1:]),
        ]
        (root / "docs" / "papers" / f"note{n:05d}.md").write_text(
            f"---\nkey: key{cited[0]:05d}\ndate: 2021-01-{1 + n % 28:02d}\ntags: [注意力]\n---\n\n"
            f"# Note {n}\n\n" + "\n\n".join(paragraphs) + "\n",
            encoding="utf-8",
        )


def site_config(root: Path, variant: str) -> Path:
    from mkdocs.utils.yaml import yaml_load  # resolves !ENV and the !!python tags as MkDocs does

    config = yaml_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config.pop("nav", None)
    config["theme"]["custom_dir"] = str(ROOT / "overrides")  # the site is generated in a temporary folder
    config["strict"] = False
    config["validation"] = {"nav": {"omitted_files": "ignore"}}
    plugins = [p for p in config["plugins"] if not (isinstance(p, dict) and "dlnotes" in p)]
    if variant == "dlnotes":
        plugins.append({"dlnotes": {"bib_dir": "bib"}})
    elif variant == "mkdocs-bibtex":
        plugins.append({"bibtex": {"bib_dir": "bib", "enable_inline_citations": False}})
    config["plugins"] = plugins
    config["extra_javascript"] = []
    config["markdown_extensions"] = [
        e for e in config["markdown_extensions"]
        if not (isinstance(e, dict) and "toc" in e)
    ] + [{"toc": {"permalink": True}}]
    path = root / f"mkdocs-{variant}.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    (root / "config").mkdir(exist_ok=True)
    (root / "config" / "jieba-userdict.txt").write_text((ROOT / "config" / "jieba-userdict.txt").read_text(encoding="utf-8"), encoding="utf-8")
    return path


def build_seconds(config_path: Path, site_dir: Path) -> float:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    start = time.perf_counter()
    config = load_config(str(config_path), site_dir=str(site_dir))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notes", type=int, default=1000)
    parser.add_argument("--keys", type=int, default=5)
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=2, help="builds per variant; the fastest counts")
    parser.add_argument("--no-mkdocs-bibtex", action="store_true", help="skip the stock mkdocs-bibtex reference build")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    variants = ["plain", "dlnotes"] + ([] if args.no_mkdocs_bibtex else ["mkdocs-bibtex"])
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate(root, args.notes, args.keys, args.entries)
        configs = {v: site_config(root, v) for v in variants}
        build_seconds(configs["plain"], root / "warmup")  # imports, jieba's dictionary
        runs: dict[str, list[float]] = {v: [] for v in variants}
        for _ in range(args.rounds):
            for v in variants:  # interleaved, so drift on a busy machine hits all alike
                runs[v].append(build_seconds(configs[v], root / f"site-{v}"))
        times = {v: min(runs[v]) for v in variants}
        print(f"site: {args.notes} notes citing {args.keys} keys each, bib of {args.entries} entries, best of {args.rounds}")
        print("(dlnotes' first run formats every entry; later runs reuse what it kept in .cache/dlnotes/)")
        for v in variants:
            each = ", ".join(f"{t:.2f}" for t in runs[v])
            print(f"  {v:<14} {times[v]:7.2f} s   {times[v] / times['plain']:5.2f}x plain   (runs: {each})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
