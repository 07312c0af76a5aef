"""The stored expectations of tests/test_csl.py: 60 real entries in each tested style.

Entries: the first 50 keys (sorted) of the site's bib as copied into tests/fixtures/bib/site,
the Chinese works of tests/fixtures/bib/chinese, and four of biblatex-examples.bib. The text
is citeproc-js' (the formatter runs it); this file stores it so that a change of mapping, style,
locale or citeproc-js version shows up as a reviewed diff. Refresh after such a change with

    .venv/bin/python tests/csl_golden.py
"""

from __future__ import annotations

import json
from pathlib import Path

from dlnotes.bibliography import Bibliography, load_bibliography

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
GOLDEN = FIXTURES / "csl"
STYLES = ["china-national-standard-gb-t-7714-2015-numeric", "apa", "ieee", "chicago-author-date"]
BIBLATEX = ["kastenholz", "ctan", "geer", "knuth:ct:a"]


def golden_bib() -> tuple[Bibliography, list[str]]:
    bib = load_bibliography([FIXTURES / "bib" / "site", FIXTURES / "bib" / "chinese", FIXTURES / "bib" / "biblatex"], FIXTURES)
    site = sorted(k for k, e in bib.entries.items() if e.file.startswith("bib/site/"))[:50]
    chinese = [k for k, e in bib.entries.items() if e.file.startswith("bib/chinese/")]
    return bib, site + chinese + BIBLATEX


def main() -> None:
    from dlnotes.csl import CslFormatter

    bib, keys = golden_bib()
    GOLDEN.mkdir(exist_ok=True)
    for style in STYLES:
        formatter = CslFormatter(bib, style)
        texts = dict(formatter.references(keys))
        (GOLDEN / f"{style}.json").write_text(json.dumps(texts, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(style, len(texts))


if __name__ == "__main__":
    main()
