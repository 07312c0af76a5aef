"""The citation layer rewrites real citations and nothing else, byte for byte."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import markdown as markdown_lib

from dlnotes.citations import BACKLINK_TITLE, FOOTNOTES_SLOT, cite_page, find_citations, footnote_ref_html as ref

KNOWN = {"a", "b", "smith2020", "smith2020deep", "ns:key.v2/x+y", "doe-2019"}


def cite(markdown: str):
    return cite_page(markdown, known=KNOWN.__contains__, reference_html=lambda k: f"REF({k})",
                     suggest=lambda k: "smith2020deep" if k.startswith("smith") else None)


def body(markdown: str) -> str:
    """The page without the references section our layer appends."""
    result = cite(markdown)
    return result.fill_placeholders(result.markdown).split("\n\n## 参考文献")[0] + "\n"


@pytest.mark.parametrize("text", [
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
    '<div markdown="1">\n[@a] inside an HTML block\n</div>\n',
    "Escaped \\[@a] stays.\n",
    "![figure @a](img.png) and [^a] footnote.\n\n[^a]: a footnote.\n",
    "Key-like words [in brackets] and emails a@b.c and @a alone.\n",
])
def test_text_that_is_not_a_citation_is_untouched(text: str) -> None:
    result = cite(text)
    assert result.markdown == text
    assert result.cited == [] and result.issues == []


def test_citations_become_footnotes_and_the_rest_stays_byte_for_byte() -> None:
    text = "Before `code [@a]` mid [@a] after $[@b]$ end [@b; @a].\n"
    assert body(text) == f"Before `code [@a]` mid {ref('a', 1)} after $[@b]$ end {ref('b', 2)}{ref('a', 1, 2)}.\n"


def test_prefix_and_locator_are_rendered_not_dropped() -> None:
    assert body("As shown [see @a, p. 3; also @b, ch. 2].\n") == f"As shown (see {ref('a', 1)}, p. 3; also {ref('b', 2)}, ch. 2).\n"


@pytest.mark.parametrize("key", ["ns:key.v2/x+y", "doe-2019"])
def test_keys_with_punctuation_are_kept_whole(key: str) -> None:
    result = cite(f"Cite [@{key}].\n")
    assert result.cited == [key]
    assert f'<li id="fn:{key}">\n<p>REF({key})&#160;' in result.footnotes_html
    assert f'<sup id="fnref:{key}"><a class="footnote-ref" href="#fn:{key}">1</a></sup>' in result.fill_placeholders(result.markdown)


def test_a_key_that_is_a_prefix_of_another_does_not_clobber_it() -> None:
    result = cite("Short [@smith2020] and long [@smith2020deep].\n")
    assert body("Short [@smith2020] and long [@smith2020deep].\n") == f"Short {ref('smith2020', 1)} and long {ref('smith2020deep', 2)}.\n"
    assert result.cited == ["smith2020", "smith2020deep"]


def test_trailing_sentence_punctuation_is_not_part_of_the_key() -> None:
    assert find_citations("See [@a].")[0][0].items[0].key == "a"


def test_bibliography_is_in_order_of_first_citation_and_listed_once() -> None:
    result = cite("[@b] then [@a] then [@b] again.\n")
    assert result.cited == ["b", "a"]
    refs = result.footnotes_html
    assert refs.index('<li id="fn:b">\n<p>REF(b)') < refs.index('<li id="fn:a">\n<p>REF(a)')
    assert refs.count('<li id="fn:b">') == 1
    assert result.markdown.split("## 参考文献 {#references data-search-exclude}")[1].strip() == FOOTNOTES_SLOT


def test_unknown_key_is_reported_with_a_suggestion_and_kept_visible() -> None:
    result = cite("One.\n\nTwo [@smith2020dep] here.\n")
    assert [(i.line, i.message) for i in result.issues] == [
        (3, "unknown citation key 'smith2020dep' (did you mean 'smith2020deep'?)")]
    assert "Two \\[@smith2020dep\\] here." in result.markdown


def test_malformed_citation_is_reported_and_left_as_written() -> None:
    text = "Bad [@a p. 3] here.\n"
    result = cite(text)
    assert result.markdown == text
    assert len(result.issues) == 1 and result.issues[0].line == 1
    assert result.issues[0].message.startswith("malformed citation '[@a p. 3]'")


def test_math_problems_are_left_to_the_math_extension() -> None:
    # dlnotes.mathmd decides what is math and reports unclosed delimiters (tests/fixtures/math/cases.md).
    assert cite("ok $x$\n\nopen $x and more\n\na\n$$\nx = 1\n").issues == []


def test_dollar_amounts_are_not_math_errors() -> None:
    assert cite("It costs $5 and $ 6.\n").issues == []


def test_references_go_where_the_author_put_the_footnotes_marker() -> None:
    result = cite("Text [@a].\n\n## Refs\n\n///Footnotes Go Here///\n\n## After\n\nMore.\n")
    assert "## 参考文献" not in result.markdown
    assert result.fill_placeholders(result.markdown) == f"Text {ref('a', 1)}.\n\n## Refs\n\n{FOOTNOTES_SLOT}\n\n## After\n\nMore.\n"
    html = result.place_footnotes(result.fill_placeholders(render(result.markdown)))
    assert html.index("<h2") < html.index('<div class="footnote">') < html.index("After")
    assert "<p><div" not in html


def site_footnotes_config() -> dict:
    """The footnotes extension's options in the site's mkdocs.yml."""
    from mkdocs.utils.yaml import yaml_load
    from sitebuild import ROOT

    config = yaml_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    return next(ext["footnotes"] for ext in config["markdown_extensions"] if isinstance(ext, dict) and "footnotes" in ext)


# Python-Markdown as mkdocs.yml configures its footnotes.
def render(text: str) -> str:
    md = markdown_lib.Markdown(extensions=["footnotes", "attr_list", "toc"], extension_configs={"footnotes": site_footnotes_config()})
    return md.convert(text)


def test_the_site_gives_python_markdown_our_back_link_text() -> None:
    assert site_footnotes_config()["BACKLINK_TITLE"] == BACKLINK_TITLE.replace("{}", "%d")


# Flat paragraphs: Python-Markdown numbers repeated references (fnref2:, fnref3:) in the order
# it processes elements, which is not document order for nested ones; ours is document order.
PAGE = "Intro [@b] then [see @a, p. 2].\n\nMore [@b; @a].\n\nEnd [@b].\n"
REFERENCE = {"a": "Author A. <em>Title A</em>. <a href=\"https://example.org/a.pdf\">pdf</a>", "b": "Author B. Title B, 2020."}


def test_footnotes_written_directly_are_what_python_markdown_writes() -> None:
    """The citation footnotes we write as HTML (pages without footnotes of their own) are exactly
    the ones Python-Markdown's footnotes extension writes for the same citations."""
    direct = cite_page(PAGE, known=KNOWN.__contains__, reference_html=REFERENCE.__getitem__)
    ours = direct.place_footnotes(direct.fill_placeholders(render(direct.markdown)))
    # A footnote of the author's puts the page in Markdown mode; without that footnote's
    # definition, Python-Markdown renders the citations' footnotes alone.
    mixed = cite_page(PAGE + "\n[^own]: unused note\n", known=KNOWN.__contains__, reference_html=REFERENCE.__getitem__)
    assert not mixed.footnotes_html and mixed.placeholders
    theirs = mixed.fill_placeholders(render(mixed.markdown.replace("[^own]: unused note\n", "")))
    assert ours == theirs
    assert ours.count('class="footnote-backref"') == 5 and 'href="#fnref3:b"' in ours
    assert 'title="回到正文第 2 个脚注处"' in ours


def test_author_footnotes_and_citations_share_one_list_numbered_in_reading_order() -> None:
    result = cite("A citation [@a], own notes[^x][^y], again [@b].\n\n[^y]: Second.\n\n[^x]: The author's footnote.\n")
    html = result.fill_placeholders(render(result.markdown))
    assert html.count('<div class="footnote">') == 1
    assert re.findall(r'<a class="footnote-ref" href="#fn:([^"]+)">(\d+)</a>', html) == [("a", "1"), ("x", "2"), ("y", "3"), ("b", "4")]
    assert re.findall(r'<li id="fn:([^"]+)">', html) == ["a", "x", "y", "b"]
    assert '<li id="fn:a">\n<p>REF(a)&#160;' in html and "dlnotesref" not in html


def test_every_back_link_has_its_reference_in_nested_blocks() -> None:
    text = "A [@a].\n\n- item [@a; @b]\n    > quoted [@a]\n\n| t |\n|---|\n| [@b] |\n\nEnd [@a].\n"
    result = cite(text)
    html = result.place_footnotes(result.fill_placeholders(markdown_lib.markdown(result.markdown, extensions=["footnotes", "tables", "toc"])))
    ids = re.findall(r'<sup id="(fnref\d*:[^"]+)">', html)
    assert ids == ["fnref:a", "fnref2:a", "fnref:b", "fnref3:a", "fnref2:b", "fnref4:a"]  # document order
    assert sorted(re.findall(r'class="footnote-backref" href="#([^"]+)"', html)) == sorted(ids)


@pytest.mark.parametrize("heading", ["## Attention [@a]", "#Attention [@a]", "Attention [@a]\n---------", "> ## Attention [@a]"])
def test_a_citation_in_a_heading_gives_a_clean_anchor_and_toc_entry(heading: str) -> None:
    result = cite(f"Intro.\n\n{heading}\n\nText [@a].\n")
    md = markdown_lib.Markdown(extensions=["footnotes", "toc"])
    html = result.place_footnotes(result.fill_placeholders(md.convert(result.markdown)))
    assert 'id="attention-1"' in html
    assert md.toc_tokens[0]["name"] == "Attention 1"
    assert "dlnotesref" not in html and "dlnotesref" not in md.toc
    assert '<sup id="fnref2:a"><a class="footnote-ref" href="#fn:a">1</a></sup>' in html


def test_where_citations_are_is_kept_between_builds_and_found_again_when_the_text_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dlnotes import citations
    from dlnotes.diskcache import DiskCache

    path = tmp_path / "citations.pickle"
    first = citations.citation_cache(path)
    expected = cite_page(PAGE, known=KNOWN.__contains__, reference_html=REFERENCE.__getitem__, cache=first)
    first.save()

    def no_scan(markdown: str):
        raise AssertionError("scanned again")

    monkeypatch.setattr(citations, "_scan_citations", no_scan)
    again = cite_page(PAGE, known=KNOWN.__contains__, reference_html=REFERENCE.__getitem__, cache=citations.citation_cache(path))
    assert (again.markdown, again.footnotes_html, again.placeholders) == (expected.markdown, expected.footnotes_html, expected.placeholders)
    monkeypatch.undo()
    changed = cite_page(PAGE + "\nNew [@b].\n", known=KNOWN.__contains__, reference_html=REFERENCE.__getitem__, cache=citations.citation_cache(path))
    assert 'href="#fnref4:b"' in changed.footnotes_html
    # Values made by other code (another salt) are not used; a damaged file is not fatal.
    assert DiskCache(path, salt="other code").values == {}
    path.write_bytes(b"\x80garbage")
    assert citations.citation_cache(path).values == {}


def test_the_footnotes_marker_quoted_in_code_is_left_as_written() -> None:
    text = "Write `///Footnotes Go Here///` on a line [@a].\n\n```\n///Footnotes Go Here///\n```\n"
    result = cite(text)
    md = markdown_lib.Markdown(extensions=["fenced_code", "footnotes", "toc", "attr_list"])
    html = result.place_footnotes(result.fill_placeholders(md.convert(result.markdown)))
    assert html.count("///Footnotes Go Here///") == 2  # both quotes shown as written
    heading = re.search(r'<h2[^>]* id="references"', html)
    assert heading and html.index("</pre>") < heading.start() < html.index('<div class="footnote">')
