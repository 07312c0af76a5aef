"""What a page's math is, shared by the extension that finds it (dlnotes.mathmd) and the
typesetter (dlnotes.mathtex): a formula as the page wrote it, and what one page's conversion
found.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .problems import Problem


@dataclass
class Formula:
    tex: str
    display: bool
    source: str  # as written, delimiters included (shown when it cannot be typeset)
    line: int | None  # 1-based, in the Markdown given to convert()


@dataclass
class MathPage:
    """What one page's conversion found; read by the site layer through end_page()."""

    file: str = "<markdown>"
    line_offset: int = 0
    formulas: list[Formula] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Set by begin_page(): typeset math waits in `typeset` (marker number -> HTML) and `glyphs`
    # until place_math() puts it in the page, after the site's search has indexed the lighter
    # markers (SVG is most of a page's tags: parsing it for search was most of its build cost).
    deferred: bool = False
    typeset: dict[int, str] = field(default_factory=dict)
    glyphs: dict[str, str] = field(default_factory=dict)

    def problem(self, line: int | None, message: str) -> None:
        found = Problem(self.file, line + self.line_offset if line else None, message)
        if found not in self.problems:
            self.problems.append(found)
