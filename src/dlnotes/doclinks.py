"""Links between the site's own files, checked with the line they are written on.

MkDocs validates links too, but names no line; the author of a long note wants the line. Links
are read with markdown-it-py from the Markdown, anchors from the rendered HTML of each page (so
every id the page really has counts: headings, footnotes, attr_list ids).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt

from .problems import Problem

_md = MarkdownIt("commonmark")


@dataclass(frozen=True)
class DocLink:
    line: int          # 1-based, in the Markdown given
    target: str        # as written
    image: bool


def extract_links(markdown: str) -> list[DocLink]:
    """Relative links and images of a page (external URLs, mailto: and the like are not ours)."""
    lines = markdown.split("\n")
    links: list[DocLink] = []
    for block in _md.parse(markdown):
        if block.type != "inline" or not block.children or not block.map:
            continue
        first, last = block.map
        for token in block.children:
            if token.type == "link_open":
                target, image = str(token.attrGet("href") or ""), False
            elif token.type == "image":
                target, image = str(token.attrGet("src") or ""), True
            else:
                continue
            if not target or _is_external(target):
                continue
            links.append(DocLink(_line_of(lines, first, last, target), target, image))
    return links


def _is_external(target: str) -> bool:
    parts = urlsplit(target)
    return bool(parts.scheme or parts.netloc) or target.startswith("/")


def _line_of(lines: list[str], first: int, last: int, target: str) -> int:
    # markdown-it percent-encodes the target; look for what the author typed.
    for needle in (target, unquote(target)):
        for i in range(first, min(last, len(lines))):
            if needle in lines[i]:
                return i + 1
    return first + 1


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("id", "name") and value:
                self.ids.add(value)


def html_ids(html: str) -> set[str]:
    parser = _Ids()
    parser.feed(html)
    return parser.ids


def check_links(
    page: str,
    display: str,
    links: list[DocLink],
    line_offset: int,
    files: set[str],
    anchors: dict[str, set[str]],
) -> list[Problem]:
    """Problems for links of `page` (a docs-relative path) whose file or anchor does not exist.

    `files`: every docs-relative file of the site; `anchors`: ids per Markdown page.
    """
    problems = []
    base = posixpath.dirname(page)
    for link in links:
        parts = urlsplit(link.target)
        path, fragment = unquote(parts.path), unquote(parts.fragment)
        target = posixpath.normpath(posixpath.join(base, path)) if path else page
        kind = "image" if link.image else "link"
        if path:
            candidates = [target, posixpath.join(target, "index.md"), target + ".md"] if not target.endswith(".md") else [target]
            found = next((c for c in candidates if c in files), None)
            if found is None:
                problems.append(Problem(display, link.line + line_offset, f"{kind} to '{unquote(link.target)}': no file '{target}' in docs/"))
                continue
            target = found
        if fragment and target in anchors and fragment not in anchors[target]:
            where = "this page" if target == page else f"'{target}'"
            problems.append(Problem(display, link.line + line_offset, f"{kind} to '{unquote(link.target)}': no anchor '#{fragment}' on {where}"))
    return problems
