"""From an identifier to the paper(s) it names, asking the service that owns the identifier.

An arXiv paper that was published gets the published version's venue, pages and DOI, keeping
its arXiv id (eprint) and the open pdf: the published version is found through the DOI arXiv
records (Crossref), else DBLP's search for the same title. Failing to find it is not an error
(the entry stays an arXiv preprint, with arXiv's journal reference as a note), and failing to
reach the second service is a warning, not a refusal.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from .entry import Paper
from .http import BadAnswer, Fetcher, FetchError
from .identifiers import (
    AclId,
    ArxivId,
    BibtexText,
    DblpKey,
    Doi,
    Identifier,
    OpenReviewId,
)
from .sources import acl, arxiv, bibtex, crossref, dblp, openreview


@dataclass
class Resolved:
    papers: list[Paper]
    warnings: list[str] = field(default_factory=list)


def with_published(preprint: Paper, published: Paper) -> Paper:
    """The published version's facts with the preprint's arXiv id and links."""
    fields = dict(published.fields)
    for name in ("eprint", "archiveprefix", "primaryclass"):
        if preprint.fields.get(name):
            fields[name] = preprint.fields[name]
    fields["pdf"] = preprint.fields.get("pdf") or fields.get("pdf", "")
    fields.setdefault("url", preprint.fields.get("url", ""))
    return replace(
        published,
        fields={k: v for k, v in fields.items() if v},
        authors=published.authors or preprint.authors,
        year=published.year or preprint.year,
        source=f"{preprint.source} + {published.source}",
    )


def _arxiv(fetcher: Fetcher, ident: ArxivId, warnings: list[str]) -> Paper:
    preprint = arxiv.fetch(fetcher, ident)
    published: Paper | None = None
    try:
        if preprint.doi:
            published = crossref.fetch(fetcher, Doi(preprint.doi))
        else:
            key = dblp.find_published(fetcher, preprint.title, preprint.year)
            if key is not None:
                published = dblp.fetch(fetcher, key)
    except FetchError as err:
        warnings.append(f"published version not looked up: {err}")
    journal_ref = preprint.fields.pop("journal_ref", None)
    if published is not None and published.venue:
        return with_published(preprint, published)
    if journal_ref:
        preprint.fields["note"] = f"Published in: {journal_ref}"
    return preprint


def resolve(ident: Identifier, fetcher: Fetcher) -> Resolved:
    warnings: list[str] = []
    if isinstance(ident, ArxivId):
        return Resolved([_arxiv(fetcher, ident, warnings)], warnings)
    if isinstance(ident, Doi):
        return Resolved([crossref.fetch(fetcher, ident)])
    if isinstance(ident, DblpKey):
        return Resolved([dblp.fetch(fetcher, ident)])
    if isinstance(ident, AclId):
        return Resolved([acl.fetch(fetcher, ident)])
    if isinstance(ident, OpenReviewId):
        return Resolved([openreview.fetch(fetcher, ident)])
    if isinstance(ident, BibtexText):
        try:
            entries = bibtex.parse_entries(ident.text)
            return Resolved([bibtex.paper_from_entry(entry, ident.source) for _, entry in entries])
        except BadAnswer as err:
            raise BadAnswer(f"{ident.source}: {err}") from None
    raise TypeError(ident)
