"""The Deep Learning Papers Reading Roadmap as data: clean, write, read, track progress.

Plain Python (no MkDocs import) so that scripts, tests and the site can all use it.

Pipeline::

    papers.json --clean()--> Roadmap --to_bibtex()/to_yaml()--> bib/roadmap.bib + bib/roadmap.yaml
    bib/roadmap.bib + bib/roadmap.yaml --load_roadmap()--> Roadmap --progress()/next_up()

Decisions (see also the tables below):

* Authors are stored in BibTeX form ("Last, First"); "et al." becomes the BibTeX
  keyword ``others``; a surname written alone stays as written ("He").
* A paper listed twice (same title, year and first-author surname) becomes ONE entry
  listed under every section that lists it. Its data (authors, venue, stars) are those
  of the first listing, which is the more complete one; the other listing's links are
  kept and what differed is written into the entry's ``note``. So there are 132
  distinct papers while the sections still hold 133 places, as on the roadmap page.
* Every arXiv link (abstract page or pdf, with or without junk after the id such as
  ``.pdf&embed`` or ``?utm_source=...``) is rewritten to ``https://arxiv.org/pdf/<id>``,
  keeping a version (``v7``) the page pinned; an abstract page is also kept as the
  ``url``. The one broken link (``...pdf%20(http://...)``) is repaired by keeping
  what comes before the ``%20(``. Other links are kept as written.
* Missing values stay missing (no venue/year for Binarized Neural Networks, no venue
  for the Siamese networks thesis, no stars for LRCN): no invented facts.
* The BibTeX file holds the papers (distinct, in roadmap order); the YAML file holds
  the sections and their order. ``load_roadmap`` checks that they agree.
* ``eprint`` is set only when the paper is identified as an arXiv paper: the venue
  says "arXiv:<id>" / "CoRR, abs/<id>", or the roadmap links its arXiv abstract page.
  A mere arXiv pdf beside a conference venue does not make it one.
* Keys follow Google Scholar: first author's ASCII surname (without "van", "de"...)
  + year + first title word that is not a stop word, all lowercase (`keys.base_key`, the
  one key maker, also used by `dlnotes add`). When several
  papers share a key, ALL of them get a suffix a, b, ... in roadmap order, so that a
  bare ambiguous key never silently points at one of them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from pybtex.database import Entry, parse_file
from pybtex.scanner import PybtexError

from .keys import NAME_PARTICLES as _VON
from .keys import ascii_word as _ascii_word
from .keys import base_key

__all__ = [
    "AUTHOR_CORRECTIONS",
    "ENTRY_CORRECTIONS",
    "KEY_RE",
    "Progress",
    "Roadmap",
    "RoadmapPaper",
    "Section",
    "SectionProgress",
    "clean",
    "load_roadmap",
    "next_up",
    "progress",
    "to_bibtex",
    "to_yaml",
]

# The project's rule for a citation key (shared with notes' front matter).
KEY_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_:.+/-]*")

# --- correction tables ------------------------------------------------------
# Explicit rather than clever: each line is a fact about one name or entry as the
# roadmap page wrote it. The generic rule ("First Last" -> "Last, First") would get
# these wrong.
AUTHOR_CORRECTIONS: dict[str, str] = {
    "Glorat Xavier": "Glorot, Xavier",  # misspelt and reversed (Glorot & Bengio, AISTATS 2010)
    "Bengio Yoshua": "Bengio, Yoshua",  # reversed, same entry as above
    "Li Fei-Fei": "Li, Fei-Fei",  # family name first already; the rule would swap it
    "Fei Fei F. Li": "Li, Fei-Fei",  # same person, garbled by the page
}


@dataclass(frozen=True)
class EntryCorrection:
    """Overrides for one raw entry, matched by section id and exact title."""

    section_id: str
    title: str
    reason: str  # goes into the entry's BibTeX `note`, so the change stays visible
    authors: tuple[str, ...] | None = None  # already in BibTeX form
    year: int | None = None
    venue: str | None = None


ENTRY_CORRECTIONS: tuple[EntryCorrection, ...] = (
    # The book's first author is Ian Goodfellow; the MIT Press edition is 2016. The
    # notes already cite it as goodfellow2016deep.
    EntryCorrection(
        section_id="1.0",
        title="Deep learning",
        reason=(
            "Roadmap lists 'Bengio, Yoshua' first and year 2015; corrected to the "
            "MIT Press edition: Goodfellow, Bengio, Courville, 2016."
        ),
        authors=("Goodfellow, Ian J.", "Bengio, Yoshua", "Courville, Aaron"),
        year=2016,
        venue="MIT Press",
    ),
)

# Venues that are journals (the rest with a venue are proceedings, see _entry_kind).
_JOURNALS = {
    "nature",
    "science",
    "neural computation",
    "journal of machine learning research",
    "ieee signal processing magazine",
}

_ARXIV_LINK = re.compile(
    r"^https?://(?:www\.)?arxiv\.org/(abs|pdf)/(\d{4}\.\d{4,5})(v\d+)?", re.IGNORECASE
)
_ARXIV_VENUE = re.compile(r"(?:arXiv:|abs/)(\d{4}\.\d{4,5})")
_SECTION = re.compile(r"^(\d+\.\d+)\s+(.+)$")


# --- data model ---------------------------------------------------------------


@dataclass(frozen=True)
class RoadmapPaper:
    key: str
    title: str
    authors: tuple[str, ...]  # BibTeX form, "others" last for "et al."
    venue: str | None
    year: int | None
    stars: int | None
    links: tuple[str, ...]  # cleaned; pdf links first
    section_ids: tuple[str, ...]  # every section listing it, in roadmap order
    eprint: str | None = None  # arXiv id without version
    note: str | None = None  # corrections and merges, for the reader of the bib

    @property
    def pdf(self) -> str | None:
        return next((link for link in self.links if _is_pdf(link)), None)


@dataclass
class Section:
    id: str  # "2.4"
    title: str  # as on the page, full-width brackets kept
    papers: list[RoadmapPaper] = field(default_factory=list)


@dataclass
class Roadmap:
    sections: list[Section]

    @property
    def papers(self) -> list[RoadmapPaper]:
        """Distinct papers in roadmap order (a paper counts at its first listing)."""
        seen: dict[str, RoadmapPaper] = {}
        for section in self.sections:
            for paper in section.papers:
                seen.setdefault(paper.key, paper)
        return list(seen.values())

    def paper(self, key: str) -> RoadmapPaper:
        for paper in self.papers:
            if paper.key == key:
                return paper
        raise KeyError(key)


# --- cleaning -------------------------------------------------------------------


def split_section(raw: str) -> tuple[str, str]:
    """"1.3 ImageNet Evolution（...）" -> ("1.3", "ImageNet Evolution（...）")."""
    match = _SECTION.match(raw.strip())
    if not match:
        raise ValueError(f"section without an id: {raw!r}")
    return match.group(1), match.group(2).strip()


def normalize_author(raw: str) -> str:
    """One author as written on the page -> BibTeX form ("Last, First")."""
    name = " ".join(raw.split())
    if name in AUTHOR_CORRECTIONS:
        return AUTHOR_CORRECTIONS[name]
    if name.lower() in {"et al.", "et al", "others"}:
        return "others"
    if "," in name:  # already "Last, First"
        return name
    parts = name.split(" ")
    if len(parts) == 1:  # surname only: nothing to reorder
        return name
    start = len(parts) - 1
    while start > 1 and parts[start - 1] in _VON:  # "Nando de Freitas" -> "de Freitas"
        start -= 1
    return f"{' '.join(parts[start:])}, {' '.join(parts[:start])}"


def clean_link(raw: str) -> tuple[list[str], str | None, bool]:
    """-> (links, arXiv id if it is an abstract page, whether it was repaired)."""
    link = raw.strip()
    repaired = False
    # "...pdf%20(http://...)": the page pasted a Markdown-ish duplicate after the URL.
    for junk in ("%20(", " ("):
        if junk in link:
            link, repaired = link.split(junk, 1)[0], True
    arxiv = _ARXIV_LINK.match(link)
    if arxiv:
        kind, ident, version = arxiv.group(1).lower(), arxiv.group(2), arxiv.group(3) or ""
        pdf = f"https://arxiv.org/pdf/{ident}{version}"
        if kind == "abs":
            return [pdf, f"https://arxiv.org/abs/{ident}{version}"], ident, repaired
        return [pdf], None, repaired
    return [link], None, repaired


def _is_pdf(url: str) -> bool:
    parts = urlsplit(url)
    if parts.netloc.lower().endswith("arxiv.org"):
        return parts.path.startswith("/pdf/")
    query = parts.query.lower()
    return parts.path.lower().endswith(".pdf") or query.endswith(".pdf") or "type=pdf" in query


@dataclass
class _Draft:
    """A paper while cleaning: mutable, before it has a key."""

    title: str
    authors: tuple[str, ...]
    venue: str | None
    year: int | None
    stars: int | None
    links: list[str]
    section_ids: list[str]
    eprint: str | None
    notes: list[str]


def _identity(draft: _Draft) -> tuple[str, int | None, str]:
    # Title alone is not enough: the book and the survey are both "Deep learning", 2015.
    surname = base_key(draft.authors, None, "")
    return (_ascii_word(draft.title), draft.year, surname)


def _optional_int(value: Any, what: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what} is not an integer: {value!r}")
    return value


def clean(papers: list[dict[str, Any]]) -> Roadmap:
    """Raw roadmap entries (papers.json) -> a cleaned Roadmap with stable keys.

    Raises ValueError on an entry it cannot understand.
    """
    sections: dict[str, Section] = {}
    placements: list[tuple[str, _Draft]] = []  # (section id, draft) in page order
    drafts: dict[tuple[str, int | None, str], _Draft] = {}

    for index, raw in enumerate(papers, start=1):
        if not isinstance(raw, dict):
            raise ValueError(f"entry {index} is not an object")
        try:
            section_id, section_title = split_section(str(raw["section"]))
            title = " ".join(str(raw["title"]).split())
            raw_authors = [str(a) for a in raw["authors"]]
            raw_links = [str(link) for link in raw["links"]]
        except KeyError as missing:
            raise ValueError(f"entry {index} has no {missing}") from None
        known = sections.setdefault(section_id, Section(section_id, section_title))
        if known.title != section_title:
            raise ValueError(f"section {section_id} has two titles")

        authors = tuple(normalize_author(a) for a in raw_authors)
        if "others" in authors[:-1]:
            raise ValueError(f"entry {index}: 'et al.' is not last")
        venue = raw.get("venue") or None
        year = _optional_int(raw.get("year"), f"entry {index} year")
        stars = _optional_int(raw.get("stars"), f"entry {index} stars")
        notes: list[str] = []
        for fix in ENTRY_CORRECTIONS:
            if fix.section_id == section_id and fix.title == title:
                authors = fix.authors or authors
                year = fix.year if fix.year is not None else year
                venue = fix.venue or venue
                notes.append(fix.reason)

        links: list[str] = []
        eprint: str | None = None
        for raw_link in raw_links:
            cleaned, abs_id, _ = clean_link(raw_link)  # repaired links need no note
            links.extend(x for x in cleaned if x not in links)
            eprint = eprint or abs_id
        venue_id = _ARXIV_VENUE.search(venue or "")
        if venue_id:
            eprint = venue_id.group(1)
        links.sort(key=lambda link: not _is_pdf(link))  # stable: pdf first

        draft = _Draft(title, authors, venue, year, stars, links, [section_id], eprint, notes)
        ident = _identity(draft)
        if ident in drafts:  # the same paper listed again: merge into the first listing
            first = drafts[ident]
            if section_id not in first.section_ids:
                first.section_ids.append(section_id)
            first.links.extend(x for x in links if x not in first.links)
            first.links.sort(key=lambda link: not _is_pdf(link))
            first.notes.append(_merge_note(first, draft, section_id, raw_authors))
            draft = first
        else:
            drafts[ident] = draft
        placements.append((section_id, draft))

    keys = _assign_keys(list(drafts.values()))
    finished = {
        id(d): RoadmapPaper(
            key=keys[id(d)],
            title=d.title,
            authors=d.authors,
            venue=d.venue,
            year=d.year,
            stars=d.stars,
            links=tuple(d.links),
            section_ids=tuple(d.section_ids),
            eprint=d.eprint,
            note=" ".join(d.notes) or None,
        )
        for d in drafts.values()
    }
    for section_id, draft in placements:
        sections[section_id].papers.append(finished[id(draft)])
    return Roadmap(list(sections.values()))


def _merge_note(first: _Draft, again: _Draft, section_id: str, raw_authors: list[str]) -> str:
    differences = []
    if again.authors != first.authors:
        differences.append(f"authors '{', '.join(raw_authors)}'")
    if again.venue != first.venue:
        differences.append(f"venue '{again.venue}'")
    if again.stars != first.stars:
        differences.append(f"{again.stars} stars")
    detail = f" (there: {'; '.join(differences)})" if differences else ""
    return (
        f"Listed twice on the roadmap, also in {section_id}{detail}; "
        f"this entry keeps the first listing's data."
    )


def _assign_keys(drafts: list[_Draft]) -> dict[int, str]:
    bases = [base_key(d.authors, d.year, d.title) for d in drafts]
    counts = Counter(bases)
    seen: Counter[str] = Counter()
    keys: dict[int, str] = {}
    for draft, base in zip(drafts, bases, strict=True):
        if not base or not KEY_RE.fullmatch(base):
            raise ValueError(f"cannot make a key for {draft.title!r}")
        if counts[base] > 1:  # every member of a collision gets a letter, in order
            suffix = chr(ord("a") + seen[base])
            seen[base] += 1
            keys[id(draft)] = base + suffix
        else:
            keys[id(draft)] = base
    if len(set(keys.values())) != len(keys):  # e.g. "x2015ya" also made by a suffix
        raise ValueError("key suffixes collide with another key")
    return keys


# --- writing ----------------------------------------------------------------------

_LATEX_SPECIAL = re.compile(r"(?<!\\)([&%$#_])")
# A word with a capital after its first letter (RNN, PixelCNN, R-CNN, YOLOv4, 1MB):
# braced so that BibTeX styles that lowercase titles leave it alone.
_WORD = re.compile(r"[\w-]+")


def _check_braces(text: str) -> str:
    if "{" in text or "}" in text:
        # Data never has them; refusing is simpler than getting BibTeX nesting right.
        raise ValueError(f"braces in roadmap data: {text!r}")
    return text


def _escape(text: str) -> str:
    return _LATEX_SPECIAL.sub(r"\\\1", _check_braces(text))


def _protect(title: str) -> str:
    def brace(match: re.Match[str]) -> str:
        word = match.group(0)
        parts = word.split("-")
        # Per hyphen part, so "End-To-End" stays plain but "R-CNN" and "Q-Learning" don't.
        acronym = any(any(c.isupper() for c in part[1:]) for part in parts) or (
            len(parts) > 1 and any(len(part) == 1 and part.isupper() for part in parts)
        )
        return f"{{{word}}}" if acronym else word

    return _WORD.sub(brace, title)


def _unprotect(text: str) -> str:
    return re.sub(r"\\([&%$#_])", r"\1", text.replace("{", "").replace("}", ""))


def _entry_kind(venue: str | None) -> tuple[str, str | None]:
    """-> (BibTeX entry type, field holding the venue)."""
    if venue is None:
        return "misc", None
    lowered = venue.lower()
    if lowered.startswith(("arxiv preprint", "corr")) or lowered in _JOURNALS:
        return "article", "journal"
    if venue == "MIT Press":
        return "book", "publisher"
    if venue == "Google Research":  # a blog post
        return "misc", "howpublished"
    return "inproceedings", "booktitle"


_VENUE_FIELDS = ("journal", "booktitle", "publisher", "howpublished")


def _bib_links(paper: RoadmapPaper) -> tuple[str | None, str | None]:
    """-> (pdf, url): the first pdf link, and the other link if any.

    `url` is normally a page (arXiv abstract, book site); only for the merged paper
    is it a second pdf (the NIPS proceedings copy from its second listing).
    """
    links = list(paper.links)
    pdf = links.pop(0) if links and _is_pdf(links[0]) else None
    if len(links) > 1:
        raise ValueError(f"{paper.key}: more links than pdf + url: {paper.links}")
    return pdf, (links[0] if links else None)


def to_bibtex(roadmap: Roadmap) -> str:
    """The distinct papers as BibTeX, in roadmap order, with roadmap fields."""
    lines = [
        "% The Deep Learning Papers Reading Roadmap, cleaned (scripts/import_roadmap.py).",
        "% Generated from papers.json: edit the source or dlnotes/roadmap.py, not this file.",
        "% Custom fields: roadmap (section ids), roadmap_order (1-based), stars (1-5).",
        "",
    ]
    for order, paper in enumerate(roadmap.papers, start=1):
        kind, venue_field = _entry_kind(paper.venue)
        pdf, url = _bib_links(paper)
        fields: list[tuple[str, str]] = [
            ("author", " and ".join(_escape(a) for a in paper.authors)),
            ("title", _protect(_escape(paper.title))),
        ]
        if venue_field and paper.venue:
            fields.append((venue_field, _escape(paper.venue)))
        if paper.year is not None:
            fields.append(("year", str(paper.year)))
        if paper.eprint:
            fields += [("eprint", paper.eprint), ("archiveprefix", "arXiv")]
        if pdf:
            fields.append(("pdf", _check_braces(pdf)))
        if url:
            fields.append(("url", _check_braces(url)))
        if paper.note:
            fields.append(("note", _escape(paper.note)))
        fields.append(("roadmap", ", ".join(paper.section_ids)))
        fields.append(("roadmap_order", str(order)))
        if paper.stars is not None:
            fields.append(("stars", str(paper.stars)))
        width = max(len(name) for name, _ in fields)
        body = ",\n".join(f"  {name:<{width}} = {{{value}}}" for name, value in fields)
        lines.append(f"@{kind}{{{paper.key},\n{body}\n}}\n")
    return "\n".join(lines)


def to_yaml(roadmap: Roadmap) -> str:
    """The ordered sections and their keys; order and membership live here."""
    data = [
        {"id": s.id, "title": s.title, "papers": [p.key for p in s.papers]}
        for s in roadmap.sections
    ]
    header = (
        "# The Deep Learning Papers Reading Roadmap: sections in order, papers by BibTeX key\n"
        "# (entries in roadmap.bib). Generated by scripts/import_roadmap.py.\n"
    )
    # allow_unicode keeps the full-width brackets readable instead of \uff08 escapes.
    body: str = yaml.safe_dump(
        data, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000
    )
    return header + body


# --- reading ------------------------------------------------------------------------


def load_roadmap(yaml_path: str | Path, bib_path: str | Path, entries: Mapping[str, Entry] | None = None) -> Roadmap:
    """Read the committed roadmap files; ValueError if they disagree. `entries`: the bib file's
    entries when the caller has parsed it already."""
    with open(yaml_path, encoding="utf-8") as handle:
        raw_sections = yaml.safe_load(handle)
    if not isinstance(raw_sections, list):
        raise ValueError(f"{yaml_path}: expected a list of sections")
    if entries is None:
        try:
            entries = parse_file(str(bib_path), "bibtex").entries
        except PybtexError as err:
            raise ValueError(f"{bib_path}: {err}") from None

    built: dict[str, RoadmapPaper] = {}
    sections: list[Section] = []
    for raw in raw_sections:
        if not isinstance(raw, dict) or not {"id", "title", "papers"} <= raw.keys():
            raise ValueError(f"{yaml_path}: a section needs id, title and papers: {raw!r}")
        section = Section(str(raw["id"]), str(raw["title"]))
        for key in raw["papers"] or []:
            if key not in built:
                if key not in entries:
                    raise ValueError(f"{key} is in {yaml_path} but not in {bib_path}")
                built[key] = _paper_from_entry(key, entries[key])
            section.papers.append(built[key])
        sections.append(section)

    roadmap = Roadmap(sections)
    extra = set(entries.keys()) - set(built)
    if extra:
        raise ValueError(f"in {bib_path} but in no section: {', '.join(sorted(extra))}")
    for order, paper in enumerate(roadmap.papers, start=1):
        listed = tuple(s.id for s in sections if any(p.key == paper.key for p in s.papers))
        entry_order = entries[paper.key].fields.get("roadmap_order")
        if listed != paper.section_ids or entry_order != str(order):
            raise ValueError(f"{paper.key}: sections/order differ between bib and yaml")
    return roadmap


def _paper_from_entry(key: str, entry: Any) -> RoadmapPaper:
    fields = entry.fields
    venue = next((fields[f] for f in _VENUE_FIELDS if f in fields), None)
    links = tuple(fields[f] for f in ("pdf", "url") if f in fields)
    return RoadmapPaper(
        key=key,
        title=_unprotect(fields["title"]),
        authors=tuple(_unprotect(str(p)) for p in entry.persons.get("author", [])),
        venue=_unprotect(venue) if venue is not None else None,
        year=int(fields["year"]) if "year" in fields else None,
        stars=int(fields["stars"]) if "stars" in fields else None,
        links=links,
        section_ids=tuple(s.strip() for s in fields.get("roadmap", "").split(",") if s.strip()),
        eprint=fields.get("eprint"),
        note=_unprotect(fields["note"]) if "note" in fields else None,
    )


# --- progress -------------------------------------------------------------------------


@dataclass(frozen=True)
class SectionProgress:
    id: str
    title: str
    read: int
    total: int


@dataclass(frozen=True)
class Progress:
    sections: list[SectionProgress]
    read: int  # distinct papers read
    total: int  # distinct papers (a paper in two sections counts once here)
    unknown: tuple[str, ...]  # read keys that are not roadmap papers (other works)


def progress(roadmap: Roadmap, read: Mapping[str, date | None]) -> Progress:
    """Counts per section and overall.

    `read` maps the key of every paper whose note says `status: read` to its reading
    date (None when the note has no date); being in the mapping is what counts. A paper
    listed in two sections counts in both sections but once overall, so the section
    totals add up to the roadmap's places (133), the overall total to its papers (132).
    """
    per_section = [
        SectionProgress(s.id, s.title, sum(p.key in read for p in s.papers), len(s.papers))
        for s in roadmap.sections
    ]
    keys = {p.key for p in roadmap.papers}
    return Progress(
        sections=per_section,
        read=len(keys & read.keys()),
        total=len(keys),
        unknown=tuple(sorted(read.keys() - keys)),
    )


def next_up(roadmap: Roadmap, read: Mapping[str, date | None], n: int = 5) -> list[RoadmapPaper]:
    """The first `n` unread papers in roadmap order."""
    return [p for p in roadmap.papers if p.key not in read][: max(n, 0)]
