"""Links between the site's own files, checked with the line they are written on.

MkDocs validates links too, but names no line; the author of a long note wants the line. Links
are read with markdown-it-py from the Markdown, anchors from the rendered HTML of each page (so
every id the page really has counts: headings, footnotes, attr_list ids).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from html import unescape
from urllib.parse import unquote, urlsplit

from . import mdparse
from .problems import Problem


@dataclass(frozen=True)
class DocLink:
    line: int          # 1-based, in the Markdown given
    target: str        # as written
    image: bool


# Only blocks that may hold a link or image are parsed inline (most paragraphs hold none).
_MAY_LINK = re.compile(r"\]\s*[(\[]|\]|<[A-Za-z]")


def extract_links(markdown: str) -> list[DocLink]:
    """Relative links and images of a page (external URLs, mailto: and the like are not ours)."""
    lines = markdown.split("\n")
    links: list[DocLink] = []
    env: dict = {}
    for block in mdparse.parse_blocks(markdown, env):
        if block.type != "inline" or not block.map or not _MAY_LINK.search(block.content):
            continue
        first, last = block.map
        for token in mdparse.parse_inline(block.content, env):
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


# A cheap first pass: every link target markdown-it could find is among these (and more, e.g. in
# code). Only a page with a candidate that does not resolve is parsed with markdown-it for the
# real links and their lines: most pages have no broken link, and parsing all was slow.
_CANDIDATES = re.compile(r"\]\(\s*<?([^)\s>]+)|^[ ]{0,3}\[[^\]\n]+\]:[ \t]*<?([^\s>]+)", re.M)


def candidate_targets(markdown: str) -> list[str]:
    """Relative link targets a page may have (a superset of `extract_links`' targets)."""
    found = (a or b for a, b in _CANDIDATES.findall(markdown))
    return [t for t in found if not _is_external(t)]


def _is_external(target: str) -> bool:
    parts = urlsplit(target)
    return bool(parts.scheme or parts.netloc) or target.startswith("/")


def _line_of(lines: list[str], first: int, last: int, target: str) -> int:
    # markdown-it percent-encodes the target; look for what the author typed, in the paragraph,
    # else anywhere (a reference-style link's target is on its definition's line).
    for start, stop in ((first, min(last, len(lines))), (0, len(lines))):
        for needle in (target, unquote(target)):
            for i in range(start, stop):
                if needle in lines[i]:
                    return i + 1
    return first + 1


# The HTML is Python-Markdown's own output, whose attributes are always double-quoted; a regex
# finds its ids ten times faster than html.parser, which made this a visible part of the build.
_ID_ATTR = re.compile(r'\s(?:id|name)="([^"]+)"')  # text and code have their quotes escaped


def html_ids(html: str) -> set[str]:
    return {unescape(m) for m in _ID_ATTR.findall(html)}


def check_links(
    page: str,
    display: str,
    markdown: str,
    line_offset: int,
    files: set[str],
    anchors: dict[str, set[str]],
) -> list[Problem]:
    """Problems for links of `page` (a docs-relative path) whose file or anchor does not exist.

    `files`: every docs-relative file of the site; `anchors`: ids per Markdown page.
    """
    if all(_problem(page, target, files, anchors) is None for target in candidate_targets(markdown)):
        return []
    problems = []
    for link in extract_links(markdown):
        problem = _problem(page, link.target, files, anchors)
        if problem is not None:
            kind = "image" if link.image else "link"
            problems.append(Problem(display, link.line + line_offset, f"{kind} to '{unquote(link.target)}': {problem}"))
    return problems


def _problem(page: str, link: str, files: set[str], anchors: dict[str, set[str]]) -> str | None:
    parts = urlsplit(link)
    path, fragment = unquote(parts.path), unquote(parts.fragment)
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path)) if path else page
    if path:
        candidates = [target] if target.endswith(".md") else [target, posixpath.join(target, "index.md"), target + ".md"]
        found = next((c for c in candidates if c in files), None)
        if found is None:
            return f"no file '{target}' in docs/"
        target = found
    if fragment and target in anchors and fragment not in anchors[target]:
        where = "this page" if target == page else f"'{target}'"
        return f"no anchor '#{fragment}' on {where}"
    return None
