"""What the browser tests share: the pages, and how to read a page (Chromium itself: tests.support.chromium)."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import ConsoleMessage, Page, Response

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-output"

# Every page a reader can reach from the navigation.
NOTE_PAGES = [
    "papers/lecun2015deep/",
    "attention/sawant2020understanding/",
    "attention/bahdanau2014neural/",
    "attention/mnih2014recurrent/",
]
ALL_PAGES = ["", "papers/", "attention/", "emmmm/", *NOTE_PAGES]
MATH_PAGES = ["attention/bahdanau2014neural/", "attention/mnih2014recurrent/"]

# State of the math on the current page, as a reader sees it. Math is typeset when the site is
# built (SVG beside assistive MathML), so there is nothing to wait for.
MATH_STATE_JS = r"""() => {
  const spans = Array.from(document.querySelectorAll("article .arithmatex"));
  const article = document.querySelector("article");
  const text = article ? article.innerText : "";
  const drawn = s => {
    const svg = s.querySelector("mjx-container > svg");
    const r = svg && svg.getBoundingClientRect();
    return !!r && r.width > 0 && r.height > 0;
  };
  return {
    count: spans.length,
    typeset: spans.filter(drawn).length,
    spoken: spans.filter(s => s.querySelector("mjx-assistive-mml > math")).length,
    errors: document.querySelectorAll("article .math-error").length,
    raw: (text.match(/\\\(|\\\)|\\\[|\\\]|\$\$/g) || []).length,  // TeX delimiters left as text
    title: (document.querySelector("article h1") || {}).textContent || "",
  };
}"""
# True once the page is what a reader sees (typeset math needs no script: always).
MATH_SETTLED_JS = "() => document.readyState === 'complete'"


@dataclass
class Traffic:
    """What a page did: every request, and everything that went wrong."""

    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    bad_status: list[str] = field(default_factory=list)

    def foreign(self, base: str) -> list[str]:
        host = urlparse(base).netloc
        return [u for u in self.requests if not (u.startswith(("data:", "blob:")) or urlparse(u).netloc == host)]

    def problems(self) -> list[str]:
        return [*self.console_errors, *self.page_errors, *self.failed, *self.bad_status]


def watch(page: Page) -> Traffic:
    traffic = Traffic()

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            traffic.console_errors.append(f"console: {message.text} ({message.location.get('url')})")

    def response(answer: Response) -> None:
        if answer.status >= 400:
            traffic.bad_status.append(f"HTTP {answer.status}: {answer.url}")

    page.on("request", lambda r: traffic.requests.append(r.url))
    page.on("console", console)
    page.on("pageerror", lambda e: traffic.page_errors.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: traffic.failed.append(f"failed: {r.url} ({r.failure})"))
    page.on("response", response)
    return traffic


def open_page(page: Page, url: str) -> None:
    """Load a page and wait until it is what a reader sees: loaded, and its math typeset."""
    page.goto(url, wait_until="load")
    page.wait_for_function(MATH_SETTLED_JS)


def switch_to_dark(page: Page) -> None:
    """Click the palette toggle (auto -> light -> dark) until Material shows the slate scheme."""
    checked = "() => (document.querySelector('input[name=__palette]:checked') || {}).id || ''"
    for _ in range(3):
        if page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate":
            return
        before = page.evaluate(checked)
        page.locator("form[data-md-component=palette] label:visible").click()
        page.wait_for_function(f"({checked})() !== {before!r}")
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate", "the palette toggle never reached dark"


def png_luminance(png: bytes) -> tuple[float, float]:
    """Mean relative luminance (0 black .. 1 white) of a screenshot, and the share of dark pixels.

    Enough of PNG for Chromium's screenshots (8-bit RGB or RGBA, not interlaced), so the tests
    need no imaging library.
    """
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", b""
    while pos < len(png):
        length = struct.unpack(">I", png[pos : pos + 4])[0]
        kind, data = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = data
        elif kind == b"IDAT":
            idat += data
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour in (2, 6) and not interlace, f"unexpected PNG: depth {depth}, colour type {colour}"
    bpp = 3 if colour == 2 else 4
    stride = width * bpp
    raw = zlib.decompress(idat)
    previous = bytearray(stride)
    total = dark = 0.0
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up = previous[i]
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                upper_left = previous[i - bpp] if i >= bpp else 0
                p = left + up - upper_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - upper_left)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else upper_left)) & 0xFF
        for x in range(0, stride, bpp):
            lum = (0.2126 * line[x] + 0.7152 * line[x + 1] + 0.0722 * line[x + 2]) / 255
            total += lum
            dark += lum < 0.45
        previous = line
    pixels = width * height
    return total / pixels, dark / pixels
