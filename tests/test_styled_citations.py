"""A page's citations read as the site's CSL style writes them, and still lead to their references.

Tiny sites built by the engine-free core (dlnotes.site) with Python-Markdown, as `dlnotes check`
builds them, on the fixture bibs (tests/fixtures/bib: a site's roadmap bib and Chinese entries).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import markdown as markdown_lib
import pytest

from dlnotes.backlinks import Mention, mentions
from dlnotes.csl import CslError, CslFormatter
from dlnotes.site import NotesSite, Settings, SourcePage, page_url
from tests.support.pagetext import footnote_links, paragraph, text

FIXTURES = Path(__file__).parent / "fixtures" / "bib"
GBT = "china-national-standard-gb-t-7714-2015-numeric"
EXTENSIONS = ["footnotes", "attr_list", "toc", "tables", "md_in_html"]


def build(tmp_path: Path, pages: dict[str, str], style: str = GBT, cache: Path | None = None) -> tuple[dict[str, str], NotesSite]:
    """Every page's HTML as the site shows it (after every build step), and the site. `cache`:
    the folder a build keeps things in for the next (a new NotesSite: as a new process would)."""
    docs = tmp_path / "docs"
    for uri, source in pages.items():
        (docs / uri).parent.mkdir(parents=True, exist_ok=True)
        (docs / uri).write_text(source, encoding="utf-8")
    bibs = (FIXTURES / "site", FIXTURES / "chinese")
    site = NotesSite(Settings(root=tmp_path, docs_dir=docs, bib_paths=bibs, style=style, cache_dir=cache))
    site.load_bibliography()
    site.read_pages([SourcePage(uri, page_url(uri), docs / uri) for uri in pages])
    site.arrange(list(pages))
    md = markdown_lib.Markdown(extensions=[*EXTENSIONS, *site.markdown_extensions()])
    rendered = {uri: site.page_html(uri, md.reset().convert(site.page_markdown(uri, site.notes[uri].body))) for uri in pages}
    site.complete()
    out = {uri: site.page_final(uri, site.complete_page(uri, html)) for uri, html in rendered.items()}
    assert [str(p) for p in site.problems if p.severity == "error"] == []
    site.finish()
    return out, site


def reference_list(html: str) -> list[str]:
    """The keys of the page's reference list (after its heading), in order."""
    return re.findall(r'<li id="fn:([^"]+)">', html[html.index('id="references"') :])


NUMBERED = "A [@zhou2016ml]. B [@li2012tongji].\n\nGroup [@zhou2016ml; @qiu2020nndl; @jiao2016nn70; @zhou2017cnn] here.\n"


def test_a_group_reads_as_one_group_not_adjacent_numbers(tmp_path: Path) -> None:
    pages, _ = build(tmp_path, {"n.md": NUMBERED})
    group = paragraph(pages["n.md"], "Group")
    # Numbers 1, 3, 4, 5 as GB/T writes a group: one superscript bracket with a range, not "¹³⁴⁵".
    assert text(group) == "Group [1,3–5] here."
    assert re.search(r"<sup [^>]*><a [^>]*>\[1,3–5\]</a></sup>", group)
    assert len(re.findall(r'class="footnote-ref"', group)) == 1
    # The list is numbered as the style numbers: the n-th entry is the one cited as [n].
    assert reference_list(pages["n.md"]) == ["zhou2016ml", "li2012tongji", "qiu2020nndl", "jiao2016nn70", "zhou2017cnn"]
    assert "<sup" in paragraph(pages["n.md"], "A") and text(paragraph(pages["n.md"], "A")) == "A [1]. B [2]."


def test_every_key_of_a_group_keeps_its_reference_id(tmp_path: Path) -> None:
    """The References page, backlinks and back-links find each cited key at its citation."""
    pages, _ = build(tmp_path, {"n.md": NUMBERED})
    page = pages["n.md"]
    group = paragraph(page, "Group")
    for ref in ["fnref2:zhou2016ml", "fnref:qiu2020nndl", "fnref:jiao2016nn70", "fnref:zhou2017cnn"]:
        assert f'id="{ref}"' in group
    for target in re.findall(r'class="footnote-backref" href="#([^"]+)"', page):
        assert f'id="{target}"' in page, target
    found = mentions("n.md", "n/", f"<p>{group}</p>", {}, {"zhou2017cnn": "cnn.md", "jiao2016nn70": "nn70.md"})
    assert {m.target for m in found} == {"cnn.md", "nn70.md"}


def test_a_next_build_takes_unchanged_pages_mentions_from_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    note = "---\nkey: zhou2016ml\n---\n# 机器学习\n\n笔记。\n"
    pages = {"ml.md": note, "other.md": "---\nkey: li2012tongji\n---\n# 统计\n\n见周志华的书 [@zhou2016ml]。\n"}
    cache = tmp_path / "cache"
    first, _ = build(tmp_path, pages, cache=cache)
    assert "见周志华的书" in first["ml.md"].split('class="backlinks"')[1]
    read: list[str] = []

    def counted(source: str, *args: Any) -> list[Mention]:
        read.append(source)
        return mentions(source, *args)

    monkeypatch.setattr("dlnotes.site.mentions", counted)
    again, _ = build(tmp_path, pages, cache=cache)
    assert again == first and read == []  # nothing changed: nothing read again
    changed, _ = build(tmp_path, {**pages, "other.md": pages["other.md"].replace("见周志华的书", "另见")}, cache=cache)
    assert read == ["other.md"] and "另见" in changed["ml.md"].split('class="backlinks"')[1]


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        (GBT, "Bahdanau 等[1] proposed attention."),
        ("apa", "Bahdanau et al. (2014) proposed attention."),
        ("chicago-author-date", "Bahdanau et al. (2014) proposed attention."),
        ("ieee", "Bahdanau et al. [1] proposed attention."),
    ],
)
def test_in_text_citation_names_the_authors_as_the_style_does(tmp_path: Path, style: str, expected: str) -> None:
    pages, _ = build(tmp_path, {"n.md": "@bahdanau2014neural proposed attention.\n"}, style)
    cited = paragraph(pages["n.md"], "Bahdanau")
    assert text(cited) == expected
    link = re.search(r'<a class="footnote-ref" href="#fn:bahdanau2014neural">(.*?)</a>', cited)
    assert link and text(link.group(1)) in expected


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        (GBT, "See [1]3."),  # GB/T 7714-2015 10.1.3: the page in superscript after the number
        ("apa", "See (周志华, 2016, p. 3)."),
        ("ieee", "See [1, p. 3]."),
    ],
)
def test_a_locator_is_shown_as_the_style_writes_it(tmp_path: Path, style: str, expected: str) -> None:
    pages, _ = build(tmp_path, {"n.md": "See [@zhou2016ml, p. 3].\n"}, style)
    assert text(paragraph(pages["n.md"], "See")) == expected


def test_author_date_citations_are_running_text_linked_to_an_unnumbered_list(tmp_path: Path) -> None:
    pages, _ = build(tmp_path, {"n.md": "Late [@zhou2016ml]. Early [@bahdanau2014neural].\n"}, "apa")
    cited = paragraph(pages["n.md"], "Late")
    assert text(cited) == "Late (周志华, 2016). Early (Bahdanau et al., 2014)."
    assert '<span class="dlnotes-cite" id="fnref:zhou2016ml"><a class="footnote-ref" href="#fn:zhou2016ml">' in cited
    assert "<sup" not in cited
    assert reference_list(pages["n.md"]) == ["bahdanau2014neural", "zhou2016ml"]  # APA's order: by author
    assert '<div class="footnote dlnotes-unnumbered">' in pages["n.md"]


def links(html: str) -> list[tuple[str, str]]:
    """(key, text) of every footnote link in `html`, in order."""
    return [(target.removeprefix("fn:"), t) for target, t in footnote_links(html)]


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        (
            "apa",
            [
                ("bahdanau2014neural", "Bahdanau et al., 2014"),
                ("zhou2016ml", "周志华, 2016"),
                ("qiu2020nndl", "see 邱锡鹏, 2020, p. 4"),
            ],
        ),
        (
            "chicago-author-date",
            [
                ("zhou2016ml", "周志华 2016"),
                ("bahdanau2014neural", "Bahdanau et al. 2014"),
                ("qiu2020nndl", "see 邱锡鹏 2020, 4"),
            ],
        ),
    ],
)
def test_each_part_of_an_author_date_group_leads_to_its_own_reference(
    tmp_path: Path, style: str, expected: list[tuple[str, str]]
) -> None:
    pages, _ = build(tmp_path, {"n.md": "Group [@zhou2016ml; @bahdanau2014neural; see @qiu2020nndl, p. 4] here.\n"}, style)
    cited = paragraph(pages["n.md"], "Group")
    assert links(cited) == expected  # in the style's order (APA sorts a group by author)
    assert text(cited) == "Group (" + "; ".join(t for _, t in expected) + ") here."  # the style's text, unchanged
    for key, _ in expected:
        assert f'<li id="fn:{key}">' in pages["n.md"]
    assert "<a" not in re.sub(r'<a class="footnote-ref" href="[^"]+">[^<]*</a>', "", cited)  # no link inside a link


def test_a_collapsed_author_date_group_links_each_year(tmp_path: Path) -> None:
    """APA writes two works of the same authors as "(Authors, 2014, 2015)": each year is a part."""
    bib = "@article{a1, author={Smith, Jane}, title={One}, journal={J}, year={2014}}\n"
    bib += "@article{a2, author={Smith, Jane}, title={Two}, journal={J}, year={2015}}\n"
    (tmp_path / "refs.bib").write_text(bib, encoding="utf-8")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "n.md").write_text("Both [@a1; @a2]. One [@a2].\n", encoding="utf-8")
    site = NotesSite(Settings(root=tmp_path, docs_dir=docs, bib_paths=(tmp_path / "refs.bib",), style="apa"))
    site.load_bibliography()
    site.read_pages([SourcePage("n.md", page_url("n.md"), docs / "n.md")])
    site.arrange(["n.md"])
    md = markdown_lib.Markdown(extensions=[*EXTENSIONS, *site.markdown_extensions()])
    html = site.page_html("n.md", md.convert(site.page_markdown("n.md", site.notes["n.md"].body)))
    cited = paragraph(html, "Both")
    assert links(cited) == [("a1", "Smith, 2014"), ("a2", "2015"), ("a2", "(Smith, 2015)")]
    assert text(cited) == "Both (Smith, 2014, 2015). One (Smith, 2015)."


def test_a_numeric_group_stays_one_link(tmp_path: Path) -> None:
    pages, _ = build(tmp_path, {"n.md": NUMBERED}, "ieee")
    group = paragraph(pages["n.md"], "Group")
    assert links(group) == [("zhou2016ml", "[1], [3], [4], [5]")]


def test_the_hover_preview_target_holds_the_reference_our_note_and_its_summary(tmp_path: Path) -> None:
    """Material's tooltip shows the element the citation's link points at: the footnote."""
    note = "---\nkey: bahdanau2014neural\nsummary: 最早提出注意力的文章。\n---\n\n# Bahdanau\n\nText.\n"
    pages, _ = build(tmp_path, {"attention/b.md": note, "n.md": "As [@zhou2016ml; @bahdanau2014neural] show.\n"})
    cited = paragraph(pages["n.md"], "As")
    href = re.findall(r'class="footnote-ref" href="#([^"]+)"', cited)
    assert href == ["fn:zhou2016ml"] and text(cited) == "As [1,2] show."
    target = re.search(r'<li id="fn:bahdanau2014neural">\n<p>(.+?)</p>', pages["n.md"], re.S)
    assert target is not None
    assert text(target.group(1)).startswith("BAHDANAU D, CHO K, BENGIO Y. Neural Machine Translation")
    assert '我们的笔记: <a href="../attention/b/">Bahdanau</a> — 最早提出注意力的文章。' in target.group(1)
    first = re.search(r'<li id="fn:zhou2016ml">\n<p>(.+?)</p>', pages["n.md"], re.S)
    assert first is not None and text(first.group(1)).startswith("周志华. 机器学习[M]")


def test_pybtex_plain_keeps_footnote_numbers(tmp_path: Path) -> None:
    pages, _ = build(tmp_path, {"n.md": "Two [@zhou2016ml; @li2012tongji].\n"}, "pybtex-plain")
    cited = paragraph(pages["n.md"], "Two")
    assert re.findall(r'<sup [^>]*id="(fnref:[^"]+)"><a class="footnote-ref" href="#fn:[^"]+">(\d+)</a></sup>', cited) == [
        ("fnref:zhou2016ml", "1"),
        ("fnref:li2012tongji", "2"),
    ]


def test_author_footnotes_stay_apart_from_the_styled_reference_list(tmp_path: Path) -> None:
    page = "Claim [@zhou2016ml].[^x] More [@li2012tongji].\n\n[^x]: A remark citing [@qiu2020nndl].\n"
    pages, _ = build(tmp_path, {"n.md": page})
    html = pages["n.md"]
    assert text(paragraph(html, "Claim")) == "Claim [1].1 More [2]."
    assert reference_list(html) == ["zhou2016ml", "li2012tongji", "qiu2020nndl"]
    assert re.search(r'<li id="fn:x">\n<p>A remark citing <sup [^>]*id="fnref:qiu2020nndl"><a [^>]*>\[3\]</a></sup>', html)


def test_a_citation_in_a_heading_is_not_in_its_anchor(tmp_path: Path) -> None:
    pages, _ = build(tmp_path, {"n.md": "Intro.\n\n## Attention [@bahdanau2014neural]\n\nText.\n"}, "apa")
    assert re.search(r'<h2 id="attention">Attention <span class="dlnotes-cite"', pages["n.md"])


def test_the_references_page_does_not_list_a_note_as_citing_its_own_paper(tmp_path: Path) -> None:
    note = "---\nkey: bahdanau2014neural\n---\n\n# Bahdanau\n\nThis paper [@bahdanau2014neural] and [@cho2014learning].\n"
    other = "# Other\n\nAlso [@bahdanau2014neural].\n"
    pages, _ = build(
        tmp_path, {"attention/b.md": note, "other.md": other, "references.md": "# 参考文献\n\n<!-- dlnotes:references -->\n"}
    )
    blocks = dict(re.findall(r'<p class="ref-entry" id="([^"]+)">(.*?)</p>', pages["references.md"], re.S))
    own = next(block for anchor, block in blocks.items() if "bahdanau" in anchor)
    assert "笔记: <a" in own
    assert re.findall(r'<a href="([^"]+)#fnref:bahdanau2014neural">', own) == ["../other/"]
    cho = next(block for anchor, block in blocks.items() if "cho2014" in anchor)
    assert re.findall(r'<a href="([^"]+)#fnref:cho2014learning">', cho) == ["../attention/b/"]


def test_two_english_authors_in_chinese_running_text_are_spaced(tmp_path: Path) -> None:
    pages, _ = build(tmp_path, {"n.md": "@hinton2006reducing 提出了自编码器。\n"})
    assert text(paragraph(pages["n.md"], "Hinton")) == "Hinton 和 Salakhutdinov[1] 提出了自编码器。"


def test_when_the_style_cannot_run_citations_are_numbers_and_the_build_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def stopped(self: CslFormatter, citations: object) -> None:
        raise CslError("citeproc-js stopped without an answer")

    monkeypatch.setattr(CslFormatter, "render_page", stopped)
    with pytest.raises(AssertionError, match="citations not in style"):
        build(tmp_path, {"n.md": "Two [@zhou2016ml; @li2012tongji].\n"})
    docs = tmp_path / "docs"
    site = NotesSite(Settings(root=tmp_path, docs_dir=docs, bib_paths=(FIXTURES / "chinese",), style=GBT))
    site.load_bibliography()
    site.read_pages([SourcePage("n.md", "n/", docs / "n.md")])
    site.arrange(["n.md"])
    md = markdown_lib.Markdown(extensions=[*EXTENSIONS, *site.markdown_extensions()])
    html = site.page_html("n.md", md.convert(site.page_markdown("n.md", site.notes["n.md"].body)))
    html = site.page_final("n.md", html)
    assert text(paragraph(html, "Two")) == "Two [1, 2]."
    assert reference_list(html) == ["zhou2016ml", "li2012tongji"]
    assert [str(p) for p in site.problems] == [
        f"docs/n.md: citations not in style '{GBT}': citeproc-js stopped without an answer"
    ]
