"""markdown-it-py parsers shared by the citation layer and the link check.

The citation layer needs only the block structure (where code and HTML blocks are); parsing
inline content too would triple its cost, so it has a block-only parser of its own.
"""

from __future__ import annotations

from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

_full = MarkdownIt("commonmark")
_blocks = MarkdownIt("commonmark").disable("inline")


def parse_blocks(text: str, env: dict[str, Any] | None = None) -> list[Token]:
    """Blocks only: `inline` tokens carry their source but no children. `env` receives the
    link reference definitions, for `parse_inline`."""
    return _blocks.parse(text, env if env is not None else {})


def parse_inline(text: str, env: dict[str, Any]) -> list[Token]:
    """The inline tokens of one block's content (links, images, code spans...)."""
    return _full.parseInline(text, env)[0].children or []
