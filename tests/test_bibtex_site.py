"""A site set up for mkdocs-bibtex, switched to dlnotes by renaming the plugin, reads as its
configuration says: built whole (`mkdocs build --strict`) and checked as a reader sees it.

The fixture (tests/fixtures/bibtexsite) uses the keys of mkdocs-bibtex's README: `bib_file`, a
site's own `csl_file` (a small author-date style whose references write family names in capitals),
`cite_inline`, `footnote_format`, `bib_by_default`, and the `\\bibliography` and
`\\full_bibliography` commands. Variants of its mkdocs.yml (`bib_dir`, `cite_inline: false`,
`bib_by_default: false`, APA's CSL file) are written into a copy.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from dlnotes.csl import STYLES
from tests.support.pagetext import footnote_links as links
from tests.support.pagetext import paragraph, text
from tests.support.sitebuild import run_mkdocs_build

FIXTURE = Path(__file__).parent / "fixtures" / "bibtexsite"
_BUILD_DATE = re.compile(rb"Build Date UTC : [^\n]*")


def build(tmp_path: Path, replace: dict[str, str] | None = None) -> Path:
    """A copy of the fixture built with mkdocs (strict); `replace`: edits of its mkdocs.yml."""
    root = tmp_path / "src"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns(".cache"))
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    for old, new in (replace or {}).items():
        assert old in text, old
        text = text.replace(old, new)
    config.write_text(text, encoding="utf-8")
    out = tmp_path / "site"
    result = run_mkdocs_build(config, out)
    assert result.returncode == 0, result.stderr[-3000:]
    # MkDocs' own anchor check (on by default, as here) knows the reference lists placed later.
    assert "there is no such anchor" not in result.stderr, result.stderr[-3000:]
    return out


def main(site: Path, page: str) -> str:
    """The page's content (the theme's main column)."""
    path = site / (f"{page}/index.html" if page != "index" else "index.html")
    found = re.search(r'role="main">(.*?)<footer', path.read_text(encoding="utf-8"), re.S)
    assert found, page
    return found.group(1)


def footnotes(html: str) -> dict[str, str]:
    """id -> text of each entry of the page's reference list."""
    return {
        i: text(re.sub(r'<a class="footnote-backref".*?</a>', "", t))
        for i, t in re.findall(r'<li id="([^"]+)">(.*?)</li>', html, re.S)
    }


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("bibtexsite"))


DOE = "DOE, John. 2010. A Book of Methods. Test Press."
SMITH14 = "SMITH, Jane & ROE, Richard. 2014. Learning one thing. Journal of Tests."
SMITH15 = "SMITH, Jane & ROE, Richard. 2015. Learning two things. Journal of Tests."
KIM = "KIM, Min. 2020. Never cited on a page. Proceedings of Tests."


def test_citations_read_in_the_configured_csl_style_and_link_to_their_references(site: Path) -> None:
    page = main(site, "index")
    group = paragraph(page, "Two works")
    # cite_inline: the site's CSL file writes the group (sorted, the same authors' years collapsed).
    assert text(group) == "Two works of the same authors and a book (Doe 2010; Smith & Roe 2014, 2015)."
    # footnote_format "ref{number}": the footnotes are fn:ref1..., numbered in the list's order;
    # each part of the group leads to its own reference.
    assert links(group) == [("fn:ref1", "Doe 2010"), ("fn:ref2", "Smith & Roe 2014"), ("fn:ref3", "2015")]
    assert text(paragraph(page, "Doe")) == "Doe (2010) describes the method."
    assert links(paragraph(page, "Doe")) == [("fn:ref1", "Doe (2010)")]
    # bib_by_default: the page's references at its end, as the CSL file writes them.
    assert footnotes(page) == {"fn:ref1": DOE, "fn:ref2": SMITH14, "fn:ref3": SMITH15}
    assert page.rindex('<li id="fn:ref3">') > page.rindex("describes the method")
    for target, _ in links(page):
        assert f'id="{target}"' in page, target


def test_a_next_build_takes_the_compiled_theme_and_compiles_a_damaged_copy_again(site: Path, tmp_path: Path) -> None:
    """The theme's templates are compiled once, into the cache folder (Jinja's bytecode cache):
    a next build (and every save of a preview) loads them; a damaged file is compiled again."""
    root = site.parent / "src"
    compiled = root / ".cache" / "dlnotes" / "templates"
    kept = {f.name: f.read_bytes() for f in compiled.iterdir()}
    assert len(kept) >= 5
    damaged = sorted(kept)[0]
    (compiled / damaged).write_bytes(b"not bytecode")
    result = run_mkdocs_build(root / "mkdocs.yml", tmp_path / "again")
    assert result.returncode == 0, result.stderr[-3000:]
    assert {f.name: f.read_bytes() for f in compiled.iterdir()} == kept
    pages = sorted(p.relative_to(site) for p in site.rglob("*.html"))
    assert pages == sorted(p.relative_to(tmp_path / "again") for p in (tmp_path / "again").rglob("*.html"))
    for page in pages:  # the same pages (this theme writes the build's time in each)
        same = [_BUILD_DATE.sub(b"", (folder / page).read_bytes()) for folder in (site, tmp_path / "again")]
        assert same[0] == same[1], page


def test_the_bibliography_command_places_the_page_list_where_it_stands(site: Path) -> None:
    page = main(site, "methods")
    assert text(paragraph(page, "The method")) == "The method (see Doe 2010, 12) and its first use (Smith & Roe 2014)."
    assert links(paragraph(page, "The method")) == [("fn:ref1", "(see Doe 2010, 12)"), ("fn:ref2", "(Smith & Roe 2014)")]
    assert footnotes(page) == {"fn:ref1": DOE, "fn:ref2": SMITH14}
    sources, listed, appendix = page.index('id="sources"'), page.index('<li id="fn:ref1">'), page.index('id="appendix"')
    assert sources < listed < appendix  # under the author's heading, before the next section
    assert "\\bibliography" not in page and page.count('<div class="footnote') == 1


def test_the_full_bibliography_command_lists_every_entry_in_the_style(site: Path) -> None:
    page = main(site, "all")
    listed = re.search(r'<div class="dlnotes-bibliography">(.*?)</div>', page, re.S)
    assert listed is not None and "\\full_bibliography" not in page
    entries = [text(li) for li in re.findall(r"<li[^>]*>(.*?)</li>", listed.group(1), re.S)]
    assert entries == [DOE, KIM, SMITH14, SMITH15]  # every entry, cited or not, sorted as the style sorts


def test_without_cite_inline_citations_are_footnote_numbers_and_bib_by_default_off_keeps_lists_away(
    tmp_path: Path,
) -> None:
    site = build(
        tmp_path,
        {
            'bib_file: "refs.bib"': 'bib_dir: "."',
            "cite_inline: true": "cite_inline: false",
            "bib_by_default: true": "bib_by_default: false",
            'footnote_format: "ref{number}"': 'footnote_format: "{key}"',
        },
    )
    index = main(site, "index")
    group = paragraph(index, "Two works")
    # mkdocs-bibtex without cite_inline: footnote numbers, one per key; with no list on the page
    # (no \bibliography, no default list) they are text, as pandoc writes citations without one.
    assert text(group) == "Two works of the same authors and a book 123."
    assert links(group) == [] and "<sup" in group
    assert footnotes(index) == {} and '<div class="footnote' not in index
    methods = main(site, "methods")
    assert footnotes(methods) == {"fn:doe2010book": DOE, "fn:smith2014one": SMITH14}  # the CSL file's text
    assert methods.index('id="sources"') < methods.index('<li id="fn:doe2010book">') < methods.index('id="appendix"')
    for page in (index, methods):  # no link leads nowhere
        for target, _ in links(page):
            assert f'id="{target}"' in page, target


def test_an_apa_csl_file_links_each_part_of_a_group(tmp_path: Path) -> None:
    """mkdocs-bibtex's README points `csl_file` at a style such as APA: a group "(A, 2010; B,
    2014, 2015)" leads from each part to that work's reference."""
    site = build(
        tmp_path,
        {
            'csl_file: "styles/small-author-date.csl"': f'csl_file: "{STYLES / "apa.csl"}"',
            "  - footnotes\n": "  - footnotes\n  - toc:\n      permalink: true\n",
        },
    )
    page = main(site, "index")
    group = paragraph(page, "Two works")
    assert text(group) == "Two works of the same authors and a book (Doe, 2010; Smith & Roe, 2014, 2015)."
    assert links(group) == [("fn:ref1", "Doe, 2010"), ("fn:ref2", "Smith & Roe, 2014"), ("fn:ref3", "2015")]
    refs = footnotes(page)
    assert refs["fn:ref1"].startswith("Doe, J. (2010). A Book of Methods. Test Press.")
    assert refs["fn:ref3"].startswith("Smith, J., & Roe, R. (2015). Learning two things. Journal of Tests.")
    methods = main(site, "methods")
    assert text(paragraph(methods, "The method")) == "The method (see Doe, 2010, p. 12) and its first use (Smith & Roe, 2014)."
    # With toc's permalinks in headings too, the list goes where \bibliography stands.
    assert methods.index('id="sources"') < methods.index('<li id="fn:ref1">') < methods.index('id="appendix"')
    assert 'id="references"' not in methods
