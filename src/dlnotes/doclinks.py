"""Links between the site's own files, checked with the line they are written on.

The links are the ones the renderer found (dlnotes.linkmd records them while the page renders:
Markdown links and images, with spaces or percent-encoding, and raw HTML `<img src>`, `<a href>`);
anchors come from each page's rendered HTML (headings, footnotes, attr_list ids). MkDocs checks
links too but names no line; the author of a long note wants the line, and the fix.
"""

from __future__ import annotations

import posixpath
import re
from html import unescape
from urllib.parse import unquote, urlsplit

from .problems import Problem

# A path on the author's own computer: it works in their editor (Typora, Obsidian) and nowhere else.
_LOCAL_PATH = re.compile(r"^(?:file:|[A-Za-z]:[\\/]|\\\\|/(?:Users|home|root|tmp|mnt|media|Volumes|private|var|opt)/)", re.I)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def line_of(markdown: str, target: str) -> int | None:
    """1-based line of `markdown` where `target` is written (as written, decoded, or HTML-escaped)."""
    for needle in dict.fromkeys((target, unquote(target), unescape(target), target.replace("&", "&amp;"))):
        at = markdown.find(needle) if needle else -1
        if at >= 0:
            return markdown.count("\n", 0, at) + 1
    return None


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
    links: list[tuple[str, bool]],
    files: set[str],
    anchors: dict[str, set[str]],
) -> list[Problem]:
    """Problems for the `links` (target, is an image) of `page` (docs-relative) whose file or anchor
    does not exist. `files`: every docs-relative file of the site; `anchors`: ids per page."""
    problems = []
    seen: set[tuple[str, bool]] = set()
    for target, image in links:
        if (target, image) in seen:
            continue
        seen.add((target, image))
        problem = _problem(page, target, files, anchors)
        if problem is not None:
            kind = "image" if image else "link"
            line = line_of(markdown, target)
            problems.append(Problem(display, line + line_offset if line else None, f"{kind} to '{unquote(target)}': {problem}"))
    return sorted(problems, key=lambda p: p.line or 0)


def _problem(page: str, link: str, files: set[str], anchors: dict[str, set[str]]) -> str | None:
    if _LOCAL_PATH.match(link):
        return "a path on your computer, which readers do not have: copy the file into docs/ and link it relative to this note"
    parts = urlsplit(link)
    if parts.netloc or _SCHEME.match(link):  # http:, mailto:, ... are the link checker's
        return None
    if link.startswith("/"):
        return "an absolute path, which breaks when the site is served under a folder: write it relative to this note"
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
