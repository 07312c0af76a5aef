"""Sixty-odd real notes with heavy math (Typora, MkDocs, Obsidian styles; tests/fixtures/corpus):
every display equation reaches the page typeset, and the one TeX error their authors made is
reported at its line."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from tests.site_text import article_html
from tests.support.sitebuild import run_mkdocs_build

CORPUS = Path(__file__).parent / "fixtures" / "corpus"
KNOWN = [  # two mistakes of the original authors, each one clear line
    "docs/typora-4-01.md:15: TeX error in '$$ J= \\sum\\limits_{i=1}^N((x_i-\\overline{x})^Tu_1)^2\\\\ s....': Misplaced &",
    "docs/typora-8-00.md:31: image to '/Users/zhihongli/Documents/Course/MachineLearningNotes-master/pic/"
    "image-20241125215543710.png': a path on your computer, which readers do not have: copy the file into docs/ "
    "and link it relative to this note",
]


def test_every_display_equation_of_real_notes_is_typeset(tmp_path: Path) -> None:
    site = tmp_path / "corpus"
    shutil.copytree(CORPUS, site, ignore=shutil.ignore_patterns(".cache"))
    result = run_mkdocs_build(site / "mkdocs.yml", site / "out", strict=False)
    assert result.returncode == 0, result.stderr
    problems = [line.split("-  ", 1)[1] for line in result.stderr.splitlines() if line.startswith("WARNING")]
    assert problems == KNOWN, "\n".join(problems)
    notes = sorted((site / "docs").glob("*.md"))
    assert len(notes) >= 60
    display = errors = 0
    for note in notes:
        page = site / "out" / note.stem / "index.html"
        body = article_html(page)
        display += len(re.findall(r'<mjx-container class="MathJax" jax="SVG" display="true"', body))
        errors += body.count('class="math-error"')
        # Code keeps its dollars; a formula MathJax could not read is shown as written (reported above).
        prose = re.sub(r"<(pre|code)\b.*?</\1>|<span class=\"math-error\"[^>]*>.*?</span>", "", body, flags=re.DOTALL)
        text = re.sub(r"<[^>]+>", "", prose)
        assert "$$" not in text and "\\begin{" not in text, f"raw display math left on {note.name}"
    assert errors == 1  # the TeX error, shown as written
    assert display == 277, f"{display} display equations typeset, expected 277"
