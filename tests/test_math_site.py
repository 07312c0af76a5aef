"""Math typeset while a site builds: a fixture site with math in every context Markdown has.

Built with the real mkdocs command (strict), as `make build` does.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.site_text import article_html, article_text
from tests.support.sitebuild import run_mkdocs_build

SITE = Path(__file__).parent / "fixtures" / "mathsite"
DISPLAY = 10  # display equations in docs/index.md
INLINE = 8  # inline formulas
TYPESET = re.compile(
    r'<(span|div) class="arithmatex( arithmatex-display)?"><mjx-container class="MathJax" jax="SVG"( display="true")?'
)


def build(tmp_path: Path, name: str = "site") -> tuple[Path, str]:
    site = tmp_path / name
    if not site.exists():
        shutil.copytree(SITE, site)
    result = run_mkdocs_build(site / "mkdocs.yml", site / "out")
    assert result.returncode == 0, result.stderr
    return site, result.stderr


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    tmp = tmp_path_factory.mktemp("mathsite")
    site, first = build(tmp)
    _, second = build(tmp)
    return site, first, second


def test_every_formula_is_typeset_in_every_context(built: tuple[Path, str, str]) -> None:
    site, _, _ = built
    body = article_html(site / "out" / "index.html")
    found = [m.group(3) is not None for m in TYPESET.finditer(body)]
    assert found.count(True) == DISPLAY, "display equations typeset"
    assert found.count(False) == INLINE, "inline formulas typeset"
    assert "math-error" not in body
    text = article_text(site / "out" / "index.html")
    prose = re.sub(r"<(pre|code)\b.*?</\1>", "", body, flags=re.DOTALL)
    assert not re.search(r"\$\$|\\\(|\\\[|\\begin\{", re.sub(r"<[^>]+>", "", prose)), "raw TeX left"
    assert "Money: $5 and $10." in text, "dollar amounts are text"
    assert "<code>$x$</code>" in body and "$$ not math $$" in body, "code keeps its dollars"
    assert "<em>" not in body, "nothing inside math became emphasis"
    second = article_html(site / "out" / "second" / "index.html")
    assert len(TYPESET.findall(second)) == 2 and "mjx-glyphs" in second, "the second page lost its math"


def test_math_is_accessible_static_and_not_a_tab_stop(built: tuple[Path, str, str]) -> None:
    site, _, _ = built
    page = (site / "out" / "index.html").read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]*mathjax", page, re.IGNORECASE), "a MathJax script on the page"
    assert not (site / "out" / "assets" / "mathjax").exists()
    containers = page.count("<mjx-container")
    assert page.count("<mjx-assistive-mml") == containers == DISPLAY + INLINE
    assert "tabindex" not in page.split("<article", 1)[1].split("</article>", 1)[0]
    # Glyphs are drawn in currentColor (light and dark scheme alike), each defined once on the page.
    assert 'fill="currentColor"' in page
    ids = re.findall(r'<path id="(MJX-[^"]+)"', page)
    assert ids and len(ids) == len(set(ids))
    assert all(f'href="#{i}"' in page for i in ids)


def test_the_next_build_typesets_nothing_again(built: tuple[Path, str, str]) -> None:
    _, first, second = built
    assert re.search(r"math: [1-9]\d* formula\(s\) typeset", first), first
    assert re.search(r"math: 0 formula\(s\) typeset, [1-9]\d* from the cache", second), second


def test_an_edit_typesets_only_the_changed_formula(tmp_path: Path) -> None:
    site, _ = build(tmp_path)
    note = site / "docs" / "index.md"
    note.write_text(note.read_text(encoding="utf-8").replace("y = W x + b", "y = W x + c"), encoding="utf-8")
    _, log = build(tmp_path)
    assert re.search(r"math: 1 formula\(s\) typeset, [1-9]\d* from the cache", log), log


@pytest.mark.parametrize(
    "tex,message",
    [
        (r"\foo{x}", r"Undefined control sequence \\foo"),
        (r"\frac{a}{b", r"Missing close brace|Extra open brace or missing close brace"),
    ],
)
def test_a_tex_error_names_its_line_fails_strict_and_shows_the_source(tmp_path: Path, tex: str, message: str) -> None:
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    note = site / "docs" / "index.md"
    note.write_text(note.read_text(encoding="utf-8") + f"\nBroken:\n$$\n{tex}\n$$\n", encoding="utf-8")
    line = note.read_text(encoding="utf-8").count("\n") - 2  # the opening $$
    result = run_mkdocs_build(site / "mkdocs.yml", site / "out")
    assert result.returncode != 0, "strict build passed with a TeX error"
    assert re.search(rf"docs/index\.md:{line}: TeX error in '\$\$ {re.escape(tex)} \$\$': ({message})", result.stderr), (
        result.stderr
    )
    assert "Traceback" not in result.stderr
    lax = run_mkdocs_build(site / "mkdocs.yml", site / "lax", strict=False)
    assert lax.returncode == 0
    body = article_html(site / "lax" / "index.html")
    error = re.search(r'<span class="math-error" title="[^"]+">(.*?)</span>', body, re.DOTALL)
    assert error and tex.replace("<", "&lt;") in error.group(1), "the formula's source is not shown in place"


def test_unclosed_math_names_the_opening_delimiter(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    note = site / "docs" / "index.md"
    text = note.read_text(encoding="utf-8")
    note.write_text(text.replace("and goes on, with inline $x_t$", "and goes on, with inline $x_t"), encoding="utf-8")
    line = text[: text.index("and goes on")].count("\n") + 1
    result = run_mkdocs_build(site / "mkdocs.yml", site / "out")
    assert result.returncode != 0
    problems = [row for row in result.stderr.splitlines() if row.startswith("WARNING")]
    assert len(problems) == 1 and f"docs/index.md:{line}: unclosed math '$'" in problems[0], result.stderr
