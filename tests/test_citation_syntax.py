"""pandoc's citation syntax, read by the citation extension: pandoc's own test files as fixtures
(tests/fixtures/citations/pandoc_cases.txt) and every place Python-Markdown renders Markdown."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from dlnotes import mathmd
from dlnotes.citemd import CitationExtension, PageCitations, parse_locator
from dlnotes.citemodel import Citation
from tests.support.sitemarkdown import site_markdown

FIXTURES = Path(__file__).parent / "fixtures" / "citations"


def read_cases(path: Path) -> list[tuple[str, str, list[str]]]:
    """mdit-py-plugins' fixture format: title, ".", input, ".", expected, "."."""
    cases, lines, i = [], path.read_text(encoding="utf-8").split("\n"), 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        title = lines[i]
        assert lines[i + 1] == "."
        j = lines.index(".", i + 2)
        k = lines.index(".", j + 1)
        cases.append((title, "\n".join(lines[i + 2 : j]) + "\n", lines[j + 1 : k]))
        i = k + 1
    return cases


def expected_item(text: str) -> str:
    """The fixture's item, with pandoc's raw suffix replaced by what is left after the locator."""
    head, *fields = [f.strip() for f in text.split(" | ")]
    named = dict(f.split("=", 1) for f in fields)
    out = [head] + ([f"prefix={named['prefix']}"] if "prefix" in named else [])
    if "locator" in named:
        out.append(f"locator={named['locator']}")
        out += [f"rest={named['rest']}"] if "rest" in named else []
    elif named.get("suffix"):
        out.append(f"rest={named['suffix']}")
    return " | ".join(out)


def shown(citation: Citation) -> str:
    items = []
    for i in citation.items:
        out = [f"{i.mode.value} {i.key}"] + [f"prefix={i.prefix}"] * bool(i.prefix)
        out += [f"locator={i.label} {i.locator}"] * (i.locator is not None) + [f"rest={i.suffix}"] * bool(i.suffix)
        items.append(" | ".join(out))
    return " ; ".join(items)


def convert(text: str, known: set[str]) -> tuple[str, PageCitations]:
    """`text` rendered as the site renders a page (its extensions, math included), with the citation
    extension knowing `known` as the bibliography's keys."""
    ext = CitationExtension(known=known.__contains__)
    mathmd.begin_page("note.md")
    html = site_markdown(ext).convert(text)
    return html, ext.last


CASES = read_cases(FIXTURES / "pandoc_cases.txt")


@pytest.mark.parametrize("title,source,expected", CASES, ids=[c[0] for c in CASES])
def test_pandoc_citations_are_found_with_the_same_modes_prefixes_locators_and_suffixes(
    title: str, source: str, expected: list[str]
) -> None:
    # pandoc cites unknown keys too; here in-text "@key" needs a known key (see citemd), so the
    # fixture's keys are the bibliography.
    known = {part.split(" | ")[0].split()[1] for line in expected for part in line.split(" ; ")}
    _, page = convert(source, known)
    assert page.problems == []
    assert [shown(c) for c in page.citations] == [" ; ".join(expected_item(p) for p in line.split(" ; ")) for line in expected]


@pytest.mark.parametrize(
    "suffix,locator",
    [
        (", p. 33", ("33", "page", "")),
        (" chap. 3", ("3", "chapter", "")),
        (", 33", ("33", "page", "")),
        (", {pp. iv, vi-xi}", ("iv, vi-xi", "page", "")),
        (" and nowhere else", (None, None, "and nowhere else")),
        (", sec. 2.3 more", ("2.3", "section", "more")),
        ("，第 3 页", (None, None, "，第 3 页")),
    ],
)
def test_locators_are_read_as_citeproc_reads_them(suffix: str, locator: tuple[str | None, str | None, str]) -> None:
    assert parse_locator(suffix) == locator


CONTEXTS = {
    "admonition after a blank line": "!!! note\n\n    Text [@a].\n",
    "admonition without a blank line": "!!! note\n    Text [@a].\n",
    "details": '??? note "More"\n\n    Text [@a].\n',
    "details open, no blank line": "???+ note\n    Text [@a].\n",
    "content tabs": '=== "One"\n\n    Text [@a].\n\n=== "Two"\n\n    Other.\n',
    "footnote, second paragraph": "Note.[^1]\n\n[^1]: First.\n\n    Second [@a].\n",
    "list continuation": "- item\n\n    continued [@a].\n",
    "nested list": "- item\n    - nested [@a]\n",
    "definition list": "Term\n:   Definition [@a].\n",
    "table": "| h |\n|---|\n| [@a] |\n",
    "blockquote": "> quoted\n>\n> more [@a]\n",
    "heading": "## Title [@a]\n",
    "html markdown=1": '<div markdown="1">\nText [@a].\n</div>\n',
    "figure caption markdown=span": (
        '<figure markdown="1">\n  ![x](x.png)\n  <figcaption markdown="span">After [@a].</figcaption>\n</figure>\n'
    ),
    "in-text in an admonition": "!!! note\n\n    As @a says.\n",
}


# docs/writing.md promises citations in content tabs, but mkdocs.yml does not enable pymdownx.tabbed:
# on the site `=== "One"` is a paragraph and the tab's text an indented code block.
@pytest.mark.parametrize("name", list(CONTEXTS))
def test_citations_work_wherever_markdown_is_rendered(name: str) -> None:
    html, page = convert(CONTEXTS[name], {"a"})
    assert [c.items[0].key for c in page.citations] == ["a"], html
    assert '<a class="footnote-ref" href="#fn:a">' in html and "[@a]" not in html and "@a" not in html.replace("#fn:a", "")


NEVER = {
    "fenced code": "```\n[@a] @a\n```\n",
    "indented code": "Para.\n\n    [@a] @a\n",
    "code span": "`[@a] @a`\n",
    "inline math": "$[@a] @a$ and \\([@a]\\)\n",
    "display math": "$$\n[@a] @a\n$$\n",
    "raw html block": "<div>\n[@a] @a\n</div>\n",
    "inline html": '<span title="[@a] @a">x</span>\n',
    "link text and url": "[see [@a] @a](https://x.org/@a)\n",
    "autolink": "<https://x.org/@a> and <me@a.org>\n",
    "escaped bracket": "\\[@a] and \\[@a\\]\n",
    "e-mail": "write me@a.org\n",
}


@pytest.mark.parametrize("name", list(NEVER))
def test_never_a_citation_in_code_math_html_links_or_escapes(name: str) -> None:
    _, page = convert(NEVER[name], {"a"})
    assert page.citations == [] and page.problems == []


PROBLEMS = [
    (case["text"], case["line"], case["message"]) for case in yaml.safe_load((FIXTURES / "problems.yml").read_text("utf-8"))
]


@pytest.mark.parametrize("text,line,message", PROBLEMS)
def test_what_cannot_be_read_is_one_problem_with_its_line_and_stays_as_written(text: str, line: int, message: str) -> None:
    html, page = convert(text, {"a"})
    assert len(page.problems) == 1 and page.problems[0][0] == line and page.problems[0][1].startswith(message)
    assert any(written in html for written in ("[@zz]", "@{zz}", "[see @a; more]", "[p. 3; @a]"))
    assert "arithmatex" not in html or "$$" in text  # an unknown key alone on a line is no display math


def test_a_citation_inside_plain_brackets_is_the_inner_one() -> None:
    html, page = convert("Text [as noted [@a] before] and [see [x] @a].\n", {"a"})
    assert [(c.items[0].key, c.items[0].prefix) for c in page.citations] == [("a", ""), ("a", "see [x]")]
    assert html.startswith("<p>Text [as noted <sup") and page.problems == []


def test_in_text_keys_not_in_the_bibliography_stay_text() -> None:
    html, page = convert("Ask @user or @decorator, e.g. @property.\n", {"a"})
    assert page.citations == [] and page.problems == [] and "@user" in html
