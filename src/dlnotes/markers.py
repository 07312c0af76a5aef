"""Markers an author puts on a line of its own where a generated part of the site goes.

A marker is an HTML comment, so a page shows nothing where the generator is not run. It counts
only as a block of its own (Markdown's HTML block) outside code: a marker quoted in a fence, an
indented block or a sentence stays as written.
"""

from __future__ import annotations

from collections.abc import Callable

from . import mdparse

MARKERS = {
    "references": "<!-- dlnotes:references -->",
    "roadmap": "<!-- dlnotes:roadmap -->",
    "timeline": "<!-- dlnotes:timeline -->",
    "latest": "<!-- dlnotes:latest-notes -->",
}
_BY_TEXT = {text: name for name, text in MARKERS.items()}


def replace_markers(markdown: str, generate: Callable[[str], str]) -> str:
    """`markdown` with each marker line replaced by `generate(marker name)`."""
    if "<!-- dlnotes:" not in markdown:
        return markdown
    lines = markdown.split("\n")
    found: list[tuple[int, str]] = []
    for token in mdparse.parse_blocks(markdown):
        if token.type == "html_block" and token.map and token.content.strip() in _BY_TEXT:
            found.append((token.map[0], _BY_TEXT[token.content.strip()]))
    for line, name in reversed(found):
        lines[line] = generate(name)
    return "\n".join(lines)
