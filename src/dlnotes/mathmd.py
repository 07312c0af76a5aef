"""Math in Markdown: the one parse that decides what is math, for Python-Markdown.

It replaces pymdownx.arithmatex, whose `$$` blocks must stand alone between blank lines: Typora
and Obsidian put `$$` on the line right after the text, so most display equations of notes
written there reached the page as text, with `_{...}` turned into italics and `(x, y; F)` into a
link. What counts as math:

- display: `$$...$$` anywhere in a paragraph (glued to the lines around it or inside a line),
  `\\[...\\]` from a line's start to a line's end (elsewhere `\\[1\\]` is an escaped bracket, as
  Markdown, Typora and Obsidian read it), and bare `\\begin{equation|align|...}` at a line's start,
  in any container (list item, blockquote, table cell, admonition, footnote). A preprocessor
  takes them out of the text before Python-Markdown reads blocks, so nothing inside (`\\\\`,
  `_`, `*`, `|`, `-` at a line's start, brackets) can become Markdown. It knows fenced and
  indented code, code spans (Python-Markdown's own backtick pattern), HTML comments and
  `<pre>`/`<script>`/`<style>` blocks, which never hold math. Display math ends at a blank line,
  except in Typora's math blocks (a `$$` line alone ... the next line ending in `$$`) when nothing
  in between looks like the prose after a forgotten closer (a `$`, a heading, a fence).
- inline: `\\(...\\)` and `$...$` with pandoc's rule (the opening `$` followed by a non-space,
  the closing `$` preceded by a non-space and not followed by a digit: `$5 and $10` stays text),
  and Typora's `$ x $` (spaces just inside, never before a digit), as inline patterns just below
  code spans, so code spans win. In table rows the preprocessor hides `|` inside inline math
  from the table's cell split.

Every formula goes to the HTML stash as `<span|div class="arithmatex" data-dlmath="N">` holding
its TeX (the table of contents reads that text); a postprocessor then puts typeset math in its
place, a page's formulas in one batch (dlnotes.mathtex: MathJax in node, cached). What cannot
be read (an opening delimiter without its closer) is a problem naming the opening delimiter's
line; the text stays as written. The site layer names the page and the line offset of its body
(begin_page), reads its problems (end_page) and, once its search has indexed the page with the
markers' TeX, ends its content with the glyphs (page_glyphs) and puts the typeset math in the
written page (place_math).
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any, cast

from markdown import Extension, Markdown
from markdown.inlinepatterns import (
    BACKTICK_RE,
    BacktickInlineProcessor,
    InlineProcessor,
)
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor

from .mathmodel import Formula, MathPage
from .problems import Problem

# Environments that are math on their own, as MathJax's TeX input knows them.
ENVIRONMENTS = (
    "equation",
    "align",
    "gather",
    "multline",
    "flalign",
    "alignat",
    "eqnarray",
    "aligned",
    "gathered",
    "alignedat",
    "cases",
    "split",
    "array",
    "matrix",
    "pmatrix",
    "bmatrix",
    "Bmatrix",
    "vmatrix",
    "Vmatrix",
    "smallmatrix",
    "subarray",
    "CD",
    "dcases",
    "rcases",
)
_BEGIN = re.compile(r"\\begin\{(" + "|".join(ENVIRONMENTS) + r")(\*?)\}")
# Container prefix of a line: blockquote markers, then indentation.
_PREFIX = re.compile(r"^((?:[ ]{0,3}>[ ]?)*)([ ]*)")
_FENCE = re.compile(r"(`{3,}|~{3,})")
_LIST_OR_CONTAINER = re.compile(r"(?:[*+-]|\d+[.)])(?:[ ]|$)|\[\^[^\]]+\]:|[!?]{3}\+?[ ]|:[ ]")
_RAW_OPEN = re.compile(r"<(pre|script|style|textarea)[\s>]", re.IGNORECASE)
_BACKTICK = re.compile(BACKTICK_RE, re.DOTALL)
_CODE_SPANS = BacktickInlineProcessor(BACKTICK_RE)
# Inline math (group "tex"); the other alternatives are even backslash runs before a delimiter,
# which are escaped backslashes, not escapes of the delimiter (as arithmatex does).
_DOLLAR_INLINE = (
    r"(?<!\\)(?P<escapes>(?:\\{2})+)(?=\$)"
    r"|(?<![\\$])\$(?![\s$])(?P<tex>(?:\\.|[^\\$\x02\x03])+?)(?<!\s)\$(?![$\d])"
    # Typora also reads "$ x $" as math: spaces just inside, but never "$5 and $10".
    r"|(?<![\\$])\$[^\S\n]*(?=[^\s$\d\x02\x03])(?P<spaced>(?:\\.|[^\\$\x02\x03])+?)[^\S\n]*\$(?![$\d])"
    r"|(?<![\\$])\$(?=[^\s$\d\x02\x03])(?P<lone>)"
)
_ROUND_INLINE = (
    r"(?<!\\)(?P<escapes2>(?:\\{2})+?)(?=\\\()"
    r"|(?<!\\)\\\((?P<tex2>(?:\\[^)]|[^\\\x02\x03])+?)\\\)"
    r"|(?<!\\)\\\((?P<lone2>)"
)
_INLINE = re.compile(_DOLLAR_INLINE, re.DOTALL)
_ROUND = re.compile(_ROUND_INLINE, re.DOTALL)
# A pipe inside inline math in a table row is kept from the table's cell split as this character.
_PIPE = "\ue01c"
# A blank line inside a Typora math block, while the block is read as one paragraph.
_BLANK = "\x1a"
_TABLE_ROW = re.compile(r"^\s*\|?.*\|")
_GLYPHS = '<svg class="mjx-glyphs" aria-hidden="true" focusable="false" style="display:none"><defs>{}</defs></svg>'
_MATHML = re.compile(r"<math\b[^>]*>(.*?)</math>", re.DOTALL)
_MARKER = re.compile(r'<(span|div) class="arithmatex( arithmatex-display)?" data-dlmath="(\d+)">[^<]*</\1>')
_MARKER_ATTRIBUTE = ' data-dlmath="'


# The page being converted. The site engine makes the Markdown instance itself, after the hook
# that knows the file: begin_page() names it, end_page() hands its problems back, and
# place_math() puts its typeset math in (MkDocs converts every page before it renders any
# template, so pages wait in _pages until then).
_current = MathPage()
_pages: dict[str, MathPage] = {}


def begin_page(file: str, line_offset: int = 0) -> None:
    """The next conversion is this file's body (its first line is line_offset + 1). Its typeset
    math is put in place by place_math(html, file)."""
    global _current
    _current = _pages[file] = MathPage(file, line_offset, deferred=True)


def end_page() -> list[Problem]:
    """The problems of the page just converted, in the order of their lines."""
    return sorted(_current.problems, key=lambda p: p.line or 0)


def page_glyphs(file: str) -> str:
    """The hidden SVG of every glyph the page's typeset formulas draw (to end its content)."""
    page = _pages.get(file)
    return glyphs_html(page.glyphs) if page is not None else ""


def place_math(html_text: str, file: str) -> str:
    """The page's HTML (its content or the whole written page) with its typeset formulas in
    place of their markers; the page is done with. Last: whatever parses the page before (the
    search index, the lightbox plugin's pass over the written page) reads the light markers,
    not the SVG that is most of a page's tags."""
    page = _pages.pop(file, None)
    first = html_text.find(_MARKER_ATTRIBUTE)
    if page is None or not page.typeset or first < 0:
        return html_text

    def put(m: re.Match[str]) -> str:
        tag, display, number = m.group(1), m.group(2) or "", int(m.group(3))
        typeset = page.typeset.get(number)
        return m.group(0) if typeset is None else f'<{tag} class="arithmatex{display}">{typeset}</{tag}>'

    # Only the stretch from the first marker to the last (a written page is mostly navigation).
    start = html_text.rfind("<", 0, first)
    closing = html_text.find("</", html_text.rfind(_MARKER_ATTRIBUTE))
    end = html_text.find(">", closing) + 1 if closing >= 0 else 0
    if start < 0 or end <= start:
        start, end = 0, len(html_text)
    return html_text[:start] + _MARKER.sub(put, html_text[start:end]) + html_text[end:]


def glyphs_html(glyphs: dict[str, str]) -> str:
    """One hidden SVG defining every glyph the page's formulas draw."""
    if not glyphs:
        return ""
    return _GLYPHS.format("".join(glyphs[k] for k in sorted(glyphs)))


# --- the preprocessor: display math, and pipes of inline math in table rows -------------------


class DisplayMath(Preprocessor):
    def __init__(
        self, md: Markdown, page: Callable[[], MathPage], store: Callable[[Formula, bool], str], reset: Callable[[], None]
    ):
        super().__init__(md)
        self.page = page
        self.store = store
        self.reset = reset

    def run(self, lines: list[str]) -> list[str]:
        self.md.dlmath_source = lines  # type: ignore[attr-defined]  # for locating inline math
        self.md.dlmath_cursor = 0  # type: ignore[attr-defined]
        self.reset()
        out: list[str] = []
        chunk: list[tuple[int, str]] = []

        def flush() -> None:
            if chunk:
                out.extend(self._chunk(chunk))
                chunk.clear()

        fence: tuple[str, int] | None = None  # (marker, depth of quote markers)
        raw_end: str | None = None
        code = False  # inside an indented code block
        container = False  # inside a list item, footnote, admonition: indented text is not code
        blank_before = True
        math_until = 0  # last line of a "$$" block that holds blank lines (Typora's)
        for number, line in enumerate(lines, 1):
            m = _PREFIX.match(line)
            assert m is not None
            depth, indent, body = m.group(1).count(">"), len(m.group(2)), line[m.end() :]
            if number <= math_until:
                chunk.append((number, line if body.strip() else _BLANK))
                continue
            if fence is not None:
                out.append(line)
                closing = _FENCE.match(body)
                if (
                    closing
                    and closing.group(1)[0] == fence[0][0]
                    and len(closing.group(1)) >= len(fence[0])
                    and not body[closing.end() :].strip()
                ):
                    fence = None
                continue
            if raw_end is not None:
                out.append(line)
                if raw_end in line.lower():
                    raw_end = None
                continue
            if not body.strip():
                flush()
                out.append(line)
                blank_before = True
                continue
            if code and (indent >= 4 or not body.strip()):
                out.append(line)
                continue
            code = False
            if indent >= 4 and blank_before and not container:
                flush()
                code = True
                out.append(line)
                continue
            opener = _FENCE.match(body)
            if opener:
                flush()
                fence = (opener.group(1), depth)
                out.append(line)
                blank_before = False
                continue
            if body.startswith("<!--") or _RAW_OPEN.match(body):
                flush()
                raw = _RAW_OPEN.match(body)
                end = "-->" if raw is None else f"</{raw.group(1).lower()}>"
                if end not in body[4:].lower():
                    raw_end = end
                out.append(line)
                blank_before = False
                continue
            if _LIST_OR_CONTAINER.match(body):
                container = True
            elif blank_before and indent < 4 and depth == 0:
                container = False
            blank_before = False
            if body.strip() == "$$" and sum(text.count("$$") for _, text in chunk) % 2 == 0:
                math_until = _block_end(lines, number)
            chunk.append((number, line))
        flush()
        return out

    def _chunk(self, chunk: list[tuple[int, str]]) -> list[str]:
        """A paragraph's lines with its display math replaced by placeholders."""
        text = "\n".join(line for _, line in chunk)
        if "$" not in text and "\\" not in text:
            return [line for _, line in chunk]
        if _BLANK in text:  # blank lines inside a Typora math block: the formula keeps them
            lines = self._chunk_text(chunk, text)
            return ["" if line == _BLANK else line for line in lines]
        return self._chunk_text(chunk, text)

    def _chunk_text(self, chunk: list[tuple[int, str]], text: str) -> list[str]:
        starts = [0]
        for _, line in chunk[:-1]:
            starts.append(starts[-1] + len(line) + 1)

        def line_at(pos: int) -> int:
            index = 0
            while index + 1 < len(starts) and starts[index + 1] <= pos:
                index += 1
            return index

        code = _code_spans(text)
        pieces: list[str] = []
        last = i = 0
        n = len(text)
        found: list[tuple[int, int, str, str]] = []  # (start, end, tex, source)
        while i < n:
            special = _DOLLAR_OR_BACKSLASH.search(text, i)  # what can start math; the rest is skipped
            if special is None:
                break
            i = special.start()
            ch = text[i]
            inside = next((e for s, e in code if s <= i < e), None)
            if inside is not None:
                i = inside
                continue
            if ch == "$":
                if text.startswith("$$", i):
                    end = _closing(text, i + 2, "$$")
                    if end is None:
                        self.page().problem(chunk[line_at(i)][0], "unclosed display math '$$': add '$$' after the formula")
                        i += 2
                        continue
                    found.append((i, end + 2, text[i + 2 : end], text[i : end + 2]))
                    i = end + 2
                    continue
                inline = _INLINE.match(text, i)
                i = inline.end() if inline and (inline.group("tex") or inline.group("spaced")) else i + 1
                continue
            # A backslash: an escape, display math \[...\], inline \(...\) or an environment.
            nxt = text[i + 1 : i + 2]
            if nxt == "[" and _starts_line(text, starts[line_at(i)], i):
                end = _closing(text, i + 2, "\\]")
                # Otherwise an escaped bracket, as Markdown, Typora and Obsidian read "\[1\]".
                if end is not None and not text[end + 2 :].split("\n", 1)[0].strip():
                    found.append((i, end + 2, text[i + 2 : end], text[i : end + 2]))
                    i = end + 2
                    continue
            elif nxt == "(":
                end = _closing(text, i + 2, "\\)")
                if end is not None:
                    i = end + 2
                    continue
            elif nxt == "b":
                env = _BEGIN.match(text, i)
                if env is not None and _starts_line(text, starts[line_at(i)], i):
                    name = env.group(1) + env.group(2)
                    end = _environment_end(text, env.end(), name)
                    if end is None:
                        self.page().problem(
                            chunk[line_at(i)][0],
                            f"unclosed math environment '\\begin{{{name}}}': add '\\end{{{name}}}' "
                            "(display math ends at a blank line)",
                        )
                        i = env.end()
                        continue
                    found.append((i, end, text[i:end], text[i:end]))
                    i = end
                    continue
            i += 2
        if not found:
            return self._protect_table_pipes([line for _, line in chunk])
        for start, end, tex, source in found:
            row = line_at(start)
            first_prefix = _PREFIX.match(chunk[row][1])
            quotes = first_prefix.group(1).count(">") if first_prefix else 0
            formula = Formula(
                _strip_prefixes(tex, quotes).replace(_BLANK, ""),
                True,
                _strip_prefixes(source, quotes).replace(_BLANK, ""),
                chunk[row][0],
            )
            alone = len(found) == 1 and not text[:start].strip(" >\n") and not text[end:].strip()
            pieces.append(text[last:start])
            pieces.append(self.store(formula, alone))
            last = end
        pieces.append(text[last:])
        return self._protect_table_pipes("".join(pieces).split("\n"))

    @staticmethod
    def _protect_table_pipes(lines: list[str]) -> list[str]:
        if not any("|" in line and ("$" in line or "\\(" in line) for line in lines):
            return lines
        return [_hide_pipes(line) if "|" in line and _TABLE_ROW.match(line) else line for line in lines]


_DOLLAR_OR_BACKSLASH = re.compile(r"[$\\]")
_ANY_INLINE = re.compile(f"(?:{_DOLLAR_INLINE})|(?:{_ROUND_INLINE})", re.DOTALL)


def _hide_pipes(row: str) -> str:
    """A table row with the pipes inside its inline math hidden from the table's cell split."""
    code = _code_spans(row)

    def hide(m: re.Match[str]) -> str:
        if any(s <= m.start() < e for s, e in code) or not (m.group("tex") or m.group("spaced") or m.group("tex2")):
            return m.group(0)
        return m.group(0).replace("|", _PIPE)

    return _ANY_INLINE.sub(hide, row)


def _block_end(lines: list[str], opener: int) -> int:
    """Typora's math blocks may hold blank lines: a `$$` line alone opens one, the next line
    ending in `$$` closes it. Such a block is read only when nothing in it looks like the prose
    after a forgotten closer (a dollar sign, a heading, a fence); then the line number of its
    closer, else 0 (display math ends at a blank line, and an unclosed `$$` is reported there)."""
    blank = False
    for index in range(opener, len(lines)):
        body = _PREFIX.sub("", lines[index])
        stripped = body.strip()
        if stripped.endswith("$$"):
            return index + 1 if blank and "$" not in stripped[:-2] else 0
        if not stripped:
            blank = True
        elif "$" in stripped or stripped.startswith("#") or _FENCE.match(stripped):
            return 0
    return 0


def _starts_line(text: str, line_start: int, i: int) -> bool:
    """Is offset i the first thing on its line, after a container prefix (quotes, list marker)?"""
    before = text[line_start:i].lstrip(" >")
    return not before or _LIST_OR_CONTAINER.fullmatch(before.rstrip() + " ") is not None


def _code_spans(text: str) -> list[tuple[int, int]]:
    """Code spans, as Python-Markdown's backtick pattern finds them."""
    spans: list[tuple[int, int]] = []
    pos = 0
    while (m := _BACKTICK.search(text, pos)) is not None:
        if m.group(1):  # escaped backslashes
            pos = m.end()
            continue
        # types-Markdown says `tuple[int, int] | None`; Markdown itself returns (start, None)
        # when no closing backticks match.
        start, end = cast("tuple[int, int | None]", _CODE_SPANS.find_code_spans(m.start(), text))
        if end is None:
            pos = start
            continue
        spans.append((m.start(), end + (start - m.start())))
        pos = spans[-1][1]
    return spans


def _closing(text: str, start: int, closer: str) -> int | None:
    """Offset of `closer` after `start`, skipping backslash escapes (`\\$` is a dollar sign)."""
    i, n = start, len(text)
    first = closer[0]
    while i < n:
        ch = text[i]
        if ch == "\\" and not (first == "\\" and text.startswith(closer, i)):
            i += 2
            continue
        if ch == first and text.startswith(closer, i):
            return i
        i += 1
    return None


def _environment_end(text: str, start: int, name: str) -> int | None:
    """End offset of the `\\end{name}` that closes an environment opened before `start`."""
    begin, end = f"\\begin{{{name}}}", f"\\end{{{name}}}"
    depth, i = 1, start
    while True:
        b, e = text.find(begin, i), text.find(end, i)
        if e == -1:
            return None
        if b != -1 and b < e:
            depth, i = depth + 1, b + len(begin)
            continue
        depth, i = depth - 1, e + len(end)
        if depth == 0:
            return i


def _strip_prefixes(tex: str, quotes: int) -> str:
    """Lines after the first lose the container prefix they carry in the Markdown."""
    lines = tex.split("\n")
    out = [lines[0]]
    for line in lines[1:]:
        for _ in range(quotes):
            stripped = line.lstrip(" ")
            if stripped.startswith(">"):
                line = stripped[1:]
        out.append(line.strip())
    return "\n".join(out).strip() if len(lines) > 1 else lines[0]


# --- inline patterns --------------------------------------------------------------------------


class InlineMath(InlineProcessor):
    def __init__(
        self,
        pattern: re.Pattern[str],
        md: Markdown,
        page: Callable[[], MathPage],
        store: Callable[[Formula, bool], str],
        delimiter: str,
    ):
        super().__init__(pattern.pattern, md)
        self.compiled_re = pattern
        self.page = page
        self.store = store
        self.delimiter = delimiter

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[Any, int | None, int | None]:  # type: ignore[override]
        groups = m.groupdict()
        escapes = groups.get("escapes") or groups.get("escapes2")
        if escapes:
            return escapes.replace("\\\\", _ESCAPED_BACKSLASH), m.start(0), m.end(0)
        tex = groups.get("tex") or groups.get("tex2") or groups.get("spaced")
        source = m.group(0).replace(_PIPE, "|")
        if not tex:
            line = locate(self.md, data[m.start(0) : m.start(0) + 40].split("\n")[0].split("\x02")[0])
            hint = " (or write \\$ for a dollar sign)" if self.delimiter == "$" else ""
            closer = "$" if self.delimiter == "$" else "\\)"
            self.page().problem(line, f"unclosed math '{self.delimiter}': add '{closer}' after the formula{hint}")
            return None, None, None
        tex = tex.replace(_PIPE, "|")
        formula = Formula(tex, False, source, locate(self.md, source.split("\n")[0]))
        return self.store(formula, False), m.start(0), m.end(0)


_ESCAPED_BACKSLASH = "\x02{}\x03".format(ord("\\"))


def locate(md: Markdown, snippet: str) -> int | None:
    """Line of the source where `snippet` (one line of it) is, searching on from the last found;
    inline patterns see a block's text, not where it came from."""
    lines: list[str] = getattr(md, "dlmath_source", [])
    snippet = snippet.replace(_PIPE, "|").strip()
    if not snippet:
        return None
    start: int = getattr(md, "dlmath_cursor", 0)
    for index in itertools.chain(range(start, len(lines)), range(start)):
        if snippet in lines[index]:
            md.dlmath_cursor = index  # type: ignore[attr-defined]
            return index + 1
    return None


# --- output -----------------------------------------------------------------------------------

Typeset = Callable[[list[Formula], MathPage], tuple[list[str], dict[str, str]]]


@lru_cache(maxsize=4096)
def _said(typeset: str) -> str | None:
    """A typeset formula's text, as read from its MathML ("Lθ"); None without MathML. Formulas
    recur across pages: each is read once."""
    words = _MATHML.search(typeset)
    if words is None:
        return None
    return " ".join(_TAG.sub(" ", words.group(1)).split()).replace(" ", "") or "…"


_TAG = re.compile(r"<[^>]+>")


class MathOutput(Postprocessor):
    """Puts a page's typeset formulas where their markers are, in one batch."""

    def __init__(self, md: Markdown, ext: MathExtension):
        super().__init__(md)
        self.ext = ext

    def run(self, text: str) -> str:
        formulas = self.ext.formulas
        # The toc extension runs postprocessors on its own HTML too; the site shows the headings'
        # text (toc_tokens), so the table of contents' copies are not typeset.
        if not formulas or text.startswith('<div class="toc">'):
            return text
        if self.ext.typeset is None:  # the TeX in arithmatex's format, for MathJax in a browser
            return _MARKER.sub(lambda m: m.group(0).replace(f' data-dlmath="{m.group(3)}"', ""), text)
        used = sorted({int(m.group(3)) for m in _MARKER.finditer(text)})
        if not used:  # the toc extension's run over a heading without math
            return text
        page = self.ext.page()
        outputs, glyphs = self.ext.typeset([formulas[i] for i in used], page)
        by_index = dict(zip(used, outputs, strict=True))
        if page.deferred:  # the site layer puts them in place (place_math)
            page.typeset.update(by_index)
            page.glyphs.update(glyphs)

            def readable(m: re.Match[str]) -> str:
                # Meanwhile the marker holds the formula as text ("Lθ"), which the table of
                # contents and the search index read.
                said = _said(by_index[int(m.group(3))])
                if said is None:
                    return m.group(0)
                tag, display = m.group(1), m.group(2) or ""
                return f'<{tag} class="arithmatex{display}" data-dlmath="{m.group(3)}">{said}</{tag}>'

            return _MARKER.sub(readable, text)

        def put(m: re.Match[str]) -> str:
            tag, display = m.group(1), m.group(2) or ""
            return f'<{tag} class="arithmatex{display}">{by_index[int(m.group(3))]}</{tag}>'

        return _MARKER.sub(put, text) + glyphs_html(glyphs)


class MathExtension(Extension):
    def __init__(self, **kwargs: Any):
        self.config = {
            "typeset": [True, "typeset with MathJax (dlnotes.mathtex); False leaves \\(...\\) for a browser"],
        }
        super().__init__(**kwargs)
        self.formulas: list[Formula] = []
        self.typeset: Typeset | None = None

    def page(self) -> MathPage:
        return _current

    def extendMarkdown(self, md: Markdown) -> None:
        md.registerExtension(self)
        self.md = md
        if "$" not in md.ESCAPED_CHARS:
            md.ESCAPED_CHARS.append("$")
        # After normalize_whitespace (30) and the citation extension's copy of the lines as written
        # (29: it finds each citation's line there), before fenced code (25).
        md.preprocessors.register(DisplayMath(md, self.page, self.store, self.reset), "dlnotes_math_display", 28)
        md.inlinePatterns.register(InlineMath(_ROUND, md, self.page, self.store, "\\("), "dlnotes_math_round", 189.95)
        md.inlinePatterns.register(InlineMath(_INLINE, md, self.page, self.store, "$"), "dlnotes_math_inline", 189.9)
        md.postprocessors.register(MathOutput(md, self), "dlnotes_math_output", 25)
        if self.getConfig("typeset"):
            from .mathtex import typeset_page  # node and MathJax only when typesetting

            self.typeset = typeset_page

    def reset(self) -> None:
        self.formulas = []

    def store(self, formula: Formula, block: bool) -> str:
        index = len(self.formulas)
        self.formulas.append(formula)
        self.page().formulas.append(formula)
        tex = html.escape(formula.tex, quote=False)
        wrapped = f"\\[{tex}\\]" if formula.display else f"\\({tex}\\)"
        tag = "div" if block else "span"
        display = " arithmatex-display" if formula.display and not block else ""
        return self.md.htmlStash.store(f'<{tag} class="arithmatex{display}" data-dlmath="{index}">{wrapped}</{tag}>')


def makeExtension(**kwargs: Any) -> MathExtension:
    return MathExtension(**kwargs)


# Math in text the site writes as HTML itself (reference titles: dlnotes.latex marks it so).
_HTML_MATH = re.compile(r'<span class="arithmatex">\\\((.+?)\\\)</span>', re.S)


def typeset_html_math(html_text: str, file: str) -> str:
    """`html_text` with the inline math that dlnotes.latex marked in generated HTML typeset, as
    the page's own math is (problems are the page's, like its own formulas')."""
    found = list(_HTML_MATH.finditer(html_text))
    if not found:
        return html_text
    from .mathtex import typeset_page

    page = MathPage(file)
    formulas = [Formula(html.unescape(m.group(1)), False, m.group(0), None) for m in found]
    outputs, glyphs = typeset_page(formulas, page)
    parts, last = [], 0
    for m, output in zip(found, outputs, strict=True):
        parts += [html_text[last : m.start()], f'<span class="arithmatex">{output}</span>']
        last = m.end()
    return "".join(parts) + html_text[last:] + glyphs_html(glyphs)
