"""A paper's metadata (`Paper`) and its one clean BibTeX entry, in the style of bib/*.bib:
aligned `name = {value}` fields, authors "Last, First" joined by "and", the title with acronyms
braced, the venue in the field its entry type wants, DOI and/or eprint/archiveprefix/
primaryclass, `url` and `pdf`.

Text is kept as LaTeX where a source gives LaTeX (arXiv titles, BibTeX from DBLP or the ACL
Anthology) and Unicode otherwise (the bib files are UTF-8); LaTeX specials in plain text are
escaped. latexcodec (pybtex's own dependency; its str-to-str decoder) decodes LaTeX for keys and comparisons. The
writing is by hand, as roadmap.to_bibtex does: pybtex's writer quotes values with "..." and
re-wraps names, which is not the bib files' style.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace

from latexcodec.codec import UnicodeLatexIncrementalDecoder
from pybtex.database import Person
from pybtex.scanner import PybtexError

from ..keys import base_key

# Fields written, in this order; anything else a source gives is dropped.
FIELD_ORDER = (
    "author", "editor", "title", "journal", "booktitle", "howpublished", "publisher", "school",
    "institution", "volume", "number", "pages", "month", "year", "doi", "eprint",
    "archiveprefix", "primaryclass", "url", "pdf", "code", "note",
)  # fmt: skip
VENUE_FIELD = {
    "article": "journal", "inproceedings": "booktitle", "incollection": "booktitle",
    "inbook": "booktitle", "book": "publisher", "misc": "howpublished", "phdthesis": "school",
    "mastersthesis": "school", "techreport": "institution",
}  # fmt: skip


@dataclass
class Paper:
    """What one source says about a paper; values are BibTeX field text (LaTeX or Unicode)."""

    type: str  # article, inproceedings, misc ...
    title: str
    authors: list[str]  # BibTeX form: "Last, First" (a lone "Name" for one-part names)
    year: int | None = None
    venue: str | None = None  # goes into VENUE_FIELD[type]
    fields: dict[str, str] = field(default_factory=dict)  # volume, pages, doi, url, pdf, eprint ...
    source: str = ""  # which service said so (for messages)

    @property
    def doi(self) -> str | None:
        return self.fields.get("doi")

    @property
    def eprint(self) -> str | None:
        return self.fields.get("eprint")


# --- text ---------------------------------------------------------------------------------------

_SPECIAL = re.compile(r"(?<!\\)([&%#])")
_SPACE = re.compile(r"\s+")


def squeeze(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def escape_latex(text: str) -> str:
    """Plain text (a title or a name from JSON) as BibTeX field text: &, %, # escaped; "_" too
    outside $...$; unbalanced braces removed (they would break the entry)."""
    parts = re.split(r"(\$[^$]*\$)", squeeze(text))
    out = []
    for i, part in enumerate(parts):
        if i % 2 == 1:  # math
            out.append(part)
            continue
        part = _SPECIAL.sub(r"\\\1", part)
        out.append(re.sub(r"(?<!\\)_", r"\\_", part))
    return balance_braces("".join(out))


def balance_braces(text: str) -> str:
    depth, out = 0, []
    for char in text:
        if char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                continue
            depth -= 1
        out.append(char)
    result = "".join(out)
    while depth:  # drop the last unclosed "{"
        i = result.rfind("{")
        result = result[:i] + result[i + 1 :]
        depth -= 1
    return result


def plain(text: str) -> str:
    """LaTeX field text as plain Unicode (for keys, comparisons and messages)."""
    if not any(c in text for c in "\\{}$~"):
        return squeeze(text)  # nothing to decode (most titles): latexcodec costs ~3 ms a call
    try:
        decoder = UnicodeLatexIncrementalDecoder()  # type: ignore[no-untyped-call]  # latexcodec leaves __init__ unannotated
        decoded = decoder.decode(text, final=True)
    except (ValueError, UnicodeError):  # latexcodec gives up on odd input: drop the markup instead
        decoded = text
    decoded = re.sub(r"\\[A-Za-z]+\s*", "", decoded)
    return squeeze(decoded.replace("{", "").replace("}", "").replace("$", "").replace("~", " "))


def normalized_title(text: str) -> str:
    """The title reduced to what identifies it: letters and digits, case and accents folded."""
    folded = unicodedata.normalize("NFKD", plain(text)).casefold()
    return "".join(c for c in folded if c.isalnum())


# Title protection: a word with a capital after its first letter (RNN, PixelCNN, R-CNN, BERT,
# YOLOv4) is braced so BibTeX styles that lowercase titles leave it alone. Math, commands and
# groups already braced are left as they are.
_TITLE_TOKENS = re.compile(r"\$[^$]*\$|\\[A-Za-z]+|\\.|\{|\}|[\w-]+|[^\w${}\\-]+")


def _is_acronym(word: str) -> bool:
    parts = word.split("-")
    return any(any(c.isupper() for c in part[1:]) for part in parts) or (
        len(parts) > 1 and any(len(part) == 1 and part.isupper() for part in parts)
    )


def protect_title(title: str) -> str:
    out: list[str] = []
    depth = 0
    for m in _TITLE_TOKENS.finditer(title):
        token = m.group(0)
        if token == "{":
            depth += 1
        elif token == "}":
            depth = max(depth - 1, 0)
        elif depth == 0 and token[0] not in "$\\" and _is_acronym(token):
            token = "{" + token + "}"
        elif depth == 0 and token.startswith("$"):
            token = "{" + token + "}"  # math keeps its case too
        out.append(token)
    return "".join(out)


# --- names --------------------------------------------------------------------------------------

_DBLP_NUMBER = re.compile(r"\s+\d{4}$")  # DBLP's homonym numbers: "Wei Li 0001"


def bibtex_name(name: str) -> str:
    """A name as a source writes it ("Ashish Vaswani", "Vaswani, Ashish", "Li, Wei 0001") in
    BibTeX form "von Last, Jr, First", as pybtex reads it."""
    name = _DBLP_NUMBER.sub("", squeeze(name))
    if not name:
        return name
    try:
        person = Person(name)
    except PybtexError:  # e.g. too many commas: keep the name whole, as one braced part
        return "{" + name.replace("{", "").replace("}", "") + "}"
    last = " ".join(person.prelast_names + person.last_names)
    first = " ".join(person.first_names + person.middle_names)
    parts = [last] + ([" ".join(person.lineage_names)] if person.lineage_names else []) + ([first] if first else [])
    return ", ".join(p for p in parts if p) or name


def family_given(family: str, given: str | None) -> str:
    family, given = squeeze(family), squeeze(given or "")
    if " " in family and not family.startswith("{"):
        particles = family.split(" ")
        if not all(p[:1].islower() for p in particles[:-1]):
            family = "{" + family + "}"  # a two-word surname stays one (e.g. "Le Cun")
    return f"{family}, {given}" if given else family


# --- the entry ----------------------------------------------------------------------------------


def make_key(paper: Paper) -> str:
    return base_key((paper.authors and [plain(paper.authors[0])]) or [], paper.year, plain(paper.title))


def to_bibtex(paper: Paper, key: str) -> str:
    values: dict[str, str] = {}
    values["author"] = " and ".join(paper.authors)
    values["title"] = protect_title(paper.title)
    venue_field = VENUE_FIELD.get(paper.type)
    if paper.venue and venue_field:
        values[venue_field] = paper.venue
    if paper.year is not None:
        values["year"] = str(paper.year)
    for name, value in paper.fields.items():
        if name in FIELD_ORDER and name not in values and value:
            values[name] = value
    if not values["author"]:
        del values["author"]
    ordered = [(name, values[name]) for name in FIELD_ORDER if name in values]
    width = max(len(name) for name, _ in ordered)
    body = ",\n".join(f"  {name:<{width}} = {_braced(name, value)}" for name, value in ordered)
    return f"@{paper.type}{{{key},\n{body}\n}}\n"


_MONTHS = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}


def _braced(name: str, value: str) -> str:
    if name == "month" and value.lower()[:3] in _MONTHS and len(value) <= 3:
        return value.lower()  # BibTeX's month macros, as in bib/references.bib
    return "{" + balance_braces(squeeze(value)) + "}"


def with_fields(paper: Paper, **values: str | None) -> Paper:
    fields = dict(paper.fields)
    fields.update({k: v for k, v in values.items() if v})
    return replace(paper, fields=fields)
