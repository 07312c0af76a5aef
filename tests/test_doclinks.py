"""Links between the site's files: checked with their line, code never counted as a link."""

from __future__ import annotations

from dlnotes.doclinks import candidate_targets, check_links, extract_links, html_ids

FILES = {"index.md", "papers/a.md", "papers/b.md", "assets/fig.svg"}
ANCHORS = {"papers/a.md": {"intro", "为什么有效"}, "papers/b.md": set(), "index.md": set()}


def check(markdown: str) -> list[str]:
    return [str(p) for p in check_links("papers/b.md", "docs/papers/b.md", markdown, 5, FILES, ANCHORS)]


def test_good_links_give_nothing() -> None:
    assert check("[a](a.md) [i](../index.md) [s](a.md#为什么有效) ![f](../assets/fig.svg) [web](https://x.org/y.md)\n") == []


def test_broken_file_anchor_and_image_with_their_lines() -> None:
    text = "Intro.\n\nSee [x](nothere.md) and\n[y](a.md#nope).\n\n![f](../assets/none.svg)\n"
    assert check(text) == [
        "docs/papers/b.md:8: link to 'nothere.md': no file 'papers/nothere.md' in docs/",
        "docs/papers/b.md:9: link to 'a.md#nope': no anchor '#nope' on 'papers/a.md'",
        "docs/papers/b.md:11: image to '../assets/none.svg': no file 'assets/none.svg' in docs/",
    ]


def test_links_in_code_are_not_links() -> None:
    assert check("```\n[x](nothere.md)\n```\n\nInline `[x](nothere.md)` too.\n") == []


def test_reference_style_links_are_checked() -> None:
    assert check("See [x][r].\n\n[r]: missing.md\n") == ["docs/papers/b.md:8: link to 'missing.md': no file 'papers/missing.md' in docs/"]


def test_the_quick_pass_sees_every_link_markdown_it_sees() -> None:
    text = "[a](a.md \"t\") [b]( ../index.md ) [c][r] ![d](<../assets/fig.svg>)\n\n[r]: b.md#x\n"
    assert {link.target for link in extract_links(text)} <= set(candidate_targets(text))


def test_html_ids() -> None:
    assert html_ids('<h2 id="a&amp;b">x</h2><a name="n"></a><code>id=&quot;no&quot;</code>') == {"a&b", "n"}
