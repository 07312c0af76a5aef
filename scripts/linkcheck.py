#!/usr/bin/env python3
"""Check the links of docs/ and bib/: `python scripts/linkcheck.py --help` (issue 4)."""

import sys
from pathlib import Path

# Works from a fresh checkout too, before `pip install -e .`.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from dlnotes.linkcheck.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
