"""The one-off import of the Deep Learning Papers Reading Roadmap: papers.json -> the bib files.

`dlnotes import-roadmap` runs it (once; the files were then completed by hand, so it refuses to
overwrite them without --force). What every build reads is `roadmap.py`.

    papers.json --clean()--> Roadmap --to_bibtex()/to_yaml()--> bib/roadmap.bib + bib/roadmap.yaml

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
  + year + first title word that is not a stop word, all lowercase. When several
  papers share a key, ALL of them get a suffix a, b, ... in roadmap order, so that a
  bare ambiguous key never silently points at one of them.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .atomic import write_atomic
from .keys import NAME_PARTICLES, ascii_word, base_key, is_valid_key
from .roadmap import Roadmap, RoadmapPaper, Section, is_pdf

__all__ = [
    "AUTHOR_CORRECTIONS",
    "ENTRY_CORRECTIONS",
    "ImportFailed",
    "base_key",
    "clean",
    "clean_link",
    "import_roadmap",
    "normalize_author",
    "split_section",
    "to_bibtex",
    "to_yaml",
]

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

# Lowercase name particles: part of the surname in BibTeX, not of the key.
_VON = NAME_PARTICLES

# Venues that are journals (the rest with a venue are proceedings, see _entry_kind).
_JOURNALS = {
    "nature",
    "science",
    "neural computation",
    "journal of machine learning research",
    "ieee signal processing magazine",
}

_ARXIV_LINK = re.compile(r"^https?://(?:www\.)?arxiv\.org/(abs|pdf)/(\d{4}\.\d{4,5})(v\d+)?", re.IGNORECASE)
_ARXIV_VENUE = re.compile(r"(?:arXiv:|abs/)(\d{4}\.\d{4,5})")
_SECTION = re.compile(r"^(\d+\.\d+)\s+(.+)$")


# --- cleaning -------------------------------------------------------------------


def split_section(raw: str) -> tuple[str, str]:
    """ "1.3 ImageNet Evolution（...）" -> ("1.3", "ImageNet Evolution（...）")."""
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
    return (ascii_word(draft.title), draft.year, surname)


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
        links.sort(key=lambda link: not is_pdf(link))  # stable: pdf first

        draft = _Draft(title, authors, venue, year, stars, links, [section_id], eprint, notes)
        ident = _identity(draft)
        if ident in drafts:  # the same paper listed again: merge into the first listing
            first = drafts[ident]
            if section_id not in first.section_ids:
                first.section_ids.append(section_id)
            first.links.extend(x for x in links if x not in first.links)
            first.links.sort(key=lambda link: not is_pdf(link))
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
    return f"Listed twice on the roadmap, also in {section_id}{detail}; this entry keeps the first listing's data."


def _assign_keys(drafts: list[_Draft]) -> dict[int, str]:
    bases = [base_key(d.authors, d.year, d.title) for d in drafts]
    counts = Counter(bases)
    seen: Counter[str] = Counter()
    keys: dict[int, str] = {}
    for draft, base in zip(drafts, bases, strict=True):
        if not base or not is_valid_key(base):
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


def _bib_links(paper: RoadmapPaper) -> tuple[str | None, str | None]:
    """-> (pdf, url): the first pdf link, and the other link if any.

    `url` is normally a page (arXiv abstract, book site); only for the merged paper
    is it a second pdf (the NIPS proceedings copy from its second listing).
    """
    links = list(paper.links)
    pdf = links.pop(0) if links and is_pdf(links[0]) else None
    if len(links) > 1:
        raise ValueError(f"{paper.key}: more links than pdf + url: {paper.links}")
    return pdf, (links[0] if links else None)


def to_bibtex(roadmap: Roadmap) -> str:
    """The distinct papers as BibTeX, in roadmap order, with roadmap fields."""
    lines = [
        "% The Deep Learning Papers Reading Roadmap, cleaned (dlnotes import-roadmap).",
        "% Generated from papers.json: edit the source or dlnotes/roadmap_import.py, not this file.",
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
    data = [{"id": s.id, "title": s.title, "papers": [p.key for p in s.papers]} for s in roadmap.sections]
    header = (
        "# The Deep Learning Papers Reading Roadmap: sections in order, papers by BibTeX key\n"
        "# (entries in roadmap.bib). Generated by dlnotes import-roadmap.\n"
    )
    # allow_unicode keeps the full-width brackets readable instead of \uff08 escapes.
    body: str = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000)
    return header + body


# --- the command ------------------------------------------------------------------------

OUTPUTS = ("roadmap.bib", "roadmap.yaml")


class ImportFailed(Exception):
    """One line for the user, and the exit code: 1 an output exists (no --force), 2 bad input."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


def import_roadmap(papers: Path, out_dir: Path, force: bool = False) -> str:
    """papers.json -> out_dir/roadmap.bib + roadmap.yaml, all or nothing; returns what it did."""
    try:
        raw = json.loads(papers.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ImportFailed(2, f"no such file: {papers}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ImportFailed(2, f"cannot read {papers}: {err}") from None
    if not isinstance(raw, list):
        raise ImportFailed(2, f"{papers}: expected a JSON list of papers")
    try:
        roadmap = clean(raw)
        texts = (to_bibtex(roadmap), to_yaml(roadmap))
    except (ValueError, TypeError) as err:
        raise ImportFailed(2, f"{papers}: {err}") from None

    targets = {out_dir / name: text for name, text in zip(OUTPUTS, texts, strict=True)}
    existing = [str(path) for path in targets if path.exists()]
    if existing and not force:  # checked before writing anything: all or nothing
        verb = "exists" if len(existing) == 1 else "exist"
        raise ImportFailed(1, f"{' and '.join(existing)} already {verb}; use --force to overwrite")
    try:
        for path, text in targets.items():
            write_atomic(path, text)
    except OSError as err:
        raise ImportFailed(2, f"cannot write to {out_dir}: {err}") from None
    return f"wrote {', '.join(str(p) for p in targets)}: {len(roadmap.papers)} papers in {len(roadmap.sections)} sections"
