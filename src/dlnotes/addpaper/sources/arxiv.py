"""arXiv's API (`/query?id_list=ID`), which answers in Atom 1.0 with arXiv's own elements
(arxiv:doi, arxiv:journal_ref, arxiv:primary_category). Read with the standard library's
ElementTree (expat, which refuses entity expansion attacks since 2.4.1).

Traps handled: an unknown or malformed id gives HTTP 200 with no entry, or one entry titled
"Error" whose id points at arxiv.org/api/errors; throttling gives the plain text
"Rate exceeded."; titles and names arrive hard-wrapped.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ..entry import Paper, bibtex_name, escape_latex, squeeze
from ..http import BadAnswer, Fetcher, NotFound
from ..identifiers import ARXIV_ID, ArxivId

NS = {"atom": "http://www.w3.org/2005/Atom", "arxiv": "http://arxiv.org/schemas/atom"}
ABS = "https://arxiv.org/abs/"
PDF = "https://arxiv.org/pdf/"


def _text(node: ET.Element, path: str) -> str | None:
    found = node.find(path, NS)
    return squeeze(found.text) if found is not None and found.text and found.text.strip() else None


def parse(text: str, wanted: ArxivId) -> Paper:
    if text.strip().lower().startswith("rate exceeded"):
        raise BadAnswer("arXiv says 'Rate exceeded' (try again in a minute)")
    try:
        feed = ET.fromstring(text)
    except ET.ParseError as err:
        raise BadAnswer(f"not Atom XML ({err})") from None
    if feed.tag != f"{{{NS['atom']}}}feed":
        raise BadAnswer("not an Atom feed")
    for entry in feed.findall("atom:entry", NS):
        ident = _text(entry, "atom:id") or ""
        if "/api/errors" in ident:
            message = _text(entry, "atom:summary") or "error"
            raise NotFound(f"arXiv: {wanted.versioned}: {message}")
        m = re.search(r"/abs/(.+)$", ident)
        got = ARXIV_ID.fullmatch(m.group(1)) if m else None
        if got is None or got.group("id") != wanted.id:
            continue
        title = _text(entry, "atom:title")
        if not title:
            continue  # the old API's empty entry for an unknown id
        authors = [bibtex_name(escape_latex(_text(a, "atom:name") or "")) for a in entry.findall("atom:author", NS)]
        published = _text(entry, "atom:published") or ""
        year = int(published[:4]) if re.match(r"\d{4}", published) else None
        category = entry.find("arxiv:primary_category", NS)
        version = wanted.version
        paper = Paper(
            type="article",
            title=escape_latex(title),
            authors=[a for a in authors if a],
            year=year,
            venue=f"arXiv preprint arXiv:{wanted.id}",
            source="arXiv",
        )
        vid = f"{wanted.id}v{version}" if version else wanted.id
        paper.fields.update(
            {
                "eprint": wanted.id,
                "archiveprefix": "arXiv",
                "primaryclass": category.get("term", "") if category is not None else "",
                "url": ABS + vid,
                "pdf": PDF + vid,
            }
        )
        doi = _text(entry, "arxiv:doi")
        if doi:
            paper.fields["doi"] = doi
        journal_ref = _text(entry, "arxiv:journal_ref")
        if journal_ref:
            paper.fields["journal_ref"] = escape_latex(journal_ref)
        return paper
    raise NotFound(f"arXiv has no paper {wanted.versioned}")


def fetch(fetcher: Fetcher, ident: ArxivId) -> Paper:
    url = f"{fetcher.settings.api('arxiv')}/query"
    return fetcher.get("arxiv", url, lambda text: parse(text, ident), params={"id_list": ident.versioned, "max_results": "1"})
