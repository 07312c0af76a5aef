"""How one bibliography entry reads under a note: the formatted reference plus its links."""

from __future__ import annotations

from .bibliography import BibEntry


def entry_links(entry: BibEntry) -> list[tuple[str, str]]:
    """(label, url) for the pdf and the code, which the formatted text does not show."""
    links = []
    if entry.get("pdf"):
        links.append(("pdf", entry.fields["pdf"]))
    code = entry.get("code")
    if code and code != entry.get("url"):
        links.append(("code", code))
    return links


def reference_markdown(entry: BibEntry, formatted: str) -> str:
    extra = " ".join(f"[{label}]({url})" for label, url in entry_links(entry))
    return f"{formatted} {extra}".strip()
