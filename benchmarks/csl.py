"""Formatting 1000 real entries with CSL: dlnotes (citeproc-js in node) against citeproc-py.

Entries: the first 1000 of the IRIDIA bib (tests/fixtures/bib/iridia), as CSL-JSON made by
dlnotes.csljson. For each style: a first build (no disk cache: node starts, every entry is
formatted) and a next build (everything from the disk cache), then citeproc-py on the same
CSL-JSON when it is installed (`pip install citeproc-py`, only for this comparison), with how
many of its texts equal citeproc-js' (tags and whitespace ignored). Wall and CPU seconds (CPU
includes node's). One run; figures side by side.

Where a first build's CPU goes: Python (bib entries to CSL-JSON, the HTML finishing), node's
start (node, citeproc-js, the locales), the style's engine construction, citeproc-js'
`updateItems` (registry, sort keys, disambiguation) and `makeBibliography` (node's CPU read
from /proc per request). "published" is the same first build with citeproc-js as published
(without dlnotes' exact speed-ups, `csl/speedups.js`, in node with its default flags and without
the code cache of `csl/codecache.js`), and whether its texts are identical. The code cache is
made by the first process that formats (any build, test or run of this benchmark), as Python's
.pyc files are: the last line says whether the first builds measured used it.

    .venv/bin/python benchmarks/csl.py [--entries 1000] [--styles apa,ieee] [--rounds 3] [--no-citeproc-py]
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

from dlnotes import latex
from dlnotes.bibliography import load_bibliography
from dlnotes.csl import NODE_FLAGS, STYLES, CslFormatter, Engine, format_store, load_style

ROOT = Path(__file__).resolve().parents[1]
BIB = "tests/fixtures/bib/iridia"
NUMBER = re.compile(r"^\[\d+\]\s*")


def cpu() -> float:
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def own_cpu() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    return me.ru_utime + me.ru_stime


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


class TimedEngine(Engine):
    """An Engine that asks node for the CPU time of the style's construction and of a
    bibliography request's updateItems and makeBibliography, and reads node's whole CPU time
    (Linux /proc) before it stops: the rest is node's start (node, citeproc-js, locales, items)."""

    def __init__(self, speedups: bool = True) -> None:
        super().__init__(speedups)
        self.cpu: dict[str, float] = {}

    def _node_cpu(self) -> float:
        if self._proc is None:
            return 0.0
        fields = Path(f"/proc/{self._proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def _send(self, message: dict[str, Any]) -> None:
        if message["op"] in ("bibliography", "style"):
            message = {**message, "timing": True}
        super()._send(message)

    def _answer(self, line: str) -> dict[str, Any]:
        answer = super()._answer(line)
        for phase, ms in answer.get("cpu_ms", {}).items():
            self.cpu[phase] = self.cpu.get(phase, 0.0) + ms / 1000
        return answer

    def phases(self) -> dict[str, float]:
        """CPU seconds of node by phase (read before `close`)."""
        return {**self.cpu, "start": self._node_cpu() - sum(self.cpu.values())}


Run = tuple[float, float, dict[str, float], dict[str, str]]
CODE_CACHE: set[str] = set()  # how the first builds' node loaded citeproc-js (csl/codecache.js)


def first_build(style: str, keys: list[str], speedups: bool) -> Run:
    """A first build's wall and CPU seconds, its CPU by phase and its texts (no disk cache; the
    bib freshly loaded and the LaTeX conversion's memo emptied, as in a new process)."""
    bib = load_bibliography([ROOT / BIB], ROOT)
    latex.to_csl.cache_clear()
    with tempfile.TemporaryDirectory() as folder:
        engine = TimedEngine(speedups)
        wall, c0, py0 = time.perf_counter(), cpu(), own_cpu()
        formatter = CslFormatter(bib, load_style(style), engine=engine, store=format_store(Path(folder) / "csl.pickle"))
        texts = dict(formatter.references(keys))
        phases = {"python": own_cpu() - py0, **engine.phases()}
        wall = time.perf_counter() - wall
        if speedups:
            CODE_CACHE.add(engine.code_cache_state())
        engine.close()  # node's CPU is counted once it has ended
        return wall, cpu() - c0, phases, texts


def least(runs: list[Run]) -> Run:
    """The least wall, CPU and phase figures of several runs (the texts of the first): on a
    shared machine, the least is the closest to the work itself."""
    phases = {name: min(run[2].get(name, 0.0) for run in runs) for name in runs[0][2]}
    return min(run[0] for run in runs), min(run[1] for run in runs), phases, runs[0][3]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--styles", default="china-national-standard-gb-t-7714-2015-numeric,apa,ieee,chicago-author-date")
    parser.add_argument("--rounds", type=int, default=1, help="first builds of each kind, alternated; the least of each figure")
    parser.add_argument("--no-citeproc-py", action="store_true", help="leave the citeproc-py comparison out")
    args = parser.parse_args()
    bib = load_bibliography([ROOT / BIB], ROOT)
    keys = [k for k, e in bib.entries.items() if e.type not in ("proceedings", "book")][: args.entries]
    print(f"{len(keys)} entries, {os.cpu_count()} CPUs; CPU seconds include node's")
    print(
        f"{'style':22} {'first wall':>10} {'first cpu':>9} | {'python':>6} {'node':>5} {'engine':>6} {'update':>6} {'make':>5}"
        f" | {'published cpu':>13} {'engine':>6} {'same':>9} | {'next wall':>9} {'citeproc-py':>11} {'py==js':>8}"
    )
    for style in args.styles.split(","):
        runs = [(first_build(style, keys, True), first_build(style, keys, False)) for _ in range(max(1, args.rounds))]
        first_wall, first_cpu, phases, texts = least([ours for ours, _ in runs])
        _, published_cpu, published_phases, published_texts = least([published for _, published in runs])
        identical = sum(published_texts.get(k) == t for k, t in texts.items())
        same_order = list(published_texts) == list(texts)
        with tempfile.TemporaryDirectory() as folder:
            store_path = Path(folder) / "csl.pickle"
            warm = CslFormatter(bib, load_style(style), engine=Engine(), store=format_store(store_path))
            warm.references(keys)
            warm.store.save()  # type: ignore[union-attr]
            warm.engine.close()
            wall = time.perf_counter()
            again = CslFormatter(bib, load_style(style), engine=Engine(), store=format_store(store_path))
            again.references(keys)
            next_wall = time.perf_counter() - wall
        try:
            py = None if args.no_citeproc_py else citeproc_py(style, [warm.item(k) for k in keys])
        except Exception as err:  # noqa: BLE001 — the comparison reports how citeproc-py fails, whatever it raises
            py_col, same = "crashed", type(err).__name__
        else:
            if py is None:
                py_col, same = "not run" if args.no_citeproc_py else "not installed", ""
            else:
                by_text = {plain(t) for t in texts.values()}
                # citeproc-py writes a numeric style's number into the text: not compared.
                equal = sum(NUMBER.sub("", plain(t)) in by_text for t in py[1])
                py_col, same = f"{py[0]:.2f} s", f"{equal}/{len(keys)}"
        p = phases
        print(
            f"{style[:22]:22} {first_wall:8.2f} s {first_cpu:7.2f} s | {p['python']:6.2f} {p.get('start', 0):5.2f}"
            f" {p.get('style', 0):6.2f} {p.get('update', 0):6.2f} {p.get('make', 0):5.2f}"
            f" | {published_cpu:11.2f} s {published_phases.get('style', 0):6.2f}"
            f" {identical:>4}/{len(texts)}{'' if same_order else '*'}"
            f" | {next_wall:7.2f} s {py_col:>11} {same:>8}"
        )
    print("same: texts identical to citeproc-js as published (* order differs); python/node/engine/update/make: CPU s")
    cache = " / ".join(sorted(CODE_CACHE))
    print(f"ours: node {' '.join(NODE_FLAGS)}, citeproc-js' code cache {cache}; published: node's defaults, no cache")


if __name__ == "__main__":
    main()
