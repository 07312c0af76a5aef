"""Math as a reader sees it: typeset by the site's own MathJax, also after instant navigation."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.browsing import ALL_PAGES, MATH_PAGES, MATH_SETTLED_JS, MATH_STATE_JS, Traffic, open_page

MATHJAX = "assets/mathjax/tex-mml-chtml.js"


def assert_typeset(page: Page, where: str) -> dict:
    math = page.evaluate(MATH_STATE_JS)
    assert math["count"] > 0, f"{where}: no math on the page"
    assert math["state"] == "done", f"{where}: data-math is {math['state']!r}"
    assert math["typeset"] == math["count"], f"{where}: only {math['typeset']} of {math['count']} formulas typeset"
    assert math["raw"] == 0, f"{where}: {math['raw']} raw TeX delimiters left in the text"
    assert math["errors"] == 0, f"{where}: MathJax rendered {math['errors']} errors"
    return math


@pytest.mark.parametrize("url", MATH_PAGES)
def test_every_formula_is_typeset(page: Page, traffic: Traffic, site_url: str, url: str) -> None:
    open_page(page, site_url + url)
    assert_typeset(page, url)
    assert [u for u in traffic.requests if u.endswith(MATHJAX)] == [site_url + MATHJAX]


def test_pages_without_math_load_no_mathjax(page: Page, traffic: Traffic, site_url: str) -> None:
    for url in [u for u in ALL_PAGES if u not in MATH_PAGES]:
        open_page(page, site_url + url)
        assert page.evaluate("document.documentElement.getAttribute('data-math')") == "none", url
    loaded = [u for u in traffic.requests if "/mathjax/" in u]
    assert not loaded, f"MathJax loaded on pages without math: {loaded}"


def _click_to(page: Page, link: str, title: str) -> None:
    """Follow a link as a reader does and wait until the new page's math has settled."""
    page.locator(link).first.click()
    page.wait_for_function("t => (document.querySelector('article h1') || {}).textContent.startsWith(t)", arg=title)
    page.wait_for_function(MATH_SETTLED_JS)


def test_math_is_typeset_after_instant_navigation(page: Page, traffic: Traffic, site_url: str) -> None:
    # Home (no math, so no MathJax yet) -> a note with math -> another note, by clicking links.
    documents: list[str] = []  # full page loads; instant navigation fetches pages without one
    page.on("request", lambda r: r.resource_type == "document" and documents.append(r.url))
    # Material takes over clicks only once it has read sitemap.xml; a reader is never that fast.
    with page.expect_response(lambda r: r.url.endswith("/sitemap.xml")):
        open_page(page, site_url)
    page.evaluate("window.__samePage = 'still here'")  # gone if the browser loads a whole new page
    _click_to(page, "article a[href$='attention/bahdanau2014neural/']",
              "Neural machine translation by jointly learning to align and translate")
    assert page.url == site_url + "attention/bahdanau2014neural/"
    assert page.evaluate("window.__samePage") == "still here", "not an instant navigation: the page was reloaded"
    first = assert_typeset(page, "bahdanau2014neural after instant navigation from home")

    _click_to(page, "nav.md-nav--primary a.md-nav__link[href$='mnih2014recurrent/']", "Recurrent Models of Visual Attention")
    assert page.url == site_url + "attention/mnih2014recurrent/"
    assert page.evaluate("window.__samePage") == "still here", "not an instant navigation: the page was reloaded"
    second = assert_typeset(page, "mnih2014recurrent after instant navigation")
    assert second["title"] != first["title"]

    assert documents == [site_url], f"full page loads besides the first: {documents[1:]}"
    fetched = {u for u in traffic.requests if u.endswith(("bahdanau2014neural/", "mnih2014recurrent/"))}
    assert len(fetched) == 2, f"the two notes were not fetched by instant navigation: {fetched}"
    mathjax_loads = [u for u in traffic.requests if u.endswith(MATHJAX)]
    assert len(mathjax_loads) == 1, f"MathJax should load once and be reused, got {mathjax_loads}"
