"""OpenReview's API (`/notes?id=FORUM`), JSON {"notes": [{"id", "forum", "content": {...}}]}.
API 2 wraps each content value as {"value": ...}; API 1 (venues before 2023) does not: both are
read. The note's `_bibtex` (OpenReview's own entry) gives the venue's full name and year; else
`venue` ("ICLR 2024 poster"). An unaccepted submission becomes @misc.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..entry import Paper, bibtex_name, escape_latex
from ..http import BadAnswer, Fetcher, NotFound
from ..identifiers import OpenReviewId
from . import bibtex

SITE = "https://openreview.net"


def _value(content: dict[str, Any], name: str) -> Any:
    value = content.get(name)
    return value.get("value") if isinstance(value, dict) else value


def parse(text: str, ident: OpenReviewId) -> Paper:
    try:
        data = json.loads(text)
    except ValueError as err:
        raise BadAnswer(f"not JSON ({err})") from None
    notes = data.get("notes") if isinstance(data, dict) else None
    if not isinstance(notes, list):
        raise BadAnswer("no notes in the answer")
    note = next((n for n in notes if isinstance(n, dict) and n.get("id") == ident.id), None)
    if note is None:
        raise NotFound(f"OpenReview has no forum {ident.id}")
    content = note.get("content")
    if not isinstance(content, dict) or not isinstance(_value(content, "title"), str):
        raise BadAnswer("the note has no title")
    title = escape_latex(_value(content, "title"))
    names = _value(content, "authors") or []
    authors = [bibtex_name(escape_latex(n)) for n in names if isinstance(n, str)]
    venue = _value(content, "venue")
    year = None
    kind = "misc"
    venue_text = escape_latex(venue) if isinstance(venue, str) else "OpenReview"
    raw_bib = _value(content, "_bibtex")
    if isinstance(raw_bib, str) and raw_bib.strip().startswith("@"):
        try:
            theirs = bibtex.parse_one(raw_bib, "OpenReview")
        except BadAnswer:
            theirs = None
        if theirs is not None:
            year = theirs.year
            if theirs.type == "inproceedings" and theirs.venue:
                kind, venue_text = "inproceedings", theirs.venue
            elif theirs.type == "article" and theirs.venue:
                kind, venue_text = "article", theirs.venue
    if year is None:
        m = re.search(r"\b(19|20)\d{2}\b", venue if isinstance(venue, str) else "")
        stamp = note.get("pdate") or note.get("odate") or note.get("cdate")
        if m:
            year = int(m.group(0))
        elif isinstance(stamp, int):
            import datetime as dt

            year = dt.datetime.fromtimestamp(stamp / 1000, dt.UTC).year
    if kind == "misc" and isinstance(venue, str) and not venue.lower().startswith("submitted"):
        kind = "inproceedings"
    paper = Paper(type=kind, title=title, authors=authors, year=year, venue=venue_text, source="OpenReview")
    paper.fields["url"] = f"{SITE}/forum?id={ident.id}"
    if _value(content, "pdf"):
        paper.fields["pdf"] = f"{SITE}/pdf?id={ident.id}"
    return paper


def fetch(fetcher: Fetcher, ident: OpenReviewId) -> Paper:
    url = f"{fetcher.settings.api('openreview')}/notes"
    return fetcher.get(
        "openreview", url, lambda text: parse(text, ident), params={"id": ident.id}, missing=f"OpenReview has no forum {ident.id}"
    )
