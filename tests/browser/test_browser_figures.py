"""The redrawn figures: they load, say what they show, and stay readable in dark mode."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.browsing import open_page, png_luminance, switch_to_dark

FIGURES = {
    "attention/bahdanau2014neural/": ["encoder-decoder.svg", "rnnsearch.svg"],
    "attention/mnih2014recurrent/": ["ram.svg"],
}
CASES = [(url, name) for url, names in FIGURES.items() for name in names]

BACKGROUND_LUMINANCE_JS = """() => {
  const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/[\\d.]+/g).map(Number);
  const lin = c => (c /= 255) <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}"""


def _check_drawn(page: Page, name: str, scheme: str) -> float:
    """The figure as it appears on screen: a light card with dark lines on it."""
    img = page.locator(f'article figure img[src$="{name}"]')
    mean, ink = png_luminance(img.screenshot(animations="disabled"))
    assert mean > 0.75, f"{name} in {scheme} mode: mean luminance {mean:.2f}, the figure is not on a light card"
    assert ink > 0.005, f"{name} in {scheme} mode: only {ink:.2%} dark pixels, the drawing is not visible"
    return mean


@pytest.mark.parametrize("url,name", CASES)
def test_figure_loads_with_alt_text_and_caption(page: Page, site_url: str, url: str, name: str) -> None:
    open_page(page, site_url + url)
    figure = page.locator("article figure").filter(has=page.locator(f'img[src$="{name}"]'))
    img = figure.locator("img")
    img.scroll_into_view_if_needed()
    img.evaluate("i => i.complete || new Promise(r => i.addEventListener('load', r, {once: true}))")
    assert img.evaluate("i => i.naturalWidth") > 0, f"{name} did not load"
    assert len(img.get_attribute("alt") or "") > 20, f"{name} has no real alt text"
    caption = figure.locator("figcaption")
    assert caption.is_visible() and len(caption.inner_text().strip()) > 10, f"{name} has no caption"
    _check_drawn(page, name, "light")


@pytest.mark.parametrize("url,name", CASES)
def test_figure_in_dark_mode_is_its_dark_variant_not_a_white_slab(page: Page, site_url: str, url: str, name: str) -> None:
    open_page(page, site_url + url)
    switch_to_dark(page)
    background = page.evaluate(BACKGROUND_LUMINANCE_JS)
    assert background < 0.1, f"the dark page background has luminance {background:.2f}"
    img = page.locator(f'article figure img[src$="{name}"]')
    img.evaluate("i => i.complete || new Promise(r => i.addEventListener('load', r, {once: true}))")
    mean, dark_share = png_luminance(img.screenshot(animations="disabled"))
    assert mean < 0.3, f"{name} in dark mode: mean luminance {mean:.2f}, a bright slab on the dark page"
    assert 1 - dark_share > 0.005, f"{name} in dark mode: only {1 - dark_share:.2%} light pixels, the drawing is not visible"
