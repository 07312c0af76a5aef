"""What a reader does on a desktop and on a 390 px phone: open a figure full size, hover a link
between notes for its preview, follow a backlink, tap a footnote marker; and what the page's
head says. Screenshots go to test-output/ for a person to look at."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, FloatRect, Locator, Page

from tests.browser.browsing import SCREENSHOTS, open_page, switch_to_dark, watch
from tests.support.chromium import VIEWPORT, Viewport

NOTE = "attention/bahdanau2014neural/"
LINKING_NOTE = "attention/sawant2020understanding/"
PHONE: Viewport = {"width": 390, "height": 844}


@pytest.fixture(params=["phone", "desktop"])
def device(request: pytest.FixtureRequest, browser: Browser) -> Iterator[tuple[str, Page]]:
    phone = request.param == "phone"
    ctx = browser.new_context(
        viewport=PHONE if phone else VIEWPORT,
        color_scheme="light",
        locale="zh-CN",
        has_touch=phone,
        is_mobile=phone,
        device_scale_factor=2 if phone else 1,
    )
    ctx.set_default_timeout(15_000)
    try:
        yield request.param, ctx.new_page()
    finally:
        ctx.close()


def _box(locator: Locator, what: str) -> FloatRect:
    box = locator.bounding_box()
    assert box is not None, f"{what} is not displayed"
    return box


def _open_figure(page: Page) -> FloatRect:
    figure = page.locator("article figure a.glightbox").first
    figure.scroll_into_view_if_needed()
    figure.click()
    shown = page.locator(".glightbox-container .gslide.current .gslide-image img")
    shown.wait_for(state="visible")
    page.wait_for_timeout(600)  # the opening animation
    return _box(shown, "the full-size figure")


def test_figure_opens_full_size_and_closes(device: tuple[str, Page], site_url: str) -> None:
    name, page = device
    traffic = watch(page)
    open_page(page, site_url + NOTE)
    inline = _box(page.locator("article figure img").first, "the figure")
    box = _open_figure(page)
    assert box["width"] >= inline["width"] * 0.99, (box, inline)
    if name == "desktop":
        assert box["width"] >= 700, f"the full-size figure is {box['width']} px wide, not its 720 px"
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"lightbox-{name}-light.png"), animations="disabled")
    page.keyboard.press("Escape")
    page.wait_for_function("() => !document.querySelector('.glightbox-container')")
    assert not traffic.foreign(site_url), traffic.foreign(site_url)
    assert not traffic.page_errors, traffic.page_errors


@pytest.mark.parametrize("device", ["phone"], indirect=True)
def test_on_a_phone_two_fingers_zoom_the_open_figure(device: tuple[str, Page], site_url: str) -> None:
    """A 720 px figure opens at the phone's width (its labels about half size): spreading two
    fingers on it makes it larger, as on any picture."""
    _name, page = device
    open_page(page, site_url + NOTE)
    before = _open_figure(page)
    assert before["width"] <= PHONE["width"], before
    cx, cy = before["x"] + before["width"] / 2, before["y"] + before["height"] / 2
    cdp = page.context.new_cdp_session(page)

    def touch(kind: str, spread: float) -> None:
        points = [] if kind == "touchEnd" else [{"x": cx - spread, "y": cy, "id": 1}, {"x": cx + spread, "y": cy, "id": 2}]
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    touch("touchStart", 30)
    for spread in range(40, 160, 10):  # fingers moving apart
        touch("touchMove", spread)
        page.wait_for_timeout(16)
    after = _box(page.locator(".glightbox-container .gslide.current .gslide-image img"), "the zoomed figure")
    touch("touchEnd", 0)
    page.screenshot(path=str(SCREENSHOTS / "lightbox-phone-pinched.png"), animations="disabled")
    assert after["width"] >= 1.5 * before["width"], f"pinching left the figure {after['width']:.0f} px wide ({before})"


def test_figure_lightbox_in_dark_mode(device: tuple[str, Page], site_url: str) -> None:
    name, page = device
    open_page(page, site_url + NOTE)
    switch_to_dark(page)
    _open_figure(page)
    page.screenshot(path=str(SCREENSHOTS / f"lightbox-{name}-dark.png"), animations="disabled")
    backdrop = page.evaluate("() => getComputedStyle(document.querySelector('.gslide-image img')).filter")
    assert "invert" in backdrop, f"the full-size figure in dark mode is drawn as in light mode ({backdrop})"


def test_lightbox_works_after_instant_navigation(page: Page, site_url: str) -> None:
    open_page(page, site_url + LINKING_NOTE)
    page.locator(f'article a[href$="{NOTE.split("/")[1]}/"]').first.click()
    page.wait_for_url("**/" + NOTE)
    assert page.evaluate("() => performance.getEntriesByType('navigation').length") == 1
    assert page.evaluate("() => location.pathname").endswith(NOTE)
    box = _open_figure(page)
    assert box["width"] >= 700


def test_hover_on_a_link_between_notes_shows_its_preview(page: Page, site_url: str) -> None:
    open_page(page, site_url + LINKING_NOTE)
    link = page.locator(f'article a[href$="{NOTE.split("/")[1]}/"]').first
    link.hover()
    tip = page.locator(".md-tooltip2").filter(has_text="Neural machine translation")
    tip.first.wait_for(state="visible")
    page.screenshot(path=str(SCREENSHOTS / "preview-desktop.png"), animations="disabled")


def test_backlinks_name_the_linking_note_with_its_sentence(device: tuple[str, Page], site_url: str) -> None:
    name, page = device
    open_page(page, site_url + NOTE)
    section = page.locator("section.backlinks")
    assert section.is_visible()
    assert "Bahdanau et al" in section.inner_text()
    section.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / f"backlinks-{name}.png"), animations="disabled")
    section.locator("a").first.click()
    page.wait_for_url("**/" + LINKING_NOTE)


def test_footnote_markers_are_24px_targets_and_a_tap_shows_the_reference(device: tuple[str, Page], site_url: str) -> None:
    name, page = device
    open_page(page, site_url + NOTE)
    markers = page.locator("article a.footnote-ref")
    assert markers.count() > 0
    for i in range(markers.count()):
        box = _box(markers.nth(i), f"footnote marker {i}")
        assert box["width"] >= 24 and box["height"] >= 24, f"footnote marker {i}: {box}"
    first = markers.first
    # Material has mounted its content components once the code blocks have their copy button.
    page.locator("article .md-code__button, article .md-clipboard").first.wait_for(state="attached")
    first.scroll_into_view_if_needed()
    if name == "phone":
        first.tap()
    else:
        first.hover()
    tip = page.locator(".md-tooltip2, .md-tooltip").filter(has_text="Cho")
    tip.first.wait_for(state="visible")
    page.screenshot(path=str(SCREENSHOTS / f"footnote-{name}.png"), animations="disabled")


def test_navigation_shows_no_unlabelled_icon_and_has_previous_next(page: Page, site_url: str) -> None:
    open_page(page, site_url + NOTE)
    unlabelled = page.evaluate("""() => [...document.querySelectorAll('.md-nav .md-status')]
        .filter(s => !(s.getAttribute('title') || '').trim()).length""")
    assert unlabelled == 0
    labels = page.evaluate("() => [...document.querySelectorAll('.md-nav .md-status')].map(s => s.title)")
    assert set(labels) <= {"已读", "在读", "待读"} and labels
    footer = page.locator("nav.md-footer__inner a")
    assert footer.count() == 2, "no previous/next links"


def test_head_names_the_paper_for_zotero(page: Page, site_url: str) -> None:
    open_page(page, site_url + NOTE)
    meta = page.evaluate("""() => Object.fromEntries(['citation_title', 'citation_pdf_url', 'citation_arxiv_id', 'description']
        .map(n => [n, (document.querySelector(`meta[name="${n}"]`) || {}).content]))""")
    assert meta["citation_title"] == "Neural Machine Translation by Jointly Learning to Align and Translate"
    assert meta["citation_arxiv_id"] == "1409.0473" and meta["citation_pdf_url"].startswith("https://arxiv.org/pdf/")
    assert meta["description"] == "最早提出Attention in ANN的文章。"
    assert page.evaluate("() => document.documentElement.lang") == "zh-CN"
    authors = page.evaluate("() => [...document.querySelectorAll('meta[name=citation_author]')].map(m => m.content)")
    assert authors == ["Bahdanau, Dzmitry", "Cho, KyungHyun", "Bengio, Yoshua"]
    font = page.evaluate("() => getComputedStyle(document.body).fontFamily")
    assert "PingFang SC" in font and "Noto Sans CJK SC" in font


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots_of_a_note_on_a_phone(device: tuple[str, Page], site_url: str, scheme: str) -> None:
    name, page = device
    open_page(page, site_url + NOTE)
    if scheme == "dark":
        switch_to_dark(page)
    page.screenshot(path=str(SCREENSHOTS / f"note-{name}-{scheme}.png"), full_page=True, animations="disabled")


def test_hover_preview_of_a_link_to_a_chinese_heading(page: Page, site_url: str) -> None:
    """Material looks the target up by the percent-encoded hash (issue 8544); the site decodes it."""
    open_page(page, site_url + "attention/")
    link = page.locator('article a[href$="#为什么有效"], article a[href*="#%E4%B8%BA"]').first
    link.hover()
    preview = page.locator(".md-tooltip2--active")
    preview.wait_for(state="visible")
    assert "为什么有效" in preview.inner_text()
