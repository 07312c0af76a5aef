"""Build time: our site against plain MkDocs + Material, on generated sites of growing size.

    python -m benchmarks.build [--sizes 10,133,1000] [--rounds 3] [--cites 3] [--variants plain,plain+tags,ours]

For each size, a synthetic site (benchmarks/common/sites.py) is built with `mkdocs build --strict`
in a fresh process per build, every variant once per round: the reference `plain` (Material
without our plugin or the tags plugin, citations left as text), `plain+tags`, and `ours` (the
project's mkdocs.yml; `mkdocs-bibtex`, stock mkdocs-bibtex, on request). Figures are CPU seconds.
Round 1 is a first build (our .cache/dlnotes/ empty: every bib file parsed, every entry
formatted); the later rounds are what every next build costs. Then a summary per size, and
whether the time per note grows from 133 to 1000 notes (it must not: linear or better).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from benchmarks.common.sites import VARIANTS, Site, SiteSpec, generate
from benchmarks.common.timing import compare, cpu_seconds
from tests.support.sitebuild import run_mkdocs_build


def build(site: Site, variant: str, out: Path) -> None:
    result = run_mkdocs_build(site.config(variant), out, strict=variant != "mkdocs-bibtex")
    if result.returncode:
        sys.exit(f"benchmarks.build: the {variant} build of {site.root} failed:\n{result.stderr[-3000:]}")


def _measure(site: Site, variant: str, out: Path) -> Callable[[], float]:
    return lambda: cpu_seconds(lambda: build(site, variant, out))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dlnotes bench build", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10,133,1000", help="numbers of generated notes (default: 10,133,1000)")
    parser.add_argument("--rounds", type=int, default=3, help="builds per variant; round 1 is a first build (default: 3)")
    parser.add_argument("--cites", type=int, default=3, help="citations per note besides its own paper (default: 3)")
    parser.add_argument("--entries", type=int, help="bib entries (default: one per note)")
    parser.add_argument(
        "--variants", default="plain,plain+tags,ours", help=f"of {', '.join(VARIANTS)}; the first is the reference"
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated sites")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    variants = [v for v in args.variants.split(",") if v]
    if unknown := set(variants) - set(VARIANTS):
        parser.error(f"unknown variants: {', '.join(sorted(unknown))}")
    print(f"benchmarks.build: Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; CPU seconds per build")
    work = Path(tempfile.mkdtemp(prefix="bench-build-"))
    summary: dict[int, tuple[dict[str, float], float, float]] = {}
    try:
        for n in sizes:
            site = generate(work / f"site{n}", SiteSpec(notes=n, entries=args.entries, cites=args.cites))
            measures = {v: _measure(site, v, work / f"out{n}-{v}") for v in variants}
            title = f"{n} notes, {args.cites + 1} citations each, {args.entries or n} entries: `mkdocs build --strict`, CPU s"
            rounds = compare(title, measures, reference=variants[0], rounds=args.rounds, cold_first=True)
            warm = rounds[1:] or rounds
            best = {v: min(r[v] for r in warm) for v in variants}
            ratio = statistics.median(r[variants[-1]] / r[variants[0]] for r in warm)
            page = work / f"out{n}-{variants[-1]}" / site.page(site.notes[0]) / "index.html"
            summary[n] = (best, ratio, page.stat().st_size / 1024)
        ours, ref = variants[-1], variants[0]
        print(f"\nSummary (next builds, best of rounds 2-{args.rounds}; ratio: median of the rounds' {ours}/{ref})")
        print(f"{'notes':>6} {ref + ' s':>10} {ours + ' s':>10} {'ratio':>6}", end="")
        print(f" {ref + ' ms/note':>16} {ours + ' ms/note':>16} {'note HTML':>10}")
        for n, (best, ratio, kb) in summary.items():
            print(f"{n:>6} {best[ref]:>10.2f} {best[ours]:>10.2f} {ratio:>6.2f}", end="")
            print(f" {1000 * best[ref] / n:>16.1f} {1000 * best[ours] / n:>16.1f} {kb:>7.0f} KB")
        if 133 in summary and 1000 in summary:
            for v in (ref, ours):
                small, large = summary[133][0][v] / 133, summary[1000][0][v] / 1000
                verdict = "linear or better" if large / small <= 1.05 else "WORSE THAN LINEAR"
                per_note = f"{1000 * small:.1f} -> {1000 * large:.1f} ms ({large / small:.2f}, {verdict})"
                print(f"per-note time 133 -> 1000 notes, {v}: {per_note}")
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
