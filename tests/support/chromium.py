"""Debian's Chromium for the browser tests and the page-weight benchmark: where it is, how to start it."""

from __future__ import annotations

import os
import shutil
from typing import TypedDict


class Viewport(TypedDict):
    """Playwright's ViewportSize, without importing Playwright."""

    width: int
    height: int


# Headless Chromium as root, and nothing but our own server: no component updates, sync,
# safe-browsing lists, QUIC probes or first-run pings to Google hosts.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
VIEWPORT: Viewport = {"width": 1280, "height": 900}


def chromium_path() -> str | None:
    """$CHROMIUM or /usr/bin/chromium when it is an executable, else None."""
    candidate = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    found = shutil.which(candidate) if not os.path.isabs(candidate) else candidate
    return found if found and os.access(found, os.X_OK) else None


def layout_shift_js(wait_ms: int = 500) -> str:
    """A page script: the page's cumulative layout shift (shifts not caused by input), after `wait_ms`."""
    return f"""() => new Promise(resolve => {{
  let total = 0;
  new PerformanceObserver(list => {{ for (const e of list.getEntries()) if (!e.hadRecentInput) total += e.value; }})
    .observe({{type: "layout-shift", buffered: true}});
  setTimeout(() => resolve(total), {wait_ms});
}})"""
