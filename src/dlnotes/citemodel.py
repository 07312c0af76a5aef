"""What a citation is, once it has been read from a page: shared by the parse and the formatter.

The parse (a Python-Markdown extension) produces `Citation`s; the formatter (CSL) turns them into
text. Neither knows the other's insides, only these types (pandoc's citation model).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Mode(Enum):
    NORMAL = "normal"  # [@key] -> (Bahdanau 2014) / [1]
    SUPPRESS_AUTHOR = "suppress-author"  # [-@key] -> (2014)
    AUTHOR_IN_TEXT = "author-in-text"  # @key -> Bahdanau (2014) / Bahdanau 等[1]


@dataclass(frozen=True)
class CiteItem:
    key: str
    mode: Mode = Mode.NORMAL
    prefix: str = ""  # text before the key, as written ("see")
    suffix: str = ""  # text after the key and locator, as written
    locator: str | None = None  # "33-35" when the suffix starts with a locator ("p. 33-35")
    label: str | None = None  # CSL locator label: "page", "chapter", "section", ...


@dataclass(frozen=True)
class Citation:
    """One citation cluster: `[see @a, p. 3; @b]` is one Citation with two items."""

    items: tuple[CiteItem, ...]
    line: int  # 1-based line in the page's Markdown where the citation starts
