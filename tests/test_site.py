"""What a reader gets from a strict build: exact outputs, on the frozen copy of the notes
(tests/fixtures/snapshot), so the author adding, editing or deleting a note never breaks them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import pytest

from dlnotes.searchindex import LISTING_FLAG, WORDS_KEY, Cutter, index_tokens, read_index_file, subwords
from tests.seed_text import SEED_PARAGRAPHS, SEED_REFERENCE_LINES
from tests.site_text import MATH, article_html, article_text, pages
from tests.support.searching import QUERIES


@pytest.fixture(scope="module")
def built_site(snapshot_site: Path) -> Path:
    return snapshot_site


NOTES = {
    "papers/lecun2015deep/": "lecun2015deep",
    "attention/sawant2020understanding/": "sawant2020understanding",
    "attention/bahdanau2014neural/": "bahdanau2014neural",
    "attention/mnih2014recurrent/": "mnih2014recurrent",
}
SECTION_PAGES = ["", "papers/", "attention/", "emmmm/"]
FIGURES = ["encoder-decoder.svg", "rnnsearch.svg", "ram.svg"]


def test_every_note_section_page_and_figure_is_built(built_site: Path) -> None:
    built = pages(built_site)
    for url in [*NOTES, *SECTION_PAGES]:
        assert url in built, f"page {url!r} missing from the site"
    for name in FIGURES:
        svg = built_site / "assets" / "figures" / name
        assert svg.is_file(), name
        assert "<title" in svg.read_text(encoding="utf-8")


def test_every_paragraph_of_the_seed_page_is_on_some_page(built_site: Path) -> None:
    texts = [article_text(p) for p in pages(built_site).values()]
    seeds = [re.sub(r"\\\(.*?\\\)", MATH, para) for para in SEED_PARAGRAPHS]  # formulas are typeset
    missing = [para for para in seeds if not any(para in t for t in texts)]
    assert not missing, "text lost from the author's notes:\n" + "\n".join(missing)


def test_the_three_figures_have_alt_text_and_a_caption_naming_the_paper_figure(built_site: Path) -> None:
    expected = {
        "attention/bahdanau2014neural/": [
            ("encoder-decoder.svg", "Cho et al. 2014 的 Figure 1"),
            ("rnnsearch.svg", "Bahdanau et al. 2014 的 Figure 1"),
        ],
        "attention/mnih2014recurrent/": [("ram.svg", "Mnih et al. 2014 的 Figure 1")],
    }
    built = pages(built_site)
    for url, figures in expected.items():
        body = article_html(built[url])
        for name, caption in figures:
            figure = re.search(r"<figure>(?:(?!</figure>).)*" + re.escape(name) + r".*?</figure>", body, re.S)
            assert figure, f"{name} not in a <figure> on {url}"
            alt = re.search(r'alt="([^"]+)"', figure.group(0))
            assert alt and len(alt.group(1)) > 20, f"{name} lacks a real alt text"
            assert caption in figure.group(0), f"caption of {name} does not name {caption}"


def test_each_note_card_gives_its_paper_with_a_pdf_link(built_site: Path) -> None:
    """The reference line under the title is the card's job (the title once, see seed_text)."""
    built = pages(built_site)
    for url, facts in SEED_REFERENCE_LINES.items():
        body = article_html(built[url])
        card = body.split('paper-card"', 1)[1].split("</ul>", 1)[0]
        assert all(fact in card for fact in facts), (url, facts)
        assert re.search(r'<a href="https?://[^"]+">PDF</a>', card), f"{url}: no pdf link in its card"


def test_no_citation_is_left_raw_and_code_links_are_links(built_site: Path) -> None:
    for url, page in pages(built_site).items():
        prose = re.sub(r"<(pre|code)\b.*?</\1>", "", article_html(page), flags=re.S)  # examples in code stay
        assert not re.search(r"\[@[\w:./+-]+", re.sub(r"<[^>]+>", "", prose)), f"raw citation left on {url}"
    built = pages(built_site)
    assert 'href="https://github.com/pcyin/pytorch_basic_nmt"' in article_html(built["attention/bahdanau2014neural/"])
    assert 'href="https://github.com/kevinzakka/recurrent-visual-attention"' in article_html(
        built["attention/mnih2014recurrent/"]
    )


def test_every_formula_is_typeset_at_build_time(built_site: Path) -> None:
    for url, page in pages(built_site).items():
        body = article_html(page)
        formulas = len(re.findall(r'<(?:span|div) class="arithmatex', body))
        typeset = len(re.findall(r'<(?:span|div) class="arithmatex[^"]*"><mjx-container class="MathJax" jax="SVG"', body))
        assert typeset == formulas, f"{url}: {formulas - typeset} formula(s) not typeset"
        prose = re.sub(r"<(pre|code)\b.*?</\1>", "", body, flags=re.S)  # examples in code stay
        text = re.sub(r"<[^>]+>", "", prose)
        assert not re.search(r"\$\$|\\\(|\\\[|\\begin\{", text), f"raw TeX left on {url}"


def test_pages_load_no_mathjax(built_site: Path) -> None:
    assert not (built_site / "assets" / "mathjax").exists()
    for url, page in pages(built_site).items():
        scripts = re.findall(r"<script\b[^>]*>", page.read_text(encoding="utf-8"))
        assert not [s for s in scripts if "mathjax" in s.lower()], url


_EXTERNAL_REF = re.compile(r"""(?:src|href)\s*=\s*["']((?:https?:)?//[^"']+)""", re.I)
_CSS_URL = re.compile(r"""url\(\s*["']?((?:https?:)?//[^"')]+)""", re.I)
_IMPORT = re.compile(r"""@import\s+["']((?:https?:)?//[^"']+)""", re.I)


def test_no_page_loads_anything_from_another_host(built_site: Path) -> None:
    offenders = []
    for path in built_site.rglob("*"):
        if path.suffix not in (".html", ".css") or "mathjax" in path.parts:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".html":
            # Links a reader clicks are fine; what the page itself loads is not.
            for tag in re.findall(r"<(?:script|link|img|iframe|source|video|audio)\b[^>]*>", text, re.I):
                if re.search(r"<link\b", tag, re.I) and not re.search(
                    r'rel="(?:stylesheet|preload|preconnect|icon|modulepreload|dns-prefetch)', tag
                ):
                    continue
                offenders += [(path.name, url) for url in _EXTERNAL_REF.findall(tag)]
        offenders += [(path.name, url) for url in _CSS_URL.findall(text) + _IMPORT.findall(text)]
    assert not offenders, offenders
    for path in (built_site / "assets").rglob("*.js"):
        if "mathjax" in path.parts:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text, path


def test_chinese_headings_have_readable_anchors(built_site: Path) -> None:
    body = article_html(pages(built_site)["attention/bahdanau2014neural/"])
    ids = re.findall(r'<h[2-6] id="([^"]*)"', body)
    chinese = [unquote(i) for i in ids if re.search(r"[\u4e00-\u9fff]", unquote(i))]
    assert "为什么有效" in chinese
    assert not [i for i in ids if re.fullmatch(r"_\d*", i) or not i], ids


def _index(site: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    data = read_index_file(site / "search" / "search_index.json")
    return data["config"], data["docs"]


def _tokens(config: dict[str, Any], doc: dict[str, Any]) -> set[str]:
    """Tokens as lunr builds them in the browser: split by the configured separator, Chinese cut
    into the index's words as the search worker does, lowercased."""
    words = set(config[WORDS_KEY].split())
    cutter = Cutter(words, max(map(len, words), default=1))
    text = doc["title"] + " " + doc["text"] + " " + " ".join(doc.get("tags", []))
    return set(index_tokens(text, config["separator"], cutter))


def test_the_pages_that_list_notes_are_flagged_to_rank_after_the_notes(built_site: Path) -> None:
    """The pages where a generated list was placed, and Material's tags page."""
    _, docs = _index(built_site)
    flagged = {doc["location"].split("#")[0] for doc in docs if doc.get(LISTING_FLAG)}
    assert flagged == {"", "references/", "roadmap/", "timeline/", "tags/"}


@pytest.mark.parametrize(("word", "page"), QUERIES)
def test_search_index_finds_notes_by_chinese_and_english_words(built_site: Path, word: str, page: str | None) -> None:
    config, docs = _index(built_site)
    assert config["lang"] == ["zh"] and "stemmer" not in config["pipeline"] and "trimmer" not in config["pipeline"]
    # The search worker cuts a Chinese query into the index's words (表示学习 -> 表示, 学习) and
    # queries each with a trailing wildcard: a page whose tokens start with every part is a hit.
    parts = subwords(word) if re.search(r"[\u4e00-\u9fff]", word) else [word]
    hits = {
        d["location"].split("#")[0] for d in docs if all(any(t.startswith(part) for t in _tokens(config, d)) for part in parts)
    }
    if page is None:
        assert not hits  # no note mentions it: the index is not matching everything
    else:
        assert page in hits, f"searching {word!r} does not find {page}"


def test_bib_data_is_searchable_on_the_references_page_not_repeated_under_every_note(built_site: Path) -> None:
    config, docs = _index(built_site)
    hits = {d["location"].split("#")[0] for d in docs if "jointly" in _tokens(config, d)}  # Bahdanau et al.'s title
    assert "references/" in hits
    assert not [d["location"] for d in docs if d["location"].endswith("#references")]


def test_chinese_text_is_segmented_into_words(built_site: Path) -> None:
    config, docs = _index(built_site)
    assert config[WORDS_KEY], "no segmentation: is jieba installed?"
    tokens = set().union(*(_tokens(config, d) for d in docs))
    assert {"文章", "论文", "网络"} & tokens


def test_site_urls_come_from_one_place(built_site: Path) -> None:
    home = (built_site / "index.html").read_text(encoding="utf-8")
    found = re.search(r'<link rel="canonical" href="([^"]+)"', home)
    assert found, "no canonical link on the home page"
    canonical = found.group(1)
    repo = re.search(r'<a href="([^"]+)" title="前往仓库"', home)
    assert urlparse(canonical).scheme == "https"
    assert repo and repo.group(1).startswith("https://github.com/")
    note = article_html(pages(built_site)["attention/bahdanau2014neural/"])
    assert re.search(r'href="' + re.escape(repo.group(1)) + r'/edit/main/docs/attention/bahdanau2014neural\.md"', note)
