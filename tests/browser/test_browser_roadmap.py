"""The roadmap page as a reader uses it: sections fold, tables line up, a filter for unread
papers and by stars."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.browser.browsing import open_page


def _rows(page: Page) -> list[dict]:
    return page.evaluate("""() => [...document.querySelectorAll('article details.roadmap-section tbody tr')]
        .filter(r => !r.hidden).map(r => {
          const cells = r.querySelectorAll('td'), stars = r.querySelector("[aria-label$='（满分 5）']");
          return {status: cells[cells.length - 1].textContent.trim(),
                  stars: stars ? parseInt(stars.getAttribute('aria-label'), 10) : 0};
        })""")


def test_sections_fold_and_their_tables_line_up(page: Page, site_url: str) -> None:
    open_page(page, site_url + "roadmap/")
    sections = page.locator("article details.roadmap-section")
    assert sections.count() > 10
    widths = page.evaluate("""() => [...document.querySelectorAll('article details.roadmap-section table')]
        .map(t => Math.round(t.getBoundingClientRect().width))""")
    assert len(set(widths)) == 1, widths
    first = sections.first
    first.locator("summary").click()
    assert first.evaluate("d => d.open") is False
    assert first.locator("table").is_hidden()


def test_the_filter_shows_only_unread_papers_and_by_stars(page: Page, site_url: str) -> None:
    open_page(page, site_url + "roadmap/")
    everything = _rows(page)
    assert any(not r["status"].startswith("未读") for r in everything), "the fixture has read papers"
    page.get_by_label("只看未读").check()
    unread = _rows(page)
    assert unread and all(r["status"].startswith("未读") for r in unread) and len(unread) < len(everything)
    page.get_by_label("推荐").select_option("5")
    five = _rows(page)
    assert five and all(r["stars"] == 5 and r["status"].startswith("未读") for r in five)
    assert f"显示 {len(five)} 篇" in page.locator(".roadmap-filter output").inner_text()
    page.get_by_label("只看未读").uncheck()
    page.get_by_label("推荐").select_option("0")
    assert len(_rows(page)) == len(everything)
