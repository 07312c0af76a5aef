"""Records every link and image target of a page as Python-Markdown rendered it.

The link check (dlnotes.doclinks) must see the links the page really has, so it asks the renderer
itself: this tree processor runs after the page's Markdown has become elements (links, images,
attr_list, md_in_html) and before MkDocs rewrites links to .md files into URLs. Raw HTML (`<img
src>`, `<a href>` written by hand, figures) is in the renderer's stash and is read from there. The link
checker (dlnotes.linkcheck.rendered) reads a note's targets with the same two functions.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from xml.etree.ElementTree import Element

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

from . import pagecontext

_RAW_TARGET = re.compile(
    r"<(a|img|source|video|audio|iframe|embed)\b[^>]*?\s(href|src)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'>]+))",
    re.I,
)


def element_targets(root: Element) -> Iterator[tuple[str, bool]]:
    """(target, is an image) of the links and images of a rendered element tree."""
    for element in root.iter():
        if element.tag == "a" and element.get("href") is not None:
            yield element.get("href", ""), False
        elif element.tag == "img" and element.get("src") is not None:
            yield element.get("src", ""), True


def raw_targets(md: Markdown) -> Iterator[tuple[str, bool]]:
    """(target, is an image or other media) of the raw HTML the renderer stashed."""
    for block in md.htmlStash.rawHtmlBlocks:
        if not isinstance(block, str) or "<" not in block:
            continue
        for m in _RAW_TARGET.finditer(block):
            target = next(g for g in m.groups()[2:] if g is not None)
            yield target, m.group(1).lower() != "a"


class _Recorder(Treeprocessor):
    def run(self, root: Element) -> None:
        context = pagecontext.current()
        if context is None:
            return
        context.links.extend(element_targets(root))
        context.links.extend(raw_targets(self.md))


class LinkRecorderExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # After the content is built (toc at 5), before MkDocs rewrites .md links (relpath at 0).
        md.treeprocessors.register(_Recorder(md), "dlnotes_links", 2)


def makeExtension(**kwargs: object) -> LinkRecorderExtension:
    return LinkRecorderExtension(**kwargs)
