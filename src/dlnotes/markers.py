"""Markers an author puts on a line of its own where a generated part of the site goes.

A marker is an HTML comment, so a page shows nothing where the generator is not run. Where it
counts is decided by the renderer's own parse: a marker is replaced where Python-Markdown reads it
as a block of raw HTML of its own (its HTML-block preprocessor stashed it), so a marker quoted in a
fence, an indented block or a sentence stays as written. A marker the renderer did not take as a
block (inside a list, an admonition, an HTML block) is left as it is and reported
(`stray_markers`): nothing would be generated there.
"""

from __future__ import annotations

from collections.abc import Callable

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

MARKERS = {
    "references": "<!-- dlnotes:references -->",
    "roadmap": "<!-- dlnotes:roadmap -->",
    "timeline": "<!-- dlnotes:timeline -->",
    "latest": "<!-- dlnotes:latest-notes -->",
}
_BY_TEXT = {text: name for name, text in MARKERS.items()}


class _Generated(Preprocessor):
    """After Python-Markdown's HTML-block preprocessor: each line that stands for a stashed
    marker becomes the generated Markdown, whose own HTML blocks that preprocessor then stashes."""

    def __init__(self, md: Markdown, generate: Callable[[str], str | None]) -> None:
        super().__init__(md)
        self.generate = generate

    def run(self, lines: list[str]) -> list[str]:
        stash = self.md.htmlStash
        found = {
            stash.get_placeholder(i): _BY_TEXT[block.strip()]
            for i, block in enumerate(stash.rawHtmlBlocks)
            if isinstance(block, str) and block.strip() in _BY_TEXT
        }
        if not found:
            return lines
        out: list[str] = []
        for line in lines:
            name = found.get(line.strip())
            generated = self.generate(name) if name is not None else None
            if generated is None:
                out.append(line)
            else:
                out.extend(self.md.preprocessors["html_block"].run(generated.split("\n")))
        return out


class GeneratedPartsExtension(Extension):
    """Markers replaced by `generate(name)` (Markdown; None: the marker stays)."""

    def __init__(self, generate: Callable[[str], str | None]) -> None:
        super().__init__()
        self.generate = generate

    def extendMarkdown(self, md: Markdown) -> None:
        # Right after the HTML-block preprocessor (20), which decides what is a block of HTML.
        md.preprocessors.register(_Generated(md, self.generate), "dlnotes_generated", 19)


def stray_markers(html: str) -> list[str]:
    """The markers left as written in a rendered page (the renderer did not read them as a block
    of their own; in code they are escaped and not found)."""
    return [text for text in MARKERS.values() if text in html]
