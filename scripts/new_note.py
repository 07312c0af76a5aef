#!/usr/bin/env python3
"""Start a note for a BibTeX or roadmap key (`make note KEY=...`).

    python scripts/new_note.py KEY [--section attention|papers|...] [--root DIR]

Creates docs/<section>/<key>.md with its front matter filled from the bib entry and adds it to
the nav of mkdocs.yml. The rules are in src/dlnotes/newnote.py.
Exit codes: 0 created; 1 refused (unknown key, note exists, no place in the nav).
Errors are one line on stderr, never a traceback: this is run by hand.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dlnotes.newnote import NewNoteError, create_note

REPO = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Start a note for a BibTeX or roadmap key.")
    parser.add_argument("key")
    parser.add_argument("--section", help="folder under docs/ (default: attention if the title mentions attention, else papers)")
    parser.add_argument("--root", type=Path, default=REPO, help="the project folder (default: this repository)")
    args = parser.parse_args(argv)
    try:
        made = create_note(args.root, args.key, args.section)
    except NewNoteError as err:
        print(f"new_note: {err}", file=sys.stderr)
        return 1
    where = made.path.relative_to(args.root.resolve()) if made.path.is_relative_to(args.root.resolve()) else made.path
    print(f"created {where.as_posix()}" + (" and added it to the nav in mkdocs.yml" if made.nav_added else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
