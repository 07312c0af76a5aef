"""Material's search box, used as a reader uses it, in Chinese and in English."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page

from browsing import open_page

RESULTS = ".md-search-result__item > a"
META = ".md-search-result__meta"


def search(page: Page, query: str) -> list[str]:
    """Open search with its shortcut, type the query, return the result pages (paths, no query)."""
    page.keyboard.press("/")
    box = page.locator("input.md-search__input")
    box.wait_for(state="visible")
    assert page.evaluate("document.activeElement && document.activeElement.matches('input.md-search__input')"), \
        "the search shortcut did not focus the search box"
    # A Chinese input method commits text without key events per character; Playwright types
    # non-ASCII the same way (insertText). Material reads the box on keyup, which the reader's
    # next key (or the IME's own key events) gives it: press End, which changes nothing.
    box.press_sequentially(query)
    box.press("End")
    page.wait_for_function(
        """([meta, q]) => {
          const m = document.querySelector(meta);
          return document.querySelector('input.md-search__input').value === q && m &&
                 !/键入以开始搜索|正在初始化/.test(m.textContent);
        }""",
        arg=[META, query],
    )
    return [urlparse(a).path for a in page.eval_on_selector_all(RESULTS, "links => links.map(a => a.href)")]


@pytest.mark.parametrize("query,note", [
    ("注意力", "attention/bahdanau2014neural/"),
    ("编码器", "attention/bahdanau2014neural/"),
    ("表示学习", "papers/lecun2015deep/"),
    ("attention", "attention/bahdanau2014neural/"),
    ("encoder", "attention/bahdanau2014neural/"),
    ("representation", "papers/lecun2015deep/"),
])
def test_search_lists_the_note(page: Page, site_url: str, query: str, note: str) -> None:
    open_page(page, site_url)
    found = search(page, query)
    assert urlparse(site_url + note).path in found, f"searching {query!r} lists {found}, not {note}"
    assert page.locator(RESULTS).first.is_visible()


def test_search_for_a_word_no_note_has_lists_nothing(page: Page, site_url: str) -> None:
    open_page(page, site_url)
    assert search(page, "transformer") == []
    assert "没有找到" in page.locator(META).inner_text()
