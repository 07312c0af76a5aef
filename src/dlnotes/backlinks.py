"""Backlinks: for each note, the notes that link to it or cite its paper, each with the sentence
around the link. No MkDocs here.

Read from each page's rendered HTML (Python-Markdown's own parse decided what is a link; code
and math hold none), parsed by Lexbor (selectolax): a link is an `<a href>` that leads
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
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from selectolax.lexbor import LexborHTMLParser
from selectolax.lexbor import LexborNode as Node

from .diskcache import DiskCache, code_version

# Elements whose text is one "paragraph" for the sentence around a link.
_BLOCKS = frozenset({"p", "li", "td", "th", "dd", "dt", "figcaption", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6"})
_SKIP_CLASSES = frozenset({"headerlink", "footnote-ref", "footnote-backref"})
_CITATION_ID = re.compile(r"^fnref\d*:(.+)$")
_MARKS = "a[href], sup[id^='fnref'], span[id^='fnref']"
_BLOCK_SELECTOR = ", ".join(sorted(_BLOCKS))
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
    size: int = 0

    @property
    def text(self) -> str:
        return "".join(self.parts)


def _skipped(node: Node) -> bool:
    """A ¶ link or a footnote number: not prose, and no link of the text."""
    return node.tag == "a" and not _SKIP_CLASSES.isdisjoint((node.attributes.get("class") or "").split())


def _mark(node: Node) -> tuple[str, str] | None:
    if node.tag == "a":
        href = node.attributes.get("href")
        return ("link", href) if href else None
    m = _CITATION_ID.match(node.attributes.get("id") or "")
    return ("citation", m.group(1)) if m else None


def _read_block(node: Node, marked: dict[int, tuple[str, str]], block: _Block) -> None:
    """The block's own text (not that of blocks inside it) and its marks' offsets in it
    (`marked`: the block's marks by node, as `_mark` reads them)."""
    for child in node.iter(include_text=True):
        tag = child.tag
        if tag == "-text":
            text = child.text_content or ""
            block.parts.append(text)
            block.size += len(text)
        elif tag is None or tag.startswith("_") or tag in _BLOCKS or (tag == "a" and _skipped(child)):  # comment, block, ¶
            continue
        else:
            mark = marked.get(child.mem_id)
            if mark is not None:
                block.marks.append((block.size, *mark))
            _read_block(child, marked, block)


def _blocks(page_html: str) -> list[_Block]:
    """The paragraphs (list items, cells...) that hold a link or a citation, in document order.
    Lexbor (through selectolax, which the lightbox plugin already brings) parses the page: the
    standard library's parser, written in Python, cost more than the rest of our page work."""
    tree = LexborHTMLParser(page_html)
    marked: dict[int, dict[int, tuple[str, str]]] = {}  # block -> its marks (node -> kind, value)
    for element in tree.css(_MARKS):
        mark = _mark(element)
        if mark is None:
            continue
        node: Node | None = element
        while node is not None and node.tag not in _BLOCKS and not _skipped(node):
            node = node.parent
        if node is not None and node.tag in _BLOCKS:
            marked.setdefault(node.mem_id, {})[element.mem_id] = mark
    blocks = []
    if marked:
        for node in tree.css(_BLOCK_SELECTOR):
            if node.mem_id in marked:
                block = _Block()
                _read_block(node, marked[node.mem_id], block)
                blocks.append(block)
    return blocks


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
    found: list[Mention] = []
    for block in _blocks(page_html):
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


def mentions_cache(path: Path) -> DiskCache:
    """Each page's mentions kept between builds, keyed by its HTML, its URL and the site's pages
    and notes (a next build reads again only the pages that changed)."""
    return DiskCache(path, code_version([sys.modules[__name__]], ["selectolax"]))


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
