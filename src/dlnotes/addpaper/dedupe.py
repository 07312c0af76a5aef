"""Is this paper already in bib/? The same DOI (case-insensitive, also written as a doi.org
address), the same arXiv id in any version (eprint, or an arXiv address or "arXiv:ID" in url,
pdf or journal), or the same normalized title (letters and digits, case and accents folded)
with the same first author's surname. The surname guard keeps the book "Deep learning"
(Goodfellow) and the survey "Deep learning" (LeCun) apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..keys import ascii_word
from .entry import Paper, normalized_title, plain

_DOI_URL = re.compile(r"^https?://(?:dx\.)?doi\.org/(10\..+)$", re.IGNORECASE)
_ARXIV_IN_TEXT = re.compile(
    r"(?:arxiv\.org/(?:abs|pdf)/|arXiv:\s*|abs/)(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})", re.IGNORECASE
)


def _surname(authors: Iterable[str]) -> str:
    first = next(iter(authors), "")
    return ascii_word(plain(first.split(",", 1)[0]))


def doi_of(fields: dict[str, str]) -> str | None:
    doi = fields.get("doi")
    if doi:
        return doi.strip().lower()
    m = _DOI_URL.match(fields.get("url", ""))
    return m.group(1).lower() if m else None


def arxiv_ids_of(fields: dict[str, str]) -> set[str]:
    ids = set()
    if fields.get("eprint") and (fields.get("archiveprefix", "arXiv").lower() == "arxiv"):
        ids.add(re.sub(r"v\d+$", "", fields["eprint"].strip()))
    for name in ("url", "pdf", "journal", "volume"):
        for m in _ARXIV_IN_TEXT.finditer(fields.get(name, "")):
            ids.add(m.group(1))
    return ids


@dataclass
class Index:
    doi: dict[str, str] = field(default_factory=dict)  # doi -> key
    arxiv: dict[str, str] = field(default_factory=dict)  # id -> key
    title: dict[tuple[str, str], str] = field(default_factory=dict)  # (title, surname) -> key

    def add(self, key: str, fields: dict[str, str], authors: list[str]) -> None:
        doi = doi_of(fields)
        if doi:
            self.doi.setdefault(doi, key)
        for ident in arxiv_ids_of(fields):
            self.arxiv.setdefault(ident, key)
        title = normalized_title(fields.get("title", ""))
        if title:
            self.title.setdefault((title, _surname(authors)), key)

    def find(self, paper: Paper) -> tuple[str, str] | None:
        """(key, why) of the entry that is this paper, if any."""
        fields = dict(paper.fields, title=paper.title)
        doi = doi_of(fields)
        if doi and doi in self.doi:
            return self.doi[doi], f"same DOI {doi}"
        for ident in sorted(arxiv_ids_of(fields)):
            if ident in self.arxiv:
                return self.arxiv[ident], f"same arXiv id {ident}"
        title = normalized_title(paper.title)
        if title and (title, _surname(paper.authors)) in self.title:
            return self.title[(title, _surname(paper.authors))], "same title and first author"
        return None
