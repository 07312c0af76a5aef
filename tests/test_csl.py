"""References in the reader's style: CSL through citeproc-js, per page and site-wide.

Exact texts are checked on fixture bibs (tests/fixtures/bib, sources in its README); the stored
expectations of 60 real entries per style are tests/fixtures/csl/*.json (tests/csl_golden.py)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from pathlib import Path

import pytest

from dlnotes import latex
from dlnotes.bibliography import load_bibliography
from dlnotes.citemodel import Citation, CiteItem, Mode
from dlnotes.csl import CslError, CslFormatter, Engine, format_store, load_style
from tests.csl_golden import GOLDEN, STYLES, golden_bib

FIXTURES = Path(__file__).parent / "fixtures" / "bib"
GBT = "china-national-standard-gb-t-7714-2015-numeric"


@pytest.fixture(scope="module")
def bib():
    return load_bibliography([FIXTURES / "site", FIXTURES / "chinese"], FIXTURES)


def cite(*keys: str, mode: Mode = Mode.NORMAL, **extra: str) -> Citation:
    return Citation(tuple(CiteItem(k, mode if i == 0 else Mode.NORMAL, **extra) for i, k in enumerate(keys)), 1)


def page_html(bib, style: str, *citations: Citation) -> tuple[list[str], list[tuple[str, str]]]:
    page = CslFormatter(bib, style).page()
    for c in citations:
        page.add(c)
    return [page.citation_html(i) for i in range(len(citations))], page.bibliography()


@pytest.mark.parametrize("style", STYLES)
def test_sixty_real_entries_read_as_stored(style: str) -> None:
    """The text citeproc-js gives for 60 real entries (site, Chinese, biblatex-examples); a change
    of mapping, style, locale or processor shows here as a diff to review."""
    bib, keys = golden_bib()
    expected = json.loads((GOLDEN / f"{style}.json").read_text(encoding="utf-8"))
    assert list(expected) == sorted(expected, key=list(expected).index) and len(expected) >= 60
    got = dict(CslFormatter(bib, style).references(keys))
    assert got == expected


def test_gbt_follows_each_entrys_language(bib) -> None:
    formatter = CslFormatter(bib, GBT)
    assert (
        formatter.reference_html("jiao2016nn70")
        == "焦李成, 杨淑媛, 刘芳, 等. 神经网络七十年：回顾与展望[J]. 计算机学报, 2016, 39(8): 1697-1716."
    )
    english = formatter.reference_html("mnih2014recurrent")
    assert english.startswith("MNIH V, HEESS N, GRAVES A, et al. Recurrent Models of Visual Attention[C/OL]")
    assert formatter.reference_html("zhou2016ml") == "周志华. 机器学习[M]. 北京: 清华大学出版社, 2016."


@pytest.mark.parametrize(
    ("style", "intext", "group", "suppressed"),
    [
        (GBT, "Bahdanau 等<sup>[1]</sup>", "<sup>[1–4]</sup>", "<sup>[5]</sup>"),
        ("china-national-standard-gb-t-7714-2015-author-date", "Bahdanau et al. (2014)", None, "(2015)"),
        ("apa", "Bahdanau et al. (2014)", None, "(2015)"),
        ("ieee", "Bahdanau et al. [1]", "[1], [2], [3], [4]", "[5]"),
        ("chicago-author-date", "Bahdanau et al. (2014)", None, "(2015)"),  # Chicago 17: et al. from three authors
    ],
)
def test_in_text_groups_and_suppressed_author_follow_the_style(bib, style, intext, group, suppressed) -> None:
    html, _ = page_html(
        bib,
        style,
        cite("bahdanau2014neural", mode=Mode.AUTHOR_IN_TEXT),
        cite("bahdanau2014neural", "zhou2016ml", "li2012tongji", "qiu2020nndl"),
        cite("lecun2015deep", mode=Mode.SUPPRESS_AUTHOR),
    )
    assert html[0] == intext
    if group:
        assert html[1] == group
    assert html[2] == suppressed


def test_in_text_chinese_author(bib) -> None:
    html, _ = page_html(bib, GBT, cite("jiao2016nn70", mode=Mode.AUTHOR_IN_TEXT))
    assert html == ["焦李成等<sup>[1]</sup>"]


def test_groups_collapse_as_groups(bib) -> None:
    html, _ = page_html(
        bib,
        GBT,
        cite("zhou2016ml"),
        cite("li2012tongji"),
        cite("qiu2020nndl"),
        cite("jiao2016nn70"),
        cite("zhou2017cnn"),
        cite("zhou2016ml", "li2012tongji", "qiu2020nndl", "zhou2017cnn"),
    )
    assert html[-1] == "<sup>[1,2,3,5]</sup>" or html[-1] == "<sup>[1–3,5]</sup>"
    html, _ = page_html(
        bib,
        "ieee",
        cite("zhou2016ml"),
        cite("li2012tongji"),
        cite("qiu2020nndl"),
        cite("jiao2016nn70"),
        cite("zhou2016ml", "qiu2020nndl", "jiao2016nn70", "li2012tongji"),
    )
    assert html[-1] == "[1], [2], [3], [4]"  # sorted; this IEEE style does not collapse ranges


def test_locators_and_affixes(bib) -> None:
    item = CiteItem("lecun2015deep", prefix="see", locator="3", label="page")
    html, _ = page_html(bib, "apa", Citation((item,), 1))
    assert html == ["(see LeCun et al., 2015, p. 3)"]
    html, _ = page_html(bib, "chicago-author-date", Citation((CiteItem("lecun2015deep", locator="33-35", label="page"),), 1))
    assert html == ["(LeCun et al. 2015, 33–35)"]
    html, _ = page_html(bib, "ieee", Citation((CiteItem("lecun2015deep", locator="3", label="chapter"),), 1))
    assert html == ["[1, Ch. 3]"]


def test_numbering_is_per_page_in_reading_order(bib) -> None:
    formatter = CslFormatter(bib, GBT)
    first, second = formatter.page(), formatter.page()
    first.add(cite("lecun2015deep"))
    first.add(cite("bahdanau2014neural"))
    second.add(cite("bahdanau2014neural"))
    assert [first.citation_html(0), first.citation_html(1), second.citation_html(0)] == [
        "<sup>[1]</sup>",
        "<sup>[2]</sup>",
        "<sup>[1]</sup>",
    ]
    assert [k for k, _ in first.bibliography()] == ["lecun2015deep", "bahdanau2014neural"]
    assert [k for k, _ in second.bibliography()] == ["bahdanau2014neural"]
    assert first.bibliography()[0][1].startswith("LECUN Y, BENGIO Y, HINTON G. Deep learning[J/OL]. Nature, 2015")


def test_site_references_sorted_as_the_style_sorts_without_keys(bib) -> None:
    keys = ["zhou2016ml", "lecun2015deep", "bahdanau2014neural", "amodei2015deep"]
    apa = CslFormatter(bib, "apa").references(keys)
    assert [k for k, _ in apa] == ["amodei2015deep", "bahdanau2014neural", "lecun2015deep", "zhou2016ml"]
    gbt = CslFormatter(bib, GBT).references(keys)
    assert [k for k, _ in gbt] == keys  # GB/T numeric does not sort: the order given (the site's)
    for _, html in apa + gbt:
        assert not any(k in html for k in keys) and not re.match(r"\[\d+\]", html)


def test_biblatex_examples_every_entry_has_its_authors_and_year() -> None:
    bib = load_bibliography([FIXTURES / "biblatex"], FIXTURES)
    formatter = CslFormatter(bib, GBT)
    keys = [k for k, e in bib.entries.items() if e.type not in ("set", "xdata")]
    texts = dict(formatter.references(keys))
    for key in keys:
        item = formatter.item(key)
        text = re.sub(r"<[^>]+>", "", texts[key]).upper()
        names = item.get("author") or item.get("editor") or item.get("translator") or []
        if names:
            assert (names[0].get("family") or names[0]["literal"]).upper() in text, key
        if "date-parts" in item.get("issued", {}):
            assert str(item["issued"]["date-parts"][0][0]) in text, key
    assert len(keys) == 90 and formatter.failed == set()


def test_math_in_a_title_is_typeset_by_the_page(tmp_path: Path) -> None:
    (tmp_path / "m.bib").write_text(
        "@article{h2017beta,\n author = {Irina Higgins},\n title = {$\\beta$-{VAE}: Learning with $h^+$},\n"
        " journal = {ICLR},\n year = {2017}\n}\n",
        encoding="utf-8",
    )
    bib = load_bibliography([tmp_path], tmp_path)
    html = CslFormatter(bib, "apa").reference_html("h2017beta")
    assert '<span class="arithmatex">\\(\\beta\\)</span>-VAE: Learning with <span class="arithmatex">\\(h^+\\)</span>' in html
    assert "\N{GREEK CAPITAL LETTER BETA}" not in html


def test_formatted_output_is_kept_between_builds(tmp_path: Path, bib) -> None:
    store_path = tmp_path / "csl.pickle"
    page_citations = [cite("lecun2015deep"), cite("bahdanau2014neural", mode=Mode.AUTHOR_IN_TEXT)]
    first_engine = Engine()
    first = CslFormatter(bib, GBT, engine=first_engine, store=format_store(store_path))
    page = first.page()
    for c in page_citations:
        page.add(c)
    expected = ([page.citation_html(i) for i in range(2)], page.bibliography(), first.references(["zhou2016ml", "lecun2015deep"]))
    first.store.save()  # type: ignore[union-attr]
    first_engine.close()
    again_engine = Engine()
    again = CslFormatter(bib, GBT, engine=again_engine, store=format_store(store_path))
    page = again.page()
    for c in page_citations:
        page.add(c)
    assert (
        [page.citation_html(i) for i in range(2)],
        page.bibliography(),
        again.references(["zhou2016ml", "lecun2015deep"]),
    ) == expected
    assert again_engine.requests == 0  # node was not even started


def test_style_by_name_or_file_and_unknown_style(tmp_path: Path) -> None:
    assert load_style("apa").numeric is False and load_style(GBT).numeric is True
    assert load_style("gb7714").name == GBT
    (tmp_path / "mine.csl").write_text((Path(load_style("ieee").name).name and load_style("ieee").xml), encoding="utf-8")
    assert load_style("mine.csl", tmp_path).numeric is True
    with pytest.raises(CslError, match="CSL style 'nosuch' not found"):
        load_style("nosuch", tmp_path)


def test_gbt_locators_are_kept_in_superscript(bib) -> None:
    """The GB/T styles print no locator; GB/T 7714-2015 10.1.3 and 10.2.4 put it in superscript
    after the citation, and it is never dropped."""
    item = CiteItem("zhou2016ml", locator="3", label="page")
    assert page_html(bib, GBT, Citation((item,), 1))[0] == ["<sup>[1]3</sup>"]
    author_date = "china-national-standard-gb-t-7714-2015-author-date"
    assert page_html(bib, author_date, Citation((item,), 1))[0] == ["(周志华, 2016)<sup>3</sup>"]
    # In a group, a locator whose digits the numbers hold ("2" in "[1,2]") is kept all the same.
    other = CiteItem("li2012tongji")
    first = Citation((CiteItem("zhou2016ml", locator="2", label="page"), other), 1)
    assert page_html(bib, GBT, first)[0] == ["<sup>[1,2]2</sup>"]


def test_an_entry_citeproc_cannot_take_is_a_problem_with_its_line_and_the_others_are_kept(bib, monkeypatch) -> None:
    formatter = CslFormatter(bib, "apa", engine=Engine())
    real = formatter.engine.request

    def refuse_one(message):
        if message.get("op") == "bibliography" and "zhou2016ml" in message["ids"]:
            raise CslError("TypeError: cannot read properties of undefined")
        return real(message)

    monkeypatch.setattr(formatter.engine, "request", refuse_one)
    texts = dict(formatter.references(["li2012tongji", "zhou2016ml", "qiu2020nndl"]))
    assert texts["li2012tongji"].startswith("李航. (2012)") and texts["zhou2016ml"] == "机器学习"
    problems = [str(p) for p in bib.problems if "zhou2016ml" in p.message]
    assert problems == [
        "chinese/zh.bib:2: entry 'zhou2016ml' cannot be formatted in style 'apa': TypeError: cannot read properties of undefined"
    ]
    bib.problems[:] = [p for p in bib.problems if "zhou2016ml" not in p.message]


def test_an_entry_edited_while_serving_is_formatted_anew_by_the_same_node(tmp_path: Path) -> None:
    engine = Engine()
    (tmp_path / "a.bib").write_text("@book{b,\n author = {Ann Old},\n title = {Old Title},\n publisher = {P},\n year = 2000\n}\n")
    first = CslFormatter(load_bibliography([tmp_path], tmp_path), "apa", engine=engine)
    assert first.reference_html("b").startswith("Old, A. (2000). <i>Old Title</i>")
    (tmp_path / "a.bib").write_text("@book{b,\n author = {Bob New},\n title = {New Title},\n publisher = {P},\n year = 2001\n}\n")
    again = CslFormatter(load_bibliography([tmp_path], tmp_path), "apa", engine=engine)
    assert again.reference_html("b").startswith("New, B. (2001). <i>New Title</i>")
    engine.close()


def test_an_engine_closed_and_used_again_sends_its_style_and_items_to_the_new_node(tmp_path: Path) -> None:
    engine = Engine()
    (tmp_path / "a.bib").write_text("@book{b,\n author = {Ann Old},\n title = {Old Title},\n publisher = {P},\n year = 2000\n}\n")
    bib = load_bibliography([tmp_path], tmp_path)
    first = CslFormatter(bib, "apa", engine=engine).reference_html("b")
    engine.close()
    assert CslFormatter(bib, "apa", engine=engine).reference_html("b") == first  # not "item not found" from a fresh node
    engine.close()


def test_a_subset_is_sorted_from_the_whole_bib_formatted_once(bib) -> None:
    engine = Engine()
    formatter = CslFormatter(bib, "apa", engine=engine)
    formatter.reference_html_many(list(bib.entries))  # what the layer does on a first build
    before = engine.requests
    subset = formatter.references(["zhou2016ml", "lecun2015deep", "amodei2015deep"])
    assert [k for k, _ in subset] == ["amodei2015deep", "lecun2015deep", "zhou2016ml"]
    assert engine.requests == before  # no second formatting of the bib
    engine.close()


QUOTES_BIB = r"""
@article{quoted, author = {Flann O'Brien and Ann d'Arcy}, title = {``Quoted'' words, 'single' ones and don't},
  journal = {J. of \textit{Italic} Things}, year = 2001, volume = 3, pages = {1--9}}
@book{curly, author = {Zoë Lévesque}, title = {DonRSQt say “never”: \emph{A} LSQstudyRSQ <of> tags & more},
  publisher = {P}, year = 2002}
@inproceedings{plain, author = {Li Hang}, title = {A plain title}, booktitle = {Proc. of Things}, year = 2003}
"""
QUOTES_BIB = QUOTES_BIB.replace("RSQ", "\N{RIGHT SINGLE QUOTATION MARK}").replace("LSQ", "\N{LEFT SINGLE QUOTATION MARK}")


@pytest.mark.parametrize("style", STYLES)
def test_speedups_change_no_text(style: str, tmp_path: Path) -> None:
    """dlnotes' speed-ups of citeproc-js (csl/speedups.js) give the texts citeproc-js gives as
    published, byte for byte: 60 real entries and titles with quotes, apostrophes and markup."""
    (tmp_path / "quotes.bib").write_text(QUOTES_BIB, encoding="utf-8")
    golden, keys = golden_bib()
    quotes = load_bibliography([tmp_path], tmp_path)
    texts = []
    for speedups in (True, False):
        engine = Engine(speedups)
        texts.append(
            (
                CslFormatter(golden, style, engine=engine).references(keys),
                CslFormatter(quotes, style, engine=engine).references(list(quotes.entries)),
            )
        )
        engine.close()
    assert texts[0] == texts[1]
    assert any("“" in html or "&#60;" in html for _, html in texts[0][1])  # the quotes went through processTags


def test_a_style_citeproc_refuses_is_an_error_and_the_engine_goes_on(bib, tmp_path: Path) -> None:
    """The style is sent while the items are made; when citeproc-js refuses it, the error is
    the build's, and the same process formats with another style afterwards."""
    (tmp_path / "broken.csl").write_text('<?xml version="1.0"?>\n<style xmlns="http://purl.org/net/xbiblio/csl">', "utf-8")
    engine = Engine()
    messages = []
    for _ in range(2):  # refused again, not taken for built ("unknown style")
        with pytest.raises(CslError) as refused:
            CslFormatter(bib, load_style("broken.csl", tmp_path), engine=engine).reference_html("zhou2016ml")
        messages.append(str(refused.value))
    assert messages[0] == messages[1] and "unknown style" not in messages[0]
    text = CslFormatter(bib, GBT, engine=engine).reference_html("zhou2016ml")
    assert text == "周志华. 机器学习[M]. 北京: 清华大学出版社, 2016."
    engine.close()


SMITHS_BIB = r"""
@book{john2001, author = {John Smith}, title = {One}, publisher = {P}, year = 2001}
@book{jane2001, author = {Jane Smith and Ann Doe}, title = {Two}, publisher = {P}, year = 2001}
@book{jsmith2002, author = {J. Smith}, title = {Three}, publisher = {P}, year = 2002}
@book{adam2003, author = {Adam Smith and John Smith}, title = {Four}, publisher = {P}, year = 2003}
@book{doe2001, author = {Ann Doe}, title = {Five}, publisher = {P}, year = 2001}
"""


@pytest.mark.parametrize("style", ["apa", "chicago-author-date", "china-national-standard-gb-t-7714-2015-author-date"])
def test_speedups_keep_name_disambiguation_as_pages_change(style: str, tmp_path: Path) -> None:
    """Pages citing different sets of same-family authors, one after another on one engine (the
    name registry drops and registers items again): the speed-ups give citeproc-js' texts."""
    (tmp_path / "smiths.bib").write_text(SMITHS_BIB, encoding="utf-8")
    smiths = load_bibliography([tmp_path], tmp_path)
    pages = [["john2001", "jane2001", "jsmith2002", "adam2003"], ["john2001", "doe2001"], ["jane2001", "jsmith2002"]]
    pages += [pages[0], ["adam2003", "john2001", "jane2001"]]
    texts = []
    for speedups in (True, False):
        engine = Engine(speedups)
        formatter = CslFormatter(smiths, style, engine=engine)
        texts.append([formatter.render_page([cite(k) for k in keys] + [cite(*keys)]) for keys in pages])
        engine.close()
    assert texts[0] == texts[1]
    assert "Smith, J" in str(texts[0]) or "Smith J" in str(texts[0]) or "J. Smith" in str(texts[0])  # names were disambiguated


def test_code_cache_missing_corrupt_refused_or_unwritable_gives_the_same_texts(tmp_path: Path) -> None:
    """citeproc-js' V8 code cache (csl/codecache.js) is made by the first process, used by the
    next (and written anew by one that compiled more); a corrupt file (a flipped byte, a cut
    one), one V8 refuses, an earlier version's or a folder that cannot be written is not used
    (the source is compiled as without a cache) and the texts are those stored for 60 real
    entries in every case."""
    bib, keys = golden_bib()
    expected = json.loads((GOLDEN / f"{GBT}.json").read_text(encoding="utf-8"))
    folder = tmp_path / "cache"
    folder.mkdir()
    (folder / "citeproc_commonjs-000000000000000000000000.v8cache").write_bytes(b"an earlier citeproc-js")

    def build(where: Path = folder) -> str:
        engine = Engine(code_cache=where)
        state = engine.code_cache_state()
        assert dict(CslFormatter(bib, GBT, engine=engine).references(keys)) == expected
        engine.close()
        return state

    def cache() -> Path:
        (found,) = folder.iterdir()  # the earlier version's is gone
        return found

    idle = Engine(code_cache=folder)  # a process that formats nothing caches what loading compiled
    assert idle.code_cache_state() == "made"
    idle.close()
    loaded = cache().stat().st_size
    assert build() == "used"
    made = cache().read_bytes()
    assert len(made) > 2 * loaded  # written anew with the functions formatting compiled
    assert build() == "used"
    flipped = bytearray(made)
    flipped[len(made) // 2] ^= 0xFF
    for broken in (bytes(flipped), made[: len(made) // 2], b""):
        cache().write_bytes(broken)
        assert build() == "corrupt"
        assert build() == "used"  # written anew by the process that found it corrupt
    junk = b"not V8's code cache" * 100
    cache().write_bytes(hashlib.sha256(junk).digest() + junk)  # its digest right: V8 refuses it
    assert build() == "rejected"
    assert build() == "used"
    (tmp_path / "file").write_text("", encoding="utf-8")
    assert build(tmp_path / "file" / "cache") == "made"  # cannot be written: formats all the same


ABSTRACT_STYLE = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0" default-locale="en-US">
  <info><title>Title and abstract</title><id>abstract</id><updated>2026-01-01T00:00:00+00:00</updated></info>
  <citation><layout><text variable="title"/></layout></citation>
  <bibliography><layout><text variable="title" suffix=". "/><text variable="abstract"/></layout></bibliography>
</style>
"""


def test_an_abstract_is_made_only_for_a_style_that_names_it(tmp_path: Path) -> None:
    """Items leave out the variables their style never names (the abstract, whose LaTeX is half
    the time of making them): the shipped styles give the same texts as with every abstract
    made (40 real entries that have one), and a style that prints abstracts has them."""
    iridia = load_bibliography([FIXTURES / "iridia"], FIXTURES)
    keys = [k for k, e in iridia.entries.items() if e.fields.get("abstract")][:40]
    assert len(keys) == 40
    engines = [Engine(), Engine()]
    for style_name in STYLES:
        style = load_style(style_name)
        assert style.unnamed_variables == {"abstract"}
        whole = dataclasses.replace(style)
        whole.__dict__["unnamed_variables"] = frozenset()  # the items as they were: every abstract made
        texts = [CslFormatter(iridia, s, engine=e).references(keys) for s, e in zip((style, whole), engines, strict=True)]
        assert texts[0] == texts[1]
        assert "abstract" not in CslFormatter(iridia, style).item(keys[0])
        assert "abstract" in CslFormatter(iridia, whole).item(keys[0])
    for engine in engines:
        engine.close()
    (tmp_path / "abstract.csl").write_text(ABSTRACT_STYLE, encoding="utf-8")
    printing = load_style("abstract.csl", tmp_path)
    assert not printing.unnamed_variables
    text = CslFormatter(iridia, printing).reference_html(keys[0])
    assert len(text) > len(latex.to_text(iridia.entries[keys[0]].fields["title"])) + 100  # the abstract follows the title
