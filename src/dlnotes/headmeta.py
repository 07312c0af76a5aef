"""What a note puts in the page's <head>: a description from its summary, Open Graph tags for
link previews, and Highwire Press `citation_*` tags for the paper the note discusses.

The `citation_*` tags are the ones Google Scholar documents and Zotero's "Embedded Metadata"
translator reads: with them the Zotero connector saves the paper (not the web page) in one click.
Plain data in, HTML text out; no MkDocs here.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from .bibliography import BibEntry
from .cards import entry_links, entry_title
from .mdtext import plain_text

# arXiv ids as they appear in eprint fields and arXiv URLs (new style 1409.0473, old hep-th/9901001).
_ARXIV = re.compile(
    r"(?:arxiv\.org/(?:abs|pdf)/|arXiv:)?(\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?(?:\.pdf)?$", re.IGNORECASE
)
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", re.IGNORECASE)
# Markdown a summary may carry: inline code, emphasis, links; shown as their text.
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_MARKS = re.compile(r"[*_`]+")
FEED_TITLE = "最新笔记(Atom)"


@dataclass(frozen=True)
class PaperMeta:
    """The facts of a paper that `citation_*` tags carry."""

    title: str
    authors: tuple[str, ...]  # "Last, First", as Google Scholar asks
    date: str | None  # year, or year/month
    journal: str | None
    conference: str | None
    pdf_url: str | None
    doi: str | None
    arxiv_id: str | None


def paper_meta(entry: BibEntry) -> PaperMeta:
    f = entry.fields
    people = entry.pybtex.persons.get("author") or entry.pybtex.persons.get("editor") or []
    authors = []
    for person in people:
        last = plain_text(" ".join([*person.prelast_names, *person.last_names]))
        first = plain_text(" ".join([*person.first_names, *person.middle_names]))
        if last.lower() == "others":
            continue
        authors.append(f"{last}, {first}" if first else last)
    year = (f.get("year") or "").strip()
    month = (f.get("month") or "").strip()
    date = f"{year}/{month.zfill(2)}" if year and month.isdigit() else year or None
    journal = plain_text(f["journal"]) if f.get("journal") else None
    conference = plain_text(f["booktitle"]) if f.get("booktitle") else None
    doi = _DOI_PREFIX.sub("", f["doi"].strip()) if f.get("doi") else None
    pdf = f.get("pdf") or None
    arxiv = _arxiv_id(entry)
    if pdf is None and arxiv:
        pdf = f"https://arxiv.org/pdf/{arxiv}"
    return PaperMeta(entry_title(entry), tuple(authors), date, journal, conference, pdf, doi, arxiv)


def _arxiv_id(entry: BibEntry) -> str | None:
    f = entry.fields
    prefix = (f.get("archiveprefix") or f.get("eprinttype") or "arxiv").lower()
    candidates = [f.get("eprint") or ""] if prefix == "arxiv" else []
    candidates += [link.url for link in entry_links(entry) if "arxiv.org/" in link.url]
    candidates.append(f.get("journal") or "")  # "arXiv preprint arXiv:1409.0473"
    for text in candidates:
        m = _ARXIV.search(text.strip())
        if m:
            return m.group(1)
    return None


def description(summary: str | None, fallback: str | None = None) -> str | None:
    """One line of plain text for <meta name="description">: the note's summary without Markdown."""
    text = summary or fallback
    if not text:
        return None
    text = _MD_MARKS.sub("", _MD_LINK.sub(r"\1", text))
    return " ".join(text.split()) or None


def _meta(attr: str, name: str, content: str) -> str:
    return f'<meta {attr}="{name}" content="{html.escape(content, quote=True)}">'


def citation_tags(paper: PaperMeta) -> list[str]:
    fields: list[tuple[str, str | None]] = [("citation_title", paper.title)]
    fields += [("citation_author", a) for a in paper.authors]
    fields += [
        ("citation_publication_date", paper.date),
        ("citation_journal_title", paper.journal),
        ("citation_conference_title", paper.conference),
        ("citation_pdf_url", paper.pdf_url),
        ("citation_doi", paper.doi),
        ("citation_arxiv_id", paper.arxiv_id),
    ]
    return [_meta("name", name, value) for name, value in fields if value]


def open_graph_tags(title: str, url: str | None, site_name: str, text: str | None, is_note: bool) -> list[str]:
    tags = [
        _meta("property", "og:type", "article" if is_note else "website"),
        _meta("property", "og:title", title),
        _meta("property", "og:site_name", site_name),
        _meta("property", "og:locale", "zh_CN"),
    ]
    if url:
        tags.append(_meta("property", "og:url", url))
    if text:
        tags.append(_meta("property", "og:description", text))
    return tags


def feed_link(href: str, title: str = FEED_TITLE) -> str:
    return f'<link rel="alternate" type="application/atom+xml" title="{html.escape(title)}" href="{html.escape(href)}">'


def head_html(tags: list[str]) -> str:
    return "\n".join(f"    {t}" for t in tags) + "\n"


_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)


def add_to_head(page_html: str, block: str) -> str:
    """`block` just before </head> (the page unchanged when it has no head)."""
    m = _HEAD_END.search(page_html)
    return page_html if m is None else page_html[: m.start()] + block + page_html[m.start() :]


def page_head(
    title: str,
    url: str | None,
    site_name: str,
    summary: str | None,
    site_description: str | None,
    entry: BibEntry | None,
    feed_href: str,
) -> str:
    """Everything a page adds to its <head>: Open Graph, the feed's link, and for a note on a
    paper the paper's `citation_*` tags. (The description itself is the theme's
    <meta name="description">, fed with `description(summary)`.)"""
    tags = open_graph_tags(title, url, site_name, description(summary, site_description), entry is not None)
    if entry is not None:
        tags += citation_tags(paper_meta(entry))
    tags.append(feed_link(feed_href))
    return head_html(tags)
