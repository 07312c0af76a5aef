"""Loading a bib split over several files: dlnotes' loader against pybtex parsing the same files.

The input is the IRIDIA group's bibliography (tests/fixtures/bib/iridia: 3305 entries, @string
macros in abbrev.bib, authors.bib and journals.bib used by articles.bib, biblio.bib and crossref.bib).
pybtex is given the files in the order their macros need (abbrev first); dlnotes reads the folder
whatever the order. Prints CPU seconds of each (best of --runs), and the ratio, from one run.

    .venv/bin/python benchmarks/bib.py [--runs 3] [--folder tests/fixtures/bib/iridia]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from pybtex.database import BibliographyData
from pybtex.database.input.bibtex import Parser

from dlnotes.bibliography import Bibliography, load_bibliography

ROOT = Path(__file__).resolve().parents[1]
ORDER = ["abbrev", "authors", "journals", "articles", "biblio", "crossref"]

T = TypeVar("T")


def best(runs: int, work: Callable[[], T]) -> tuple[float, T]:
    """The least CPU time of `runs` calls (at least one) and the last call's result."""
    start = time.process_time()
    result = work()
    times = [time.process_time() - start]
    for _ in range(runs - 1):
        start = time.process_time()
        result = work()
        times.append(time.process_time() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--folder", type=Path, default=ROOT / "tests/fixtures/bib/iridia")
    args = parser.parse_args()
    files = sorted(args.folder.glob("*.bib"), key=lambda p: (ORDER.index(p.stem) if p.stem in ORDER else len(ORDER), p.name))

    def pybtex_parse() -> BibliographyData:
        return Parser().parse_files([str(p) for p in files])

    def ours() -> Bibliography:
        return load_bibliography([args.folder], ROOT)

    t_pybtex, data = best(args.runs, pybtex_parse)
    t_ours, bib = best(args.runs, ours)
    print(
        f"files: {len(files)}, pybtex entries: {len(data.entries)}, "
        f"dlnotes entries: {len(bib.entries)}, problems: {len(bib.problems)}"
    )
    print(f"pybtex  parse_files   {t_pybtex:6.3f} s CPU (best of {args.runs})")
    print(f"dlnotes load          {t_ours:6.3f} s CPU (best of {args.runs}, no disk cache)")
    print(f"ratio dlnotes/pybtex  {t_ours / t_pybtex:6.2f} (target <= 1.0)")


if __name__ == "__main__":
    main()
