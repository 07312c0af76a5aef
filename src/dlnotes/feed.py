"""The site's Atom feed (RFC 4287): the notes, newest reading date first, each with its title,
summary, link and tags. Written with the standard library's xml.etree (escaping and well-formed
XML are its job); no MkDocs here.

Only notes with a reading date (`date:` in the front matter) are in the feed: Atom requires a
date per entry, and a note without one has no honest date to give (a file's modification time
is the checkout's, and would make every build look like new posts).
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urljoin

ATOM = "http://www.w3.org/2005/Atom"
FEED_PATH = "feed.xml"
DEFAULT_LIMIT = 50


@dataclass(frozen=True)
class FeedNote:
    title: str
    url: str  # relative to the site's root ("attention/x/")
    date: dt.date | None
    summary: str | None = None
    tags: tuple[str, ...] = ()


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def atom_feed(
    notes: Sequence[FeedNote], site_url: str, title: str, author: str, subtitle: str | None = None, limit: int = DEFAULT_LIMIT
) -> str:
    """The feed as XML text. `site_url` is the published root (absolute, ends with "/");
    ids are the notes' absolute URLs, stable for as long as a note keeps its file."""
    root_url = site_url if site_url.endswith("/") else site_url + "/"
    dated = sorted((n for n in notes if n.date), key=lambda n: (n.date, n.url), reverse=True)[:limit]
    ET.register_namespace("", ATOM)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "zh-CN"})
    sub(feed, "id", root_url)
    sub(feed, "title", title)
    if subtitle:
        sub(feed, "subtitle", subtitle)
    newest = dated[0].date if dated else dt.date(1970, 1, 1)
    assert newest is not None
    sub(feed, "updated", _stamp(newest))
    sub(feed, "link", rel="self", type="application/atom+xml", href=urljoin(root_url, FEED_PATH))
    sub(feed, "link", rel="alternate", type="text/html", href=root_url)
    sub(sub(feed, "author"), "name", author)
    sub(feed, "generator", "dlnotes")
    for note in dated:
        assert note.date is not None
        url = urljoin(root_url, note.url)
        entry = sub(feed, "entry")
        sub(entry, "id", url)
        sub(entry, "title", note.title)
        sub(entry, "link", rel="alternate", type="text/html", href=url)
        sub(entry, "published", _stamp(note.date))
        sub(entry, "updated", _stamp(note.date))
        if note.summary:
            sub(entry, "summary", note.summary, type="text")
        for tag in note.tags:
            sub(entry, "category", term=tag, label=tag)
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"
