#!/usr/bin/env python3
"""Import the reading roadmap: papers.json -> bib/roadmap.bib + bib/roadmap.yaml.

    python scripts/import_roadmap.py [papers.json] [--out-dir bib] [--force]

Exit codes: 0 written, 1 an output exists (give --force), 2 missing or bad input.
Errors are one line on stderr, never a traceback: this is run by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from dlnotes.roadmap import clean, to_bibtex, to_yaml

REPO = Path(__file__).resolve().parents[1]
DEFAULT_INPUT = REPO / ".." / "shared" / "roadmap" / "papers.json"


def _fail(code: int, message: str) -> int:
    print(f"import_roadmap: {message}", file=sys.stderr)
    return code


def _write(path: Path, text: str) -> None:
    # Temp file + rename: an interrupted run never leaves half a bib behind.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("papers", nargs="?", type=Path, default=DEFAULT_INPUT,
                        help="papers.json (default: ../shared/roadmap/papers.json from the repo root)")
    parser.add_argument("--out-dir", type=Path, default=REPO / "bib",
                        help="where roadmap.bib and roadmap.yaml go (default: bib/)")
    parser.add_argument("--force", action="store_true", help="overwrite existing outputs")
    args = parser.parse_args(argv)

    try:
        raw = json.loads(args.papers.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return _fail(2, f"no such file: {args.papers}")
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        return _fail(2, f"cannot read {args.papers}: {err}")
    if not isinstance(raw, list):
        return _fail(2, f"{args.papers}: expected a JSON list of papers")
    try:
        roadmap = clean(raw)
        outputs = {"roadmap.bib": to_bibtex(roadmap), "roadmap.yaml": to_yaml(roadmap)}
    except (ValueError, TypeError) as err:
        return _fail(2, f"{args.papers}: {err}")

    targets = {args.out_dir / name: text for name, text in outputs.items()}
    existing = [str(path) for path in targets if path.exists()]
    if existing and not args.force:  # checked before writing anything: all or nothing
        verb = "exists" if len(existing) == 1 else "exist"
        return _fail(1, f"{' and '.join(existing)} already {verb}; use --force to overwrite")
    try:
        args.out_dir.mkdir(parents=True, exist_ok=True)
        for path, text in targets.items():
            _write(path, text)
    except OSError as err:
        return _fail(2, f"cannot write to {args.out_dir}: {err}")

    sections = len(roadmap.sections)
    print(f"wrote {', '.join(str(p) for p in targets)}: {len(roadmap.papers)} papers in {sections} sections")
    return 0


if __name__ == "__main__":
    sys.exit(main())
