"""Records every link and image target of a page as Python-Markdown rendered it.

The link check (dlnotes.doclinks) must see the links the page really has, so it asks the renderer
itself: this tree processor runs after the page's Markdown has become elements (links, images,
attr_list, md_in_html) and before MkDocs rewrites links to .md files into URLs. Raw HTML (`<img
src>`, `<a href>` written by hand, figures) is in the renderer's stash and is read from there.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

from . import pagecontext

_RAW_TARGET = re.compile(
    r"<(a|img|source|video|audio|iframe|embed)\b[^>]*?\s(href|src)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'>]+))",
    re.I,
)


class _Recorder(Treeprocessor):
    def run(self, root: Element) -> None:
        context = pagecontext.current()
        if context is None:
            return
        for element in root.iter():
            if element.tag == "a" and element.get("href") is not None:
                context.links.append((element.get("href", ""), False))
            elif element.tag == "img" and element.get("src") is not None:
                context.links.append((element.get("src", ""), True))
        for block in self.md.htmlStash.rawHtmlBlocks:
            if not isinstance(block, str) or "<" not in block:
                continue
            for m in _RAW_TARGET.finditer(block):
                target = next(g for g in m.groups()[2:] if g is not None)
                context.links.append((target, m.group(1).lower() != "a"))


class LinkRecorderExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # After the content is built (toc at 5), before MkDocs rewrites .md links (relpath at 0).
        md.treeprocessors.register(_Recorder(md), "dlnotes_links", 2)


def makeExtension(**kwargs: object) -> LinkRecorderExtension:
    return LinkRecorderExtension(**kwargs)
