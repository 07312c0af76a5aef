"""The ACL Anthology: each paper's BibTeX at `/{id}.bib` (P18-1031, 2020.acl-main.463), with
its pdf at `/{id}.pdf`."""

from __future__ import annotations

from ..entry import Paper
from ..http import Fetcher
from ..identifiers import AclId
from . import bibtex

SITE = "https://aclanthology.org"


def fetch(fetcher: Fetcher, ident: AclId) -> Paper:
    url = f"{fetcher.settings.api('acl')}/{ident.id}.bib"
    paper = fetcher.get(
        "acl", url, lambda text: bibtex.parse_one(text, "ACL Anthology"), missing=f"the ACL Anthology has no paper {ident.id}"
    )
    paper.fields.setdefault("url", f"{SITE}/{ident.id}")
    paper.fields.setdefault("pdf", f"{SITE}/{ident.id}.pdf")
    return paper
