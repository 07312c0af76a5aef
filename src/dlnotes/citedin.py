"""Which notes cite which entries. No MkDocs here.

A page's citations are what the citation extension (dlnotes.citemd) found while Python-Markdown
rendered it, so the index is built once every page is rendered (MkDocs renders every page's
content before any template is filled), from the same parse that wrote the page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import markdown as markdown_lib

from .citemd import CitationExtension


@dataclass
class CitedIn:
    # key -> pages citing it, each once, in the order the pages were given (nav order)
    pages: dict[str, list[str]] = field(default_factory=dict)
    # page -> keys it cites, in order of first citation (the order of its footnotes)
    keys: dict[str, list[str]] = field(default_factory=dict)

    def citing(self, key: str) -> list[str]:
        return self.pages.get(key, [])


def page_citations(markdown: str, known: Callable[[str], bool]) -> list[str]:
    """Keys a page cites, in order of first citation, read by rendering it with Python-Markdown
    and the citation extension (unknown keys are left out: nothing to link to)."""
    ext = CitationExtension(known=known)
    markdown_lib.Markdown(extensions=["footnotes", "tables", "md_in_html", "pymdownx.arithmatex", ext]).convert(markdown)
    return ext.last.keys()


def index_citations(cited: Iterable[tuple[str, list[str]]]) -> CitedIn:
    """`cited`: (page path, its keys) in the order to list pages."""
    index = CitedIn()
    for path, order in cited:
        if order:
            index.keys[path] = order
            for key in order:
                index.pages.setdefault(key, []).append(path)
    return index


def scan_citations(sources: Iterable[tuple[str, str]], known: Callable[[str], bool]) -> CitedIn:
    """`sources`: (page path, page Markdown without front matter) in the order to list pages."""
    return index_citations((path, page_citations(markdown, known)) for path, markdown in sources)


def footnote_ref_anchor(key: str) -> str:
    """The id Python-Markdown gives the first reference to footnote `key` on a page (later ones
    are fnref2:, fnref3:...); cite_page makes one footnote per key, labelled with the key."""
    return f"fnref:{key}"
