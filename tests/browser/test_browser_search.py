"""Material's search box, used as a reader uses it, in Chinese, in English and both.

The query set runs on a fixed site (tests/fixtures/search: real notes copied, two written for
the tests), so a note the author adds never changes what is expected; the real site gets
invariants only.
"""

from __future__ import annotations

import re
import time
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page

from tests.browser.browsing import open_page
from tests.support.searching import FOUND, NOT_FOUND

RESULTS = ".md-search-result__item > a"
META = ".md-search-result__meta"


def search(page: Page, query: str) -> list[str]:
    """Open search with its shortcut, type the query, return the result pages (paths, no query)."""
    page.keyboard.press("/")
    box = page.locator("input.md-search__input")
    box.wait_for(state="visible")
    assert page.evaluate("document.activeElement && document.activeElement.matches('input.md-search__input')"), (
        "the search shortcut did not focus the search box"
    )
    # A Chinese input method commits text without key events per character (insertText).
    # Material reads the box on keyup, which the reader's next key (or the IME's own key
    # events) gives it: press End, which changes nothing.
    box.fill("")
    page.keyboard.insert_text(query)
    page.keyboard.press("End")
    page.wait_for_function(
        """([meta, q]) => {
          const m = document.querySelector(meta);
          return document.querySelector('input.md-search__input').value === q && m &&
                 !/键入以开始搜索|正在初始化/.test(m.textContent);
        }""",
        arg=[META, query],
    )

    # The search worker answers each keystroke's query in turn: results of a shorter prefix may
    # still be on screen. Read until the list has stayed the same for 0.5 s (5 s at most).
    def read() -> list[str]:
        return [urlparse(a).path for a in page.eval_on_selector_all(RESULTS, "links => links.map(a => a.href)")]

    last, stable_since, deadline = read(), time.monotonic(), time.monotonic() + 5
    while time.monotonic() < deadline and time.monotonic() - stable_since < 0.5:
        page.wait_for_timeout(100)
        now = read()
        if now != last:
            last, stable_since = now, time.monotonic()
    return last


@pytest.mark.parametrize(("query", "note"), FOUND)
def test_search_lists_the_note(page: Page, site_url: str, query: str, note: str) -> None:
    open_page(page, site_url)
    found = search(page, query)
    assert urlparse(site_url + note).path in found, f"searching {query!r} lists {found}, not {note}"
    assert page.locator(RESULTS).first.is_visible()


@pytest.mark.parametrize("query", NOT_FOUND)
def test_search_for_a_word_no_note_has_lists_nothing(page: Page, site_url: str, query: str) -> None:
    open_page(page, site_url)
    assert search(page, query) == []
    assert "没有找到" in page.locator(META).inner_text()


def test_result_snippets_are_clean(page: Page, site_url: str) -> None:
    """No zero-width spaces (the index's word breaks) and no footnote numbers in what a reader reads."""
    open_page(page, site_url)
    for query in ("注意力", "attention"):
        assert search(page, query)
        shown = page.locator(".md-search-result").inner_text()
        assert "\u200b" not in shown
        texts = page.eval_on_selector_all(".md-search-result__item article", "as => as.map(a => a.innerHTML)")
        assert not [t for t in texts if re.search(r"<sup>\d+</sup>", t)], "a footnote number in a snippet"
