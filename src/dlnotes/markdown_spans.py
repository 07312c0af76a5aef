"""Unclosed math in a note: a `$`, `$$` or `\\(` whose closer is missing.

Block structure (fenced and indented code, HTML blocks) comes from markdown-it-py, a CommonMark
parser. Inside the remaining text a small scanner skips the inline constructs that the site's
Markdown (Python-Markdown with pymdownx.arithmatex) treats as opaque: code spans, math, links and
their texts, autolinks, inline HTML, escapes. (Citations are found by Python-Markdown itself, see
dlnotes.citemd; this check is still a second parse and would move into a math extension likewise.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import mdparse

_BACKTICKS = re.compile(r"`+")
_AUTOLINK = re.compile(r"<(?:[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]*|[A-Za-z0-9.!#$%&'*+/=?^_`{|}~\-]+@[A-Za-z0-9\-.]+)>")
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9\-]*(?:\s[^<>]*)?/?>|<!--.*?-->", re.S)
_REF_DEF = re.compile(r"^[ ]{0,3}\[([^\]\n]+)\]:[ \t]*\S.*$", re.M)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
# The characters that can start something the scanner cares about; it jumps from one to the next.
_SPECIAL = re.compile(r"[\\`$<\[!]")


@dataclass
class Unclosed:
    """A math opener without its closer: the page would show raw TeX or swallow text."""

    offset: int
    delimiter: str


@dataclass
class Spans:
    protected: list[tuple[int, int]] = field(default_factory=list)
    unclosed_math: list[Unclosed] = field(default_factory=list)


def line_offsets(text: str) -> list[int]:
    offsets = [0]
    for match in re.finditer("\n", text):
        offsets.append(match.end())
    return offsets


def line_of(offsets: list[int], position: int) -> int:
    """1-based line of a character offset."""
    lo, hi = 0, len(offsets) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if offsets[mid] <= position:
            lo = mid
        else:
            hi = mid - 1
    return lo + 1


def block_ranges(text: str, offsets: list[int] | None = None) -> list[tuple[int, int]]:
    """Code and HTML blocks as offset ranges."""
    offsets = offsets if offsets is not None else line_offsets(text)
    opaque = []
    for token in mdparse.parse_blocks(text):
        if token.type in ("fence", "code_block", "html_block") and token.map:
            start, end = token.map
            opaque.append((offsets[start], offsets[end] if end < len(offsets) else len(text)))
    return opaque


def scan(text: str) -> Spans:
    offsets = line_offsets(text)
    spans = Spans()
    blocks = block_ranges(text, offsets)
    reference_labels = {m.group(1).strip().lower() for m in _REF_DEF.finditer(text)}
    for m in _REF_DEF.finditer(text):
        if not m.group(1).startswith("^"):
            spans.protected.append((m.start(), m.end()))
    spans.protected.extend(blocks)
    block_iter = iter(sorted(blocks))
    next_block = next(block_iter, None)

    i, n = 0, len(text)
    while i < n:
        if next_block and i >= next_block[0]:
            i = max(i, next_block[1])
            next_block = next(block_iter, None)
            continue
        limit = next_block[0] if next_block else n
        special = _SPECIAL.search(text, i, limit)
        if special is None:
            i = limit
            continue
        i = special.start()
        ch = text[i]
        if ch == "\\":
            nxt = text[i + 1: i + 2]
            if nxt in ("(", "["):
                closer = "\\)" if nxt == "(" else "\\]"
                end = text.find(closer, i + 2, limit)
                # "\[@key]" is an escaped bracket, not display math, when no "\]" follows.
                if end != -1:
                    spans.protected.append((i, end + 2))
                    i = end + 2
                    continue
                if nxt == "(":
                    spans.unclosed_math.append(Unclosed(i, "\\("))
            spans.protected.append((i, i + 2))
            i += 2
            continue
        if ch == "`":
            run = _BACKTICKS.match(text, i).group(0)  # type: ignore[union-attr]
            close = _find_backtick_run(text, i + len(run), len(run), limit)
            if close is not None:
                spans.protected.append((i, close))
                i = close
            else:
                i += len(run)
            continue
        if ch == "$":
            if text.startswith("$$", i):
                end = text.find("$$", i + 2, limit)
                if end == -1:
                    spans.unclosed_math.append(Unclosed(i, "$$"))
                    i += 2
                    continue
                spans.protected.append((i, end + 2))
                i = end + 2
                continue
            end = _find_inline_dollar(text, i, limit)
            if end is None:
                if i + 1 < n and not text[i + 1].isspace() and not text[i + 1].isdigit():
                    spans.unclosed_math.append(Unclosed(i, "$"))
                i += 1
                continue
            spans.protected.append((i, end + 1))
            i = end + 1
            continue
        if ch == "<":
            m = _AUTOLINK.match(text, i) or _HTML_TAG.match(text, i)
            if m:
                spans.protected.append((i, m.end()))
                i = m.end()
                continue
            i += 1
            continue
        if ch == "[" or (ch == "!" and text.startswith("![", i)):
            start = i
            open_at = i if ch == "[" else i + 1
            close = _matching_bracket(text, open_at, limit)
            if close is None:
                i = open_at + 1
                continue
            after = text[close + 1: close + 2]
            label = text[open_at + 1: close]
            if after == "(":
                end = _matching_paren(text, close + 1, limit)
                if end is not None:
                    spans.protected.append((start, end + 1))
                    i = end + 1
                    continue
            if after == "[":
                end = text.find("]", close + 2, limit)
                if end != -1:
                    spans.protected.append((start, end + 1))
                    i = end + 1
                    continue
            if label.startswith("^") or label.strip().lower() in reference_labels or ch == "!":
                spans.protected.append((start, close + 1))
                i = close + 1
                continue
            i = open_at + 1  # plain brackets: look inside too
            continue
        i += 1
    spans.protected.sort()
    return spans


def _find_backtick_run(text: str, start: int, length: int, limit: int) -> int | None:
    for m in _BACKTICKS.finditer(text, start, limit):
        if len(m.group(0)) == length:
            return m.end()
    return None


def _find_inline_dollar(text: str, start: int, limit: int) -> int | None:
    """arithmatex's inline `$...$`: no space just inside the dollars, within one paragraph."""
    if start + 1 >= limit or text[start + 1].isspace():
        return None
    paragraph_end = _BLANK_LINE.search(text, start, limit)
    stop = paragraph_end.start() if paragraph_end else limit
    j = start + 1
    while j < stop:
        if text[j] == "\\":
            j += 2
            continue
        if text[j] == "$" and not text[j - 1].isspace():
            return j
        j += 1
    return None


def _matching_bracket(text: str, open_at: int, limit: int) -> int | None:
    # Code spans inside a link text may hold "]"; a URL's parentheses have no code spans.
    return _matching(text, open_at, limit, "[", "]", skip_code=True)


def _matching_paren(text: str, open_at: int, limit: int) -> int | None:
    return _matching(text, open_at, limit, "(", ")", skip_code=False)


def _matching(text: str, open_at: int, limit: int, opener: str, closer: str, skip_code: bool) -> int | None:
    """Offset of the closer matching text[open_at], within the paragraph; None if unclosed."""
    depth, j = 0, open_at
    while j < limit:
        c = text[j]
        if c == "\\":
            j += 2
            continue
        if c == "`" and skip_code:
            run = _BACKTICKS.match(text, j).group(0)  # type: ignore[union-attr]
            close = _find_backtick_run(text, j + len(run), len(run), limit)
            j = close if close is not None else j + len(run)
            continue
        if c == opener:
            depth += 1
        elif c == closer:
            depth -= 1
            if depth == 0:
                return j
        elif c == "\n" and text.startswith("\n", j + 1):
            return None  # a blank line ends the paragraph
        j += 1
    return None


def unclosed_math_problems(markdown: str) -> list[tuple[int, str]]:
    """(line, message) for each math opener without its closer."""
    offsets = line_offsets(markdown)
    problems = []
    for u in scan(markdown).unclosed_math:
        hint = " (or write \\$ for a dollar sign)" if u.delimiter == "$" else ""
        problems.append((line_of(offsets, u.offset), f"unclosed math '{u.delimiter}': add the closing delimiter{hint}"))
    return problems
