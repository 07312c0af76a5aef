"""Reading a built site the way a reader sees it: the article text of each page."""

from __future__ import annotations

import html
import re
from pathlib import Path

_ARTICLE = re.compile(r"<article[^>]*>(.*?)</article>", re.S)
_FOOTNOTE_REF = re.compile(r'<sup id="fnref\d*:[^"]*">.*?</sup>', re.S)
# A typeset formula (dlnotes.mathtex): SVG and MathML, read as one word.
_MATH = re.compile(r'<(span|div) class="arithmatex[^"]*">(?:(?!</?\1\b).)*</\1>', re.S)
MATH = "⟨math⟩"


def article_html(page: Path) -> str:
    m = _ARTICLE.search(page.read_text(encoding="utf-8"))
    assert m, f"{page} has no article"
    return m.group(1)


def article_text(page: Path, drop_citation_marks: bool = True) -> str:
    body = article_html(page)
    if drop_citation_marks:
        body = _FOOTNOTE_REF.sub("", body)
    body = _MATH.sub(MATH, body)
    text = html.unescape(re.sub(r"<[^>]+>", "", body))
    return re.sub(r"\s+", " ", text)


def pages(site: Path) -> dict[str, Path]:
    """URL path ("attention/bahdanau2014neural/") -> built file."""
    return {
        p.parent.relative_to(site).as_posix() + "/" if p.parent != site else "": p
        for p in site.rglob("index.html")
        if "assets" not in p.parts
    }
