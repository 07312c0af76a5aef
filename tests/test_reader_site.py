"""The reader's extras on the real site, as invariants that hold whatever notes the author adds:
every note has its card, description, Open Graph and citation tags; every page links the feed
and says it is Chinese; the feed is valid and lists every dated note; backlinks point at notes
that really mention the page; reader pages carry no build jargon; the 404 page helps."""

from __future__ import annotations

import html
import re
from pathlib import Path

import feedparser
import pytest

from dlnotes.headmeta import description
from dlnotes.notes import Note, parse_note
from tests.site_text import article_html, pages

ROOT = Path(__file__).resolve().parent.parent
JARGON = ("dlnotes 插件", "构建时", "front matter", "bib/*.bib", "BibTeX 生成", "鼠标悬停")


def _url(doc: str) -> str:
    return doc[: -len(".md")].removesuffix("index") + ("/" if not doc.endswith("index.md") else "")


@pytest.fixture(scope="module")
def notes() -> list[Note]:
    found = []
    for path in sorted((ROOT / "docs").rglob("*.md")):
        note, _ = parse_note(path.read_text(encoding="utf-8"), path.relative_to(ROOT / "docs").as_posix())
        if note.key:
            found.append(note)
    assert found
    return found


def _head(page: Path) -> str:
    text = page.read_text(encoding="utf-8")
    return text[: text.index("</head>")]


def _metas(head: str, attr: str, name: str) -> list[str]:
    return [html.unescape(v) for v in re.findall(rf'<meta {attr}="{re.escape(name)}" content="([^"]*)"', head)]


def test_every_note_has_card_description_open_graph_and_citation_tags(built_site: Path, notes: list[Note]) -> None:
    built = pages(built_site)
    for note in notes:
        page = built[_url(note.path)]
        head, body = _head(page), article_html(page)
        assert "paper-card" in body, note.path
        if note.summary:
            assert _metas(head, "name", "description") == [description(note.summary)], note.path
        assert len(_metas(head, "name", "description")) == 1, note.path
        assert _metas(head, "property", "og:type") == ["article"], note.path
        assert _metas(head, "property", "og:url")[0].endswith("/" + _url(note.path)), note.path
        assert _metas(head, "name", "citation_title") and _metas(head, "name", "citation_author"), note.path
        assert _metas(head, "name", "citation_publication_date"), note.path
        assert len(re.findall(r"<h1\b", body)) == 1, note.path


def test_every_page_is_chinese_and_links_the_feed(built_site: Path) -> None:
    for url, page in pages(built_site).items():
        text = page.read_text(encoding="utf-8")
        assert '<html lang="zh-CN"' in text, url
        links = re.findall(r'<link rel="alternate" type="application/atom\+xml"[^>]*href="([^"]+)"', _head(page))
        assert len(links) == 1, url
        assert (page.parent / links[0]).resolve() == (built_site / "feed.xml").resolve(), url


def test_feed_is_valid_and_lists_every_dated_note(built_site: Path, notes: list[Note]) -> None:
    parsed = feedparser.parse((built_site / "feed.xml").read_bytes())
    assert not parsed.bozo, parsed.bozo_exception
    links = [e.link for e in parsed.entries]
    for note in notes:
        if note.date:
            assert any(link.endswith("/" + _url(note.path)) for link in links), note.path
    dates = [e.updated_parsed for e in parsed.entries]
    assert dates == sorted(dates, reverse=True)


def test_backlinks_point_at_pages_that_mention_this_one(built_site: Path) -> None:
    built = pages(built_site)
    seen = 0
    for url, page in built.items():
        section = re.search(r'<section class="backlinks".*?</section>', article_html(page), re.S)
        if not section:
            continue
        for href in re.findall(r'<li><a href="([^"]+)"', section.group(0)):
            source = (page.parent / href).resolve() / "index.html"
            assert source.is_file(), (url, href)
            seen += 1
    assert seen, "no note shows a backlink (sawant2020understanding links bahdanau2014neural)"


def test_reader_pages_carry_no_build_jargon(built_site: Path) -> None:
    for url, page in pages(built_site).items():
        if url == "writing/":  # the author's guide: front matter is its subject
            continue
        text = re.sub(r"<[^>]+>", "", article_html(page))
        found = [j for j in JARGON if j in text]
        assert not found, (url, found)


def test_404_page_is_chinese_with_links(built_site: Path) -> None:
    text = (built_site / "404.html").read_text(encoding="utf-8")
    assert "找不到" in text and "404 - Not found" not in text
    body = text.split("<article", 1)[1]
    assert len(re.findall(r"<a href=", body)) >= 3
