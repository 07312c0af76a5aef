"""Reading the site talks to nobody but the site, and nothing on the way breaks."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.browser.browsing import ALL_PAGES, Traffic, open_page


def test_every_page_loads_only_from_the_site_without_errors(page: Page, traffic: Traffic, site_url: str) -> None:
    for url in ALL_PAGES:
        open_page(page, site_url + url)
        page.wait_for_load_state("networkidle")  # the search worker, its index, fonts, figures
    loaded = {u.split("?")[0] for u in traffic.requests}
    assert site_url + "search/search_index.json" in loaded, (
        "the recording missed the search index: it would not catch its requests either"
    )
    # the search worker fetches the index's documents itself, compressed (dlnotes.searchindex)
    assert site_url + "search/search_index.docs.bin" in loaded, "the search worker did not fetch its documents"
    assert site_url + "search/search_index.docs.json" not in loaded, "the uncompressed documents were downloaded"
    assert not traffic.foreign(site_url), f"requests to other hosts: {traffic.foreign(site_url)}"
    assert not traffic.problems(), "\n".join(traffic.problems())


def test_using_search_citations_and_palette_stays_local(page: Page, traffic: Traffic, site_url: str) -> None:
    open_page(page, site_url + "attention/bahdanau2014neural/")
    page.locator("article a.footnote-ref").first.hover()
    page.locator(".md-tooltip2--active").wait_for()
    page.keyboard.press("/")
    page.locator("input.md-search__input").press_sequentially("attention")
    page.locator(".md-search-result__item").first.wait_for()
    page.keyboard.press("Escape")
    page.locator("form[data-md-component=palette] label:visible").click()
    page.wait_for_load_state("networkidle")
    assert not traffic.foreign(site_url), f"requests to other hosts: {traffic.foreign(site_url)}"
    assert not traffic.problems(), "\n".join(traffic.problems())
