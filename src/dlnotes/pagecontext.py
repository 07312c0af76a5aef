"""The page being rendered, for our Python-Markdown extensions.

Python-Markdown knows neither the file it renders nor its lines. The driver of a build (the core,
dlnotes.site) opens a context before a page's Markdown is rendered and closes it afterwards; our
extensions record into it what they find (problems with the line in the Markdown they were given,
link targets). One page is rendered at a time in a build process, so one current context serves.
Outside a build (Markdown rendered on its own) there is no context and nothing is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class PageContext:
    uri: str  # relative to docs/
    display: str  # the file as problems name it
    markdown: str  # what the renderer is given
    line_offset: int  # lines of the file before `markdown` (its front matter)
    problems: list[tuple[int | None, str]] = field(default_factory=list)  # (line in markdown, message)
    links: list[tuple[str, bool]] = field(default_factory=list)  # (target as written, is an image)


_current: PageContext | None = None


def begin(uri: str, display: str, markdown: str, line_offset: int) -> PageContext:
    global _current
    _current = PageContext(uri, display, markdown, line_offset)
    return _current


def current() -> PageContext | None:
    return _current


def end() -> PageContext | None:
    global _current
    context, _current = _current, None
    return context
