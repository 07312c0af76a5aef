"""BibTeX as input: what DBLP and the ACL Anthology export, what OpenReview puts in `_bibtex`,
and a user's entry or .bib file (a Zotero / Better BibTeX export). pybtex parses; each entry
becomes a Paper keeping only the fields the site's entries use (no abstract, file, keywords,
timestamp, biburl ...). biblatex names (journaltitle, date, eprinttype) are read too.
"""

from __future__ import annotations

import re

from pybtex.database import Entry, parse_string
from pybtex.scanner import PybtexError

from ..entry import FIELD_ORDER, VENUE_FIELD, Paper, bibtex_name, squeeze
from ..http import BadAnswer
from ..identifiers import ARXIV_ID

_VENUE_FIELDS = ("journal", "journaltitle", "booktitle", "howpublished", "publisher", "school", "institution")
_ARXIV_VENUE = re.compile(r"(?:arXiv:|abs/)(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})", re.IGNORECASE)


def parse_entries(text: str) -> list[tuple[str, Entry]]:
    try:
        data = parse_string(text, "bibtex")
    except PybtexError as err:  # syntax errors, undefined macros, bad names, repeated keys
        raise BadAnswer(f"not valid BibTeX ({err})") from None
    return list(data.entries.items())


_DOUBLE_BRACES = re.compile(r"\{\{([^{}]*)\}\}")


def undouble(value: str) -> str:
    """Better BibTeX protects words with doubled braces ({{GloVe}}): one pair does the job."""
    while True:
        simpler = _DOUBLE_BRACES.sub(r"{\1}", value)
        if simpler == value:
            return value
        value = simpler


def paper_from_entry(entry: Entry, source: str) -> Paper:
    fields = {name.lower(): undouble(squeeze(str(value))) for name, value in entry.fields.items()}
    title = fields.get("title")
    if not title:
        raise BadAnswer("an entry without a title")
    kind = entry.type.lower()
    if kind == "conference":
        kind = "inproceedings"
    if kind not in VENUE_FIELD and kind not in {"proceedings", "manual", "booklet", "unpublished", "online"}:
        kind = "misc"
    if kind == "online":
        kind = "misc"
    authors = [bibtex_name(str(p)) for p in entry.persons.get("author", [])]
    year_text = fields.get("year") or fields.get("date", "")[:4]
    year = int(year_text) if re.fullmatch(r"\d{4}", year_text or "") else None
    venue_field = VENUE_FIELD.get(kind)
    venue = fields.get(venue_field or "") if venue_field else None
    if kind == "article" and not venue:
        venue = fields.get("journaltitle")
    paper = Paper(type=kind, title=title, authors=authors, year=year, venue=venue, source=source)
    if "journaltitle" in fields and "journal" not in fields:
        fields["journal"] = fields["journaltitle"]
    marked = "arxiv" in (fields.get("eprinttype", "") + fields.pop("archiveprefix", "")).lower()
    eprint = fields.pop("eprint", "")
    if eprint and (marked or ARXIV_ID.fullmatch(eprint)):  # other eprint kinds (HAL, PubMed) are dropped
        fields["eprint"], fields["archiveprefix"] = re.sub(r"v\d+$", "", eprint), "arXiv"
    else:  # DBLP's CoRR entries (volume = abs/ID) and "arXiv preprint arXiv:ID" journals
        journal = fields.get("journal", "").lower()
        m = _ARXIV_VENUE.search(" ".join(fields.get(f, "") for f in ("journal", "volume", "note")))
        if m and (journal in {"corr", ""} or "arxiv" in journal):
            fields["eprint"], fields["archiveprefix"] = m.group(1), "arXiv"
    if fields.get("primaryclass") is None and fields.get("eprintclass"):
        fields["primaryclass"] = fields["eprintclass"]
    if "doi" in fields:
        fields["doi"] = re.sub(r"^https?://(dx\.)?doi\.org/", "", fields["doi"])
    skip = {"author", "title", "year", *(_VENUE_FIELDS if venue_field else ())}
    if venue_field:
        skip.discard("publisher")
        skip.add(venue_field)
    paper.fields.update({k: v for k, v in fields.items() if k in FIELD_ORDER and k not in skip and v})
    if "month" in entry.fields and "month" in paper.fields:
        paper.fields["month"] = (
            squeeze(str(entry.fields["month"]))[:3].lower()
            if len(str(entry.fields["month"])) >= 3
            else str(entry.fields["month"])
        )
    return paper


def parse_one(text: str, source: str) -> Paper:
    entries = parse_entries(text)
    if not entries:
        raise BadAnswer("no BibTeX entry in the answer")
    return paper_from_entry(entries[0][1], source)
