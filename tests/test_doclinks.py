"""Links between the site's files: what the renderer finds is checked, with its line and a fix."""

from __future__ import annotations

import markdown
import pytest

from dlnotes import pagecontext
from dlnotes.doclinks import check_links, html_ids
from dlnotes.linkmd import LinkRecorderExtension

FILES = {"index.md", "a.md", "sub/b.md", "img/fig one.png", "img/x.svg"}


def links_of(text: str) -> list[tuple[str, bool]]:
    pagecontext.begin("a.md", "docs/a.md", text, 0)
    markdown.Markdown(extensions=["attr_list", "md_in_html", LinkRecorderExtension()]).convert(text)
    context = pagecontext.end()
    assert context is not None
    return context.links


def problems(text: str, anchors: dict[str, set[str]] | None = None) -> list[str]:
    return [str(p) for p in check_links("a.md", "docs/a.md", text, 3, links_of(text), FILES, anchors or {})]


@pytest.mark.parametrize(
    "text,expected",
    [
        pytest.param(
            "# A\n\nsee [b](sub/b.md) and [gone](sub/c.md)\n\n![fig](img/missing.png)\n",
            [
                "docs/a.md:6: link to 'sub/c.md': no file 'sub/c.md' in docs/",
                "docs/a.md:8: image to 'img/missing.png': no file 'img/missing.png' in docs/",
            ],
            id="the renderer's links, with their line",
        ),
        pytest.param(
            "![ok](img/fig one.png) ![ok too](img/fig%20one.png)\n",
            [],
            id="a path with a space, as written or percent-encoded, as Python-Markdown renders it",
        ),
        pytest.param(
            "![bad](img/fig two.png)\n",
            ["docs/a.md:4: image to 'img/fig two.png': no file 'img/fig two.png' in docs/"],
            id="a path with a space that is not there",
        ),
        pytest.param(
            'x\n\n<figure>\n<img src="img/nope.svg" alt="n">\n</figure>\n\n<a href=\'sub/none.md\'>x</a>\n',
            [
                "docs/a.md:7: image to 'img/nope.svg': no file 'img/nope.svg' in docs/",
                "docs/a.md:10: link to 'sub/none.md': no file 'sub/none.md' in docs/",
            ],
            id="raw HTML targets, checked like Markdown ones",
        ),
        pytest.param(
            "`[x](nope.md)`\n\n    [y](nope2.md)\n\n[web](https://example.org/x) [mail](mailto:a@b.c)\n",
            [],
            id="links in code and external links are not ours",
        ),
    ],
)
def test_links_and_images_are_checked_with_their_line(text: str, expected: list[str]) -> None:
    assert problems(text) == expected


def test_paths_on_the_author_s_computer_are_reported_with_the_fix() -> None:
    text = "![a](/Users/me/Pictures/fig.png)\n\n![b](C:\\Users\\me\\fig.png)\n\n[c](file:///home/me/x.pdf)\n"
    found = problems(text)
    assert [p.split(": ")[0] for p in found] == ["docs/a.md:4", "docs/a.md:6", "docs/a.md:8"]
    assert all("copy the file into docs/ and link it relative to this note" in p for p in found)


def test_anchors_are_checked_against_the_rendered_ids() -> None:
    anchors = {"a.md": {"intro"}, "sub/b.md": {"为什么有效"}}
    text = "[ok](#intro) [ok2](sub/b.md#为什么有效) [bad](sub/b.md#nope)\n"
    assert problems(text, anchors) == ["docs/a.md:4: link to 'sub/b.md#nope': no anchor '#nope' on 'sub/b.md'"]


def test_html_ids() -> None:
    assert html_ids('<h2 id="a">x</h2><sup id="fnref:k"></sup><a name="n"></a>') == {"a", "fnref:k", "n"}
