"""How one bibliography entry reads on the site: the formatted reference plus its links, as HTML.

The HTML goes into pages after Markdown has rendered them (footnotes, the References page), so
Python-Markdown never parses a reference again: each is made once per entry and, when the
formatter has a FormatStore, kept across builds.
"""

from __future__ import annotations

import html as html_module
import sys
from typing import Any

import markdown

from .bibliography import BibEntry, EntryFormatter
from .diskcache import code_version

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
    extra = " ".join(f"[{label}](<{url}>)" for label, url in entry_links(entry))
    return f"{formatted} {extra}".strip()


def markdown_to_inline_html(markdown_text: str) -> str:
    """One paragraph of Markdown as inline HTML."""
    _md.reset()
    html = _md.convert(markdown_text)
    if html.startswith("<p>") and html.endswith("</p>"):
        html = html[3:-4]
    return html


def text_html(text: str) -> str:
    return html_module.escape(text, quote=False)


class ReferenceHTML:
    """key -> the entry's reference as inline HTML (mkdocs-bibtex's formatting, then the pdf and
    code links), made once per entry per bibliography, and once per change of the entry across
    builds when `format_entry` has a store."""

    def __init__(self, format_entry: EntryFormatter):
        self.format_entry = format_entry
        self._cache: dict[str, str] = {}
        # Stored HTML is made by this module's code with Python-Markdown: both are in its key.
        self._salt = "html " + code_version([sys.modules[__name__]], ["markdown"])

    def __call__(self, key: str) -> str:
        html = self._cache.get(key)
        if html is None:
            entry = self.format_entry.bib.entries[key]
            store = self.format_entry.store
            digest = self._salt + store.digest(entry) if store else ""
            html = store.get(digest) if store else None
            if html is None:
                html = markdown_to_inline_html(reference_markdown(entry, self.format_entry(key)))
                if store and key not in self.format_entry.failed:  # a failure is reported every build
                    store.put(digest, html)
            self._cache[key] = html
        return html


class StyledReferenceHTML:
    """key -> the entry as the site's style writes it (a `dlnotes.csl` formatter: CSL or
    pybtex's plain), then the pdf and code links. Same call as ReferenceHTML, so the footnotes,
    hover previews and the References page take it unchanged."""

    def __init__(self, formatter: Any):
        self.formatter = formatter  # dlnotes.csl.CslFormatter | PlainFormatter
        self._cache: dict[str, str] = {}

    def __call__(self, key: str) -> str:
        html = self._cache.get(key)
        if html is None:
            html = self._cache[key] = self.with_links(key, self.formatter.reference_html(key))
        return html

    def with_links(self, key: str, formatted: str) -> str:
        """`formatted` (the entry as a style wrote it, e.g. in a page's bibliography) and the
        entry's pdf and code links."""
        links = " ".join(
            f'<a href="{html_module.escape(url)}">{label}</a>' for label, url in entry_links(self.formatter.bib.entries[key])
        )
        return f"{formatted} {links}".strip()
