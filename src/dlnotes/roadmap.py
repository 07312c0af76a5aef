"""The reading roadmap as the site reads it: bib/roadmap.bib + bib/roadmap.yaml -> progress.

Every build reads it: `load_roadmap` checks that the two committed files agree, `progress` and
`next_up` give the roadmap page its figures. Plain Python (no MkDocs import). How the two files
were made from the roadmap list once (cleaning, keys, corrections) is `roadmap_import.py`.

    bib/roadmap.bib + bib/roadmap.yaml --load_roadmap()--> Roadmap --progress()/next_up()

The BibTeX file holds the papers (distinct, in roadmap order, with the custom fields `roadmap`:
section ids, `roadmap_order`: 1-based, `stars`: 1-5); the YAML file the sections and their order.
A paper listed in two sections is one entry listed under both.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from pybtex.database import Entry, parse_file
from pybtex.scanner import PybtexError

__all__ = [
    "Progress",
    "Roadmap",
    "RoadmapPaper",
    "Section",
    "SectionProgress",
    "is_pdf",
    "load_roadmap",
    "next_up",
    "progress",
]

# Fields that may hold a paper's venue, by entry type (see roadmap_import.entry_kind).
VENUE_FIELDS = ("journal", "booktitle", "publisher", "howpublished")


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
        return next((link for link in self.links if is_pdf(link)), None)


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


def is_pdf(url: str) -> bool:
    """Whether a link is to a PDF (arXiv's /pdf/ pages included)."""
    parts = urlsplit(url)
    if parts.netloc.lower().endswith("arxiv.org"):
        return parts.path.startswith("/pdf/")
    query = parts.query.lower()
    return parts.path.lower().endswith(".pdf") or query.endswith(".pdf") or "type=pdf" in query


def _unprotect(text: str) -> str:
    return re.sub(r"\\([&%$#_])", r"\1", text.replace("{", "").replace("}", ""))


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
                    raise ValueError(f"{key} is in {yaml_path} but in no bib file")
                built[key] = _paper_from_entry(key, entries[key])
            section.papers.append(built[key])
        sections.append(section)

    # Membership, sections and order come from the YAML alone: an entry of any bib file is only
    # the paper's data, so adding one (or editing its bookkeeping fields) never breaks the roadmap.
    listed: dict[str, list[str]] = {}
    for section in sections:
        for paper in section.papers:
            listed.setdefault(paper.key, []).append(section.id)
    placed = {key: replace(paper, section_ids=tuple(listed[key])) for key, paper in built.items()}
    for section in sections:
        section.papers = [placed[paper.key] for paper in section.papers]
    return Roadmap(sections)


def _paper_from_entry(key: str, entry: Any) -> RoadmapPaper:
    fields = entry.fields
    venue = next((fields[f] for f in VENUE_FIELDS if f in fields), None)
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
    per_section = [SectionProgress(s.id, s.title, sum(p.key in read for p in s.papers), len(s.papers)) for s in roadmap.sections]
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
