"""The citation layer: finds `[@key]` citations in a note and turns them into footnotes.

Only real citations are touched. A citation is a bracketed group in prose (never in code, math,
links, HTML or after a backslash) made only of items `prefix @key, locator` separated by ";".
Anything else in brackets is left exactly as written. A bracket that looks like a citation but
is not well formed, or names an unknown key, is reported and left visible, never dropped.
"""

from __future__ import annotations

import html
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import keys, markdown_spans, mdparse
from .diskcache import DiskCache, code_version, digest
from .keys import KEY_PATTERN, KEY_RULE
from .markdown_spans import Unclosed, line_of, line_offsets, scan

_ITEM = re.compile(
    r"\s*(?P<prefix>[^@;\[\]]*?)(?:(?<=\s)|^)@(?P<key>" + KEY_PATTERN + r")"
    r"(?:\s*,\s*(?P<locator>[^;@\[\]]*?))?\s*$"
)
# A bracket is a citation attempt when an "@" starts a word inside it (not an e-mail address).
_LOOKS_LIKE_CITATION = re.compile(r"(?:^|[\s;])@[^\s@]")

FOOTNOTES_MARKER = "///Footnotes Go Here///"  # Python-Markdown's: where the author wants the list
# Excluded from search: its footnotes repeat bib data, which the References page has.
REFERENCES_HEADING = "## 参考文献 {#references data-search-exclude}"
# Where the footnote list goes in the rendered page until place_footnotes() puts it there: an
# HTML comment passes through Markdown untouched and is ignored by search indexers.
FOOTNOTES_SLOT = "<!-- dlnotes:footnotes -->"
# The back-link's tooltip. mkdocs.yml gives Python-Markdown's footnotes the same text, so a page
# whose footnotes it renders (see cite_page) reads the same.
BACKLINK_TITLE = "回到正文第 {} 个脚注处"
# A word Markdown leaves alone, standing for HTML that goes in after rendering.
_PLACEHOLDER = re.compile(r"dlnotesref(\d+)x")


@dataclass(frozen=True)
class CiteItem:
    key: str
    prefix: str = ""
    locator: str = ""


@dataclass(frozen=True)
class CitationGroup:
    start: int
    end: int
    line: int
    items: tuple[CiteItem, ...]
    in_heading: bool = False

    @property
    def text(self) -> str:
        return "; ".join(" ".join(p for p in (i.prefix, "@" + i.key) if p) + (f", {i.locator}" if i.locator else "") for i in self.items)


@dataclass
class CitationIssue:
    line: int
    message: str
    severity: str = "error"


@dataclass
class CitedPage:
    markdown: str
    cited: list[str] = field(default_factory=list)          # keys in order of first citation
    issues: list[CitationIssue] = field(default_factory=list)
    citation_lines: dict[str, list[int]] = field(default_factory=dict)
    # HTML mode: the footnote list, put in the rendered page by place_footnotes().
    footnotes_html: str = ""
    # HTML for placeholder n, swapped in by fill_placeholders(): footnote references (HTML mode)
    # or footnote texts (Markdown mode).
    placeholders: list[str] = field(default_factory=list)

    def placeholder(self, html: str) -> str:
        self.placeholders.append(html)
        return f"dlnotesref{len(self.placeholders) - 1}x"

    def fill_placeholders(self, html: str) -> str:
        """The rendered page with the HTML each placeholder stands for."""
        if not self.placeholders:
            return html
        return _PLACEHOLDER.sub(lambda m: self.placeholders[int(m.group(1))], html)

    def place_footnotes(self, html: str) -> str:
        """The rendered page with the footnote list where FOOTNOTES_SLOT is (as its own block)."""
        if not self.footnotes_html:
            return html
        for slot in (f"<p>{FOOTNOTES_SLOT}</p>", FOOTNOTES_SLOT):
            if slot in html:
                return html.replace(slot, self.footnotes_html, 1)
        return html + "\n" + self.footnotes_html

    def footnote_ids(self) -> set[str]:
        """Ids place_footnotes() adds to the page."""
        return {f"fn:{key}" for key in self.cited} if self.footnotes_html else set()


def citation_cache(path: Path) -> DiskCache:
    """Where each note's citations are, kept between builds (keyed by the note's text): finding
    them needs a Markdown block parse of every note before any page renders."""
    return DiskCache(path, code_version([sys.modules[__name__], markdown_spans, mdparse, keys], ["markdown-it-py"]))


def find_citations(markdown: str, cache: DiskCache | None = None) -> tuple[list[CitationGroup], list[CitationIssue], list[Unclosed]]:
    groups, issues, unclosed = _find_citations(markdown, cache)
    return list(groups), list(issues), list(unclosed)


_Found = tuple[tuple[CitationGroup, ...], tuple[CitationIssue, ...], tuple[Unclosed, ...]]


@lru_cache(maxsize=4096)  # the cited-in scan (before rendering) and the page itself ask for the same text
def _find_citations(markdown: str, cache: DiskCache | None) -> _Found:
    if cache is None:
        return _scan_citations(markdown)
    key = digest(markdown)
    found = cache.get(key)
    if found is None:
        found = _scan_citations(markdown)
        cache.put(key, found)
    return found


def _scan_citations(markdown: str) -> _Found:
    spans = scan(markdown)
    offsets = line_offsets(markdown)
    protected = spans.protected
    groups: list[CitationGroup] = []
    issues: list[CitationIssue] = []
    for start, end in spans.brackets:
        body = markdown[start + 1: end - 1]
        if not _LOOKS_LIKE_CITATION.search(body) or _overlaps(protected, start, end):
            continue
        line = line_of(offsets, start)
        items = []
        for part in body.split(";"):
            m = _ITEM.match(part)
            if not m:
                items = []
                break
            items.append(CiteItem(m.group("key"), " ".join(m.group("prefix").split()), " ".join((m.group("locator") or "").split())))
        if not items:
            issues.append(CitationIssue(line, f"malformed citation '[{body}]': write [@key], [@a; @b] or [see @key, p. 3]; a key may contain {KEY_RULE}"))
            continue
        in_heading = any(s <= start < e for s, e in spans.headings) or _heading_like(markdown, offsets, line)
        groups.append(CitationGroup(start, end, line, tuple(items), in_heading))
    # Nested brackets: keep the innermost citation only.
    groups = [g for g in groups if not any(o is not g and o.start <= g.start and g.end <= o.end for o in groups)]
    return tuple(groups), tuple(issues), tuple(spans.unclosed_math)


_ATX_START = re.compile(r"[ ]{0,3}(?:>[ ]?)*#")
_SETEXT_UNDERLINE = re.compile(r"[ ]{0,3}(?:>[ ]?)*(?:=+|-+)[ \t]*$")


def _heading_like(text: str, offsets: list[int], line: int) -> bool:
    """Could Python-Markdown read this line as a heading? It accepts some that CommonMark does
    not (`#Title`, headings in containers markdown-it sees otherwise): err on the heading side."""
    start = offsets[line - 1]
    if _ATX_START.match(text, start):
        return True
    if line < len(offsets):
        end = offsets[line + 1] - 1 if line + 1 < len(offsets) else len(text)
        return _SETEXT_UNDERLINE.match(text[offsets[line]:end]) is not None
    return False


def _overlaps(protected: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in protected)


def cite_page(
    markdown: str,
    known: Callable[[str], bool],
    reference_html: Callable[[str], str],
    suggest: Callable[[str], str | None] = lambda key: None,
    references_heading: str = REFERENCES_HEADING,
    reported: Callable[[str], bool] = lambda key: False,
    cache: DiskCache | None = None,
) -> CitedPage:
    """Replace citations by footnote references and add one footnote per cited entry, numbered in
    order of first citation, under a references heading at the end of the page (or where the
    author put the footnotes marker). `reference_html(key)` is the footnote's text, inline HTML.

    The footnotes come out the way Python-Markdown's footnotes extension writes them (same ids,
    classes, numbering and back-links, so themes and "cited in" links work on them), in one of
    two modes:
    - HTML mode, for a page without footnotes of its own: a reference is a placeholder word for
      fill_placeholders() (inline HTML in a heading, whose text becomes its anchor and TOC entry)
      and the list is `footnotes_html`, for place_footnotes(). Markdown never parses any of it:
      footnote and inline-HTML processing was most of what citations added to a build.
    - Markdown mode, when the author also wrote footnotes (`[^1]: ...`): citations become `[^key]`
      footnotes beside the author's, so Python-Markdown numbers them all together; their text is
      a placeholder for the reference's HTML.
    """
    # Unclosed math is reported by the math extension (dlnotes.mathmd), the parse that decides what is math.
    groups, issues, _unclosed = find_citations(markdown, cache)
    result = CitedPage(markdown, issues=issues)
    own_footnotes = set(_FOOTNOTE_DEFINITION.findall(markdown))
    html_mode = not own_footnotes
    refs_made: dict[str, int] = {}  # key -> references to it so far (HTML mode)
    out: list[str] = []
    last = 0
    for group in groups:
        out.append(markdown[last:group.start])
        last = group.end
        unknown = [item.key for item in group.items if not known(item.key)]
        if unknown:
            for key in unknown:
                if reported(key):  # its bib entry is broken and was reported there
                    continue
                hint = suggest(key)
                issues.append(CitationIssue(group.line, f"unknown citation key '{key}'" + (f" (did you mean '{hint}'?)" if hint else " (not in any bib file)")))
            # Keep the text visible as written, escaped so that it renders literally.
            out.append("\\[" + markdown[group.start + 1: group.end - 1] + "\\]")
            continue
        rendered = []
        for item in group.items:
            if item.key in own_footnotes:
                issues.append(CitationIssue(group.line, f"footnote label '[^{item.key}]' is also a citation key: rename the footnote"))
            if item.key not in result.citation_lines:
                result.cited.append(item.key)
            result.citation_lines.setdefault(item.key, []).append(group.line)
            if html_mode:
                refs_made[item.key] = refs_made.get(item.key, 0) + 1
                ref = footnote_ref_html(item.key, result.cited.index(item.key) + 1, refs_made[item.key])
                if not group.in_heading:
                    ref = result.placeholder(ref)
            else:
                ref = f"[^{item.key}]"
            rendered.append(" ".join(p for p in (item.prefix, ref) if p) + (f", {item.locator}" if item.locator else ""))
        decorated = any(item.prefix or item.locator for item in group.items)
        out.append(("(" + "; ".join(rendered) + ")") if decorated else "".join(rendered))
    out.append(markdown[last:])
    text = "".join(out)
    if result.cited:
        marker = _marker_line(text)
        if marker is None:
            text = text.rstrip("\n") + f"\n\n{references_heading}\n\n{FOOTNOTES_MARKER}\n"
            marker = _marker_line(text)
            assert marker is not None
        if html_mode:
            text = text[:marker.start()] + FOOTNOTES_SLOT + text[marker.end():]
            result.footnotes_html = footnotes_html([(key, reference_html(key), refs_made[key]) for key in result.cited])
        else:
            definitions = "\n\n".join(f"[^{key}]: {result.placeholder(reference_html(key))}" for key in result.cited)
            text = text.rstrip("\n") + "\n\n" + definitions + "\n"
    result.markdown = text
    return result


_MARKER_LINE = re.compile(r"^[ ]{0,3}" + re.escape(FOOTNOTES_MARKER) + r"[ \t]*$", re.M)


def _marker_line(text: str) -> re.Match[str] | None:
    """The first line that is only the footnotes marker, outside code and HTML blocks (a marker
    quoted in code or in a sentence stays as written)."""
    candidates = list(_MARKER_LINE.finditer(text))
    if not candidates:
        return None
    blocks, _headings = markdown_spans.block_ranges(text)
    return next((m for m in candidates if not any(s <= m.start() < e for s, e in blocks)), None)


_FOOTNOTE_DEFINITION = re.compile(r"^[ ]{0,3}\[\^([^\]]+)\]:", re.M)


def _ref_id(key: str, n: int) -> str:
    return f"fnref:{key}" if n == 1 else f"fnref{n}:{key}"


def footnote_ref_html(key: str, number: int, n: int = 1) -> str:
    """The `n`th reference to footnote `number`, labelled `key`, as Python-Markdown writes it."""
    key = html.escape(key)
    return f'<sup id="{_ref_id(key, n)}"><a class="footnote-ref" href="#fn:{key}">{number}</a></sup>'


def footnotes_html(footnotes: list[tuple[str, str, int]]) -> str:
    """The footnote list, as Python-Markdown writes it: (key, text as inline HTML, references to it)."""
    items = []
    for number, (key, text, refs) in enumerate(footnotes, start=1):
        key = html.escape(key)
        title = html.escape(BACKLINK_TITLE.format(number))
        backlinks = "".join(f'<a class="footnote-backref" href="#{_ref_id(key, n)}" title="{title}">&#8617;</a>'
                            for n in range(1, refs + 1))
        items.append(f'<li id="fn:{key}">\n<p>{text}&#160;{backlinks}</p>\n</li>')
    return '<div class="footnote">\n<hr />\n<ol>\n' + "\n".join(items) + "\n</ol>\n</div>"
