"""What the user typed, as a typed identifier: the one place that knows the shapes of arXiv ids,
DOIs and the URLs of arXiv, doi.org, OpenReview, the ACL Anthology and DBLP.

Anything else is refused with a line that lists what is accepted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

# New style (since April 2007): YYMM.NNNN or YYMM.NNNNN; old style: archive(.SUBJ)/YYMMNNN.
_ARXIV_NEW = r"\d{4}\.\d{4,5}"
_ARXIV_OLD = r"[a-z][a-z-]*(?:\.[A-Z]{2})?/\d{7}"
ARXIV_ID = re.compile(rf"(?P<id>{_ARXIV_NEW}|{_ARXIV_OLD})(?:v(?P<version>\d+))?")
_ARXIV_PREFIX = re.compile(r"^arxiv:\s*", re.IGNORECASE)
# DOI syntax (Crossref's recommended pattern for modern DOIs, slightly widened).
DOI = re.compile(r"10\.\d{4,9}/\S+")
_ARXIV_DOI = re.compile(rf"10\.48550/arxiv\.(?P<id>{_ARXIV_NEW}|{_ARXIV_OLD})(?:v(?P<version>\d+))?", re.IGNORECASE)
# ACL Anthology ids: P18-1031 (old), 2020.acl-main.463 (new).
ACL_ID = re.compile(r"[A-Z]\d{2}-\d{4}|\d{4}\.[a-z0-9-]+\.\d+")
OPENREVIEW_ID = re.compile(r"[A-Za-z0-9_-]{6,}")
DBLP_KEY = re.compile(r"(?:conf|journals|books|series|phd|reference|persons|homepages|tr|ms|www)/[A-Za-z0-9_/.+-]+")

ACCEPTED = (
    "an arXiv id (1706.03762, cs/0112017v1), an arXiv/doi.org/OpenReview/ACL Anthology/DBLP URL, "
    "a DOI (10.1162/neco.1997.9.8.1735), a BibTeX entry or a .bib file"
)


class IdentifierError(ValueError):
    """Input that is none of the accepted kinds; the message says what is accepted."""


@dataclass(frozen=True)
class ArxivId:
    id: str  # without version: 1706.03762, cs/0112017
    version: int | None  # 7 for 1706.03762v7

    @property
    def versioned(self) -> str:
        return f"{self.id}v{self.version}" if self.version else self.id


@dataclass(frozen=True)
class Doi:
    doi: str  # as registered, case kept (DOIs are case-insensitive)


@dataclass(frozen=True)
class OpenReviewId:
    id: str  # the forum id


@dataclass(frozen=True)
class AclId:
    id: str  # P18-1031, 2020.acl-main.463


@dataclass(frozen=True)
class DblpKey:
    key: str  # conf/nips/VaswaniSPUJGKP17


@dataclass(frozen=True)
class BibtexText:
    text: str  # one or more entries
    source: str  # the file name, or "<input>"


Identifier = ArxivId | Doi | OpenReviewId | AclId | DblpKey | BibtexText


def _arxiv(text: str) -> ArxivId | None:
    m = ARXIV_ID.fullmatch(text)
    if m is None:
        return None
    return ArxivId(m.group("id"), int(m.group("version")) if m.group("version") else None)


def _doi(text: str) -> Identifier:
    text = text.rstrip(".")
    m = _ARXIV_DOI.fullmatch(text)
    if m:  # arXiv's own DOIs: the paper is best read from arXiv
        return ArxivId(m.group("id"), int(m.group("version")) if m.group("version") else None)
    return Doi(text)


def parse_identifier(raw: str, cwd: Path | None = None) -> Identifier:
    text = raw.strip()
    if not text:
        raise IdentifierError(f"nothing to add: give {ACCEPTED}")
    if text.startswith("@"):
        return BibtexText(text, "<input>")
    if text.lower().endswith(".bib"):
        bib_path = Path(text) if cwd is None or Path(text).is_absolute() else cwd / text
        if not bib_path.is_file():
            raise IdentifierError(f"{text}: no such .bib file")
        try:
            return BibtexText(bib_path.read_text(encoding="utf-8-sig"), text)
        except (OSError, UnicodeDecodeError) as err:
            raise IdentifierError(f"{text}: cannot read it as UTF-8 ({err})") from None
    bare = _ARXIV_PREFIX.sub("", text)
    found = _arxiv(bare)
    if found:
        return found
    lowered = text.lower()
    if lowered.startswith("doi:"):
        return _doi(text[4:].strip())
    if DOI.fullmatch(text):
        return _doi(text)
    if "://" not in text and re.match(r"^[\w.-]+\.\w+/", text):
        text = "https://" + text  # "arxiv.org/abs/..." typed without the scheme
    parts = urlsplit(text)
    host = parts.netloc.lower().removeprefix("www.")
    path = unquote(parts.path)
    if host.endswith("arxiv.org"):
        m = re.fullmatch(r"/(?:abs|pdf|html|format)/(.+?)(?:\.pdf)?/?", path)
        found = _arxiv(m.group(1)) if m else None
        if found:
            return found
        raise IdentifierError(f"{raw}: not an arXiv paper's address (expected …/abs/ID or …/pdf/ID)")
    if host in {"doi.org", "dx.doi.org"}:
        doi = path.lstrip("/")
        if DOI.fullmatch(doi):
            return _doi(doi)
        raise IdentifierError(f"{raw}: no DOI in this address")
    if host.endswith("openreview.net"):
        ids = parse_qs(parts.query).get("id", [])
        if ids and OPENREVIEW_ID.fullmatch(ids[0]):
            return OpenReviewId(ids[0])
        raise IdentifierError(f"{raw}: expected an OpenReview forum address (…/forum?id=ID)")
    if host == "aclanthology.org" or (host == "aclweb.org" and path.startswith("/anthology/")):
        name = path.removeprefix("/anthology").strip("/")
        name = re.sub(r"\.(pdf|bib|xml)$", "", name)
        if ACL_ID.fullmatch(name):
            return AclId(name)
        raise IdentifierError(f"{raw}: expected an ACL Anthology paper address (…/P18-1031/ or …/2020.acl-main.463/)")
    if host in {"dblp.org", "dblp.uni-trier.de", "dblp.dagstuhl.de"}:
        m = re.fullmatch(r"/(?:db/)?rec/(?:bibtex/|bib\d?/)?(.+?)(?:\.(?:html|bib|xml))?/?", path)
        if m and DBLP_KEY.fullmatch(m.group(1)):
            return DblpKey(m.group(1))
        raise IdentifierError(f"{raw}: expected a DBLP record address (…/rec/conf/…/Key)")
    raise IdentifierError(f"cannot tell what paper {raw!r} is: give {ACCEPTED}")
