"""The reader's extras on fixture data: backlinks, the Atom feed, the <head> tags of a note."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import feedparser
import pytest

from dlnotes.backlinks import BacklinkIndex, backlinks_html, mentions, resolve
from dlnotes.bibliography import BibEntry, load_bibliography
from dlnotes.feed import FeedNote, atom_feed
from dlnotes.headmeta import add_to_head, citation_tags, description, page_head, paper_meta

DOC_AT = {"": "index.md", "attention/a/": "attention/a.md", "attention/b/": "attention/b.md", "papers/c/": "papers/c.md"}
NOTE_OF_KEY = {"bkey2014": "attention/b.md", "ckey2015": "papers/c.md"}


def _entry(bibtex: str) -> BibEntry:
    """The entry as the site reads it (dlnotes.bibliography), from BibTeX text."""
    folder = Path(tempfile.mkdtemp())
    (folder / "x.bib").write_text(bibtex, encoding="utf-8")
    bib = load_bibliography([folder / "x.bib"], folder)
    return next(iter(bib.entries.values()))


# --- backlinks ------------------------------------------------------------------------------


MENTIONS = {
    "links and citations, each with its sentence": (
        '<h1 id="a">A</h1>\n'
        '<p>第一句话。注意力最早由 <a href="../b/#为什么有效">Bahdanau et al</a> 提出,也就是NMT领域。最后一句。</p>\n'
        '<p>Deep learning is a survey.<sup id="fnref:ckey2015">'
        '<a class="footnote-ref" href="#fn:ckey2015">1</a></sup> Next sentence.</p>\n'
        '<p>An outside link <a href="https://example.org/x">x</a> and one to itself <a href="./">here</a>.</p>\n'
        "<pre><code>[not a link](../b/)</code></pre>\n",
        [
            ("attention/b.md", "link", "注意力最早由 Bahdanau et al 提出,也就是NMT领域。"),
            ("papers/c.md", "citation", "Deep learning is a survey."),
        ],
    ),
    "the innermost block's own text; permalinks, footnote numbers and comments skipped": (
        '<h2 id="x">About <a href="../b/">B</a><a class="headerlink" href="#x">¶</a></h2>\n'
        '<ul><li>Before. Item <a href="../b/">B</a> one.<p>Inner <a href="../../papers/c/">C</a>.</p>'
        'After <sup id="fnref2:ckey2015"><a class="footnote-ref" href="#fn:ckey2015">12</a></sup> it.</li></ul>\n'
        "<!-- <p><a href='../b/'>commented</a></p> -->",
        [
            ("attention/b.md", "link", "About B"),
            ("attention/b.md", "link", "Item B one.After it."),  # the inner paragraph is not the item's text
            ("papers/c.md", "citation", "Item B one.After it."),
            ("papers/c.md", "link", "Inner C."),
        ],
    ),
}


@pytest.mark.parametrize("name", list(MENTIONS))
def test_links_and_citations_become_mentions_with_their_sentence(name: str) -> None:
    html, expected = MENTIONS[name]
    found = mentions("attention/a.md", "attention/a/", html, DOC_AT, NOTE_OF_KEY)
    assert [(m.target, m.kind, m.context) for m in found] == expected


def test_resolve_relative_urls() -> None:
    assert resolve("attention/a/", "../b/") == "attention/b/"
    assert resolve("attention/a/", "../../papers/c/#x") == "papers/c/"
    assert resolve("attention/a/", "../../") == ""
    assert resolve("attention/a/", "../%E4%B8%AD/") == "attention/中/"
    assert resolve("attention/a/", "https://example.org/") is None
    assert resolve("attention/a/", "#fn:x") is None
    assert resolve("attention/a/", "../../assets/figures/x.svg") == "assets/figures/x.svg"


def test_index_lists_notes_only_once_per_sentence_and_replaces_a_rebuilt_page() -> None:
    index = BacklinkIndex()
    link = '<p>See <a href="../b/">B</a> and again <a href="../b/#x">B</a>.</p>'
    index.collect("attention/a.md", mentions("attention/a.md", "attention/a/", link, DOC_AT, NOTE_OF_KEY))
    index.collect("index.md", mentions("index.md", "", '<p><a href="attention/b/">B</a></p>', DOC_AT, NOTE_OF_KEY))
    notes = {"attention/a.md", "attention/b.md"}.__contains__
    assert [m.source for m in index.to("attention/b.md", notes)] == ["attention/a.md"]  # the home page is no note
    index.collect("attention/a.md", [])  # rebuilt without the link
    assert index.to("attention/b.md", notes) == []


def test_backlinks_html_escapes_and_links() -> None:
    found = mentions("attention/a.md", "attention/a/", '<p>x &lt;y&gt; <a href="../b/">B</a></p>', DOC_AT, NOTE_OF_KEY)
    out = backlinks_html(found, lambda doc: "../a/", {"attention/a.md": "A & <b>"})
    assert '<a href="../a/" data-preview>A &amp; &lt;b&gt;</a>' in out and "<q>x &lt;y&gt; B</q>" in out
    assert backlinks_html([], lambda doc: None, {}) == ""
    two = mentions(
        "attention/a.md",
        "attention/a/",
        '<p>One <a href="../b/">B</a>.</p><p>Two <a href="../b/">B</a>.</p>',
        DOC_AT,
        NOTE_OF_KEY,
    )
    out = backlinks_html(two, lambda doc: "../a/", {})
    assert out.count("<li>") == 1 and out.count("<q>") == 2  # one item per note, each sentence quoted


# --- feed -----------------------------------------------------------------------------------


def test_atom_feed_is_valid_newest_first_with_summary_link_and_tags() -> None:
    notes = [
        FeedNote("Old <note>", "papers/old/", dt.date(2021, 1, 28), "总结 & more", ("综述", "深度学习")),
        FeedNote("New", "attention/new/", dt.date(2021, 3, 2), None, ()),
        FeedNote("Undated", "attention/undated/", None, "x"),
    ]
    xml = atom_feed(notes, "https://example.org/site/", "站点", "作者", "副标题")
    parsed = feedparser.parse(xml)
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.version == "atom10" and parsed.feed.title == "站点"
    assert [e.title for e in parsed.entries] == ["New", "Old <note>"]
    old = parsed.entries[1]
    assert old.link == "https://example.org/site/papers/old/" and old.id == old.link
    assert old.summary == "总结 & more" and [t.term for t in old.tags] == ["综述", "深度学习"]
    assert old.published_parsed[:3] == (2021, 1, 28)
    assert parsed.feed.updated_parsed[:3] == (2021, 3, 2)


def test_empty_feed_is_still_valid() -> None:
    parsed = feedparser.parse(atom_feed([], "https://example.org/", "t", "a"))
    assert not parsed.bozo and parsed.entries == []


# --- head -----------------------------------------------------------------------------------

ARXIV = """@article{bahdanau2014neural,
  title = {Neural Machine Translation by Jointly Learning to Align and Translate},
  author = {Bahdanau, Dzmitry and Cho, KyungHyun and Bengio, Yoshua},
  journal = {arXiv preprint arXiv:1409.0473}, year = {2014},
  pdf = {https://arxiv.org/pdf/1409.0473v7}
}"""
PROCEEDINGS = """@inproceedings{x2015,
  title = {A {"}Quoted{"} Title},
  author = {M{\\"u}ller, J{\\"o}rg and others},
  booktitle = {Advances in Neural Information Processing Systems}, year = {2015}, month = {6},
  doi = {https://doi.org/10.1/ABC}
}"""


def test_citation_tags_of_an_arxiv_paper() -> None:
    tags = citation_tags(paper_meta(_entry(ARXIV)))
    assert tags == [
        '<meta name="citation_title" content="Neural Machine Translation by Jointly Learning to Align and Translate">',
        '<meta name="citation_author" content="Bahdanau, Dzmitry">',
        '<meta name="citation_author" content="Cho, KyungHyun">',
        '<meta name="citation_author" content="Bengio, Yoshua">',
        '<meta name="citation_publication_date" content="2014">',
        '<meta name="citation_journal_title" content="arXiv preprint arXiv:1409.0473">',
        '<meta name="citation_pdf_url" content="https://arxiv.org/pdf/1409.0473v7">',
        '<meta name="citation_arxiv_id" content="1409.0473">',
    ]


def test_citation_tags_of_a_proceedings_paper_escape_and_decode() -> None:
    meta = paper_meta(_entry(PROCEEDINGS))
    assert meta.authors == ("Müller, Jörg",) and meta.date == "2015/06" and meta.doi == "10.1/ABC"
    assert meta.conference == "Advances in Neural Information Processing Systems" and meta.journal is None
    assert meta.arxiv_id is None and meta.pdf_url is None
    assert '<meta name="citation_title" content="A &quot;Quoted&quot; Title">' in citation_tags(meta)


def test_description_is_plain_text_and_head_block_goes_before_head_end() -> None:
    assert description("看 [论文](x.md) 的 *要点*  和 `code`") == "看 论文 的 要点 和 code"
    assert description(None, "站点") == "站点" and description(None) is None
    block = page_head("T", "https://e.org/a/", "S", '摘 "要"', None, _entry(ARXIV), "../feed.xml")
    assert '<meta property="og:description" content="摘 &quot;要&quot;">' in block
    assert '<link rel="alternate" type="application/atom+xml"' in block and 'href="../feed.xml"' in block
    page = add_to_head("<html><head><title>x</title></head><body></body></html>", block)
    assert page.index("citation_title") < page.index("</head>")
    assert add_to_head("<p>no head</p>", block) == "<p>no head</p>"
