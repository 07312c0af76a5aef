"""Small text helpers shared by the generated parts of the site: plain text from BibTeX, safe
Markdown, relative links between docs, stable anchors for keys. No MkDocs here."""

from __future__ import annotations

import posixpath
import re
from functools import lru_cache

from pybtex.backends.plaintext import Backend as _PlainText
from pybtex.exceptions import PybtexError
from pybtex.richtext import Text

# Backslash escapes for Markdown's inline markers; entities for what a backslash would not make
# literal here: "\[" "\(" open math with pymdownx.arithmatex, "|" splits table cells, "$" is math.
_MD_BACKSLASH = re.compile(r"([\\`*_{}#+!~^])")
_MD_ENTITY = {"[": "&#91;", "]": "&#93;", "<": "&lt;", ">": "&gt;", "|": "&#124;", "$": "&#36;"}
_MD_ENTITY_RE = re.compile("[" + re.escape("".join(_MD_ENTITY)) + "]")
_SAFE_ANCHOR_CHAR = re.compile(r"[A-Za-z0-9-]")
# One backend object: Text.render_as("text") looks the backend up in the installed packages'
# entry points on every call (milliseconds each, the hot spot of a 1000-note build).
_PLAIN = _PlainText()


@lru_cache(maxsize=8192)
def plain_text(latex: str) -> str:
    """BibTeX field text as a reader sees it: braces gone, accents decoded ({\\"e} -> ë)."""
    try:
        text = Text.from_latex(latex).render(_PLAIN) if any(c in latex for c in "{\\~$-") else latex
    # pybtex rejects odd LaTeX (unbalanced braces: PybtexSyntaxError; a trailing backslash:
    # latexcodec's UnicodeDecodeError); braces stripped is still readable.
    except (PybtexError, ValueError):
        text = latex.replace("{", "").replace("}", "")
    return " ".join(text.split())


def md_escape(text: str) -> str:
    """Text that Markdown shows literally (titles with '*', '[', '|', '$'... stay as written)."""
    return _MD_ENTITY_RE.sub(lambda m: _MD_ENTITY[m.group(0)], _MD_BACKSLASH.sub(r"\\\1", text))


def relative_link(here: str, target: str, anchor: str | None = None) -> str:
    """Link from the doc `here` to the doc `target` (both relative to docs/, with "/"), as a
    relative Markdown link to the .md file, so that MkDocs checks and rewrites it."""
    base = posixpath.dirname(here) or "."
    link = posixpath.relpath(target, base)
    return f"{link}#{anchor}" if anchor else link


def key_anchor(key: str, prefix: str = "ref-") -> str:
    """A stable, unique HTML id for a citation key.

    Letters, digits and "-" are kept, so usual keys read as themselves (ref-bahdanau2014neural);
    "_" is written "__" and any other character "_" + its hex code (":" -> "_3a"), so two keys
    never share an anchor ("a:b" -> "a_3ab", "a.b" -> "a_2eb", "a_3ab" -> "a__3ab").
    """
    out = []
    for ch in key:
        if _SAFE_ANCHOR_CHAR.match(ch):
            out.append(ch)
        elif ch == "_":
            out.append("__")
        else:
            out.append(f"_{ord(ch):x}")
    return prefix + "".join(out)


def stars(n: int | None, of: int = 5) -> str:
    """★★★★☆ for 4 of 5; empty when the roadmap gives no rating."""
    if n is None:
        return ""
    n = max(0, min(n, of))
    return "★" * n + "☆" * (of - n)
