"""Math as a reader sees it: typeset when the site was built, so it is there without JavaScript,
loads no MathJax, is read by screen readers, is no Tab stop, shifts nothing and follows dark mode."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.browsing import (
    MATH_PAGES,
    MATH_STATE_JS,
    Traffic,
    open_page,
    switch_to_dark,
)
from tests.support.chromium import VIEWPORT, layout_shift_js

LAYOUT_SHIFT_JS = layout_shift_js(500)


def assert_typeset(page: Page, where: str) -> dict[str, Any]:
    math: dict[str, Any] = page.evaluate(MATH_STATE_JS)
    assert math["count"] > 0, f"{where}: no math on the page"
    assert math["typeset"] == math["count"], f"{where}: only {math['typeset']} of {math['count']} formulas drawn"
    assert math["spoken"] == math["count"], (
        f"{where}: {math['count'] - math['spoken']} formulas without MathML for screen readers"
    )
    assert math["raw"] == 0, f"{where}: {math['raw']} raw TeX delimiters left in the text"
    assert math["errors"] == 0, f"{where}: {math['errors']} formulas MathJax could not read"
    return math


@pytest.mark.parametrize("url", MATH_PAGES)
def test_every_formula_is_typeset_and_no_mathjax_loads(page: Page, traffic: Traffic, site_url: str, url: str) -> None:
    open_page(page, site_url + url)
    assert_typeset(page, url)
    assert not [u for u in traffic.requests if "mathjax" in u.lower()], "a page loaded MathJax"
    assert page.evaluate("typeof window.MathJax") == "undefined"


@pytest.mark.parametrize("url", MATH_PAGES)
def test_math_is_there_with_javascript_off(browser: Browser, site_url: str, url: str) -> None:
    context = browser.new_context(viewport=VIEWPORT, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site_url + url, wait_until="load")
        assert_typeset(page, f"{url} without JavaScript")
    finally:
        context.close()


@pytest.mark.parametrize("url", MATH_PAGES)
def test_formulas_are_not_tab_stops_and_nothing_shifts(page: Page, site_url: str, url: str) -> None:
    open_page(page, site_url + url)
    assert page.evaluate(LAYOUT_SHIFT_JS) == 0, "the page shifted while loading"
    focusable = page.evaluate("""() => Array.from(document.querySelectorAll('article .arithmatex, article .arithmatex *'))
        .filter(e => e.tabIndex >= 0 && !(e.scrollWidth > e.clientWidth)).length""")
    assert focusable == 0, f"{focusable} formula elements are Tab stops"
    for stops in range(1, 81):  # walk the page with Tab, as a keyboard user does
        page.keyboard.press("Tab")
        inside = page.evaluate("() => !!(document.activeElement && document.activeElement.closest('mjx-container'))")
        assert not inside, f"Tab stop number {stops} is inside a formula"


def test_math_follows_dark_mode(page: Page, site_url: str) -> None:
    url = MATH_PAGES[0]
    open_page(page, site_url + url)
    colors = """() => {
      const g = document.querySelector('article mjx-container svg g[fill]');
      const p = g.closest('p, li, div');
      return [getComputedStyle(g).fill, getComputedStyle(p).color];
    }"""
    light_fill, light_text = page.evaluate(colors)
    assert light_fill == light_text, "formulas are not drawn in the text colour"
    switch_to_dark(page)
    dark_fill, dark_text = page.evaluate(colors)
    assert dark_fill == dark_text and dark_fill != light_fill, f"dark mode: formulas {dark_fill}, text {dark_text}"


def test_math_is_typeset_after_instant_navigation(page: Page, traffic: Traffic, site_url: str) -> None:
    # Home (no math) -> a note with math, by clicking a link: Material swaps the content in place.
    target = MATH_PAGES[0]
    with page.expect_response(lambda r: r.url.endswith("/sitemap.xml")):
        open_page(page, site_url)
    page.evaluate("window.__samePage = 'still here'")  # gone if the browser loads a whole new page
    page.locator(f"a[href$='{target}']").first.click()
    page.wait_for_url(site_url + target)
    page.wait_for_function("() => document.querySelectorAll('article .arithmatex').length > 0")
    assert page.evaluate("window.__samePage") == "still here", "not an instant navigation: the page was reloaded"
    assert_typeset(page, f"{target} after instant navigation")
