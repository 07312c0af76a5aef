"""The citation layer rewrites real citations and nothing else, byte for byte."""

from __future__ import annotations

import pytest

from dlnotes.citations import cite_page, find_citations

KNOWN = {"a", "b", "smith2020", "smith2020deep", "ns:key.v2/x+y", "doe-2019"}


def cite(markdown: str):
    return cite_page(markdown, known=KNOWN.__contains__, reference_text=lambda k: f"REF({k})",
                     suggest=lambda k: "smith2020deep" if k.startswith("smith") else None)


def body(markdown: str) -> str:
    """The page without the references section our layer appends."""
    return cite(markdown).markdown.split("\n\n## 参考文献")[0] + "\n"


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
    assert body(text) == "Before `code [@a]` mid [^a] after $[@b]$ end [^b][^a].\n"


def test_prefix_and_locator_are_rendered_not_dropped() -> None:
    assert body("As shown [see @a, p. 3; also @b, ch. 2].\n") == "As shown (see [^a], p. 3; also [^b], ch. 2).\n"


@pytest.mark.parametrize("key", ["ns:key.v2/x+y", "doe-2019"])
def test_keys_with_punctuation_are_kept_whole(key: str) -> None:
    result = cite(f"Cite [@{key}].\n")
    assert result.cited == [key]
    assert f"[^{key}]: REF({key})" in result.markdown


def test_a_key_that_is_a_prefix_of_another_does_not_clobber_it() -> None:
    result = cite("Short [@smith2020] and long [@smith2020deep].\n")
    assert body("Short [@smith2020] and long [@smith2020deep].\n") == "Short [^smith2020] and long [^smith2020deep].\n"
    assert result.cited == ["smith2020", "smith2020deep"]


def test_trailing_sentence_punctuation_is_not_part_of_the_key() -> None:
    assert find_citations("See [@a].")[0][0].items[0].key == "a"


def test_bibliography_is_in_order_of_first_citation_and_listed_once() -> None:
    result = cite("[@b] then [@a] then [@b] again.\n")
    assert result.cited == ["b", "a"]
    refs = result.markdown.split("## 参考文献 {#references}")[1]
    assert refs.index("[^b]: REF(b)") < refs.index("[^a]: REF(a)")
    assert refs.count("[^b]:") == 1


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


@pytest.mark.parametrize("text,line,delimiter", [
    ("ok $x$\n\nopen $x and more\n", 3, "$"),
    ("a\n$$\nx = 1\n", 2, "$$"),
    ("see \\(x + y\n", 1, "\\("),
])
def test_unclosed_math_is_reported_with_its_line(text: str, line: int, delimiter: str) -> None:
    result = cite(text)
    assert [(i.line, i.message.split(":")[0]) for i in result.issues] == [(line, f"unclosed math '{delimiter}'")]


def test_dollar_amounts_are_not_math_errors() -> None:
    assert cite("It costs $5 and $ 6.\n").issues == []


def test_references_go_where_the_author_put_the_footnotes_marker() -> None:
    result = cite("Text [@a].\n\n## Refs\n\n///Footnotes Go Here///\n\n## After\n\nMore.\n")
    assert "## 参考文献" not in result.markdown
    assert result.markdown.count("///Footnotes Go Here///") == 1
