"""Backlinks: for each note, the notes that link to it or cite its paper, each with the sentence
around the link. No MkDocs here.

Read from each page's rendered HTML (Python-Markdown's own parse decided what is a link; code
and math hold none), with the standard library's HTML parser: a link is an `<a href>` that leads
to another page of the site, a citation is the marker `<sup id="fnref:KEY">` (`<span>` for a style
whose citations are not superscript) the citation layer writes. The sentence is cut from the text
of the paragraph (or list item, table cell...) that holds the link, at Chinese and English
sentence ends. The site engine collects every page while rendering and asks for the list once
every page has been seen.
"""

from __future__ import annotations

import html as htmlmod
import posixpath
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

# Elements whose text is one "paragraph" for the sentence around a link.
_BLOCKS = frozenset({"p", "li", "td", "th", "dd", "dt", "figcaption", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6"})
_SKIP_CLASSES = frozenset({"headerlink", "footnote-ref", "footnote-backref"})
_CITATION_ID = re.compile(r"^fnref\d*:(.+)$")
# A sentence ends after 。！？ (and their fullwidth kin), or after . ! ? followed by a space.
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])|(?<=[.!?])(?=\s)")
_MATH = re.compile(r"\\\((.+?)\\\)|\\\[(.+?)\\\]", re.DOTALL)
MAX_CONTEXT = 160


@dataclass(frozen=True)
class Mention:
    """One place where page `source` points at page `target`."""

    source: str  # doc path of the citing/linking page ("attention/x.md")
    target: str  # doc path of the note pointed at
    context: str  # the sentence around the link, plain text
    kind: str  # "link" or "citation"


@dataclass
class _Block:
    parts: list[str] = field(default_factory=list)
    marks: list[tuple[int, str, str]] = field(default_factory=list)  # (offset, kind, value)

    @property
    def text(self) -> str:
        return "".join(self.parts)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[_Block] = []
        self._stack: list[_Block] = []
        self._skip = 0  # depth inside an element whose text is not prose (¶, footnote numbers)
        self._skip_tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if self._skip:
            if tag == self._skip_tags[-1]:
                self._skip += 1
            return
        if tag in _BLOCKS:
            block = _Block()
            self._stack.append(block)
            self.blocks.append(block)
            return
        current = self._stack[-1] if self._stack else None
        if tag in ("sup", "span") and current is not None:  # a citation in a style's text: <span id=fnref:KEY>
            m = _CITATION_ID.match(a.get("id", ""))
            if m:
                current.marks.append((len(current.text), "citation", htmlmod.unescape(m.group(1))))
        if tag == "a":
            classes = set(a.get("class", "").split())
            if classes & _SKIP_CLASSES:
                self._skip, self._skip_tags = 1, [*self._skip_tags, tag]
                return
            if current is not None and a.get("href"):
                current.marks.append((len(current.text), "link", a["href"]))

    def handle_endtag(self, tag: str) -> None:
        if self._skip:
            if tag == self._skip_tags[-1]:
                self._skip -= 1
                if not self._skip:
                    self._skip_tags.pop()
            return
        if tag in _BLOCKS and self._stack:
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        if not self._skip and self._stack:
            self._stack[-1].parts.append(data)


def _sentence(text: str, at: int, trailing: bool = False) -> str:
    """The sentence of `text` that holds character `at`, as plain text, at most MAX_CONTEXT long.
    `trailing`: the mark follows what it belongs to (a citation after "。" belongs to the sentence
    before it; a link starting a sentence belongs to that sentence)."""
    bounds = [m.start() for m in _SENTENCE_END.finditer(text)]
    start = max((b for b in bounds if (b < at if trailing else b <= at)), default=0)
    end = min((b for b in bounds if (b >= at if trailing else b > at) and b > start), default=len(text))
    sentence = " ".join(_MATH.sub(lambda m: m.group(1) or m.group(2), text[start:end]).split())
    if len(sentence) > MAX_CONTEXT:
        sentence = sentence[: MAX_CONTEXT - 1].rstrip() + "…"
    return sentence


def resolve(page_url: str, href: str) -> str | None:
    """The site path ("attention/x/") a relative href on the page at `page_url` leads to, without
    its anchor; None for other hosts, other schemes and links within the page."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    base = posixpath.dirname(page_url.rstrip("/") + "/x") if page_url else ""
    path = posixpath.normpath(posixpath.join(base, unquote(parts.path)))
    if path in (".", ""):
        return ""
    if path.startswith(".."):
        return None
    path = path.removesuffix("index.html")
    return path if path.endswith("/") or path == "" or "." in posixpath.basename(path) else path + "/"


def mentions(
    source: str, page_url: str, page_html: str, doc_at: Mapping[str, str], note_of_key: Mapping[str, str]
) -> list[Mention]:
    """Every link from `source` (rendered at `page_url`) to another doc of the site, and every
    citation of a paper that has a note. `doc_at`: site path -> doc; `note_of_key`: key -> doc.
    A page that points at the same target twice gives one mention per place."""
    collector = _Collector()
    collector.feed(page_html)
    collector.close()
    found: list[Mention] = []
    for block in collector.blocks:
        text = block.text
        for offset, kind, value in block.marks:
            if kind == "link":
                where = resolve(page_url, value)
                target = doc_at.get(where) if where is not None else None
            else:
                target = note_of_key.get(value)
            if target is None or target == source:
                continue
            found.append(Mention(source, target, _sentence(text, offset, trailing=kind == "citation"), kind))
    return found


class BacklinkIndex:
    """Mentions by the page they come from; asked by target once every page is collected.
    A page collected again (a rebuild) replaces what it said before."""

    def __init__(self) -> None:
        self._by_source: dict[str, list[Mention]] = {}
        self._by_target: dict[str, list[Mention]] | None = None  # made on the first `to` after a change

    def collect(self, source: str, found: Iterable[Mention]) -> None:
        self._by_source[source] = list(found)
        self._by_target = None

    def keep_only(self, sources: Iterable[str]) -> None:
        wanted = set(sources)
        self._by_source = {s: m for s, m in self._by_source.items() if s in wanted}
        self._by_target = None

    def to(self, target: str, from_notes: Callable[[str], bool] = lambda _doc: True) -> list[Mention]:
        """Mentions of `target` from pages accepted by `from_notes`, one per (source, sentence),
        in the order of the sources' collection, which is the navigation's."""
        if self._by_target is None:  # one pass over every mention, not one per target
            self._by_target = {}
            for found in self._by_source.values():
                for m in found:
                    self._by_target.setdefault(m.target, []).append(m)
        seen: set[tuple[str, str]] = set()
        out: list[Mention] = []
        for m in self._by_target.get(target, []):
            if from_notes(m.source) and (m.source, m.context) not in seen:
                seen.add((m.source, m.context))
                out.append(m)
        return out


def backlinks_html(found: list[Mention], link: Callable[[str], str | None], titles: Mapping[str, str]) -> str:
    """The "mentioned by" section: one item per note, its title linked, then each sentence that
    points here. Empty when nothing points here."""
    if not found:
        return ""
    by_source: dict[str, list[Mention]] = {}
    for m in found:
        by_source.setdefault(m.source, []).append(m)
    items = []
    for source, said in by_source.items():
        title = htmlmod.escape(titles.get(source, source), quote=False)
        url = link(source)
        name = f'<a href="{htmlmod.escape(url)}" data-preview>{title}</a>' if url else title
        kinds = {m.kind for m in said}
        how = "引用了本文" if kinds == {"citation"} else "链接到本页" if kinds == {"link"} else "链接并引用了本文"
        quotes = "".join(f"<br><q>{htmlmod.escape(m.context, quote=False)}</q>" for m in said if m.context)
        items.append(f'<li>{name}<span class="backlink-kind">（{how}）</span>{quotes}</li>')
    return (
        '<section class="backlinks" data-search-exclude aria-labelledby="backlinks">\n'
        '<h2 id="backlinks">提到本篇的笔记</h2>\n'
        f"<ul>\n{chr(10).join(items)}\n</ul>\n</section>\n"
    )
