"""Search in Chinese, English and both: a query set on a fixed site, typed as an IME commits text.

The queries are tests/fixtures/search/queries.yml (tests.support.searching reads them): each lists
the pages that must be among its first three results (distinct pages, in the order Material shows
them); a query marked with a section must show that section first. The site is
tests/fixtures/search, built with the real overrides/ and search worker, so adding a note to docs/
changes nothing here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from playwright.sync_api import Page

from dlnotes.searchindex import DOCS_KEY, HAN_CHARACTERS, WORDS_KEY, ZWSP, Cutter
from tests.browser.test_browser_search import RESULTS, search
from tests.support.searching import FIXTURE, QUERY_SET, REPORTED, copy_search_fixture
from tests.support.serving import get, serve_files
from tests.support.sitebuild import ROOT, run_mkdocs_build

HAN_RUN = re.compile(f"[{HAN_CHARACTERS}]+")


@pytest.fixture(scope="module")
def search_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The fixture site with the real overrides/ and search worker, built strictly and served."""
    source = copy_search_fixture(tmp_path_factory.mktemp("search-fixture"))
    result = run_mkdocs_build(source / "mkdocs.yml", source / "site")
    assert result.returncode == 0, f"strict build of the search fixture failed:\n{result.stderr[-4000:]}"
    with serve_files(source / "site") as url:
        yield url


def _search_settings(config: Path) -> str:
    text = config.read_text(encoding="utf-8")
    block = re.search(r"^  - search:\n(?:      .*\n|\s*\n)+", text, re.MULTILINE)
    assert block, f"no search plugin in {config}"
    return re.sub(r"^\s*#.*\n", "", block.group(0), flags=re.MULTILINE)


def test_fixture_searches_as_the_site_does() -> None:
    assert _search_settings(FIXTURE / "mkdocs.yml") == _search_settings(ROOT / "mkdocs.yml")
    assert (FIXTURE / "config" / "jieba-userdict.txt").read_bytes() == (ROOT / "config" / "jieba-userdict.txt").read_bytes()


def _pages(page: Page, base: str) -> tuple[list[str], str]:
    """Distinct result pages in order (relative to the site), and the first link with its section."""
    links = [
        unquote(urlparse(a).path + (("#" + urlparse(a).fragment) if urlparse(a).fragment else ""))
        for a in page.eval_on_selector_all(RESULTS, "links => links.map(a => a.href)")
    ]
    prefix = urlparse(base).path
    relative = [link.removeprefix(prefix) for link in links]
    pages: list[str] = []
    for link in relative:
        path = link.split("#")[0]
        if path not in pages:
            pages.append(path)
    sections = [link for link in relative if "#" in link]
    return pages, sections[0] if sections else ""


def test_query_set(page: Page, search_site: str) -> None:
    assert len(QUERY_SET) >= 60
    page.goto(search_site, wait_until="load")
    failures: list[str] = []
    for query, expected, section in QUERY_SET:
        search(page, query)
        pages, first_section = _pages(page, search_site)
        top = pages[:3]
        missing = [p for p in expected if p not in top]
        wrong_section = section is not None and first_section != section
        if missing or wrong_section:
            failures.append(
                f"{query!r}: first pages {top}, first section {first_section!r}; "
                f"wanted {expected}" + (f" and section {section!r}" if section else "")
            )
    passed = len(QUERY_SET) - len(failures)
    report = "\n".join(failures)
    print(f"search query set: {passed}/{len(QUERY_SET)} pass ({passed / len(QUERY_SET):.0%})\n{report}")
    reported = [f for f in failures if any(f.startswith(repr(q) + ":") for q in REPORTED)]
    assert not reported, "queries readers reported fail:\n" + "\n".join(reported)
    assert passed / len(QUERY_SET) >= 0.95, f"{passed}/{len(QUERY_SET)} pass:\n{report}"


def test_the_browser_cuts_chinese_into_the_words_the_build_meant(page: Page, search_site: str) -> None:
    """The index's Chinese is written without breaks (dlnotes.searchindex.pack): the build checks
    each run against its own cut, so the worker's cut must be the same, run by run."""
    data = json.loads(get(search_site + "search/search_index.json") or "{}")
    docs = json.loads(get(search_site + "search/" + data["config"][DOCS_KEY]["json"]) or "[]")
    words = set(data["config"][WORDS_KEY].split())
    cutter = Cutter(words, max(map(len, words)))
    runs = sorted({run for d in docs for run in HAN_RUN.findall((d["title"] + " " + d["text"]).replace(ZWSP, " "))})
    assert len(runs) > 100
    runs += ["𠀀" + runs[0] + "𠀁" + runs[1]]  # characters beyond 16 bits (two UTF-16 units in the browser)
    page.goto(search_site, wait_until="load")
    page.keyboard.press("/")
    page.wait_for_function("() => !/正在初始化/.test(document.querySelector('.md-search-result__meta').textContent)")
    (worker,) = page.workers
    cut = worker.evaluate("runs => runs.map(run => new lunr.TinySegmenter().segment(run))", runs)
    differ = [(run, js, cutter.cut(run)) for run, js in zip(runs, cut, strict=True) if js != cutter.cut(run)]
    assert not differ, differ[:5]


MANY = 130  # notes that all say the same rare word, in two sections each: more sections than the worker sends on


@pytest.fixture(scope="module")
def crowded_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The fixture site with MANY extra notes that all contain "zymurgy" (built without strict:
    the notes are listed in the navigation as a folder)."""
    source = copy_search_fixture(tmp_path_factory.mktemp("search-crowded"))
    crowd = source / "docs" / "crowd"
    crowd.mkdir()
    for i in range(MANY):
        (crowd / f"c{i:03d}.md").write_text(
            f"# 笔记 {i}\n\nzymurgy 与发酵 {i}。\n\n## 第二节\n\nzymurgy again.\n", encoding="utf-8"
        )
    config = (source / "mkdocs.yml").read_text(encoding="utf-8")
    (source / "mkdocs.yml").write_text(
        config.replace("  - 参考文献: references.md\n", "  - 参考文献: references.md\n  - crowd/\n"), encoding="utf-8"
    )
    result = run_mkdocs_build(source / "mkdocs.yml", source / "site", strict=False)
    assert result.returncode == 0, result.stderr[-4000:]
    with serve_files(source / "site") as url:
        yield url


def test_many_results_counted_and_highlighted(page: Page, crowded_site: str) -> None:
    """A word on more pages than the worker sends on with their text: the count still names
    every page found, and the results shown have their titles and the word highlighted."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(crowded_site, wait_until="load")
    search(page, "zymurgy")
    meta = page.locator(".md-search-result__meta").inner_text()
    assert re.search(rf"\b{MANY}\b", meta), f"result count {meta!r}, wanted {MANY} pages"
    first = page.locator(".md-search-result__item").first
    assert first.locator("mark").count() > 0, "the first result does not show the word highlighted"
    titles = page.eval_on_selector_all(
        ".md-search-result__item h1, .md-search-result__item h2", "hs => hs.map(h => h.textContent.trim())"
    )
    assert titles and all(titles), f"results without a title: {titles}"
    assert not errors, errors
