"""How one bibliography entry reads under a note: the formatted reference plus its links."""

from __future__ import annotations

import html as html_module
import re

import markdown

from .bibliography import BibEntry

_md = markdown.Markdown()


def entry_links(entry: BibEntry) -> list[tuple[str, str]]:
    """(label, url) for the pdf and the code, which the formatted text does not show."""
    links = []
    if entry.get("pdf"):
        links.append(("pdf", entry.fields["pdf"]))
    code = entry.get("code")
    if code and code != entry.get("url"):
        links.append(("code", code))
    return links


def reference_markdown(entry: BibEntry, formatted: str) -> str:
    extra = " ".join(f"[{label}]({url})" for label, url in entry_links(entry))
    return f"{formatted} {extra}".strip()


# Footnotes are Markdown that Python-Markdown parses again on every citing page; a formatted
# reference is link-heavy and was most of a note's rendering time. So each reference is turned
# into HTML once per build, and the footnote carries that HTML.
_TAG_OR_TEXT = re.compile(r"(<[^>]+>)")
_MARKDOWN_SIGNIFICANT = {c: f"&#{ord(c)};" for c in "\\*_`[]$~^<>&"}


def _protect_text(html: str) -> str:
    """Characters Markdown (and math) would read in text, as entities; tags left alone."""
    parts = _TAG_OR_TEXT.split(html)
    for i in range(0, len(parts), 2):
        parts[i] = "".join(_MARKDOWN_SIGNIFICANT.get(c, c) for c in html_module.unescape(parts[i]))
    return "".join(parts)


def markdown_to_inline_html(markdown_text: str) -> str:
    """One paragraph of Markdown as inline HTML that survives being parsed as Markdown again."""
    _md.reset()
    html = _md.convert(markdown_text)
    if html.startswith("<p>") and html.endswith("</p>"):
        html = html[3:-4]
    return _protect_text(html)


def text_html(text: str) -> str:
    return _protect_text(html_module.escape(text, quote=False))
