"""The built site in a real browser: one local server and one Chromium for the whole session.

Chromium is Debian's (`apt-get install chromium`), not a Playwright download: `playwright install`
needs the internet. Without it the browser tests are skipped with a reason (`pytest -ra` shows
it), except under CI (env CI set), where a missing browser is a failure, never a green skip.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from browsing import CHROMIUM_ARGS, VIEWPORT, Traffic, chromium_path, watch


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, quietly; sitemap.xml with the site's public address replaced by this server's.

    Material's instant navigation only takes over links to pages listed in sitemap.xml, whose
    absolute URLs are the published ones (site_url, https://dlnotes.github.io/dl-papers-notes/).
    On GitHub Pages they match the address bar; on a local port they do not, and every click
    would be a full page load. `mkdocs serve` does the same by resetting site_url.
    """

    base_url = ""

    def do_GET(self) -> None:
        if self.path.split("?")[0] != "/sitemap.xml":
            return super().do_GET()
        text = (Path(self.directory) / "sitemap.xml").read_text(encoding="utf-8")
        locs = re.findall(r"<loc>([^<]+)</loc>", text)
        published = min(locs, key=len)  # the home page: site_url
        body = text.replace(published, self.base_url).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """A built site, served as GitHub Pages would (static files), on a free local port."""
    handler = type("Handler", (_SiteHandler,), {})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
    server.daemon_threads = True
    handler.base_url = f"http://127.0.0.1:{server.server_port}/"
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield handler.base_url
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    """The strict build of the real site, served."""
    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = chromium_path()
    if executable is None:
        wanted = os.environ.get("CHROMIUM", "/usr/bin/chromium")
        message = (f"Chromium not found at {wanted}: install Debian's chromium: apt-get install chromium "
                   "(or set CHROMIUM=/path/to/chromium); Playwright's own download is not used")
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip("BROWSER TESTS NOT RUN. " + message)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh profile (no cache, no stored palette) with a light system colour scheme."""
    ctx = browser.new_context(viewport=VIEWPORT, color_scheme="light", locale="zh-CN")
    ctx.set_default_timeout(15_000)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def traffic(page: Page) -> Traffic:
    """Everything the page requests and every error, from before its first load."""
    return watch(page)


