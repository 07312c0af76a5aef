"""The generated parts of the built site (paper cards, references, roadmap, timeline, tags,
latest notes), checked against the data they come from: the bib files, the roadmap and the
notes' front matter."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest
from mkdocs.utils.yaml import yaml_load

from dlnotes.bibliography import Bibliography, load_bibliography
from dlnotes.cards import entry_title
from dlnotes.mdtext import key_anchor
from dlnotes.notes import Note, parse_note
from dlnotes.roadmap import Roadmap, load_roadmap
from tests.conftest import SNAPSHOT as ROOT  # the frozen notes: exact outputs are checked here
from tests.site_text import article_html, pages


@pytest.fixture(scope="module")
def built_site(snapshot_site: Path) -> Path:
    return snapshot_site


@pytest.fixture(scope="module")
def bib() -> Bibliography:
    return load_bibliography([ROOT / "bib"], ROOT)


@pytest.fixture(scope="module")
def notes() -> dict[str, Note]:
    """key -> Note, from the notes' front matter."""
    found: dict[str, Note] = {}
    for path in sorted((ROOT / "docs").rglob("*.md")):
        note, _ = parse_note(path.read_text(encoding="utf-8"), path.relative_to(ROOT / "docs").as_posix())
        if note.key:
            found[note.key] = note
    return found


def url_of(doc: str) -> str:
    return doc[: -len(".md")].removesuffix("index") + ("/" if not doc.endswith("index.md") else "")


def text_of(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", fragment))).strip()


# --- paper card ----------------------------------------------------------------------------


def test_card_of_the_bahdanau_note(built_site: Path) -> None:
    body = article_html(pages(built_site)["attention/bahdanau2014neural/"])
    h1_end = body.index("</h1>")
    card = re.search(
        r'<div class="admonition abstract paper-card" data-search-exclude(?:="")?>(.*?)</details>\s*</div>', body, re.S
    )
    assert card and card.start() > h1_end, "no card right after the title"
    assert card.start() - h1_end < 10
    inner = card.group(1)
    text = text_of(inner)
    assert "Neural Machine Translation" not in text.split("BibTeX")[0], "the card repeats the page's title"
    assert text.startswith("论文信息")
    assert "Dzmitry Bahdanau, KyungHyun Cho, Yoshua Bengio" in text
    assert "arXiv preprint arXiv:1409.0473, 2014" in text
    assert '<a href="https://arxiv.org/pdf/1409.0473v7">PDF</a>' in inner
    assert '<a href="https://arxiv.org/abs/1409.0473">arXiv</a>' in inner
    assert '<a href="https://github.com/pcyin/pytorch_basic_nmt">代码</a>' in inner
    assert re.search(r'<a href="\.\./\.\./roadmap/#roadmap-2-4">2\.4 RNN / Sequence-to-Sequence Model</a>', inner)
    assert "★★★★☆" in text and 'aria-label="4 星（满分 5）"' in inner
    assert "bahdanau2014neural" not in text.split("BibTeX")[0], "the card shows the BibTeX key"
    assert "状态: 已读" in text and "阅读日期: 未记录" in text and "标签: 注意力 · 机器翻译 · 编码器 · 解码器" in text
    bibtex = re.search(r"<details[^>]*>\s*<summary>BibTeX</summary>(.*)", inner, re.S)
    assert bibtex and "<pre><code" in bibtex.group(1)  # Material adds its copy button to pre > code
    code = text_of(bibtex.group(1))
    assert code.startswith("@article{bahdanau2014neural,") and "roadmap" not in code and "stars" not in code


def test_card_shows_doi_date_and_every_paper_note_has_one(built_site: Path, notes: dict[str, Note]) -> None:
    body = article_html(pages(built_site)["papers/lecun2015deep/"])
    card = text_of(body.split('paper-card" data-search-exclude', 1)[1].split("</details>", 1)[0])
    assert "状态: 已读" in card and "阅读日期: 2021-01-28" in card and "DOI" in card and "★★★★★" in card and "1.1 Survey" in card
    assert 'href="https://doi.org/10.1038/nature14539"' in body
    for key, note in notes.items():
        assert "paper-card" in article_html(pages(built_site)[url_of(note.path)]), key


def test_card_links_lead_to_existing_anchors(built_site: Path, notes: dict[str, Note]) -> None:
    """The card is raw HTML (MkDocs does not check its links): check them here."""
    built = pages(built_site)
    for note in notes.values():
        url = url_of(note.path)
        card = article_html(built[url]).split('paper-card"', 1)[1].split("</ul>", 1)[0]
        for href in re.findall(r'href="(\.\./[^"]+)"', card):
            path, _, anchor = href.partition("#")
            target = (built_site / url / path).resolve()
            assert (target / "index.html").is_file(), (url, href)
            assert f'id="{anchor}"' in (target / "index.html").read_text(encoding="utf-8"), (url, href)


def test_copy_button_is_enabled() -> None:
    config = yaml_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))  # MkDocs' loader: !ENV, !!python tags
    assert "content.code.copy" in config["theme"]["features"]


# --- references page ---------------------------------------------------------------------------


def _citations_in_site(site: Path) -> dict[str, list[str]]:
    """key -> urls of pages whose HTML has a first citation of it (fnref:KEY), read from the site."""
    found: dict[str, list[str]] = {}
    for url, page in pages(site).items():
        for key in re.findall(r'<sup id="fnref:([^"]+)">', article_html(page)):
            found.setdefault(html.unescape(key), []).append(url)
    return found


def test_references_page_lists_every_entry_with_its_anchor_and_citing_notes(
    built_site: Path, bib: Bibliography, notes: dict[str, Note]
) -> None:
    body = article_html(pages(built_site)["references/"])
    cited = _citations_in_site(built_site)
    expected = [k for k, e in bib.entries.items() if Path(e.file).name == "references.bib" or k in cited or k in notes]
    assert {"cho2014learning", "bahdanau2014neural", "lecun2015deep"} <= set(expected)
    blocks = dict(re.findall(r'<p (?=[^>]*class="ref-entry")[^>]*id="([^"]+)"[^>]*>(.*?)</p>', body, re.S))
    assert set(blocks) == {key_anchor(k) for k in expected}
    for key in expected:
        block = blocks[key_anchor(key)]
        assert entry_title(bib.entries[key]).lower()[:25] in text_of(block).lower(), key
        links = re.findall(r'<a href="\.\./([^"#]*)#fnref:([^"]+)">', block)
        assert sorted(links) == sorted((url, key) for url in cited.get(key, [])), key
    # The link leads to an existing citation on the citing page.
    assert '<sup id="fnref:cho2014learning">' in article_html(pages(built_site)["attention/sawant2020understanding/"])
    assert 'href="../attention/sawant2020understanding/#fnref:cho2014learning"' in blocks[key_anchor("cho2014learning")]
    assert 'href="../attention/bahdanau2014neural/#fnref:cho2014learning"' in blocks[key_anchor("cho2014learning")]


def test_a_page_citing_twice_is_linked_at_its_first_citation(built_site: Path) -> None:
    for url, page in pages(built_site).items():
        body = article_html(page)
        for key in re.findall(r'<sup id="fnref2:([^"]+)">', body):
            assert body.index(f'id="fnref:{key}"') < body.index(f'id="fnref2:{key}"'), url


def test_every_footnote_is_complete_and_no_placeholder_shows(built_site: Path) -> None:
    """Citation footnotes are written into pages after Markdown renders them: every reference
    (each key of a group too) has a footnote with the entry and a Chinese back-link to that very
    reference; a group is one marker, never adjacent numbers ("¹³¹⁴" read as 1314)."""
    checked = 0
    for url, page in pages(built_site).items():
        text = page.read_text(encoding="utf-8")
        assert "dlnotesref" not in text and "dlnotescite" not in text and "dlnotes:" not in text, url
        body = article_html(page)
        assert not re.search(r'</a></sup><sup id="fnref\d*:[^"]+"><a class="footnote-ref"', body), url
        for ref_id, key in re.findall(r'<(?:sup|span)[^>]* id="(fnref\d*:([^"]+))"', body):
            footnote = re.search(rf'<li id="fn:{re.escape(key)}">\n<p>(.+?)</p>\n</li>', body, re.S)
            assert footnote, (url, key)
            assert f'<a class="footnote-backref" href="#{ref_id}" title="回到正文第' in footnote.group(1), (url, ref_id)
            checked += 1
    assert checked >= 10


# --- roadmap page ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def roadmap() -> Roadmap:
    return load_roadmap(ROOT / "bib" / "roadmap.yaml", ROOT / "bib" / "roadmap.bib")


def _row(body: str, title: str) -> str:
    rows: list[str] = [r for r in re.findall(r"<tr>(.*?)</tr>", body, re.S) if f">{html.escape(title, quote=False)}</a>" in r]
    assert rows, title
    return rows[0]


def test_roadmap_status_comes_from_the_notes(built_site: Path, bib: Bibliography, notes: dict[str, Note]) -> None:
    body = article_html(pages(built_site)["roadmap/"])
    # Two roadmap papers are titled "Deep learning": the survey's row is the one naming LeCun.
    lecun = next(r for r in re.findall(r"<tr>(.*?)</tr>", body, re.S) if "LeCun" in r)
    assert notes["lecun2015deep"].date == dt.date(2021, 1, 28)
    assert "已读 · 2021-01-28" in text_of(lecun) and 'href="../papers/lecun2015deep/"' in lecun
    bahdanau = _row(body, entry_title(bib.entries["bahdanau2014neural"]))
    status = text_of(re.findall(r"<td>(.*?)</td>", bahdanau, re.S)[-1])
    assert status == "已读 · 笔记" and 'href="../attention/bahdanau2014neural/"' in bahdanau
    cho = _row(body, entry_title(bib.entries["cho2014learning"]))
    assert text_of(re.findall(r"<td>(.*?)</td>", cho, re.S)[-1]) == "未读"
    assert "★★★★☆" in cho


def test_roadmap_counts_add_up(built_site: Path, roadmap: Roadmap, notes: dict[str, Note]) -> None:
    body = article_html(pages(built_site)["roadmap/"])
    sections = re.findall(
        r'<h2 id="roadmap-[^"]+">(\d\.\d) .*?</h2>\s*<details class="note roadmap-section" open="open">\s*'
        r"<summary>已读 (\d+) / (\d+)</summary>",
        body,
        re.S,
    )
    assert [s[0] for s in sections] == [s.id for s in roadmap.sections]
    assert sum(int(total) for _, _, total in sections) == 133
    read = {k for k, n in notes.items() if n.status == "read" and k in {p.key for p in roadmap.papers}}
    assert sum(int(r) for _, r, _ in sections) == sum(1 for s in roadmap.sections for p in s.papers if p.key in read)
    assert f"已读 {len(read)} / 132 篇论文" in text_of(body)
    assert "2.4 RNN / Sequence-to-Sequence Model 1 / 5" in text_of(body)  # bahdanau read


def test_next_up_lists_the_first_unread_papers_in_order(
    built_site: Path, roadmap: Roadmap, bib: Bibliography, notes: dict[str, Note]
) -> None:
    body = article_html(pages(built_site)["roadmap/"])
    read = {k for k, n in notes.items() if n.status == "read"}
    expected = [p.key for p in roadmap.papers if p.key not in read][:5]
    next_up = re.search(r'<h2 id="next-up">.*?<ol>(.*?)</ol>', body, re.S)
    assert next_up, "no next-up list on the roadmap page"
    listed = next_up.group(1)
    titles = [text_of(t) for t in re.findall(r"<li><a [^>]*>(.*?)</a>", listed)]
    assert titles == [entry_title(bib.entries[k]) for k in expected]
    assert expected[0] == "goodfellow2016deep" and "lecun2015deep" not in expected


# --- timeline, tags, home ---------------------------------------------------------------------------


def test_timeline_lists_notes_by_month_newest_first(built_site: Path) -> None:
    body = article_html(pages(built_site)["timeline/"])
    months = re.findall(r"<h2[^>]*>(.*?)<a", body)
    assert months[0] == "2021 年 1 月" and months[-1] == "未注明日期"
    january = body.split("2021 年 1 月", 1)[1].split("<h2", 1)[0]
    assert re.search(r'2021-01-28 · <a (?:data-preview="" )?href="\.\./papers/lecun2015deep/">Deep learning</a>', january)
    undated = body.split("未注明日期", 1)[1]
    assert "../attention/bahdanau2014neural/" in undated


def test_tags_page_lists_the_notes_tags(built_site: Path) -> None:
    body = article_html(pages(built_site)["tags/"])
    assert "注意力" in text_of(body)
    section = body.split("注意力", 1)[1].split("<h2", 1)[0]
    assert "../attention/bahdanau2014neural/" in section and "../papers/lecun2015deep/" not in section


def test_home_lists_the_latest_notes_generated(built_site: Path) -> None:
    home = article_html(pages(built_site)[""])
    latest = home.split("最新笔记", 1)[1].split("</ul>", 1)[0]
    links = re.findall(r'<li>.*?<a (?:data-preview="" )?href="([^"]+)"', latest)
    assert links[0] == "papers/lecun2015deep/" and len(links) == 4
    assert "2021-01-28" in latest and "dlnotes:" not in home


def test_new_pages_are_in_the_nav(built_site: Path) -> None:
    home = (built_site / "index.html").read_text(encoding="utf-8")
    for url in ("roadmap/", "timeline/", "tags/", "references/"):
        assert f'href="{url}"' in home, url


def test_a_note_does_not_link_to_itself_in_its_citation_preview(built_site: Path, notes: dict[str, Note]) -> None:
    for key, note in notes.items():
        body = article_html(pages(built_site)[url_of(note.path)])
        own = re.search(rf'<li id="fn:{re.escape(key)}">(.*?)</li>', body, re.S)
        assert own is None or "我们的笔记" not in own.group(1), key
