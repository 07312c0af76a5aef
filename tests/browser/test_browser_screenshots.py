"""Screenshots of a note in light and dark mode, in test-output/, for a person to look at."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.browser.browsing import SCREENSHOTS, open_page, png_luminance, switch_to_dark

NOTE = "attention/bahdanau2014neural/"


def test_screenshots_of_a_note_in_light_and_dark_mode(page: Page, site_url: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    open_page(page, site_url + NOTE)
    light = SCREENSHOTS / "note-light.png"
    page.screenshot(path=str(light), full_page=True, animations="disabled")
    switch_to_dark(page)
    dark = SCREENSHOTS / "note-dark.png"
    page.screenshot(path=str(dark), full_page=True, animations="disabled")
    light_mean, _ = png_luminance(light.read_bytes())
    dark_mean, _ = png_luminance(dark.read_bytes())
    assert light_mean > 0.7 and dark_mean < 0.35, f"light page {light_mean:.2f}, dark page {dark_mean:.2f}"
