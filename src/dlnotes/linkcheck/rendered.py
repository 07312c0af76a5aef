"""The http(s) URLs of a note's Markdown as the site's renderer reads it.

One parse decides: the note is rendered by Python-Markdown with the extensions and options of the
mkdocs.yml whose docs folder holds it (read by dlnotes.siteconfig, as `dlnotes check` reads it),
or a default set like the site's when it is in no MkDocs project. What is a link, an image, code,
math or prose is then the renderer's answer, in every container it knows (admonitions, details,
tabs, footnotes, definition lists, list items, `<div markdown>`): links and images are read from
the rendered element tree and the raw-HTML stash as the build reads them (dlnotes.linkmd), URLs
written as plain text from the tree's text outside code, math, scripts and links. Math stays TeX
(never typeset: no node), citations stay text (no bibliography is read).

Lines: Python-Markdown keeps none. Before rendering, each `http://` or `https://` of the source
gets a numbered tag right after its `//` (letters and digits, which change no Markdown construct),
so each URL the renderer produces names the place it was written: a reference link used twice is
one occurrence at its definition, and a URL quoted in code before it is linked is reported at the
link. A URL the renderer made from text written otherwise (character references) is found the way
the build finds its links' lines (dlnotes.doclinks.line_of).
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

from markdown import Extension, Markdown, util
from markdown.treeprocessors import Treeprocessor

from .. import siteconfig
from ..doclinks import line_of
from ..linkmd import element_targets, raw_targets

# Where no mkdocs.yml governs a note: what MkDocs always adds, then the site's own set (Material's
# containers and our math), so a note renders as it would on this site.
DEFAULT_EXTENSIONS: list[str] = [
    *siteconfig.MKDOCS_BUILTINS,
    "abbr",
    "admonition",
    "attr_list",
    "md_in_html",
    "footnotes",
    "def_list",
    "dlnotes.mathmd",
    "pymdownx.betterem",
    "pymdownx.caret",
    "pymdownx.details",
    "pymdownx.highlight",
    "pymdownx.inlinehilite",
    "pymdownx.superfences",
    "pymdownx.tabbed",
    "pymdownx.tilde",
]
DEFAULT_CONFIGS: dict[str, dict[str, Any]] = {"pymdownx.tabbed": {"alternate_style": True}}
CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml")

# A URL in text; it ends at full-width punctuation and quotes (notes are Chinese: "见https://x.org/a，
# 以及"); trailing ASCII punctuation is trimmed afterwards (trim_bare_url).
BARE_URL = re.compile(
    r"https?://[^\s<>\"'`\\\x00-\x1f\u2018-\u201f\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]+",
    re.IGNORECASE,
)
_SCHEME = re.compile(r"https?://", re.IGNORECASE)


def is_http(url: str) -> bool:
    """Whether `url` is an http(s) URL (what the link checker checks)."""
    return bool(_SCHEME.match(url))


_BROWSER_DROPS = re.compile(r"[\t\n\r]")
_REFERENCE = re.compile(r"&#?[A-Za-z0-9]+;")
# Text that is not prose: code, math, scripts, and a link's own text (its target is the link).
_NOT_PROSE = frozenset({"code", "pre", "script", "style", "kbd", "samp", "a", "math"})


def trim_bare_url(url: str) -> str:
    """A URL in a sentence without the sentence's punctuation: "see https://x.org/a." or
    "(https://x.org/a)", keeping balanced parentheses as in https://en.wikipedia.org/wiki/Foo_(bar)."""
    while url:
        last = url[-1]
        if last in ".,;:!?*_~]}" or (last == ")" and url.count("(") < url.count(")")):
            url = url[:-1]
        else:
            break
    return url


class RenderError(Exception):
    """The site's Markdown cannot be set up (an extension mkdocs.yml names cannot be loaded)."""


def _prose(root: Element) -> list[str]:
    """The tree's runs of text outside code, math, scripts and links; an abbreviation's text is
    part of the run around it (the abbr extension only annotates words)."""
    runs: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            runs.append("".join(run))
            run.clear()

    def walk(element: Element) -> None:
        if element.text:
            run.append(element.text)
        for child in element:
            if child.tag == "abbr":
                walk(child)
            else:
                flush()
                if child.tag not in _NOT_PROSE and "arithmatex" not in (child.get("class") or ""):
                    walk(child)
                    flush()
            if child.tail:
                run.append(child.tail)

    walk(root)
    flush()
    return runs


def _as_requested(target: str) -> str:
    """A link's target as a browser requests it: tabs and line breaks dropped, spaces after the
    host encoded (a space in the host name stays: such a link cannot be followed)."""
    target = _BROWSER_DROPS.sub("", target.strip())
    path = target.find("/", target.find("://") + 3) if "://" in target else -1
    return target if path < 0 else target[:path] + target[path:].replace(" ", "%20")


class _Collector(Treeprocessor):
    """After everything else: the rendered page's link and image targets and its URLs in prose."""

    def __init__(self, md: Markdown) -> None:
        super().__init__(md)
        self.found: list[str] = []

    def _unstash(self, m: re.Match[str]) -> str:
        # A character reference written in prose (`&amp;`) is stashed raw HTML: it reads as its
        # character; anything else stashed (inline HTML, math) ends the text around it.
        index = int(m.group(1))
        blocks = self.md.htmlStash.rawHtmlBlocks
        block = blocks[index] if index < len(blocks) else None
        return html.unescape(block) if isinstance(block, str) and _REFERENCE.fullmatch(block) else " "

    def run(self, root: Element) -> None:
        targets = [*element_targets(root), *raw_targets(self.md)]
        found = [_as_requested(target) for target, _image in targets]
        for text in _prose(root):
            if "://" in text:
                plain = util.HTML_PLACEHOLDER_RE.sub(self._unstash, text)
                found += [trim_bare_url(m.group()) for m in BARE_URL.finditer(plain)]
        self.found = found


class _CollectorExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        self.collector = _Collector(md)
        # Last, after escapes are restored (unescape, 0): the tree as it is written out.
        md.treeprocessors.register(self.collector, "dlnotes_linkcheck", -10)


@dataclass
class SiteMarkdown:
    """Python-Markdown set up as one site renders its pages, collecting URLs."""

    extensions: list[Any]
    configs: dict[str, dict[str, Any]]
    where: str  # what names the setup in an error (its mkdocs.yml)
    _md: Markdown | None = field(default=None, repr=False)
    _ext: _CollectorExtension = field(default_factory=_CollectorExtension, repr=False)

    def markdown(self) -> Markdown:
        if self._md is None:
            configs = siteconfig.math_as_tex(self.extensions, self.configs)  # typesetting would start node
            try:
                self._md = Markdown(extensions=[*self.extensions, self._ext], extension_configs=configs)
            except (ImportError, AttributeError, TypeError, ValueError, KeyError) as err:
                raise RenderError(f"{self.where}: markdown_extensions: {' '.join(str(err).split())}") from None
        return self._md

    def urls(self, body: str) -> list[tuple[str, int | None]]:
        """The http(s) URLs the rendered `body` holds, each with the 1-based line of `body` where
        it is written (None when it cannot be found), in the order of the source."""
        tag = "dlurl"
        while tag in body:
            tag += "q"
        places: list[int] = []

        def tagged(m: re.Match[str]) -> str:
            places.append(m.start())
            return f"{m.group()}{tag}{len(places) - 1}z"

        md = self.markdown()
        md.reset()
        md.convert(_SCHEME.sub(tagged, body))
        tags = re.compile(re.escape(tag) + r"(\d+)z")
        seen: set[tuple[str, int | None]] = set()
        out: list[tuple[int, str, int | None]] = []
        for found in self._ext.collector.found:
            scheme, first = _SCHEME.match(found), tags.search(found)
            url = _REFERENCE.sub(lambda m: html.unescape(m.group()), tags.sub("", found)).strip()
            if not is_http(url) or _SCHEME.fullmatch(url):
                continue
            if scheme is not None and first is not None and first.start() == scheme.end():
                at = places[int(first.group(1))]
                line: int | None = body.count("\n", 0, at) + 1
            else:
                at, line = len(body), line_of(body, url)
            if (url, line) not in seen:
                seen.add((url, line))
                out.append((at, url, line))
        out.sort(key=lambda item: item[0])
        return [(url, line) for _at, url, line in out]


@functools.cache
def default_markdown() -> SiteMarkdown:
    return SiteMarkdown(list(DEFAULT_EXTENSIONS), dict(DEFAULT_CONFIGS), "the default Markdown extensions")


def site_markdown(config: siteconfig.SiteConfig) -> SiteMarkdown:
    return SiteMarkdown(config.extensions, config.extension_configs, config.path.as_posix())


class Renderers:
    """The Markdown that renders each file: its site's, found once per mkdocs.yml."""

    def __init__(self) -> None:
        self._sites: dict[Path, tuple[Path, SiteMarkdown]] = {}  # mkdocs.yml -> (docs folder, Markdown)

    def for_file(self, path: Path) -> SiteMarkdown:
        """The Markdown of the MkDocs project whose docs folder holds `path` (the nearest such
        mkdocs.yml above it); the default set when there is none."""
        resolved = path.resolve()
        for folder in resolved.parents:
            for name in CONFIG_NAMES:
                candidate = folder / name
                if candidate in self._sites or candidate.is_file():
                    docs, markdown = self._site(candidate)
                    if resolved.is_relative_to(docs):
                        return markdown
        return default_markdown()

    def _site(self, config_file: Path) -> tuple[Path, SiteMarkdown]:
        if config_file not in self._sites:
            try:
                config = siteconfig.load(config_file)
            except siteconfig.ConfigError as err:
                raise RenderError(str(err)) from None
            self._sites[config_file] = (config.docs_dir.resolve(), site_markdown(config))
        return self._sites[config_file]
