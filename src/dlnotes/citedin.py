"""Which notes cite which entries, known before any page renders. No MkDocs here.

MkDocs renders pages one by one, so a list built while rendering would be incomplete on every
page rendered before the last citing one. Instead every page's Markdown is scanned once, up front,
with the citation layer's own `find_citations` (the function `cite_page` uses, so both agree on
what is a citation), and the index is complete whatever the rendering order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .citations import find_citations
from .diskcache import DiskCache


@dataclass
class CitedIn:
    # key -> pages citing it, each once, in the order the pages were given (nav order)
    pages: dict[str, list[str]] = field(default_factory=dict)
    # page -> keys it cites, in order of first citation (the order of its footnotes)
    keys: dict[str, list[str]] = field(default_factory=dict)

    def citing(self, key: str) -> list[str]:
        return self.pages.get(key, [])


def page_citations(markdown: str, known: Callable[[str], bool], cache: DiskCache | None = None) -> list[str]:
    """Keys a page cites, in order of first citation. Unknown keys are left out: they produce
    no footnote, so there is nothing to link to."""
    if "@" not in markdown:  # no citation possible: skip the scan (most of a big site's pages)
        return []
    groups, _issues, _unclosed = find_citations(markdown, cache)
    order: list[str] = []
    for group in groups:
        for item in group.items:
            if item.key not in order and known(item.key):
                order.append(item.key)
    return order


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
