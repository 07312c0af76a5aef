"""Citations as a reader uses them: hover for the reference, click to jump to it, follow its pdf."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.browsing import open_page

CITED = {  # note -> a paper it cites, and words of that paper's title (a note's own paper is its card)
    "attention/sawant2020understanding/": ("cho2014learning", "Learning phrase representations"),
    "attention/bahdanau2014neural/": ("cho2014learning", "Learning phrase representations"),
}


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize("url", CITED)
def test_hover_shows_the_reference_and_click_jumps_to_it(page: Page, site_url: str, url: str) -> None:
    key, title = CITED[url]
    open_page(page, site_url + url)
    citation = page.locator(f'article a.footnote-ref[href$="#fn:{key}"]').first
    reference = page.locator(f'article [id="fn:{key}"]')
    expected = _squash(reference.inner_text()).removesuffix("↩").strip()

    citation.hover()
    tooltip = page.locator(".md-tooltip2--active")  # Material 9.8's footnote tooltip
    expect(tooltip).to_be_visible()
    shown = _squash(tooltip.inner_text())
    assert title.lower() in shown.lower(), f"the tooltip shows {shown!r}"
    assert expected[:80] in shown, f"the tooltip is not the reference: {shown!r} vs {expected!r}"

    citation.click()
    page.wait_for_url(re.compile(re.escape(f"#fn:{key}") + "$"))
    expect(reference).to_be_in_viewport(timeout=20_000)  # a busy machine scrolls slowly


# In the page: scroll a little and, in the same task as the scroll event (well within the 100 ms
# after which Material records the scroll offset), click the citation.
SCROLL_THEN_CLICK_JS = """citation => new Promise(resolve => {
  addEventListener("scroll", () => { citation.click(); resolve(scrollY); }, {once: true});
  scrollBy(0, 40);
})"""


def test_a_click_right_after_scrolling_jumps_to_the_reference(page: Page, site_url: str) -> None:
    """A reader scrolls and at once clicks a citation, on a slow connection: the first anchor
    click after a page load waits for Material to fetch the page again, and its offset recorder,
    due 100 ms after the scroll, used to land in the new history entry and keep the reader where
    they were (address `#fn:KEY`, page not moved)."""
    url = "attention/sawant2020understanding/"
    key, _ = CITED[url]

    def slow_refetch(route: Route) -> None:
        if route.request.resource_type in ("xhr", "fetch"):  # instant navigation, not the first load
            time.sleep(1.0)
        route.continue_()

    page.route(f"**/{url}", slow_refetch)
    open_page(page, site_url + url)
    reference = page.locator(f'article [id="fn:{key}"]')
    expect(reference).not_to_be_in_viewport()
    citation = page.locator(f'article a.footnote-ref[href$="#fn:{key}"]').first
    citation.scroll_into_view_if_needed()
    page.evaluate(SCROLL_THEN_CLICK_JS, citation.element_handle())
    page.wait_for_url(re.compile(re.escape(f"#fn:{key}") + "$"))
    expect(reference).to_be_in_viewport(timeout=20_000)


@pytest.mark.parametrize("url", CITED)
def test_references_list_the_pdf(page: Page, site_url: str, url: str) -> None:
    key, _ = CITED[url]
    open_page(page, site_url + url)
    heading = page.locator("article h2#references")
    expect(heading).to_be_visible()
    assert heading.evaluate("h => h.textContent").startswith("参考文献")
    # The reference follows the heading and carries a link a reader can open.
    item = page.locator(f'article h2#references ~ .footnote [id="fn:{key}"]')
    expect(item).to_have_count(1)
    pdf = item.get_by_role("link", name="pdf", exact=True)
    expect(pdf).to_have_count(1)
    assert re.match(r"https?://", pdf.get_attribute("href") or ""), pdf.get_attribute("href")
