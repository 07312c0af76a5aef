"""Citations in pandoc's syntax, found by Python-Markdown's own parse (a Markdown extension).

What is code, math, raw HTML, a link or an escape is decided by the renderer, not by a second
parser: the two inline processors here run after Python-Markdown and pymdownx have stashed code
spans, escapes, math (arithmatex), links, autolinks and inline HTML, so what they see as text is
prose. Because they are inline processors, they see every place Python-Markdown renders inline
Markdown (admonitions, details, tabs, footnotes, lists, definition lists, tables, blockquotes,
headings, HTML with `markdown="1"`/`"span"`) and nothing else.

Syntax (pandoc's manual, "Citation syntax"):
- `[see @a, p. 33; also @b chap. 1]`: a cluster of items `prefix @key suffix`, separated by `;`
  (or the full-width `；`); `-@key` suppresses the author; the suffix may start with a locator,
  with or without a comma (`，` counts as one), braced as `{pp. iv, vi-xi}`.
- `@key` in running text (author in text), optionally followed by `[p. 33]` or a bracketed
  cluster. Deliberately, it is a citation only when the key is in the bibliography, so `@user`
  handles, e-mail addresses and `@decorators` stay text.
- keys: see dlnotes.keys (pandoc's rule, braced keys `@{...}`, any BibTeX key that is known).

A bracket that holds something citation-like (an `@` starting a word) but cannot be read, or a
citation naming an unknown key, is a problem with its line; its text stays on the page as written.

Lines: Python-Markdown keeps no source positions. A preprocessor keeps the page's lines; after
the inline pass a tree processor visits the citations in reading order and finds each one's
`@key` in the source, the n-th citation of a key at its n-th occurrence (code that quotes the same
`@key` before it can shift the line it names).

Output: footnote references (numbers, see README "Citing"); each cited key gets a footnote whose
text the caller supplies after rendering (`PageCitations.finish`). When the site has a CSL style
(`CitationExtension(styled=...)`), each citation is instead a placeholder that
`PageCitations.finish_styled` replaces with the style's text ("[1, 3–5]", "Bahdanau 等[2]",
"(Bahdanau et al., 2014)"), linked to the footnote of its first key; the footnotes are then the
page's own reference list, in the style's order, apart from the author's footnotes.
"""

from __future__ import annotations

import bisect
import html
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass, field

from markdown import Markdown, util
from markdown.extensions import Extension
from markdown.extensions.footnotes import (
    FN_BACKLINK_TEXT,
    NBSP_PLACEHOLDER,
    FootnoteExtension,
)
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import InlineProcessor as InlineTreeprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import Processor

from .citemodel import Citation, CiteItem, Mode
from .keys import KEY_RULE, read_key

FOOTNOTES_MARKER = "///Footnotes Go Here///"  # Python-Markdown's: where the author wants the list
# Where the footnote list goes in the rendered page until PageCitations.place_footnotes puts it
# there (after search indexing): an HTML comment, ignored by search indexers.
FOOTNOTES_SLOT = "<!-- dlnotes:footnotes -->"
REFERENCES_TITLE, REFERENCES_ID = "参考文献", "references"
# The back-link's tooltip; mkdocs.yml gives Python-Markdown's footnotes the same text.
BACKLINK_TITLE = "回到正文第 {} 个脚注处"
_PLACEHOLDER = re.compile(r"dlnotesref(\d+)x")  # a word Markdown leaves alone, filled after rendering
# A styled citation until finish_styled() writes it: a footnote reference (so toc leaves it out of
# headings' anchors, as it does footnotes) holding the citation's number on the page.
_STYLED = re.compile(r'<sup id="[^"]*">dlnotescite(\d+)x</sup>')
_SUPERSCRIPT = re.compile(r"(.*?)<sup>((?:(?!</?sup>).)*)</sup>", re.DOTALL)

_CITE, _PRE, _SUF, _REF = "dlnotes-cite", "dlnotes-pre", "dlnotes-suf", "dlnotes-ref"
_ESCAPED = re.compile(util.STX + r"(\d+)" + util.ETX)
# An "@" that starts a key (not inside a word: e-mail addresses), optionally after "-".
_KEY_START = re.compile(r"(?<![\w@])(-?)@(?=[\w{])")
_SEMICOLONS = ";；"
_INTEXT_BEFORE = re.compile(r"(?<![\w/:.@+&%#~=\\-])-?@\{?([^\s{}]+?)\}?[ \t]*\n?[ \t]*$")
_ESCAPED_BRACKET = util.STX + str(ord("[")) + util.ETX

# Locator terms (CSL's English locator terms, abbreviated and long, and common Chinese ones).
_LABELS: dict[str, str] = {}
for _label, _terms in {
    "page": "p. pp. pg. pgs. page pages 页",
    "chapter": "chap. chaps. ch. chs. chapter chapters 章",
    "section": "sec. secs. section sections § §§ 节",
    "figure": "fig. figs. figure figures 图",
    "volume": "vol. vols. volume volumes 卷",
    "issue": "no. nos. number numbers issue issues 期",
    "paragraph": "para. paras. paragraph paragraphs ¶ ¶¶ 段",
    "line": "l. ll. line lines 行",
    "note": "n. nn. note notes 注",
    "book": "bk. bks. book books",
    "column": "col. cols. column columns 栏",
    "part": "pt. pts. part parts",
    "verse": "v. vv. verse verses",
    "equation": "eq. eqs. equation equations 式",
    "table": "tab. tbl. table tables 表",
    "algorithm": "alg. algorithm algorithms",
    "appendix": "app. appendix appendices",
    "sub-verbo": "s.v. s.vv.",
}.items():
    for _term in _terms.split():
        _LABELS[_term.casefold()] = _label
_TERM = "|".join(re.escape(t) for t in sorted(_LABELS, key=len, reverse=True))
_UNIT = r"(?:[0-9][\w.:\-–—/]*|(?=[ivxlcdmIVXLCDM]+\b)[ivxlcdmIVXLCDM]+(?:[\-–—][\w.]+)?)"
_LOCATOR = re.compile(
    r"\s*[,，]?\s*(?:\{\s*(?:(?P<blabel>" + _TERM + r")\s*)?(?P<braced>[^{}]*)\}"
    r"|(?:(?P<label>" + _TERM + r")\s*(?P<loc>" + _UNIT + r"(?:\s*(?:[,，&]|and)\s*" + _UNIT + r")*)"
    r"|(?P<page>[0-9][\w.:\-–—/]*(?:\s*[,，&]\s*[0-9][\w.:\-–—/]*)*))(?![\w{]))",
    re.IGNORECASE,
)


def parse_locator(suffix: str) -> tuple[str | None, str | None, str]:
    """(locator, label, rest of the suffix) as citeproc reads a suffix: `, p. 33` -> ("33",
    "page", ""), `chap. 3 and more` -> ("3", "chapter", "and more"), `, {pp. iv, vi-xi}`."""
    m = _LOCATOR.match(suffix)
    if m is None:
        return None, None, suffix.strip()
    rest = suffix[m.end() :].strip()
    if m.group("braced") is not None:
        if not m.group("braced").strip() and not m.group("blabel"):  # "{}": no locator
            return None, None, rest
        label = _LABELS[m.group("blabel").casefold()] if m.group("blabel") else "page"
        return m.group("braced").strip(), label, rest
    if m.group("label"):
        return m.group("loc"), _LABELS[m.group("label").casefold()], rest
    return m.group("page"), "page", rest


@dataclass(frozen=True)
class RawItem:
    """One item as written: text may hold Python-Markdown's placeholders."""

    prefix: str
    key: str
    braced: bool
    suppress: bool
    suffix: str  # everything after the key, as pandoc's citationSuffix (comma included)


def split_items(content: str) -> list[str]:
    """The parts of a bracket between `;` at bracket depth 0."""
    parts, depth, start = [], 0, 0
    for i, c in enumerate(content):
        if c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
        elif c in _SEMICOLONS and depth == 0:
            parts.append(content[start:i])
            start = i + 1
    parts.append(content[start:])
    return parts


def parse_cluster(content: str, known: Callable[[str], bool]) -> list[RawItem] | None:
    """The items of a bracket's content (`see @a, p. 3; @b`), or None if it is not a citation."""
    items = []
    for part in split_items(content):
        # The key starts the first "@" outside nested brackets ("[see [x] @a]"); in
        # "[text [@a] more]" the inner bracket is the citation, not the outer one.
        m = next((k for k in _KEY_START.finditer(part) if part.count("[", 0, k.start()) == part.count("]", 0, k.start())), None)
        if m is None:
            return None
        found = read_key(part, m.end(), known)
        if found is None:
            return None
        key, end, braced = found
        items.append(RawItem(" ".join(part[: m.start()].split()), key, braced, m.group(1) == "-", part[end:]))
    return items


def looks_like_citation(text: str) -> bool:
    return _KEY_START.search(text) is not None


@dataclass
class _Cluster:
    items: list[RawItem]
    intext: bool
    raw: str  # as written, for messages
    problem: str | None = None
    element: etree.Element | None = None
    written: str = ""  # the source text around its start, to find its line (see _SourceLines)


@dataclass
class PageCitations:
    """What the extension found on one page, and the footnotes it needs."""

    citations: list[Citation] = field(default_factory=list)  # reading order
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line in the page, message)
    cited: list[str] = field(default_factory=list)  # keys in order of first citation
    html_mode: bool = True  # False: the page has footnotes of its own, ours join Python-Markdown's
    refs: dict[str, int] = field(default_factory=dict)  # key -> references to it (HTML mode)
    footnotes_html: str = ""
    placeholders: list[str] = field(default_factory=list)  # keys whose text a placeholder stands for
    styled: bool = False  # citations are placeholders for the style's text (finish_styled)
    cluster_refs: list[list[tuple[str, str]]] = field(default_factory=list)  # per citation: (key, its fnref id)

    def placeholder(self, key: str) -> str:
        self.placeholders.append(key)
        return f"dlnotesref{len(self.placeholders) - 1}x"

    def finish(self, html_text: str, reference_html: Callable[[str], str]) -> str:
        """The rendered page with each cited entry's text (`reference_html(key)`, inline HTML):
        in the footnotes Python-Markdown wrote, or as `footnotes_html` for place_footnotes()."""
        if self.html_mode and self.cited:
            self.footnotes_html = footnotes_html([(key, reference_html(key), self.refs[key]) for key in self.cited])
        if self.placeholders:
            html_text = _PLACEHOLDER.sub(lambda m: reference_html(self.placeholders[int(m.group(1))]), html_text)
        return html_text

    def finish_styled(
        self,
        html_text: str,
        citation_html: Callable[[int], str],
        bibliography: list[tuple[str, str]],
        reference_html: Callable[[str, str | None], str],
        numeric: bool,
    ) -> str:
        """The rendered page with each citation as the style writes it (`citation_html(i)`, the
        page's `i`-th citation in reading order) and its reference list: `bibliography` is the
        style's (key, text) in the style's order, numbered as the style numbers; keys it lacks
        (entries that could not be formatted) follow. `reference_html(key, text)`: the footnote's
        inline HTML, from the style's text (None for those keys). `numeric`: the style prints
        numbers (superscript citations are linked as footnote references; the list is numbered)."""
        texts = dict(bibliography)
        order = [k for k in texts if k in self.refs] + [k for k in self.cited if k not in texts]
        number = {key: n for n, key in enumerate(order, start=1)}
        if order:
            self.footnotes_html = footnotes_html(
                [(key, reference_html(key, texts.get(key)), self.refs[key]) for key in order], numbered=numeric
            )

        def citation(m: re.Match[str]) -> str:
            index = int(m.group(1))
            refs = self.cluster_refs[index]
            text = citation_html(index)
            if not re.sub(r"<[^>]+>", "", text).strip():  # nothing the style could write: the numbers
                text = "<sup>[" + ", ".join(str(number[key]) for key, _ in refs) + "]</sup>"
            return styled_citation_html(text, refs, numeric)

        return _STYLED.sub(citation, html_text)

    def place_footnotes(self, html_text: str) -> str:
        """The rendered page with the footnote list where FOOTNOTES_SLOT is."""
        if not self.footnotes_html:
            return html_text
        if FOOTNOTES_SLOT in html_text:
            return html_text.replace(FOOTNOTES_SLOT, self.footnotes_html, 1)
        return html_text + "\n" + self.footnotes_html

    def footnote_ids(self) -> set[str]:
        """Ids place_footnotes() adds to the page."""
        return {f"fn:{key}" for key in self.cited} if self.html_mode else set()

    def keys(self) -> list[str]:
        return list(self.cited)


class _State:
    """Per Markdown instance (per page): the clusters in the order the inline pass met them."""

    def __init__(self, md: Markdown, ext: CitationExtension) -> None:
        self.md, self.ext = md, ext
        self.reset()

    def reset(self) -> None:
        self.lines: list[str] = []
        self.clusters: list[_Cluster] = []
        self.marker_found = False
        self.page = PageCitations()
        self.ext.last = self.page

    def footnotes(self) -> FootnoteExtension | None:
        """Python-Markdown's footnotes extension, if the page uses it."""
        for ext in self.md.registeredExtensions:
            if isinstance(ext, FootnoteExtension):
                return ext
        return None

    def stash(self) -> dict[str, str | etree.Element]:
        """What the inline pass has put aside so far (code spans, escapes, math, links...)."""
        inline = self.md.treeprocessors["inline"]
        assert isinstance(inline, InlineTreeprocessor)
        return inline.stashed_nodes

    def text(self, raw: str) -> str:
        """Text with Python-Markdown's placeholders turned back into what they show."""
        if util.STX not in raw:  # every placeholder starts with it
            return raw
        stash = self.stash()

        def unstash(m: re.Match[str]) -> str:
            value = stash.get(m.group(1))
            return value if isinstance(value, str) else "".join(value.itertext()) if value is not None else ""

        raw = util.INLINE_PLACEHOLDER_RE.sub(unstash, raw)
        blocks = self.md.htmlStash.rawHtmlBlocks  # code spans of pymdownx.inlinehilite
        raw = re.sub(
            util.HTML_PLACEHOLDER % r"(\d+)", lambda m: html.unescape(re.sub(r"<[^>]*>", "", str(blocks[int(m.group(1))]))), raw
        )
        return _ESCAPED.sub(lambda m: "\\" + chr(int(m.group(1))), raw)

    def unknown(self, items: list[RawItem]) -> str | None:
        """None when every key is known; else the problem ("" when the key's bib entry is broken
        and was reported there)."""
        ext = self.ext
        for item in items:
            if not ext.known(item.key):
                if ext.reported(item.key):
                    return ""
                hint = ext.suggest(item.key)
                return f"unknown citation key '{item.key}'" + (f" (did you mean '{hint}'?)" if hint else " (not in any bib file)")
        return None

    def raw(self, data: str, start: int, end: int, problem: str, items: list[RawItem]) -> tuple[etree.Element, int, int]:
        """Text that stays as written (Markdown inside it still renders) and is reported."""
        self.clusters.append(_Cluster(items, False, self.text(data[start:end]), problem=problem, written=_written(data, start)))
        el = etree.Element(_CITE, {"data-i": str(len(self.clusters) - 1), "data-raw": "1"})
        el.text = data[start:end]
        return el, start, end

    def escaped_bracket_before(self, data: str, pos: int) -> bool:
        head = data[max(pos - 20, 0) : pos]
        m = re.search(util.INLINE_PLACEHOLDER_RE.pattern + "$", head)
        return m is not None and self.stash().get(m.group(1)) == _ESCAPED_BRACKET

    def add(self, cluster: _Cluster) -> int:
        self.clusters.append(cluster)
        return len(self.clusters) - 1

    def element(self, index: int) -> etree.Element:
        cluster = self.clusters[index]
        el = etree.Element(_CITE, {"data-i": str(index)})
        cluster.element = el
        self.fill(el, cluster)
        return el

    def fill(self, el: etree.Element, cluster: _Cluster) -> None:
        """Prefix, reference and suffix of each item, as the footnote references show them:
        `[see @a, p. 3; @b]` -> (see ¹, p. 3; ²), `[@a; @b]` -> ¹², `@a [p. 3]` -> ¹, p. 3."""
        el.text = ""
        for child in list(el):
            el.remove(child)
        last: list[etree.Element] = []

        def put(text: str) -> None:
            if not last:
                el.text = (el.text or "") + text
            else:
                last[-1].tail = (last[-1].tail or "") + text

        def write(items: list[RawItem]) -> None:
            decorated = any(i.prefix or i.suffix.strip(" ,，") for i in items)
            put("(" if decorated else "")
            for n, item in enumerate(items):
                put("; " if n and decorated else "")
                if item.prefix:
                    last.append(etree.SubElement(el, _PRE))
                    last[-1].text = item.prefix
                    put(" ")
                last.append(etree.SubElement(el, _REF, {"data-key": item.key}))
                suffix = _shown_suffix(item.suffix)
                if suffix:
                    last.append(etree.SubElement(el, _SUF))
                    last[-1].text = suffix
            put(")" if decorated else "")

        if cluster.intext:
            first = cluster.items[0]
            last.append(etree.SubElement(el, _REF, {"data-key": first.key}))
            suffix = _shown_suffix(first.suffix)
            if suffix:
                last.append(etree.SubElement(el, _SUF))
                last[-1].text = suffix
            if len(cluster.items) > 1:
                put(" ")
                write(cluster.items[1:])
        else:
            write(cluster.items)


def _shown_suffix(suffix: str) -> str:
    """A suffix as the page shows it: after a comma, a braced locator without its braces."""
    suffix = suffix.strip()
    if not suffix:
        return ""
    suffix = re.sub(r"^([,，]?\s*)\{([^{}]*)\}", r"\1\2", suffix)
    return suffix if suffix[0] in ",，" else ", " + suffix


class _BracketProcessor(InlineProcessor):
    """`[see @a, p. 3; @b]`: runs after links, inline HTML and autolinks have been stashed."""

    ANCESTOR_EXCLUDES = ("a",)

    def __init__(self, state: _State) -> None:
        super().__init__(r"\[", state.md)
        self.state = state

    # type-stub gap: types-Markdown gives InlineProcessor the old Pattern.handleMatch signature.
    def handleMatch(self, m: re.Match[str], data: str) -> tuple[etree.Element | str | None, int | None, int | None]:  # type: ignore[override]
        start = m.start()
        close = _closing(data, start)
        if close is None:
            return None, None, None
        end = close + 1
        content = data[start + 1 : close]
        if not looks_like_citation(content):
            return None, None, None
        state = self.state
        items = parse_cluster(content, state.ext.known)
        if items is None:
            before = _INTEXT_BEFORE.search(data, 0, start)
            if before is not None and state.ext.known(before.group(1)):  # "@a [p. 33; @b]": in-text
                return None, None, None
            if "[" in content:  # "[text [@a] more]": the inner bracket may be the citation
                return None, None, None
            return state.raw(
                data,
                start,
                end,
                (
                    f"malformed citation '{state.text(data[start:end])}': write [@key], [@a; @b], [see @key, p. 3]"
                    f" or [-@key]; a key with other characters goes in braces, @{{key}} ({KEY_RULE})"
                ),
                [],
            )
        problem = state.unknown(items)
        if problem is not None:
            return state.raw(data, start, end, problem, items)
        index = state.add(_Cluster(items, False, state.text(data[start:end]), written=_written(data, start)))
        return state.element(index), start, end


class _InTextProcessor(InlineProcessor):
    """`@key`, `@key [p. 3]`, `@key [-@b; @c]`, `@{key}`: only for keys in the bibliography
    (a braced one that is not is reported)."""

    ANCESTOR_EXCLUDES = ("a", _CITE, _PRE, _SUF)

    def __init__(self, state: _State) -> None:
        super().__init__(r"(?<![\w/:.@+&%#~=\\-])(-?)@(?=[\w{])", state.md)
        self.state = state

    # type-stub gap: types-Markdown gives InlineProcessor the old Pattern.handleMatch signature.
    def handleMatch(self, m: re.Match[str], data: str) -> tuple[etree.Element | str | None, int | None, int | None]:  # type: ignore[override]
        state = self.state
        if state.escaped_bracket_before(data, m.start()):  # "\[@a]" is text
            return None, None, None
        found = read_key(data, m.end(), state.ext.known)
        if found is None:
            return None, None, None
        key, end, braced = found
        first = RawItem("", key, braced, m.group(1) == "-", "")
        if not state.ext.known(key):
            if not braced:
                return None, None, None
            problem = state.unknown([first])
            assert problem is not None
            return state.raw(data, m.start(), end, problem, [first])
        items, stop = [first], end
        after = re.match(r"[ \t]*\n?[ \t]*", data[end:])
        j = end + (after.end() if after else 0)
        # "@key [-@b; @c]": a bracketed cluster right after, already read -> one cluster.
        placeholder = util.INLINE_PLACEHOLDER_RE.match(data, j)
        if placeholder is not None:
            node = state.stash().get(placeholder.group(1))
            if isinstance(node, etree.Element) and node.tag == _CITE and "data-raw" not in node.attrib:
                cluster = state.clusters[int(node.get("data-i", "0"))]
                cluster.items[:0] = [first]
                cluster.intext = True
                cluster.raw = state.text(data[m.start() : placeholder.end()])
                cluster.written = _written(data, m.start())
                state.fill(node, cluster)
                return node, m.start(), placeholder.end()
        elif data.startswith("[", j) and not data.startswith("[^", j):
            close = _closing(data, j)
            if close is not None and not data.startswith(("[", "(", "{"), close + 1):
                content = data[j + 1 : close]
                cut = min((content.find(c) for c in _SEMICOLONS if c in content), default=-1)
                head, tail = (content, None) if cut < 0 else (content[:cut], content[cut + 1 :])
                rest = parse_cluster(tail, state.ext.known) if tail is not None else []
                if rest is not None and not looks_like_citation(head) and state.unknown(rest) is None:
                    items = [RawItem("", key, braced, first.suppress, head), *rest]
                    stop = close + 1
        index = state.add(_Cluster(items, True, state.text(data[m.start() : stop]), written=_written(data, m.start())))
        return state.element(index), m.start(), stop


def _closing(data: str, start: int) -> int | None:
    depth = 0
    for i in range(start, len(data)):
        depth += (data[i] == "[") - (data[i] == "]")
        if depth == 0:
            return i
    return None


class _Stateful(Processor):
    """A processor of this extension: it shares the page's state with the others."""

    def __init__(self, state: _State) -> None:
        super().__init__(state.md)
        self.state = state


class _LinesPreprocessor(_Stateful, Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        self.state.reset()  # a new document
        self.state.lines = list(lines)
        return lines


class _MarkerTreeprocessor(_Stateful, Treeprocessor):
    """Before Python-Markdown's footnotes place their list: did the author write the marker?"""

    def run(self, root: etree.Element) -> None:
        self.state.marker_found = _marker_paragraph(root, self.state.ext.list_place()[0]) is not None


def _marker_paragraph(root: etree.Element, command: str = "") -> tuple[etree.Element, etree.Element] | None:
    """The paragraph that is Python-Markdown's footnote marker, or `command` (`\\bibliography`)."""
    markers = {FOOTNOTES_MARKER, command} - {""}
    for parent in root.iter():
        for child in parent:
            if child.tag == "p" and len(child) == 0 and (child.text or "").strip() in markers:
                return child, parent
    return None


class _CitationTreeprocessor(_Stateful, Treeprocessor):
    """After the inline pass: citations in reading order, their lines, references and problems."""

    def run(self, root: etree.Element) -> None:
        state, page = self.state, self.state.page
        fx = state.footnotes()
        page.styled = state.ext.styled()
        # Styled citations carry the style's numbers: their list is the page's own, apart from
        # the author's footnotes (which Python-Markdown numbers alone).
        page.html_mode = page.styled or not (fx is not None and fx.footnotes)
        if not state.clusters:
            return
        found = _SourceLines(state.lines)
        parents = {child: parent for parent in root.iter() for child in parent if child.tag == _CITE}
        seen: set[str] = set()
        for el in list(root.iter(_CITE)):  # reading order
            index = el.get("data-i", "0")
            cluster = state.clusters[int(index)]
            line = found.line(cluster) if index not in seen else 0
            if index in seen:  # the same stashed node met again (footnote texts): once is enough
                pass
            elif cluster.problem is not None:
                if cluster.problem:
                    page.problems.append((line, cluster.problem))
            else:
                items = [RawItem(state.text(i.prefix), i.key, i.braced, i.suppress, state.text(i.suffix)) for i in cluster.items]
                page.citations.append(Citation(tuple(_item(i, cluster.intext and n == 0) for n, i in enumerate(items)), line))
                if page.styled:
                    self.styled_reference(el, [i.key for i in items], fx, line)
                else:
                    for ref in el.iter(_REF):
                        self.reference(ref, ref.get("data-key", ""), fx, line)
                    for child in list(el):
                        if child.tag in (_PRE, _SUF):
                            _unwrap(child, el)
            seen.add(index)
            _unwrap(el, parents[el])
        page.problems = list(dict.fromkeys(page.problems))  # footnote texts may be read twice
        if page.cited:
            self.place_list(root, fx)
            if fx is not None and not page.html_mode:
                self.number_footnotes(root, fx)

    def reference(self, ref: etree.Element, key: str, fx: FootnoteExtension | None, line: int) -> None:
        page = self.state.page
        if key not in page.cited:
            page.cited.append(key)
        ref.tag, ref.attrib = "sup", {}
        a = etree.SubElement(ref, "a", {"class": "footnote-ref", "href": f"#fn:{key}"})
        if page.html_mode:
            page.refs[key] = page.refs.get(key, 0) + 1
            ref.set("id", _ref_id(key, page.refs[key]))
            a.text = str(page.cited.index(key) + 1)
            return
        assert fx is not None
        if key in fx.footnotes and key not in page.refs:
            page.problems.append((line, f"footnote label '[^{key}]' is also a citation key: rename the footnote"))
        page.refs[key] = 1
        ref.set("data-key", key)  # numbered with the author's footnotes by number_footnotes()

    def styled_reference(self, el: etree.Element, keys: list[str], fx: FootnoteExtension | None, line: int) -> None:
        """The citation becomes a placeholder for the style's text (PageCitations.finish_styled),
        each of its keys a reference to its footnote (fnref:KEY, fnref2:KEY... in reading order)."""
        page = self.state.page
        refs = []
        for key in dict.fromkeys(keys):
            if key not in page.cited:
                page.cited.append(key)
                if fx is not None and key in fx.footnotes:
                    page.problems.append((line, f"footnote label '[^{key}]' is also a citation key: rename the footnote"))
            page.refs[key] = page.refs.get(key, 0) + 1
            refs.append((key, _ref_id(key, page.refs[key])))
        page.cluster_refs.append(refs)
        for child in list(el):
            el.remove(child)
        el.text = ""
        sup = etree.SubElement(el, "sup", {"id": refs[0][1]})
        sup.text = f"dlnotescite{len(page.citations) - 1}x"

    def number_footnotes(self, root: etree.Element, fx: FootnoteExtension) -> None:
        """Number the author's footnote references and ours together, in reading order, with
        Python-Markdown's ids (fnref:x, fnref2:x, ... in reading order too)."""
        refs: list[tuple[etree.Element, etree.Element, str]] = []
        prefix = "#" + fx.makeFootnoteId("")
        for sup in root.iter("sup"):
            a = sup.find("a")
            if a is None or a.get("class") != "footnote-ref":
                continue
            key = sup.attrib.pop("data-key", None) or a.get("href", "")[len(prefix) :]
            refs.append((sup, a, key))
        fx.footnote_order, fx.used_refs, fx.found_refs = [], set(), {}
        for _sup, _a, key in refs:
            fx.addFootnoteRef(key)
        order = fx.footnote_order
        if fx.getConfig("USE_DEFINITION_ORDER"):
            order = list(fx.footnotes) + [key for key in self.state.page.cited if key not in fx.footnotes]
        for sup, a, key in refs:
            sup.set("id", fx.makeFootnoteRefId(key, found=True))
            a.text = fx.getConfig("SUPERSCRIPT_TEXT").format(order.index(key) + 1)

    def place_list(self, root: etree.Element, fx: FootnoteExtension | None) -> None:
        state, page = self.state, self.state.page
        heading = etree.Element("h2", {"id": REFERENCES_ID, "data-search-exclude": ""})
        heading.text = REFERENCES_TITLE
        if page.html_mode:
            slot = etree.Element("p")
            slot.text = state.md.htmlStash.store(FOOTNOTES_SLOT)
            command, by_default = state.ext.list_place()
            marker = _marker_paragraph(root, command)
            if marker is not None:
                p, parent = marker
                index = list(parent).index(p)
                parent.remove(p)
                parent.insert(index, slot)
            elif by_default:
                root.append(heading)
                root.append(slot)
            return
        # Our footnotes join the author's in Python-Markdown's list (its reordering treeprocessor
        # then puts them in reading order and sets each back-link's title).
        assert fx is not None
        div = next((d for d in root.iter("div") if d.get("class") == "footnote"), None)
        if div is None:
            return
        ol = div.find("ol")
        assert ol is not None
        for key in page.cited:
            li = etree.SubElement(ol, "li", {"id": fx.makeFootnoteId(key)})
            p = etree.SubElement(li, "p")
            p.text = page.placeholder(key) + NBSP_PLACEHOLDER
            back = etree.SubElement(
                p,
                "a",
                {
                    "href": "#" + fx.makeFootnoteRefId(key),
                    "class": "footnote-backref",
                    "title": fx.getConfig("BACKLINK_TITLE").format(len(ol)),
                },
            )
            back.text = FN_BACKLINK_TEXT
        if not state.marker_found and len(root) and root[-1] is div:
            root.insert(len(root) - 1, heading)


def _item(raw: RawItem, intext: bool) -> CiteItem:
    locator, label, rest = parse_locator(raw.suffix)
    mode = Mode.SUPPRESS_AUTHOR if raw.suppress else Mode.AUTHOR_IN_TEXT if intext else Mode.NORMAL
    return CiteItem(raw.key, mode, raw.prefix, rest if locator is not None else raw.suffix.strip(), locator, label)


def _unwrap(el: etree.Element, parent: etree.Element) -> None:
    """Put the element's text and children in its place, without the element itself."""
    index = list(parent).index(el)
    children = list(el)
    parent.remove(el)
    for n, child in enumerate(children):
        parent.insert(index + n, child)
    if children:
        children[-1].tail = (children[-1].tail or "") + (el.tail or "")
        _append_text(parent, index, el.text or "")
    else:
        _append_text(parent, index, (el.text or "") + (el.tail or ""))


def _append_text(parent: etree.Element, index: int, text: str) -> None:
    """Add text just before position `index` among parent's children."""
    if not text:
        return
    if index == 0:
        parent.text = (parent.text or "") + text
    else:
        prev = parent[index - 1]
        prev.tail = (prev.tail or "") + text


def _written(data: str, start: int) -> str:
    """The text of its block around a citation's start, as the source has it: from up to 24
    characters before it to up to 40 after, within its line and between placeholders."""
    before = data[max(start - 24, 0) : start]
    before = re.split(r"[\n\x02\x03]", before)[-1]
    after = re.split(r"[\n\x02]", data[start : start + 40])[0]
    return before + after


class _SourceLines:
    """The line of each citation, found in the page's source: the n-th citation written
    "see [@a" at the n-th occurrence of that text (whitespace and quote markers `>` between its
    words may differ: lines of a quote or a list item); if the text is not found, the n-th
    occurrence of `@a`. Plain string searches: the text as written, else in a copy of the source
    whose runs of whitespace and `>` are one space each (a regular expression per citation cost
    more than the page's whole Markdown conversion)."""

    def __init__(self, lines: list[str]) -> None:
        self.text = "\n".join(lines)
        self.starts = [0]
        for line in lines:
            self.starts.append(self.starts[-1] + len(line) + 1)
        self.seen: dict[str, int] = {}
        self.flat = ""  # made when first needed: the text is usually found as it is
        self.flat_at: list[int] = []  # offset in `flat` of each part -> offset in `text`
        self.text_at: list[int] = []

    def _flatten(self) -> None:
        """The source with each run of whitespace and `>` as one space; where each part starts."""
        parts = _GAPS.split(self.text)
        self.flat = " ".join(parts)
        flat = 0
        for part, gap in zip(parts, [*_GAPS.finditer(self.text), None], strict=True):
            self.flat_at.append(flat)
            self.text_at.append((gap.start() if gap else len(self.text)) - len(part))
            flat += len(part) + 1

    def _source_offset(self, flat: int) -> int:
        i = bisect.bisect_right(self.flat_at, flat) - 1
        return self.text_at[i] + flat - self.flat_at[i]

    def _nth(self, needle: str, text: str, accept: Callable[[int], bool], kind: str) -> int | None:
        """Where the n-th accepted occurrence of `needle` in `text` starts, n counting how often
        this needle was asked before (the last occurrence when there are fewer)."""
        found: list[int] = []
        asked = f"{kind}\0{needle}"  # each kind of search counts apart
        wanted = self.seen.get(asked, 0)
        at = text.find(needle)
        while at >= 0 and len(found) <= wanted:
            if accept(at):
                found.append(at)
                at = text.find(needle, at + len(needle))
            else:
                at = text.find(needle, at + 1)
        if not found:
            return None
        self.seen[asked] = wanted + 1
        return found[min(wanted, len(found) - 1)]

    def line(self, cluster: _Cluster) -> int:
        written = cluster.written.strip()
        if written:  # as written (the usual case), else with other whitespace or quote markers
            at = self._nth(written, self.text, lambda _at: True, "as written")
            if at is not None:
                return bisect.bisect_right(self.starts, at)
            if not self.flat:
                self._flatten()
            at = self._nth(" ".join(_GAPS.sub(" ", written).split()), self.flat, lambda _at: True, "flat")
            if at is not None:
                return bisect.bisect_right(self.starts, self._source_offset(at))
        first = cluster.items[0] if cluster.items else None
        if first is not None:
            key = "@{" + first.key + "}" if first.braced else "@" + first.key
            text = self.text

            def alone(at: int) -> bool:  # not inside a word, an e-mail address or after `\\[`
                before_ok = at == 0 or text[at - 1] == "-" or not (_WORD_OR_AT.match(text[at - 1]) or text[at - 2 : at] == "\\[")
                end = at + len(key)
                return before_ok and (first.braced or end >= len(text) or not _WORD.match(text[end]))

            at = self._nth(key, text, alone, "key")
            if at is not None:
                return bisect.bisect_right(self.starts, at)
        return 0


_GAPS = re.compile(r"[\s>]+")
_WORD_OR_AT = re.compile(r"[\w@]")
_WORD = re.compile(r"\w")


def _ref_id(key: str, n: int) -> str:
    return f"fnref:{key}" if n == 1 else f"fnref{n}:{key}"


def footnote_ref_html(key: str, number: int, n: int = 1) -> str:
    """The `n`th reference to footnote `number`, labelled `key`, as Python-Markdown writes it."""
    key = html.escape(key)
    return f'<sup id="{_ref_id(key, n)}"><a class="footnote-ref" href="#fn:{key}">{number}</a></sup>'


def styled_citation_html(text: str, refs: list[tuple[str, str]], numeric: bool) -> str:
    """A citation as the style writes it (`text`), linked to the footnote of its first key, with
    the ids of its keys' references (`refs`: (key, fnref id)) that cited-in links and back-links
    lead to. A numeric style's superscript ("Bahdanau 等<sup>[1]</sup>") is the footnote
    reference, as Python-Markdown writes one; other citations are linked whole, unless their
    text already links each part to its own reference (an author-date group)."""
    key, ref = refs[0]
    link = f'<a class="footnote-ref" href="#fn:{html.escape(key)}">'
    more = "".join(f'<sup id="{html.escape(r)}"></sup>' for _, r in refs[1:])
    m = _SUPERSCRIPT.fullmatch(text) if numeric else None
    if m is not None:
        return f'{m.group(1)}<sup id="{html.escape(ref)}">{link}{m.group(2)}</a></sup>{more}'
    if 'class="footnote-ref"' in text:  # a group whose parts link to their own references
        return f'<span class="dlnotes-cite" id="{html.escape(ref)}">{text}</span>{more}'
    return f'<span class="dlnotes-cite" id="{html.escape(ref)}">{link}{text}</a></span>{more}'


def footnotes_html(footnotes: list[tuple[str, str, int]], numbered: bool = True) -> str:
    """The footnote list, as Python-Markdown writes it: (key, text as inline HTML, references to
    it). `numbered=False`: a list whose numbers the page does not print (author-date styles)."""
    items = []
    for number, (key, text, refs) in enumerate(footnotes, start=1):
        key = html.escape(key)
        title = html.escape(BACKLINK_TITLE.format(number))
        backlinks = "".join(
            f'<a class="footnote-backref" href="#{_ref_id(key, n)}" title="{title}">&#8617;</a>' for n in range(1, refs + 1)
        )
        items.append(f'<li id="fn:{key}">\n<p>{text}&#160;{backlinks}</p>\n</li>')
    kind = "footnote" if numbered else "footnote dlnotes-unnumbered"
    return f'<div class="{kind}">\n<hr />\n<ol>\n' + "\n".join(items) + "\n</ol>\n</div>"


class CitationExtension(Extension):
    """Register with `Markdown(extensions=[CitationExtension(known=...)])`; after each
    conversion `ext.last` is that page's PageCitations."""

    def __init__(
        self,
        known: Callable[[str], bool] = lambda key: False,
        suggest: Callable[[str], str | None] = lambda key: None,
        reported: Callable[[str], bool] = lambda key: False,
        styled: Callable[[], bool] = lambda: False,
        list_place: Callable[[], tuple[str, bool]] = lambda: ("", True),
        **kwargs: object,
    ) -> None:
        super().__init__(**kwargs)
        self.known, self.suggest, self.reported = known, suggest, reported
        self.styled = styled  # asked per page: citations in the site's CSL style (finish_styled)
        # Asked per page: a paragraph that places the reference list (mkdocs-bibtex's
        # `\\bibliography`, "" for none) and whether the list ends a page that has no marker.
        self.list_place = list_place
        self.last = PageCitations()

    def extendMarkdown(self, md: Markdown) -> None:
        state = _State(md, self)
        md.registerExtension(self)
        md.preprocessors.register(_LinesPreprocessor(state), "dlnotes-cite-lines", 29)
        # After inline HTML (90), autolinks and links; before entities (80) and emphasis.
        md.inlinePatterns.register(_BracketProcessor(state), "dlnotes-cite", 85)
        md.inlinePatterns.register(_InTextProcessor(state), "dlnotes-cite-intext", 84)
        md.treeprocessors.register(_MarkerTreeprocessor(state), "dlnotes-cite-marker", 51)
        # After the inline pass (20), before footnotes reorder theirs (19) and toc reads headings (5).
        md.treeprocessors.register(_CitationTreeprocessor(state), "dlnotes-cite", 19.5)
