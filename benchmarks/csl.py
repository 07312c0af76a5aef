"""Formatting 1000 real entries with CSL: dlnotes (citeproc-js in node) against citeproc-py.

Entries: the first 1000 of the IRIDIA bib (tests/fixtures/bib/iridia), as CSL-JSON made by
dlnotes.csljson. For each style: a first build (no disk cache: node starts, every entry is
formatted) and a next build (everything from the disk cache), then citeproc-py on the same
CSL-JSON when it is installed (`pip install citeproc-py`, only for this comparison), with how
many of its texts equal citeproc-js' (tags and whitespace ignored). Wall and CPU seconds (CPU
includes node's). One run; figures side by side.

    .venv/bin/python benchmarks/csl.py [--entries 1000] [--styles apa,ieee]
"""

from __future__ import annotations

import argparse
import html
import os
import re
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

from dlnotes.bibliography import load_bibliography
from dlnotes.csl import STYLES, CslFormatter, Engine, format_store, load_style

ROOT = Path(__file__).resolve().parents[1]
NUMBER = re.compile(r"^\[\d+\]\s*")


def cpu() -> float:
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def plain(text: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", text))).strip()


def citeproc_py(style: str, items: list[dict[str, Any]]) -> tuple[float, list[str]] | None:
    try:
        from citeproc import (
            Citation,
            CitationItem,
            CitationStylesBibliography,
            CitationStylesStyle,
            formatter,
        )
        from citeproc.source.json import CiteProcJSON
    except ImportError:
        return None
    start = time.perf_counter()
    source = CiteProcJSON([{k: v for k, v in item.items() if k != "language"} | {"id": item["id"].lower()} for item in items])
    bibliography = CitationStylesBibliography(
        CitationStylesStyle(str(STYLES / f"{style}.csl"), validate=False), source, formatter.html
    )
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"].lower())]))
    texts = [str(entry) for entry in bibliography.bibliography()]
    return time.perf_counter() - start, texts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--styles", default="china-national-standard-gb-t-7714-2015-numeric,apa,ieee,chicago-author-date")
    args = parser.parse_args()
    bib = load_bibliography([ROOT / "tests/fixtures/bib/iridia"], ROOT)
    keys = [k for k, e in bib.entries.items() if e.type not in ("proceedings", "book")][: args.entries]
    print(f"{len(keys)} entries, {os.cpu_count()} CPUs")
    print(f"{'style':48} {'first wall':>10} {'first cpu':>9} {'next wall':>9} {'citeproc-py':>11} {'py==js':>7}")
    for style in args.styles.split(","):
        with tempfile.TemporaryDirectory() as folder:
            store_path = Path(folder) / "csl.pickle"
            engine = Engine()
            wall, c0 = time.perf_counter(), cpu()
            first = CslFormatter(bib, load_style(style), engine=engine, store=format_store(store_path))
            texts = dict(first.references(keys))
            engine.close()
            first_wall, first_cpu = time.perf_counter() - wall, cpu() - c0
            first.store.save()  # type: ignore[union-attr]
            wall = time.perf_counter()
            again = CslFormatter(bib, load_style(style), engine=Engine(), store=format_store(store_path))
            again.references(keys)
            next_wall = time.perf_counter() - wall
        try:
            py = citeproc_py(style, [first.item(k) for k in keys])
        except Exception as err:  # noqa: BLE001 — the comparison reports how citeproc-py fails, whatever it raises
            py_col, same = "crashed", type(err).__name__
        else:
            if py is None:
                py_col, same = "not installed", ""
            else:
                by_text = {plain(t) for t in texts.values()}
                # citeproc-py writes a numeric style's number into the text: not compared.
                equal = sum(NUMBER.sub("", plain(t)) in by_text for t in py[1])
                py_col, same = f"{py[0]:.2f} s", f"{equal}/{len(keys)}"
        print(f"{style:48} {first_wall:8.2f} s {first_cpu:7.2f} s {next_wall:7.2f} s {py_col:>11} {same:>7}")


if __name__ == "__main__":
    main()
