"""DBLP: a record's BibTeX export (`/rec/{key}.bib?param=1`, the "standard" form, without
crossref), and its publication search (`/search/publ/api?q=...&format=json`), used to find the
published version of an arXiv paper. DBLP's CoRR records (journal = CoRR) are arXiv copies.
"""

from __future__ import annotations

import json
from typing import Any

from ..entry import Paper, normalized_title, plain
from ..http import BadAnswer, Fetcher
from ..identifiers import DblpKey
from . import bibtex


def fetch(fetcher: Fetcher, ident: DblpKey) -> Paper:
    url = f"{fetcher.settings.api('dblp')}/rec/{ident.key}.bib"
    paper = fetcher.get(
        "dblp",
        url,
        lambda text: bibtex.parse_one(text, "DBLP"),
        params={"param": "1"},
        missing=f"DBLP has no record {ident.key}",
    )
    if paper.fields.get("url", "").startswith(("https://dblp.org/", "http://dblp.org/")):
        paper.fields.pop("url")
    return paper


def _hits(text: str) -> list[dict[str, Any]]:
    try:
        data = json.loads(text)
        hits = data["result"]["hits"]
    except (ValueError, KeyError, TypeError) as err:
        raise BadAnswer(f"not DBLP search JSON ({err})") from None
    found = hits.get("hit", []) if isinstance(hits, dict) else []
    return [h["info"] for h in found if isinstance(h, dict) and isinstance(h.get("info"), dict)]


def find_published(fetcher: Fetcher, title: str, year: int | None) -> DblpKey | None:
    """The DBLP record of the non-arXiv version of a paper with this title, if DBLP has one."""
    url = f"{fetcher.settings.api('dblp')}/search/publ/api"
    hits = fetcher.get("dblp", url, _hits, params={"q": plain(title), "format": "json", "h": "10"})
    wanted = normalized_title(title)
    for info in hits:
        key = info.get("key")
        venue = str(info.get("venue", ""))
        if not isinstance(key, str) or key.startswith("journals/corr/") or venue == "CoRR":
            continue
        if info.get("type") == "Informal and Other Publications" or info.get("type") == "Informal Publications":
            continue
        if normalized_title(str(info.get("title", ""))) != wanted:
            continue
        try:
            hit_year = int(str(info.get("year")))
        except ValueError:
            hit_year = None
        if year is not None and hit_year is not None and not year - 1 <= hit_year <= year + 3:
            continue
        return DblpKey(key)
    return None
