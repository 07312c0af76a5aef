"""Crossref's REST API (`/works/{DOI}`), JSON: {"status": "ok", "message-type": "work",
"message": {...}} with title, author [{given, family} | {name}], container-title, type,
issued.date-parts, volume, issue, page, publisher, link, URL. Titles may hold JATS/HTML markup
(<i>, <sub>, <scp>): the text is kept, the tags dropped (html.parser). Called with `mailto` for
Crossref's polite pool when a contact address is configured.
"""

from __future__ import annotations

import html
import json
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote

from ..entry import Paper, escape_latex, family_given, squeeze
from ..http import BadAnswer, Fetcher
from ..identifiers import Doi

# Crossref work types -> BibTeX entry types.
TYPES = {
    "journal-article": "article",
    "proceedings-article": "inproceedings",
    "book-chapter": "incollection",
    "book-part": "incollection",
    "book-section": "incollection",
    "book": "book",
    "monograph": "book",
    "edited-book": "book",
    "reference-book": "book",
    "posted-content": "misc",
    "report": "techreport",
    "dissertation": "phdthesis",
}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def strip_markup(text: str) -> str:
    if "<" not in text:
        return squeeze(html.unescape(text))
    parser = _Text()
    parser.feed(text)
    parser.close()
    return squeeze("".join(parser.parts))


def _first(value: Any) -> str | None:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    return strip_markup(value) if isinstance(value, str) and value.strip() else None


def _year(work: dict[str, Any]) -> int | None:
    for name in ("published-print", "published-online", "issued", "published", "created"):
        parts = (work.get(name) or {}).get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0] and isinstance(parts[0][0], int):
            return parts[0][0]
    return None


def parse(text: str) -> Paper:
    try:
        data = json.loads(text)
    except ValueError as err:
        raise BadAnswer(f"not JSON ({err})") from None
    work = data.get("message") if isinstance(data, dict) else None
    if not isinstance(work, dict) or data.get("message-type") != "work":
        raise BadAnswer("no work in the answer")
    title = _first(work.get("title"))
    if not title:
        raise BadAnswer("the work has no title")
    subtitle = _first(work.get("subtitle"))
    if subtitle and subtitle.lower() not in title.lower():
        title = f"{title}: {subtitle}"
    authors = []
    for person in work.get("author") or []:
        if not isinstance(person, dict):
            continue
        if person.get("family"):
            authors.append(
                family_given(escape_latex(strip_markup(person["family"])), escape_latex(strip_markup(person.get("given") or "")))
            )
        elif person.get("name"):
            authors.append("{" + escape_latex(strip_markup(person["name"])) + "}")  # an organisation
    kind = TYPES.get(str(work.get("type")), "misc")
    institutions = [i.get("name") for i in work.get("institution") or [] if isinstance(i, dict)]
    if kind == "book":
        venue = _first(work.get("publisher"))
    elif kind in {"techreport", "phdthesis"}:
        venue = _first(institutions) or _first(work.get("publisher"))
    else:  # a journal or proceedings; a posted preprint: its server
        venue = _first(work.get("container-title")) or (
            _first(institutions) or _first(work.get("publisher")) if kind == "misc" else None
        )
    paper = Paper(
        type=kind,
        title=escape_latex(title),
        authors=authors,
        year=_year(work),
        venue=escape_latex(venue) if venue else None,
        source="Crossref",
    )
    fields = paper.fields
    for ours, theirs in (("volume", "volume"), ("number", "issue")):
        value = work.get(theirs)
        if isinstance(value, str) and value.strip():
            fields[ours] = escape_latex(value)
    page = work.get("page")
    if isinstance(page, str) and page.strip():
        fields["pages"] = page.strip().replace("-", "--")
    if kind in {"article", "inproceedings", "incollection"} and _first(work.get("publisher")):
        fields["publisher"] = escape_latex(_first(work.get("publisher")) or "")
    doi = work.get("DOI")
    if not isinstance(doi, str) or not doi.strip():
        raise BadAnswer("the work has no DOI")
    fields["doi"] = doi.strip()
    fields["url"] = f"https://doi.org/{doi.strip()}"
    for link in work.get("link") or []:
        if isinstance(link, dict) and link.get("content-type") == "application/pdf" and isinstance(link.get("URL"), str):
            fields["pdf"] = link["URL"]
            break
    return paper


def fetch(fetcher: Fetcher, ident: Doi) -> Paper:
    url = f"{fetcher.settings.api('crossref')}/works/{quote(ident.doi, safe='/:;()._-')}"
    params = {"mailto": fetcher.settings.contact} if fetcher.settings.contact else None
    return fetcher.get("crossref", url, parse, params=params, missing=f"Crossref knows no DOI {ident.doi} (is it typed right?)")
