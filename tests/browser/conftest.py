"""The built site in a real browser: one local server and one Chromium for the whole session.

Chromium is Debian's (`apt-get install chromium`), not a Playwright download: `playwright install`
needs the internet. Without it the browser tests are skipped with a reason (`pytest -ra` shows
it), except under CI (env CI set), where a missing browser is a failure, never a green skip.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.browser.browsing import Traffic, watch
from tests.support.chromium import CHROMIUM_ARGS, VIEWPORT, chromium_path
from tests.support.serving import serve_files


@pytest.fixture(scope="session")
def site_url(snapshot_site: Path) -> Iterator[str]:
    """The strict build of the frozen notes (tests name their pages), served as GitHub Pages
    would (static files), on a free local port."""
    with serve_files(snapshot_site) as base:
        yield base


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = chromium_path()
    if executable is None:
        wanted = os.environ.get("CHROMIUM", "/usr/bin/chromium")
        message = (
            f"Chromium not found at {wanted}: install Debian's chromium: apt-get install chromium "
            "(or set CHROMIUM=/path/to/chromium); Playwright's own download is not used"
        )
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip("BROWSER TESTS NOT RUN. " + message)
    with sync_playwright() as playwright:
        with playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS) as chromium:
            yield chromium


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh profile (no cache, no stored palette) with a light system colour scheme."""
    with browser.new_context(viewport=VIEWPORT, color_scheme="light", locale="zh-CN") as ctx:
        ctx.set_default_timeout(15_000)
        yield ctx


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def traffic(page: Page) -> Traffic:
    """Everything the page requests and every error, from before its first load."""
    return watch(page)
