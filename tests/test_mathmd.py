"""The math parse, case by case: what is math, in every container, and what stays text.

tests/fixtures/math/cases.md holds the cases (title, Markdown, expected HTML, separated by lines
of a single "."; the format of markdown-it-py's and mdit-py-plugins' fixture files). Formulas
are left in arithmatex's `\\(...\\)` form (typeset=False) so the expected HTML shows the parse;
typesetting is tested in test_math_site.py. Problems are appended as HTML comments.
Regenerate after a deliberate change: `python -m tests.test_mathmd` (then read the diff).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from markdown_it.utils import read_fixture_file

from dlnotes import mathmd
from tests.support.sitemarkdown import site_markdown

CASES = Path(__file__).parent / "fixtures" / "math" / "cases.md"


def render(text: str) -> str:
    md = site_markdown()  # the site's extensions, math among them (dlnotes.mathmd, typeset=False)
    mathmd.begin_page("note.md")
    html = md.convert(text)
    problems = mathmd.end_page()
    return html + "".join(f"\n<!-- {p} -->" for p in problems) + "\n"


@pytest.mark.parametrize(
    "line,title,text,expected", read_fixture_file(CASES), ids=lambda v: v if isinstance(v, str) and "\n" not in v else None
)
def test_case(line: int, title: str, text: str, expected: str) -> None:
    assert render(text) == expected, f"{CASES.name}:{line}: {title}"


def regenerate(inputs: Path) -> None:
    """Write CASES from a file of title/Markdown pairs, with today's output."""
    out = []
    for _line, title, text, *_ in read_fixture_file_pairs(inputs):
        out.append(f"{title}\n.\n{text}.\n{render(text)}.\n")
    CASES.write_text("\n".join(out), encoding="utf-8")


def read_fixture_file_pairs(path: Path) -> list[tuple[int, str, str]]:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    cases, section, start = [], 0, 0
    for i, line in enumerate(lines):
        if line.rstrip() == ".":
            if section == 0:
                cases.append([i, lines[i - 1].strip()])
                section = 1
            else:
                cases[-1].append("".join(lines[start + 1 : i]))
                section = 0
            start = i
    return [tuple(c) for c in cases]  # type: ignore[misc]


if __name__ == "__main__":
    if len(sys.argv) > 1:  # a file of inputs only
        regenerate(Path(sys.argv[1]))
    else:
        cases = read_fixture_file(CASES)
        pairs = Path("/tmp/math-cases-inputs.md")
        pairs.write_text("".join(f"{t}\n.\n{x}.\n" for _, t, x, _e in cases), encoding="utf-8")
        regenerate(pairs)
