"""What a reader sees of rendered HTML: its text, a paragraph, the citation links."""

from __future__ import annotations

import html as html_lib
import re


def text(html: str) -> str:
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", "", html))).strip()


def paragraph(html: str, start: str) -> str:
    """The HTML of the paragraph whose text starts with `start`."""
    found: list[str] = [p for p in re.findall(r"<p>(.*?)</p>", html, re.S) if text(p).startswith(start)]
    assert found, start
    return found[0]


def footnote_links(html: str) -> list[tuple[str, str]]:
    """(fragment, text) of every footnote link in `html`, in order."""
    return [(target, text(t)) for target, t in re.findall(r'<a class="footnote-ref" href="#([^"]+)">(.*?)</a>', html)]
