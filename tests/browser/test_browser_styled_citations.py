"""Citations in the site's style, as a reader meets them: a group is one marker, not adjacent
numbers; hovering it shows its first reference with our note on the paper.

On the fixture site tests/fixtures/styled (GB/T 7714-2015 numeric, Material's footnote tooltips).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.browsing import open_page
from tests.support.serving import serve_files
from tests.support.sitebuild import run_mkdocs_build

SITE = Path(__file__).resolve().parents[1] / "fixtures" / "styled"


@pytest.fixture(scope="module")
def styled_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = tmp_path_factory.mktemp("styled")
    result = run_mkdocs_build(SITE / "mkdocs.yml", out)
    assert result.returncode == 0, result.stderr[-4000:]
    with serve_files(out) as base:
        yield base


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_a_group_is_one_marker_whose_hover_shows_its_first_reference(page: Page, styled_url: str) -> None:
    open_page(page, styled_url)
    paragraph = page.locator("article p", has_text="两篇文献")
    assert _squash(paragraph.inner_text()) == "两篇文献 [1,2] 一起引用。"
    markers = paragraph.locator("a.footnote-ref")
    expect(markers).to_have_count(1)
    markers.first.hover()
    tooltip = page.locator(".md-tooltip2--active")
    expect(tooltip).to_be_visible()
    shown = _squash(tooltip.inner_text())
    assert shown.startswith("DOE J. A book[M]"), shown


def test_in_text_and_locator_read_as_the_style_and_hover_shows_our_note(page: Page, styled_url: str) -> None:
    open_page(page, styled_url)
    paragraph = page.locator("article p", has_text="说过")
    assert _squash(paragraph.inner_text()) == "Smith 和 Doe[2] 说过同样的话,见 [1]3。"
    paragraph.locator('a.footnote-ref[href="#fn:smith2020deep"]').hover()
    tooltip = page.locator(".md-tooltip2--active")
    expect(tooltip).to_be_visible()
    shown = _squash(tooltip.inner_text())
    assert "Deep things" in shown and "我们的笔记: Smith 2020 — A note about Smith." in shown, shown
    paragraph.locator('a.footnote-ref[href="#fn:smith2020deep"]').click()
    page.wait_for_url(re.compile("#fn:smith2020deep$"))
    expect(page.locator('article [id="fn:smith2020deep"]')).to_be_in_viewport(timeout=20_000)
