"""The paper card at the top of a paper note: built from the note's BibTeX entry, its front
matter and the roadmap, never typed by hand. Plain data + a pure text renderer, no MkDocs.

The card is one raw HTML block styled as a Material admonition (div.admonition.abstract.paper-card)
holding a list of facts and a collapsed <details> "BibTeX" whose pre > code Material gives a copy
button (see `card_html` for why HTML).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from .bibliography import BibEntry
from .mdtext import plain_text, stars
from .notes import Note
from .roadmap import Roadmap

# Our own fields in roadmap.bib: bookkeeping for the roadmap, not bibliographic data to copy.
INTERNAL_FIELDS = frozenset({"roadmap", "roadmap_order", "stars"})
# Where the venue of an entry is, by preference.
VENUE_FIELDS = ("journal", "booktitle", "howpublished", "publisher", "school", "institution", "organization")
STATUS_LABELS = {"read": "已读", "reading": "在读", "todo": "待读"}
_ARXIV_ID = re.compile(r"^(?:arXiv:)?(\d{4}\.\d{4,5}(?:v\d+)?|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})$", re.I)
_ARXIV_ABS = re.compile(r"^https?://(?:www\.)?arxiv\.org/abs/", re.I)


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class RoadmapPlace:
    section_id: str
    section_title: str


@dataclass(frozen=True)
class PaperCard:
    key: str
    title: str
    authors: tuple[str, ...]
    venue: str | None
    year: str | None
    links: tuple[Link, ...]
    date: dt.date | None
    status: str | None
    tags: tuple[str, ...]
    roadmap: tuple[RoadmapPlace, ...]
    stars: int | None
    bibtex: str


# --- reading an entry -------------------------------------------------------------


def entry_title(entry: BibEntry) -> str:
    return plain_text(entry.fields.get("title") or entry.key)


def entry_authors(entry: BibEntry) -> list[str]:
    """Authors (or editors) as "First Last", LaTeX decoded; BibTeX's "others" as "et al."."""
    people = entry.pybtex.persons.get("author") or entry.pybtex.persons.get("editor") or []
    names = []
    for person in people:
        parts = [*person.first_names, *person.middle_names, *person.prelast_names, *person.last_names, *person.lineage_names]
        name = plain_text(" ".join(parts))
        names.append("et al." if name.lower() == "others" else name)
    return names


def entry_surnames(entry: BibEntry) -> list[str]:
    people = entry.pybtex.persons.get("author") or entry.pybtex.persons.get("editor") or []
    return [plain_text(" ".join(p.last_names)) for p in people if " ".join(p.last_names).lower() != "others"]


def entry_venue(entry: BibEntry) -> str | None:
    for name in VENUE_FIELDS:
        if entry.fields.get(name):
            return plain_text(entry.fields[name])
    return None


def entry_links(entry: BibEntry) -> list[Link]:
    """pdf, arXiv abstract, DOI, code, then the entry's url when it is none of those."""
    f = entry.fields
    links: list[Link] = []
    if f.get("pdf"):
        links.append(Link("PDF", f["pdf"]))
    arxiv = _arxiv_abs(entry)
    if arxiv:
        links.append(Link("arXiv", arxiv))
    if f.get("doi"):
        doi = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", "", f["doi"].strip(), flags=re.I)
        links.append(Link("DOI", f"https://doi.org/{doi}"))
    if f.get("code"):
        links.append(Link("代码", f["code"]))
    url = f.get("url")
    if url and url not in {link.url for link in links}:
        links.append(Link("链接", url))
    return links


def _arxiv_abs(entry: BibEntry) -> str | None:
    f = entry.fields
    eprint = (f.get("eprint") or "").strip()
    prefix = (f.get("archiveprefix") or f.get("eprinttype") or "arxiv").lower()
    if eprint and prefix == "arxiv" and _ARXIV_ID.match(eprint):
        return "https://arxiv.org/abs/" + _ARXIV_ID.match(eprint).group(1)  # type: ignore[union-attr]
    url = f.get("url") or ""
    return url if _ARXIV_ABS.match(url) else None


def bibtex_text(entry: BibEntry, drop: Iterable[str] = INTERNAL_FIELDS) -> str:
    """The entry as BibTeX a reader can copy: field values exactly as written in our bib (pybtex
    keeps them raw), our internal fields dropped, the type as written (@online stays @online).

    Written here rather than by pybtex's BibTeX writer, which LaTeX-encodes values again
    ("{pytorch\\_basic\\_nmt}" would come out with doubled backslashes, a URL's "_" as "\\_").
    """
    dropped = {d.lower() for d in drop}
    source = entry.pybtex
    pairs: list[tuple[str, str]] = [
        (role.lower(), " and ".join(str(p) for p in people)) for role, people in source.persons.items()
    ]
    pairs += [(name.lower(), str(value)) for name, value in source.fields.items() if name.lower() not in dropped]
    width = max((len(name) for name, _ in pairs), default=0)
    body = ",\n".join(f"  {name.ljust(width)} = {{{value}}}" for name, value in pairs)
    return f"@{entry.type}{{{entry.key},\n{body}\n}}" if pairs else f"@{entry.type}{{{entry.key}\n}}"


def short_citation(entry: BibEntry) -> str:
    """ "LeCun, Bengio, Hinton, Nature 2015": surnames (first + "et al." beyond three), a short
    venue when there is one (long proceedings names and arXiv ids are left out), the year."""
    surnames = entry_surnames(entry)
    people = entry.pybtex.persons.get("author") or entry.pybtex.persons.get("editor") or []
    more = len(surnames) < len(people)  # "and others" in the bib
    people_text = ", ".join(surnames) if len(surnames) <= 3 and not more else f"{surnames[0]} et al." if surnames else ""
    venue = entry_venue(entry)
    if venue and (len(venue) > 30 or venue.lower().startswith("arxiv")):
        venue = None
    when = " ".join(x for x in (venue, entry.fields.get("year")) if x)
    return ", ".join(x for x in (people_text, when) if x)


# --- building a card --------------------------------------------------------------------


def roadmap_places(roadmap: Roadmap | None) -> dict[str, tuple[tuple[RoadmapPlace, ...], int | None]]:
    """key -> (the roadmap sections listing it, its stars): computed once per build."""
    if roadmap is None:
        return {}
    places: dict[str, list[RoadmapPlace]] = {}
    rated: dict[str, int | None] = {}
    for section in roadmap.sections:
        for paper in section.papers:
            places.setdefault(paper.key, []).append(RoadmapPlace(section.id, section.title))
            rated[paper.key] = paper.stars
    return {key: (tuple(p), rated[key]) for key, p in places.items()}


def build_card(
    entry: BibEntry,
    note: Note,
    places: Mapping[str, tuple[tuple[RoadmapPlace, ...], int | None]] | None = None,
) -> PaperCard:
    where, rating = (places or {}).get(entry.key, ((), None))
    return PaperCard(
        key=entry.key,
        title=entry_title(entry),
        authors=tuple(entry_authors(entry)),
        venue=entry_venue(entry),
        year=entry.fields.get("year"),
        links=tuple(entry_links(entry)),
        date=note.date,
        status=note.status,
        tags=tuple(note.tags),
        roadmap=where,
        stars=rating,
        bibtex=bibtex_text(entry),
    )


# --- rendering ----------------------------------------------------------------------------


def roadmap_anchor(section_id: str) -> str:
    """The id of a section's heading on the roadmap page ("2.4" -> "roadmap-2-4")."""
    return "roadmap-" + re.sub(r"[^A-Za-z0-9]+", "-", section_id).strip("-")


# A link to another doc of the site: (target doc relative to docs/, anchor) -> URL, or None when
# that doc is not part of the site. The plugin supplies it (MkDocs knows the built URLs).
DocLink = Callable[[str, "str | None"], "str | None"]


def card_html(
    card: PaperCard,
    doc_link: DocLink,
    roadmap_page: str | None = None,
    references_page: str | None = None,
    reference_anchor: str | None = None,
    heading: str | None = None,
) -> str:
    """The card as one raw HTML block, styled as a Material admonition.

    The paper's title is the page's heading on most notes: the card then says "论文信息" and
    does not repeat it; it names the paper only when the page `heading` differs. The BibTeX key
    is not shown (it is in the BibTeX block, made to be copied).

    HTML rather than Markdown because it is on every paper note: Python-Markdown leaves a raw
    block alone, where a Markdown card (list, links, a highlighted code block) cost more than
    the note itself on a 1000-note build. Internal links come from `doc_link` (checked by the
    tests, as MkDocs does not check links in raw HTML). `data-search-exclude` keeps the card
    (bib data the page's reference list already has) out of the search index.
    """
    facts: list[tuple[str, str]] = []
    if card.authors:
        facts.append(("作者", _h(", ".join(card.authors))))
    venue = ", ".join(x for x in (card.venue, card.year) if x)
    if venue:
        facts.append(("发表", _h(venue)))
    if card.links:
        facts.append(("链接", " · ".join(f'<a href="{_h(link.url)}">{_h(link.label)}</a>' for link in card.links)))
    status = STATUS_LABELS.get(card.status or "")
    if status:
        facts.append(("状态", status))
    if status or card.date:
        facts.append(("阅读日期", card.date.isoformat() if card.date else "未记录"))
    if card.tags:
        facts.append(("标签", " · ".join(_h(t) for t in card.tags)))
    for place in card.roadmap:
        label = _h(f"{place.section_id} {place.section_title}")
        url = doc_link(roadmap_page, roadmap_anchor(place.section_id)) if roadmap_page else None
        if url:
            label = f'<a href="{_h(url)}">{label}</a>'
        rating = f" {stars_html(card.stars, 'paper-card-stars')}" if card.stars else ""
        facts.append(("路线图", label + rating))
    url = doc_link(references_page, reference_anchor) if references_page and reference_anchor else None
    if url:
        facts.append(("参考文献", f'<a href="{_h(url)}">在参考文献页中</a>'))
    same = heading is not None and _fold(heading) == _fold(card.title)
    shown_title = "论文信息" if same or not card.title else card.title
    items = "".join(f"<li><strong>{label}</strong>: {value}</li>\n" for label, value in facts)
    # One line per element: a blank line inside would end Python-Markdown's raw HTML block.
    bibtex = _h(card.bibtex).replace("\n\n", "\n \n")
    return (
        '<div class="admonition abstract paper-card" data-search-exclude>\n'
        f'<p class="admonition-title">{_h(shown_title)}</p>\n'
        f"<ul>\n{items}</ul>\n"
        '<details class="quote paper-card-bibtex"><summary>BibTeX</summary>\n'
        f'<pre><code class="language-bibtex">{bibtex}</code></pre>\n'
        "</details>\n"
        "</div>\n"
    )


def stars_html(n: int, css_class: str, of: int = 5) -> str:
    """★★★★☆ with a text alternative: a screen reader says "4 星（满分 5）", not five "black star"s."""
    label = f"{n} 星（满分 {of}）"
    return f'<span class="{css_class}" role="img" aria-label="{label}" title="{label}">{stars(n, of)}</span>'


def _fold(text: str) -> str:
    """A title compared loosely: case, spacing and punctuation aside."""
    return re.sub(r"[\W_]+", "", text).casefold()


def _h(text: str) -> str:
    """Text in HTML, also inside a double-quoted attribute (the one escaping rule: html.escape)."""
    return html.escape(text)


_H1_END = re.compile(r"</h1\s*>", re.I)


def insert_after_title_html(html: str, block: str) -> str:
    """Put `block` right after the rendered page's first <h1> (at the top when it has none).

    The card is inserted into the HTML, not the Markdown: as a raw HTML block it went through
    Python-Markdown's HTML parser on every page for nothing (it is HTML already)."""
    m = _H1_END.search(html)
    at = m.end() if m else 0
    return html[:at] + "\n" + block.rstrip("\n") + "\n" + html[at:]
