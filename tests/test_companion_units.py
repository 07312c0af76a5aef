"""Unit tests of the companion data layer (cards, cited-in, generated pages, text helpers):
plain functions, no MkDocs, on the real bib files and small hand-made inputs."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from pybtex.database import parse_string

from dlnotes import companion
from dlnotes.bibliography import Bibliography, load_bibliography
from dlnotes.cards import (
    INTERNAL_FIELDS,
    bibtex_text,
    build_card,
    card_html,
    entry_authors,
    entry_links,
    roadmap_anchor,
    roadmap_places,
    short_citation,
)
from dlnotes.citedin import footnote_ref_anchor, scan_citations
from dlnotes.companion import NotePage, NotesIndex
from dlnotes.mdtext import key_anchor, md_escape, plain_text, relative_link, stars
from dlnotes.notes import Note
from dlnotes.roadmap import Roadmap, load_roadmap

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bib() -> Bibliography:
    return load_bibliography([REPO / "bib"], REPO)


@pytest.fixture(scope="module")
def roadmap() -> Roadmap:
    return load_roadmap(REPO / "bib" / "roadmap.yaml", REPO / "bib" / "roadmap.bib")


# --- text helpers --------------------------------------------------------------------


def test_key_anchors_are_readable_safe_and_never_shared() -> None:
    assert key_anchor("bahdanau2014neural") == "ref-bahdanau2014neural"
    assert key_anchor("tds-visual-attention") == "ref-tds-visual-attention"
    keys = ["a:b", "a.b", "a/b", "a+b", "a-b", "a_b", "a_3ab", "a__b", "A:b"]
    anchors = [key_anchor(k) for k in keys]
    assert len(set(anchors)) == len(keys)
    assert all(re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", a) for a in anchors), anchors
    assert key_anchor("a:b") == key_anchor("a:b")  # stable


def test_md_escape_keeps_text_literal_without_starting_math() -> None:
    text = md_escape("A [b] (c) *d* x|y $5 <i> a_b")
    assert "\\(" not in text and "\\[" not in text  # would open math with arithmatex
    assert "&#91;" in text and "&#124;" in text and "&#36;" in text and "\\*" in text


def test_relative_links_between_docs() -> None:
    assert relative_link("references.md", "attention/x.md", "fnref:k") == "attention/x.md#fnref:k"
    assert relative_link("attention/a.md", "papers/b.md") == "../papers/b.md"
    assert relative_link("attention/a.md", "attention/b.md") == "b.md"
    assert relative_link("attention/a.md", "roadmap.md", "roadmap-2-4") == "../roadmap.md#roadmap-2-4"


def test_plain_text_and_stars() -> None:
    assert plain_text('van Merri{\\"e}nboer') == "van Merriënboer"
    assert plain_text("{RNN} encoder") == "RNN encoder"
    assert stars(4) == "★★★★☆" and stars(None) == ""


# --- cards -----------------------------------------------------------------------------


def test_card_of_bahdanau_from_bib_front_matter_and_roadmap(bib: Bibliography, roadmap: Roadmap) -> None:
    note = Note("attention/bahdanau2014neural.md", key="bahdanau2014neural", status="read", tags=["注意力"])
    card = build_card(bib.entries["bahdanau2014neural"], note, roadmap_places(roadmap))
    assert card.title == "Neural Machine Translation by Jointly Learning to Align and Translate"
    assert card.authors == ("Dzmitry Bahdanau", "KyungHyun Cho", "Yoshua Bengio")
    assert (card.venue, card.year) == ("arXiv preprint arXiv:1409.0473", "2014")
    links = {link.label: link.url for link in card.links}
    assert links["PDF"] == "https://arxiv.org/pdf/1409.0473v7"
    assert links["arXiv"] == "https://arxiv.org/abs/1409.0473"
    assert links["代码"] == "https://github.com/pcyin/pytorch_basic_nmt"
    assert [(p.section_id, p.section_title) for p in card.roadmap] == [("2.4", "RNN / Sequence-to-Sequence Model")]
    assert card.stars == 4 and card.date is None and card.status == "read"
    links = {"roadmap.md": "../../roadmap/", "references.md": "../../references/"}
    html_ = card_html(
        card, lambda doc, anchor: links[doc] + "#" + (anchor or ""), "roadmap.md", "references.md", key_anchor(card.key)
    )
    assert html_.startswith('<div class="admonition abstract paper-card" data-search-exclude>')
    assert '<a href="../../roadmap/#roadmap-2-4">2.4 RNN / Sequence-to-Sequence Model</a>' in html_
    assert "★★★★☆" in html_ and 'href="../../references/#ref-bahdanau2014neural"' in html_
    assert '<summary>BibTeX</summary>\n<pre><code class="language-bibtex">@article{bahdanau2014neural,' in html_
    assert "\n\n" not in html_  # a blank line would end the raw HTML block
    # A page that is not in the site gets no link.
    assert "<a href" not in card_html(card, lambda doc, anchor: None, "roadmap.md").split("路线图")[1].split("</li>")[0]


def test_card_html_escapes_bib_text(bib: Bibliography) -> None:
    note = Note("x.md", key="k")
    entry = bib.entries["weng2018attention"]
    card = build_card(entry, note)
    card = type(card)(**{**card.__dict__, "title": 'A <b> & "c"', "bibtex": "@misc{k,\n  title = {x < y}\n}"})
    out = card_html(card, lambda doc, anchor: None)
    assert "A &lt;b&gt; &amp; &quot;c&quot;" in out and "x &lt; y" in out and "<b>" not in out


def test_card_of_the_paper_in_two_sections_lists_both(bib: Bibliography, roadmap: Roadmap) -> None:
    card = build_card(bib.entries["sutskever2014sequence"], Note("x.md", key="sutskever2014sequence"), roadmap_places(roadmap))
    assert [p.section_id for p in card.roadmap] == ["2.4", "3.1"]


def test_doi_link_and_accents(bib: Bibliography) -> None:
    assert ("DOI", "https://doi.org/10.1038/nature14539") in {
        (link.label, link.url) for link in entry_links(bib.entries["lecun2015deep"])
    }
    assert "Bart van Merriënboer" in entry_authors(bib.entries["cho2014learning"])


def test_bibtex_block_is_the_entry_as_written_without_internal_fields(bib: Bibliography) -> None:
    for key in ("bahdanau2014neural", "yin2018pytorch", "cho2014learning", "weng2018attention"):
        entry = bib.entries[key]
        text = bibtex_text(entry)
        assert text.startswith(f"@{entry.type}{{{key},")
        assert not any(re.search(rf"^\s*{f}\s*=", text, re.M) for f in INTERNAL_FIELDS)
        back = parse_string(text, "bibtex").entries[key]
        for name, value in entry.pybtex.fields.items():
            if name.lower() not in INTERNAL_FIELDS:
                assert back.fields[name] == value, (key, name)
        assert [str(p) for p in back.persons["author"]] == [str(p) for p in entry.pybtex.persons["author"]]
    assert "pytorch_basic_nmt}" in bibtex_text(bib.entries["bahdanau2014neural"])  # no "\_" added to URLs


def test_short_citation(bib: Bibliography) -> None:
    assert short_citation(bib.entries["lecun2015deep"]) == "LeCun, Bengio, Hinton, Nature 2015"
    assert short_citation(bib.entries["mnih2014recurrent"]) == "Mnih et al., 2014"
    assert short_citation(bib.entries["bahdanau2014neural"]) == "Bahdanau, Cho, Bengio, 2014"


def test_roadmap_anchor() -> None:
    assert roadmap_anchor("2.4") == "roadmap-2-4"


# --- cited-in index -------------------------------------------------------------------------


def test_cited_in_lists_pages_in_given_order_once_and_skips_code_and_unknown_keys() -> None:
    sources = [
        ("b.md", "See [@x] and [@y; @x] again [@x].\n"),
        ("a.md", "```\n[@y]\n```\nText [@nope] and [@x:1.2/3+4]\n"),
        ("c.md", "no citations, an e-mail me@example.org\n"),
    ]
    index = scan_citations(sources, known=lambda k: k != "nope")
    assert index.pages == {"x": ["b.md"], "y": ["b.md"], "x:1.2/3+4": ["a.md"]}
    assert index.keys["b.md"] == ["x", "y"]
    assert index.citing("zzz") == []
    assert footnote_ref_anchor("x") == "fnref:x"


# --- generated pages -------------------------------------------------------------------------


NOTES = [
    NotePage("papers/index.md", "综述"),
    NotePage(
        "papers/lecun2015deep.md", "Deep learning", "lecun2015deep", dt.date(2021, 1, 28), "read", ("综述",), "Representations."
    ),
    NotePage("attention/bahdanau2014neural.md", "NMT", "bahdanau2014neural", None, "read", (), "最早的 Attention。"),
    NotePage("attention/sawant2020understanding.md", "Understanding attention", "sawant2020understanding", None, "read"),
    NotePage("attention/new.md", "New one", "hinton2006fast", dt.date(2021, 3, 2), "reading"),
    NotePage("attention/older.md", "Older", "hinton2006reducing", dt.date(2020, 12, 31), "todo"),
]


def test_notes_index_keeps_notes_only_and_reads_status_from_front_matter() -> None:
    index = NotesIndex.of(NOTES)
    assert index.notes[0].path == "papers/lecun2015deep.md"  # index page is not a note
    assert index.read() == {"lecun2015deep": dt.date(2021, 1, 28), "bahdanau2014neural": None, "sawant2020understanding": None}


def _slots() -> tuple[list[str], companion.HtmlSlot]:
    """The blocks a generated page puts aside, and the slot function that keeps them."""
    blocks: list[str] = []

    def slot(html: str) -> str:
        blocks.append(html)
        return f"<!-- block {len(blocks) - 1} -->"

    return blocks, slot


def _url(doc: str) -> str | None:
    return None if doc.startswith("missing/") else doc.removesuffix(".md") + "/"


def test_timeline_newest_first_by_month_undated_last() -> None:
    blocks, slot = _slots()
    text = companion.timeline_markdown(NotesIndex.of(NOTES).notes, slot, _url)
    headings = re.findall(r"^## (.+)$", text, re.M)
    assert headings == ["2021 年 3 月", "2021 年 1 月", "2020 年 12 月", "未注明日期"]
    # Each month's list is HTML put aside, its slot alone between blank lines (an HTML block).
    assert re.findall(r"^<!-- block (\d) -->$", text, re.M) == ["0", "1", "2", "3"]
    assert "\n\n<!-- block 1 -->\n\n" in text
    assert '<li>2021-01-28 · <a data-preview="" href="papers/lecun2015deep/">Deep learning</a> · 已读</li>' in blocks[1]
    undated = blocks[3]
    assert undated.index("NMT") < undated.index("Understanding attention")  # nav order


def test_a_timeline_title_is_text_and_a_note_outside_the_site_is_not_linked() -> None:
    blocks, slot = _slots()
    notes = [
        NotePage("a.md", "<b>x</b> & *y*", "k", dt.date(2021, 1, 1)),
        NotePage("missing/b.md", "B", "k2", dt.date(2021, 1, 2)),
    ]
    companion.timeline_markdown(notes, slot, _url, lambda note: "Doe & Roe 2020")
    assert '<a data-preview="" href="a/">&lt;b&gt;x&lt;/b&gt; &amp; *y*</a> (Doe &amp; Roe 2020)' in blocks[0]
    assert "<li>2021-01-02 · B (Doe &amp; Roe 2020)</li>" in blocks[0]


def test_latest_notes_by_date_then_nav_order() -> None:
    blocks, slot = _slots()
    text = companion.latest_markdown(NotesIndex.of(NOTES).notes, slot, _url, n=4)
    assert text == "<!-- block 0 -->\n"
    titles = re.findall(r">([^<]+)</a>", blocks[0])
    assert titles == ["New one", "Deep learning", "Older", "NMT"]


def test_references_page_has_an_anchor_per_entry_and_links_to_first_citations(bib: Bibliography) -> None:
    cited = scan_citations(
        [("attention/x.md", "[@cho2014learning] [@weng2018attention] [@cho2014learning]"), ("y.md", "[@cho2014learning]")],
        bib.__contains__,
    )
    index = NotesIndex.of(NOTES)
    keys = companion.reference_keys(bib.entries, lambda e: Path(e.file).name == "roadmap.bib", cited, index.by_key)
    references = {k for k, e in bib.entries.items() if Path(e.file).name == "references.bib"}
    assert references <= set(keys)
    assert {"cho2014learning", "lecun2015deep", "hinton2006fast"} <= set(keys)  # cited, or with a note
    assert "goodfellow2016deep" not in keys  # roadmap paper neither cited nor noted
    titles = {"attention/x.md": "X <1>", "y.md": "Y", "papers/lecun2015deep.md": "Deep learning"}
    urls = {"attention/x.md": "attention/x/", "papers/lecun2015deep.md": "papers/lecun2015deep/"}  # y.md: not in the site

    def url(doc: str, anchor: str | None) -> str | None:
        return urls[doc] + (f"#{anchor}" if anchor else "") if doc in urls else None

    text = companion.references_html(keys, lambda k: f"REF {k}", cited, index, titles, url)
    blocks = dict(re.findall(r'^<p class="ref-entry" id="([^"]+)">(REF .*?)</p>$', text, re.M | re.S))
    assert list(blocks) == [key_anchor(k) for k in keys]
    assert '引用于: <a href="attention/x/#fnref:cho2014learning">X &lt;1&gt;</a>, Y' in blocks[key_anchor("cho2014learning")]
    assert '笔记: <a href="papers/lecun2015deep/">Deep learning</a>' in blocks[key_anchor("lecun2015deep")]
    assert "尚未被笔记引用" in blocks[key_anchor("nielsen2015neural")]


def test_roadmap_page_counts_status_and_next_up(bib: Bibliography, roadmap: Roadmap) -> None:
    index = NotesIndex.of(NOTES)
    text = companion.roadmap_markdown(roadmap, index, bib.entries, "roadmap.md")
    sections = re.findall(r'^## (\d\.\d) .*\{#roadmap-\d-\d\}\n\n\?\?\?\+ note roadmap-section "已读 (\d+) / (\d+)"$', text, re.M)
    assert len(sections) == 21
    assert sum(int(total) for _, _, total in sections) == 133
    assert "已读 **2 / 132** 篇论文" in text  # sawant2020understanding is not a roadmap paper
    assert "已读 · 2021-01-28 · [笔记](papers/lecun2015deep.md)" in text
    assert "已读 · [笔记](attention/bahdanau2014neural.md)" in text
    assert "在读 · [笔记](attention/new.md)" in text
    next_up = text.split("## 接下来读")[1].split("\n## ")[0]
    assert [m for m in re.findall(r"^\d+\. \[([^\]]+)\]", next_up, re.M)] == [
        "Deep learning",
        "A fast learning algorithm for deep belief nets",
        "Reducing the dimensionality of data with neural networks",
        "Imagenet classification with deep convolutional neural networks",
        "Very deep convolutional networks for large-scale image recognition",
    ]


def test_first_heading() -> None:
    assert companion.first_heading("intro\n# Title {#x}\n## b") == "Title"
    assert companion.first_heading("## only h2") is None


def test_card_goes_after_the_first_rendered_h1() -> None:
    from dlnotes.cards import insert_after_title_html

    html = '<h1 id="t">Title<a class="headerlink" href="#t">¶</a></h1>\n<p>Body</p><h1>Second</h1>'
    assert insert_after_title_html(html, "<div>CARD</div>") == (
        '<h1 id="t">Title<a class="headerlink" href="#t">¶</a></h1>\n<div>CARD</div>\n\n<p>Body</p><h1>Second</h1>'
    )
    assert insert_after_title_html("<p>No title</p>", "<div>CARD</div>") == "\n<div>CARD</div>\n<p>No title</p>"
