"""Citations are found by Python-Markdown's own parse (dlnotes.citemd) and become footnotes;
nothing else on the page changes."""

from __future__ import annotations

import re
from typing import Any

import markdown as markdown_lib
import pytest

from dlnotes.citemd import BACKLINK_TITLE, CitationExtension, PageCitations
from dlnotes.citemd import footnote_ref_html as ref

KNOWN = {"a", "b", "smith2020", "smith2020deep", "ns:key.v2/x+y", "doe-2019", "ho2019flow++"}


def site_footnotes_config() -> dict[str, Any]:
    """The footnotes extension's options in the site's mkdocs.yml."""
    from mkdocs.utils.yaml import yaml_load

    from tests.support.sitebuild import ROOT

    config = yaml_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    return next(ext["footnotes"] for ext in config["markdown_extensions"] if isinstance(ext, dict) and "footnotes" in ext)


EXTENSIONS = ["footnotes", "attr_list", "toc", "tables", "md_in_html", "pymdownx.arithmatex", "pymdownx.superfences"]


def convert(
    text: str, reference=lambda k: f"REF({k})", extensions=EXTENSIONS
) -> tuple[str, PageCitations, markdown_lib.Markdown]:
    ext = CitationExtension(known=KNOWN.__contains__, suggest=lambda k: "smith2020deep" if k.startswith("smith") else None)
    md = markdown_lib.Markdown(
        extensions=[*extensions, ext],
        extension_configs={"footnotes": site_footnotes_config(), "pymdownx.arithmatex": {"generic": True}},
    )
    html = md.convert(text)
    page = ext.last
    return page.place_footnotes(page.finish(html, reference)), page, md


def plain(text: str) -> str:
    return markdown_lib.Markdown(
        extensions=EXTENSIONS, extension_configs={"footnotes": site_footnotes_config(), "pymdownx.arithmatex": {"generic": True}}
    ).convert(text)


@pytest.mark.parametrize(
    "text",
    [
        "```\nsee [@a] in code\n```\n",
        "~~~python\nx = '[@a]'\n~~~\n",
        "Para.\n\n    indented [@a] code\n",
        "Inline `[@a]` and ``x [@a] ` y``.\n",
        "Math $[@a]$ and \\([@a]\\) inline.\n",
        "$$\n[@a]\n$$\n",
        "\\[\n[@a]\n\\]\n",
        "A [link with @a](https://example.org/@a) here.\n",
        "A [ref link @a][r] here.\n\n[r]: https://example.org\n",
        "Write to [me@example.org] or <me@example.org>, or see [team @ work].\n",
        "<div>\n[@a] inside an HTML block\n</div>\n",
        'Raw <span title="[@a] @a">html</span>.\n',
        "Escaped \\[@a] stays.\n",
        "![figure @a](img.png) and [^a] footnote.\n\n[^a]: a footnote.\n",
        "Key-like words [in brackets] and emails a@b.c and @user handles, @decorator.\n",
    ],
)
def test_text_that_is_not_a_citation_renders_as_without_the_extension(text: str) -> None:
    html, page, _ = convert(text)
    assert html == plain(text)
    assert page.citations == [] and page.problems == []


def test_citations_become_footnotes_and_the_rest_stays() -> None:
    html, page, _ = convert("Before `code [@a]` mid [@a] after $[@b]$ end [@b; @a].\n")
    assert f"mid {ref('a', 1)} after" in html and f"end {ref('b', 2)}{ref('a', 1, 2)}." in html
    assert page.cited == ["a", "b"]


def test_prefix_and_locator_are_rendered_not_dropped() -> None:
    html, _, _ = convert("As shown [see @a, p. 3; also @b, ch. 2].\n")
    assert f"As shown (see {ref('a', 1)}, p. 3; also {ref('b', 2)}, ch. 2)." in html


@pytest.mark.parametrize("key", ["ns:key.v2/x+y", "doe-2019", "ho2019flow++"])
def test_keys_with_punctuation_are_kept_whole(key: str) -> None:
    html, page, _ = convert(f"Cite [@{key}] and @{key}.\n")
    assert page.cited == [key]
    assert f'<li id="fn:{key}">\n<p>REF({key})&#160;' in html
    assert f'<sup id="fnref:{key}"><a class="footnote-ref" href="#fn:{key}">1</a></sup>' in html


def test_a_key_that_is_a_prefix_of_another_does_not_clobber_it() -> None:
    html, page, _ = convert("Short [@smith2020] and long [@smith2020deep].\n")
    assert f"Short {ref('smith2020', 1)} and long {ref('smith2020deep', 2)}." in html
    assert page.cited == ["smith2020", "smith2020deep"]


def test_trailing_sentence_punctuation_is_not_part_of_the_key() -> None:
    _, page, _ = convert("See [@a]. And @b.\n")
    assert [c.items[0].key for c in page.citations] == ["a", "b"]


def test_bibliography_is_in_order_of_first_citation_and_listed_once() -> None:
    html, page, _ = convert("[@b] then [@a] then [@b] again.\n")
    assert page.cited == ["b", "a"]
    assert html.index('<li id="fn:b">\n<p>REF(b)') < html.index('<li id="fn:a">\n<p>REF(a)')
    assert html.count('<li id="fn:b">') == 1
    assert re.search(r'<h2 data-search-exclude="" id="references">参考文献', html)


def test_unknown_key_is_reported_with_a_suggestion_and_kept_visible() -> None:
    html, page, _ = convert("One.\n\nTwo [@smith2020dep] here.\n")
    assert page.problems == [(3, "unknown citation key 'smith2020dep' (did you mean 'smith2020deep'?)")]
    assert "<p>Two [@smith2020dep] here.</p>" in html


def test_malformed_citation_is_reported_and_left_as_written() -> None:
    html, page, _ = convert("One.\n\nBad [see @a; and more] *here*.\n")
    assert len(page.problems) == 1 and page.problems[0][0] == 3
    assert page.problems[0][1].startswith("malformed citation '[see @a; and more]'")
    assert "<p>Bad [see @a; and more] <em>here</em>.</p>" in html


def test_references_go_where_the_author_put_the_footnotes_marker() -> None:
    html, _, _ = convert("Text [@a].\n\n## Refs\n\n///Footnotes Go Here///\n\n## After\n\nMore.\n")
    assert "参考文献" not in html
    assert html.index("<h2") < html.index('<div class="footnote">') < html.index("After")
    assert "<p><div" not in html


def test_the_site_gives_python_markdown_our_back_link_text() -> None:
    assert site_footnotes_config()["BACKLINK_TITLE"] == BACKLINK_TITLE.replace("{}", "%d")


PAGE = "Intro [@b] then [see @a, p. 2].\n\nMore [@b; @a].\n\nEnd [@b].\n"
REFERENCE = {"a": 'Author A. <em>Title A</em>. <a href="https://example.org/a.pdf">pdf</a>', "b": "Author B. Title B, 2020."}


def test_footnotes_written_directly_are_what_python_markdown_writes() -> None:
    """The citation footnotes we write as HTML (pages without footnotes of their own) are exactly
    the ones Python-Markdown's footnotes extension writes for the same citations."""
    ours, _, _ = convert(PAGE, REFERENCE.__getitem__)
    theirs = markdown_lib.Markdown(extensions=["footnotes"], extension_configs={"footnotes": site_footnotes_config()}).convert(
        PAGE.replace("[see @a, p. 2]", "(see [^a], p. 2)").replace("[@b; @a]", "[^b][^a]").replace("[@b]", "[^b]")
        + "\n[^a]: "
        + REFERENCE["a"]
        + "\n\n[^b]: "
        + REFERENCE["b"]
        + "\n"
    )
    assert ours.split('<div class="footnote">')[1] == theirs.split('<div class="footnote">')[1]
    assert ours.count('class="footnote-backref"') == 5 and 'href="#fnref3:b"' in ours
    assert 'title="回到正文第 2 个脚注处"' in ours


def test_author_footnotes_and_citations_share_one_list_numbered_in_reading_order() -> None:
    html, _, _ = convert(
        "A citation [@a], own notes[^x][^y], again [@b].\n\n[^y]: Second [@a].\n\n[^x]: The author's footnote.\n"
    )
    assert html.count('<div class="footnote">') == 1
    assert re.findall(r'<a class="footnote-ref" href="#fn:([^"]+)">(\d+)</a>', html) == [
        ("a", "1"),
        ("x", "2"),
        ("y", "3"),
        ("b", "4"),
        ("a", "1"),
    ]
    assert re.findall(r'<li id="fn:([^"]+)">', html) == ["a", "x", "y", "b"]
    assert '<li id="fn:a">\n<p>REF(a)&#160;' in html and "dlnotesref" not in html
    assert 'title="回到正文第 4 个脚注处"' in html


def test_every_back_link_has_its_reference_in_nested_blocks() -> None:
    html, _, _ = convert("A [@a].\n\n- item [@a; @b]\n    > quoted [@a]\n\n| t |\n|---|\n| [@b] |\n\nEnd [@a].\n")
    ids = re.findall(r'<sup id="(fnref\d*:[^"]+)">', html)
    assert ids == ["fnref:a", "fnref2:a", "fnref:b", "fnref3:a", "fnref2:b", "fnref4:a"]  # document order
    assert sorted(re.findall(r'class="footnote-backref" href="#([^"]+)"', html)) == sorted(ids)


@pytest.mark.parametrize("heading", ["## Attention [@a]", "#Attention [@a]", "Attention [@a]\n---------", "> ## Attention [@a]"])
def test_a_citation_in_a_heading_gives_a_clean_anchor_and_toc_entry(heading: str) -> None:
    html, _, md = convert(f"Intro.\n\n{heading}\n\nText [@a].\n")
    # As Python-Markdown's toc does for footnote references: not part of the anchor or TOC entry.
    assert 'id="attention"' in html
    assert md.toc_tokens[0]["name"] == "Attention"  # type: ignore[attr-defined]
    assert '<sup id="fnref2:a"><a class="footnote-ref" href="#fn:a">1</a></sup>' in html


def test_the_footnotes_marker_quoted_in_code_is_left_as_written() -> None:
    html, _, _ = convert("Write `///Footnotes Go Here///` on a line [@a].\n\n```\n///Footnotes Go Here///\n```\n")
    assert html.count("///Footnotes Go Here///") == 2  # both quotes shown as written
    heading = re.search(r'<h2[^>]* id="references"', html)
    assert heading and html.index("</pre>") < heading.start() < html.index('<div class="footnote">')
