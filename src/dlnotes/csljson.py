"""A bib entry (BibTeX or biblatex) as a CSL-JSON item, the input of every CSL processor.

The mapping follows biblatex's data model and the mappings pandoc and citation.js use
(types: `@inproceedings` → paper-conference, `@thesis` → thesis, `@online` → webpage, …; fields:
`journaltitle`/`journal` → container-title, `date`/`year`+`month` → issued, `location`/`address`
→ publisher-place, `eprint` with `eprinttype = arxiv` → its arXiv number and URL, …). Text goes
through `dlnotes.latex` (Unicode, CSL rich text, math tokens). Names come from pybtex's parse of
the name lists; a braced name (`{OpenAI}`) is a literal. "and others" becomes the literal "et al."
or "等" by the entry's language: `langid`/`language` when given, else CJK characters in its title
or names. No maintained Python package maps biblatex to CSL-JSON (citeproc-py's BibTeX reader
knows BibTeX's fields only and drops LaTeX it does not know), hence this module.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from pybtex.bibtex.utils import split_name_list
from pybtex.database import Person

from .bibliography import BibEntry
from .latex import to_csl, to_text

TYPES = {
    "article": "article-journal",
    "book": "book",
    "mvbook": "book",
    "bookinbook": "chapter",
    "suppbook": "chapter",
    "booklet": "pamphlet",
    "collection": "book",
    "mvcollection": "book",
    "suppcollection": "chapter",
    "inbook": "chapter",
    "incollection": "chapter",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "proceedings": "book",
    "mvproceedings": "book",
    "manual": "report",
    "mastersthesis": "thesis",
    "phdthesis": "thesis",
    "thesis": "thesis",
    "techreport": "report",
    "report": "report",
    "misc": "document",
    "online": "webpage",
    "software": "software",
    "dataset": "dataset",
    "patent": "patent",
    "periodical": "periodical",
    "suppperiodical": "article-journal",
    "reference": "book",
    "mvreference": "book",
    "inreference": "entry-encyclopedia",
    "unpublished": "manuscript",
    "standard": "standard",
    "artwork": "graphic",
    "audio": "song",
    "image": "graphic",
    "jurisdiction": "legal_case",
    "legislation": "legislation",
    "legal": "treaty",
    "letter": "personal_communication",
    "movie": "motion_picture",
    "music": "song",
    "performance": "performance",
    "review": "review",
    "video": "motion_picture",
}
ROLES = {
    "author": "author",
    "editor": "editor",
    "translator": "translator",
    "bookauthor": "container-author",
    "director": "director",
}
LANGUAGES = {
    "english": "en-US",
    "american": "en-US",
    "british": "en-GB",
    "usenglish": "en-US",
    "ukenglish": "en-GB",
    "chinese": "zh-CN",
    "schinese": "zh-CN",
    "tchinese": "zh-TW",
    "german": "de-DE",
    "ngerman": "de-DE",
    "french": "fr-FR",
    "japanese": "ja-JP",
    "spanish": "es-ES",
    "italian": "it-IT",
    "russian": "ru-RU",
    "korean": "ko-KR",
    "dutch": "nl-NL",
    "portuguese": "pt-PT",
    "brazil": "pt-BR",
    "latin": "la",
    "greek": "el-GR",
    "danish": "da-DK",
    "swedish": "sv-SE",
    "norwegian": "nb-NO",
    "finnish": "fi-FI",
    "polish": "pl-PL",
    "czech": "cs-CZ",
    "zh": "zh-CN",
    "en": "en-US",
}
MONTHS = {
    name: i
    for i, name in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")
_DATE = re.compile(r"^(\d{1,4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?")
_ARXIV = {"arxiv"}
# "and others" travels as a literal name made of one private-use character (no case change
# touches it); `finish_others` puts the language's words in its place once formatted.
OTHERS = {"en": "\ue002", "zh": "\ue003"}


def language(entry: BibEntry) -> str:
    """The entry's language as a locale tag: its `langid`/`language` field, else zh-CN when
    its title or names hold CJK characters, else en-US."""
    for name in ("langid", "language", "hyphenation"):
        value = entry.fields.get(name, "").strip().lower()
        if value:
            first = re.split(r"[,;\s]+| and ", value)[0]
            if first in LANGUAGES:
                return LANGUAGES[first]
            if re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]+)*", first):
                return first.split("-")[0] + (first[len(first.split("-")[0]) :].upper())
    text = entry.fields.get("title", "") + " ".join(entry.names.values())
    return "zh-CN" if _CJK.search(text) else "en-US"


def _name(person: Person, lang: str) -> dict[str, str]:
    last = " ".join(person.last_names)
    first = " ".join(person.first_names + person.middle_names)
    if last.lower() == "others" and not first:
        return {"literal": OTHERS["zh" if lang.startswith("zh") else "en"]}
    if not first and not person.prelast_names and last.startswith("{") and last.endswith("}"):
        return {"literal": to_text(last[1:-1])}
    name: dict[str, str] = {"family": to_text(last)}
    if first:
        name["given"] = to_text(first)
    if person.prelast_names:
        name["non-dropping-particle"] = to_text(" ".join(person.prelast_names))
    if person.lineage_names:
        name["suffix"] = to_text(" ".join(person.lineage_names))
    return name


def _date(value: str) -> dict[str, Any] | None:
    parts = []
    for piece in value.split("/")[:2]:
        m = _DATE.match(piece.strip())
        if not m:
            return {"literal": to_text(value)} if value.strip() else None
        parts.append([int(g) for g in m.groups() if g])
    return {"date-parts": parts}


def _issued(fields: dict[str, str]) -> dict[str, Any] | None:
    if fields.get("date"):
        return _date(fields["date"])
    year = fields.get("year", "").strip()
    if not year:
        return None
    if not re.fullmatch(r"\d{1,4}", year):
        return {"literal": to_text(year)}
    parts = [int(year)]
    month = fields.get("month", "").strip().lower()
    month_number = (
        int(month)
        if month.isdigit()
        else MONTHS.get(month) or next((i for name, i in MONTHS.items() if month[:3] and name.startswith(month[:3])), None)
    )
    if month_number:
        parts.append(month_number)
        day = fields.get("day", "").strip()
        if day.isdigit():
            parts.append(int(day))
    return {"date-parts": [parts]}


def _title(fields: dict[str, str], prefix: str) -> str | None:
    title = fields.get(prefix + "title")
    if not title:
        return None
    text = to_csl(title)
    if fields.get(prefix + "subtitle"):
        text += ": " + to_csl(fields[prefix + "subtitle"])
    if fields.get(prefix + "titleaddon"):
        text += ". " + to_csl(fields[prefix + "titleaddon"])
    return text


def to_csl_json(entry: BibEntry, leave_out: Collection[str] = ()) -> dict[str, Any]:
    """The CSL-JSON item for a (resolved) bib entry; its id is the BibTeX key. `leave_out`: CSL
    variables not to make, for a style that never names them (an abstract's LaTeX is half the
    time of making a bib's items)."""
    f = entry.fields
    kind = entry.type
    lang = language(entry)
    item: dict[str, Any] = {"id": entry.key, "type": TYPES.get(kind, "document"), "language": lang}
    if kind == "article" and not (f.get("journal") or f.get("journaltitle")):
        item["type"] = "article"  # a preprint
    subtype = f.get("entrysubtype", "").lower()
    if kind == "article" and subtype in ("magazine", "newspaper"):
        item["type"] = "article-" + subtype
    title = _title(f, "")
    if title:
        item["title"] = title
    if f.get("shorttitle"):
        item["title-short"] = to_csl(f["shorttitle"])
    container = (
        _title(f, "journal")
        or (to_csl(f["journal"]) if f.get("journal") else None)
        or _title(f, "book")
        or _title(f, "main")
        or _title(f, "issue")
    )
    if container:
        item["container-title"] = container
    if f.get("booktitle") and f.get("maintitle"):
        item["volume-title"] = item.get("container-title")
        item["container-title"] = _title(f, "main")
    if f.get("shortjournal"):
        item["container-title-short"] = to_csl(f["shortjournal"])
    if f.get("series"):
        item["collection-title"] = to_csl(f["series"])
    if f.get("eventtitle"):
        item["event-title"] = to_csl(f["eventtitle"])
    for role, csl_role in ROLES.items():
        people = (
            entry.people(role)
            if role in entry.names
            else ([Person(n) for n in split_name_list(f[role])] if f.get(role) else None)
        )
        if people:
            item[csl_role] = [_name(p, lang) for p in people]
    issued = _issued(f)
    if issued:
        item["issued"] = issued
    for field_name, csl in (("urldate", "accessed"), ("eventdate", "event-date"), ("origdate", "original-date")):
        if f.get(field_name):
            date = _date(f[field_name])
            if date:
                item[csl] = date
    number_field = (
        "issue"
        if item["type"].startswith("article")
        else "collection-number"
        if f.get("series") and item["type"] in ("book", "chapter", "paper-conference")
        else "number"
    )
    simple = {
        "volume": "volume",
        "volumes": "number-of-volumes",
        "pages": "page",
        "pagetotal": "number-of-pages",
        "edition": "edition",
        "chapter": "chapter-number",
        "issue": "issue",
        "number": number_field,
        "doi": "DOI",
        "isbn": "ISBN",
        "issn": "ISSN",
        "version": "version",
        "note": "note",
        "abstract": "abstract",
        "type": "genre",
        "venue": "event-place",
        "pmid": "PMID",
    }
    for field_name, csl in simple.items():
        if f.get(field_name) and csl not in item and csl not in leave_out:
            value = f[field_name]
            item[csl] = value if field_name in ("doi", "isbn", "issn") else to_csl(value, protect=csl in ("note", "genre"))
    if "page" in item:
        item["page"] = item["page"].replace("\u2013", "-").replace("\u2014", "-")
    if f.get("addendum"):
        item["note"] = (item.get("note", "") + ". " if item.get("note") else "") + to_csl(f["addendum"])
    publisher = (
        f.get("publisher")
        or (f.get("school") or f.get("institution") if item["type"] in ("thesis", "report") else None)
        or f.get("organization")
        or f.get("institution")
        or f.get("school")
    )
    if publisher:
        item["publisher"] = to_csl(publisher.replace(" and ", "; "), protect=False)
    place = f.get("location") or f.get("address")
    if place:
        item["publisher-place"] = to_csl(place.replace(" and ", "; "), protect=False)
    if kind in ("phdthesis", "mastersthesis") and "genre" not in item:
        item["genre"] = {"phdthesis": "PhD thesis", "mastersthesis": "Master's thesis"}[kind]
    url = f.get("url")
    howpublished = f.get("howpublished", "")
    if not url and "\\url" in howpublished:
        url = to_text(howpublished)
    elif howpublished and "publisher" not in item:
        item["publisher"] = to_csl(howpublished, protect=False)
    eprint, eprinttype = f.get("eprint"), (f.get("eprinttype") or f.get("archiveprefix") or "").lower()
    if eprint and eprinttype in _ARXIV:
        if item["type"] == "article" and eprint not in item.get("container-title", ""):
            item.setdefault("number", f"arXiv:{eprint}")
        url = url or f"https://arxiv.org/abs/{eprint}"
    elif eprint and eprinttype == "doi":
        item.setdefault("DOI", eprint)
    if url:
        item["URL"] = url.strip()
    return item


_OTHERS_IN_LIST = re.compile("\\s*(?:,\\s*)?(?:(?:&#38;|&amp;|and|和|&)\\s*)?([\ue002\ue003])(\\.?)")
_OTHERS_IN_TEXT = re.compile("(?:,?\\s*)(?:(?:&#38;|&amp;|and|和|&)\\s*)?([\ue002\ue003])")


def finish_others(html: str, in_text: bool = False) -> str:
    """The "and others" marks of formatted HTML as "et al." or "等" (after the style's own
    delimiter in a reference list, after the name in running text)."""
    if "\ue002" not in html and "\ue003" not in html:
        return html
    if in_text:
        return _OTHERS_IN_TEXT.sub(lambda m: " et al." if m.group(1) == "\ue002" else "等", html)
    return _OTHERS_IN_LIST.sub(lambda m: ", et al." if m.group(1) == "\ue002" else ", 等" + m.group(2), html)
