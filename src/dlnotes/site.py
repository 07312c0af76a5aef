"""The site's logic, free of any site engine: what spans pages is computed here.

A build walks through the same steps whatever drives it (the MkDocs plugin, `dlnotes check`):

    site = NotesSite(settings)
    site.load_bibliography()                 # the bib files, parsed once per change
    site.read_pages(pages)                   # every page's text and front matter
    site.arrange(order)                      # titles, front matter, roadmap: cross-page data
    site.page_markdown(uri, markdown)        # per page, before Markdown: generated text
    site.page_html(uri, html)                # per page, after Markdown: citations' HTML, anchors
    site.complete()                          # every page rendered: who cites what
    site.complete_page(uri, html)            # per page: what needed every page (References)
    site.page_final(uri, html)               # per page, after search indexing: footnotes, card
    site.page_written(uri, output)           # per written page: its <head>, typeset formulas
    site.link_problems()                     # once every page is rendered: links and anchors
    site.finish()                            # unused entries; caches saved

Every step returns or records `Problem`s; the driver decides how to report them. Nothing here
imports the engine: a page is its path relative to docs/ ("uri") and its URL in the site.
"""

from __future__ import annotations

import json
import os
import posixpath
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any

from markdown import Extension

from . import bibconfig, csl, mathmd, mathtex, pagecontext
from .backlinks import BacklinkIndex, Mention, backlinks_html, mentions, mentions_cache
from .bibconfig import DEFAULT_STYLE
from .bibliography import Bibliography, EntryFormatter, FormatStore, load_bibliography, parse_cache
from .cards import RoadmapPlace, build_card, card_html, insert_after_title_html, roadmap_places, short_citation
from .citedin import CitedIn, index_citations
from .citemd import CitationExtension, PageCitations
from .companion import (
    REFERENCES_INTRO,
    NotePage,
    NotesIndex,
    first_heading,
    latest_markdown,
    reference_keys,
    references_html,
    roadmap_markdown,
    timeline_markdown,
)
from .diskcache import DiskCache, digest
from .doclinks import check_links, html_ids, line_of
from .feed import FEED_PATH, FeedNote, atom_feed
from .headmeta import add_to_head, description, page_head
from .linkmd import LinkRecorderExtension
from .markers import GeneratedPartsExtension, stray_markers
from .mdtext import key_anchor
from .notes import Note, parse_note
from .problems import Problem, display_path
from .references import ReferenceHTML, StyledReferenceHTML, text_html
from .roadmap import Roadmap, load_roadmap
from .searchindex import exclude_footnote_markers, listing_pages, note_papers, search_cache, tune_index_file
from .siteconfig import PLUGIN_DEFAULTS
from .textfiles import decode

# Where a generated HTML block goes in a rendered page: an HTML comment passes through Markdown.
HTML_SLOT = "<!-- dlnotes:generated-html -->"  # the References list (once every page is rendered)
# The n-th block the page's generated Markdown put aside, put in after rendering: its links are
# the built site's URLs, which neither the link check nor MkDocs' link rewriting may read as docs.
BLOCK_SLOT = "<!-- dlnotes:generated-html {} -->"


@dataclass(frozen=True)
class Settings:
    root: Path  # the project folder (mkdocs.yml's)
    docs_dir: Path
    bib_paths: tuple[Path, ...]  # bib files and folders (every *.bib below a folder, any depth)
    style: str = DEFAULT_STYLE  # a shipped CSL style's name, a .csl path, or "pybtex-plain"
    cache_dir: Path | None = None  # what builds keep for the next one; None: nothing kept
    reading_lists: tuple[str, ...] = ("roadmap.bib",)  # bib files whose entries may go uncited
    roadmap_yaml: str = "roadmap.yaml"  # in bib_dir
    roadmap_bib: str = "roadmap.bib"  # in bib_dir
    problems: tuple[Problem, ...] = ()  # options that could not be used (reported every build)
    bib_options: bibconfig.BibSettings | None = None  # mkdocs-bibtex's commands and switches; None: defaults
    references_page: str = "references.md"  # in docs_dir
    roadmap_page: str = "roadmap.md"

    @classmethod
    def from_options(cls, root: Path, docs_dir: Path, options: Mapping[str, Any]) -> Settings:
        """From the plugin's options in mkdocs.yml (names and defaults: siteconfig.PLUGIN_DEFAULTS)."""
        o = {**PLUGIN_DEFAULTS, **options}
        bib, problems = bibconfig.settings_from(options, root / "mkdocs.yml")
        return cls(
            root=root,
            docs_dir=docs_dir,
            bib_paths=bib.bib_paths,
            style=bib.style,
            problems=tuple(problems),
            bib_options=bib,
            cache_dir=root / o["cache_dir"] if o["cache"] else None,
            reading_lists=tuple(o["reading_lists"]),
            roadmap_yaml=o["roadmap_yaml"],
            roadmap_bib=o["roadmap_bib"],
            references_page=o["references_page"],
            roadmap_page=o["roadmap_page"],
        )

    @property
    def bib_dir(self) -> Path:
        """The first bib folder: where the roadmap's files are."""
        return next((p for p in self.bib_paths if p.is_dir()), self.root / "bib")


@dataclass(frozen=True)
class SourcePage:
    uri: str  # relative to docs/, with "/"
    url: str  # its URL relative to the site root, as the engine writes it ("attention/x/")
    path: Path | None = None  # on disk; None for a page an engine generated
    text: str | None = None  # its text when it is not on disk


@dataclass
class _Read:
    stamp: tuple[int, int]
    note: Note
    problems: list[Problem]
    text: str
    replaced: bool  # not UTF-8: the text has the bad bytes replaced


@dataclass
class NotesSite:
    settings: Settings
    bib: Bibliography = field(default_factory=Bibliography)
    notes: dict[str, Note] = field(default_factory=dict)  # uri -> note (every readable page)
    note_index: NotesIndex = field(default_factory=NotesIndex)
    cited_in: CitedIn = field(default_factory=CitedIn)
    titles: dict[str, str] = field(default_factory=dict)
    roadmap: Roadmap | None = None

    def __post_init__(self) -> None:
        folder = self.settings.cache_dir
        # Formulas typeset by MathJax in one node process, kept between builds in the cache folder.
        mathtex.configure(folder / "math.pickle" if folder is not None else None, self.settings.root)
        self.caches: dict[str, DiskCache] = {}
        if folder is not None:
            self.caches = {
                "bib": parse_cache(folder / "bib.pickle"),
                "formatted": FormatStore(folder / "formatted.pickle"),
                "csl": csl.format_store(folder / "csl.pickle"),
                "search": search_cache(folder / "search.pickle"),
                "backlinks": mentions_cache(folder / "backlinks.pickle"),
            }
        self.problems: list[Problem] = []  # the current build's, for drivers that collect them
        self._told = 0  # how many of them new_problems() has handed out
        self.math_summary = ""  # how many formulas the last build typeset and took from the cache
        self._bib_stamp: tuple[tuple[str, int, int], ...] | None = None
        self.entry_html: ReferenceHTML | StyledReferenceHTML | None = None
        self.styled: csl.CslFormatter | csl.PlainFormatter | None = None
        self._style_problem: Problem | None = None
        self._read: dict[str, _Read] = {}  # kept across builds of one process (preview)
        self._pages: dict[str, SourcePage] = {}
        self._titles: dict[str, tuple[str, str]] = {}  # uri -> (text it was read from, title)
        self._cited: dict[str, PageCitations] = {}
        self._page_keys: dict[str, list[str]] = {}  # uri -> keys its last render cited
        self._order: list[str] = []
        self._cited_before: CitedIn | None = None
        self._citations_changed = False
        self._slots: dict[str, str] = {}  # uri -> generated part waiting for every page (its name)
        self._listing: set[str] = set()  # pages where a generated part was placed (kept across a preview's builds)
        self._blocks: dict[str, list[str]] = {}  # uri -> generated HTML its Markdown stands in for
        # Python-Markdown finds the citations (the renderer's own parse): lambdas, as self.bib is
        # replaced when a bib file changes.
        self.cite_ext = CitationExtension(
            known=lambda key: key in self.bib,
            suggest=lambda key: self.bib.suggest(key),
            reported=lambda key: key in self.bib.broken,
            styled=lambda: isinstance(self.styled, csl.CslFormatter) and self._bib_options.inline_citations,
            list_place=lambda: (self._bib_options.bib_command, self._bib_options.bib_by_default),
        )
        self._links: dict[str, pagecontext.PageContext] = {}  # uri -> what rendering it recorded
        self._anchors: dict[str, set[str]] = {}
        self._roadmap_stamp: tuple[tuple[int, int], ...] | None = None
        self._roadmap_problem: Problem | None = None
        self._places: dict[str, tuple[tuple[RoadmapPlace, ...], int | None]] = {}
        self._signature: tuple[object, ...] | None = None
        self.backlinks = BacklinkIndex()  # kept across preview rebuilds: pages not rebuilt keep theirs
        self._doc_at: dict[str, str] = {}  # URL in the site -> page
        self._targets = ""  # digest of the pages and notes a mention may point at (arrange)

    # --- reporting ------------------------------------------------------------------------

    def _report(self, problems: Iterable[Problem]) -> list[Problem]:
        found = list(problems)
        self.problems.extend(found)
        return found

    def new_problems(self) -> list[Problem]:
        """The problems found since the last call (for drivers that report step by step)."""
        found = self.problems[self._told :]
        self._told = len(self.problems)
        return found

    def display(self, path: Path) -> str:
        return display_path(path, self.settings.root)

    def page_display(self, uri: str) -> str:
        return f"{self.display(self.settings.docs_dir)}/{uri}"

    # --- the bibliography -----------------------------------------------------------------

    def load_bibliography(self) -> list[Problem]:
        """Start of a build: the bib files, read and parsed only when one of them changed."""
        self.problems, self._told = [], 0
        s = self.settings
        files = sorted(f for p in s.bib_paths for f in (p.rglob("*.bib") if p.is_dir() else [p]) if f.is_file())
        stamp = tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files)
        problems: list[Problem] = list(s.problems)
        if stamp != self._bib_stamp:
            self.bib = load_bibliography(list(s.bib_paths), s.root, cache=self.caches.get("bib"))
            self._style_problem = None
            plain = s.style == bibconfig.PLAIN
            try:  # the whole bib formatted in one go (one node process), kept in the disk cache
                self.styled = csl.make_formatter(self.bib, s.style, s.root, self.caches.get("formatted" if plain else "csl"))
                self.styled.reference_html_many(list(self.bib.entries))
                self.entry_html = StyledReferenceHTML(self.styled)
            except csl.CslError as err:
                self._style_problem = Problem("mkdocs.yml", None, f"plugin dlnotes, style: {err}")
                self.styled = None
                store = self.caches.get("formatted")
                self.entry_html = ReferenceHTML(EntryFormatter(self.bib, store=store if isinstance(store, FormatStore) else None))
            self._bib_stamp = stamp
        if self._style_problem is not None:
            problems.append(self._style_problem)
        return self._report(problems + self.bib.problems)

    # --- reading pages --------------------------------------------------------------------

    def read_pages(self, pages: Iterable[SourcePage], dirty: bool = False) -> dict[str, str]:
        """Read every page's text and front matter (a file again only when it changed). Returns
        the text to render instead of the file for pages that are not UTF-8 (bad bytes replaced,
        nothing else lost; the problem fails strict builds). `dirty`: pages not rebuilt keep the
        links they had."""
        problems: list[Problem] = []
        replaced: dict[str, str] = {}
        self.notes = {}
        self._pages = {}
        for page in pages:
            self._pages[page.uri] = page
            if page.path is None:
                continue
            read = self._read_page(page)
            problems.extend(read.problems)  # every build, until fixed
            if read.replaced:
                replaced[page.uri] = read.text
            self.notes[page.uri] = read.note
            key = read.note.key
            if key and key not in self.bib and key not in self.bib.broken:
                hint = self.bib.suggest(key)
                problems.append(
                    Problem(
                        self.page_display(page.uri),
                        read.note.field_lines.get("key", 2),
                        f"front matter 'key': '{key}' is not in any bib file" + (f" (did you mean '{hint}'?)" if hint else ""),
                    )
                )
        if dirty:
            self._links = {uri: v for uri, v in self._links.items() if uri in self._pages}
        else:
            self._links = {}
        self._report(problems)
        return replaced

    def _read_page(self, page: SourcePage) -> _Read:
        assert page.path is not None
        stat = page.path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        cached = self._read.get(page.uri)
        if cached is not None and cached.stamp == stamp:
            return cached
        name = self.page_display(page.uri)
        text, problem = decode(page.path.read_bytes(), name)
        note, problems = parse_note(text, page.uri, name)
        read = _Read(stamp, note, ([problem] if problem else []) + problems, text, problem is not None)
        self._read[page.uri] = read
        return read

    # --- cross-page data ------------------------------------------------------------------

    def arrange(self, order: Sequence[str]) -> bool:
        """Titles, notes and the roadmap, with pages in `order` (the navigation; pages not in it
        follow). Returns whether any of it, or who cites what at the last render, changed since
        the last call (an engine that rebuilds only changed pages must then rebuild every page)."""
        listed = set(order)
        uris = list(order) + [uri for uri in self._pages if uri not in listed]
        pages: list[NotePage] = []
        self.titles = {}
        for uri in uris:
            read = self._read.get(uri)
            if read is None or uri not in self._pages or self._pages[uri].path is None:
                continue
            title = self._title(uri, read)
            note = read.note
            self.titles[uri] = title
            pages.append(NotePage(uri, title, note.key, note.date, note.status, tuple(note.tags), note.summary))
        self.note_index = NotesIndex.of(pages)
        self._doc_at = {page.url: uri for uri, page in self._pages.items()}
        self._targets = digest(json.dumps([sorted(self._doc_at.items()), sorted(self.note_index.path_of_key.items())]))
        self.backlinks.keep_only(self._pages)
        self._load_roadmap()
        self._order = [uri for uri in uris if uri in self._read]
        signature = (tuple(pages), self._bib_stamp, self._roadmap_stamp, tuple(order))
        changed = (self._signature is not None and signature != self._signature) or self._citations_changed
        self._signature, self._citations_changed = signature, False
        return changed

    def _title(self, uri: str, read: _Read) -> str:
        """The front matter's title, else the first heading, else the file name."""
        cached = self._titles.get(uri)
        if cached is not None and cached[0] == read.text:
            return cached[1]
        note = read.note
        title = note.title or first_heading(note.body) or Path(uri).stem
        self._titles[uri] = (read.text, title)
        return title

    def _load_roadmap(self) -> None:
        s = self.settings
        paths = [s.bib_dir / s.roadmap_yaml, s.bib_dir / s.roadmap_bib]
        if not all(p.is_file() for p in paths):
            self.roadmap, self._places = None, {}
            return
        stamp = tuple((p.stat().st_mtime_ns, p.stat().st_size) for p in paths)
        if stamp != self._roadmap_stamp:  # read once per change of the files, not per build
            self._roadmap_problem = None
            # The roadmap bib is one of the bib files, already parsed, unless reading it went
            # wrong (then the roadmap loader reads the file itself and says what is missing).
            name = self.display(paths[1])
            parsed = not any(p.file == name for p in self.bib.problems)
            listed = self.bib.pybtex_entries() if parsed else None  # any bib file
            try:
                self.roadmap = load_roadmap(paths[0], paths[1], entries=listed or None)
            except (OSError, ValueError) as err:
                self.roadmap = None
                self._roadmap_problem = Problem(self.display(paths[0]), None, f"roadmap not loaded: {err}")
            self._places = roadmap_places(self.roadmap)
            self._roadmap_stamp = stamp
        if self._roadmap_problem is not None:  # every build, until fixed
            self._report([self._roadmap_problem])

    # --- one page -------------------------------------------------------------------------

    def markdown_extensions(self) -> list[Extension]:
        """The Python-Markdown extensions the core needs on every page (the driver adds them)."""
        return [LinkRecorderExtension(), self.cite_ext, GeneratedPartsExtension(self._generated_here)]

    def page_markdown(self, uri: str, markdown: str) -> str:
        """Before Markdown: citations become footnote references, generated text fills markers.
        Opens the page's context for our extensions (closed by page_html)."""
        read = self._read.get(uri)
        line_offset = read.note.body_line - 1 if read is not None and read.note.body == markdown else _offset(read, markdown)
        display = self.page_display(uri)
        self._blocks.pop(uri, None)
        self._listing.discard(uri)
        pagecontext.begin(uri, display, markdown, line_offset)  # markers are replaced while rendering
        mathmd.begin_page(display, line_offset)  # the math extension's problems name the file
        return markdown

    def page_html(self, uri: str, html: str) -> str:
        """After Markdown: citations' HTML in place, generated HTML in its slot; ids recorded;
        what our extensions found while rendering the page reported."""
        context = pagecontext.end()
        self._report(mathmd.end_page())
        if context is not None and context.uri == uri:
            self._links[uri] = context
            context.problems += [(line_of(context.markdown, m), _STRAY_MARKER.format(m)) for m in stray_markers(html)]
            self._report(
                Problem(context.display, line + context.line_offset if line else None, message)
                for line, message in context.problems
            )
        cited = self.cite_ext.last  # what the citation extension found on this page
        self.cite_ext.last = PageCitations()
        self._cited[uri] = cited
        self._page_keys[uri] = cited.keys()
        if context is not None:
            self._report(
                Problem(context.display, line + context.line_offset if line else None, message)
                for line, message in sorted(cited.problems)
            )
        for n, block in enumerate(self._blocks.pop(uri, [])):
            html = html.replace(BLOCK_SLOT.format(n), block, 1)
        html = self._finish_citations(uri, cited, html)
        html = self._bib_commands(cited, html)
        html = exclude_footnote_markers(html)  # a stray "¹" in search results otherwise
        self._anchors[uri] = html_ids(html) | cited.footnote_ids()
        page = self._pages.get(uri)
        if page is not None:  # backlinks list notes only: other pages (long lists of notes) are not read
            self.backlinks.collect(uri, self._mentions(uri, page.url, html) if uri in self.note_index.paths else [])
        return html

    def page_anchors(self, uri: str) -> set[str]:
        """The ids the rendered page has, with those the core places later (its reference list),
        for an engine's own check of links to anchors."""
        return self._anchors.get(uri, set())

    def _mentions(self, uri: str, url: str, html: str) -> list[Mention]:
        """The page's links and citations to notes; from the last build when its HTML, its URL and
        the site's pages and notes are the same."""

        def read() -> list[Mention]:
            return mentions(uri, url, html, self._doc_at, self.note_index.path_of_key)

        cache = self.caches.get("backlinks")
        return read() if cache is None else cache.get_or_make(digest("\0".join((self._targets, uri, url, html))), read)

    def _finish_citations(self, uri: str, cited: PageCitations, html: str) -> str:
        """The page's citations as its CSL style writes them ("[1, 3–5]", "Bahdanau 等[2]",
        "(Bahdanau et al., 2014)"), its reference list in the style's order and numbering; with
        pybtex's plain style (no in-text forms), footnote numbers."""
        styled = self.styled
        if not cited.styled or not isinstance(styled, csl.CslFormatter):
            return cited.finish(html, lambda key: self._reference_html(key, uri))
        page = styled.page()
        for citation in cited.citations:  # reading order: the style numbers them so
            page.add(citation)
        text: Callable[[int], str] = page.citation_html
        try:
            bibliography = page.bibliography() if cited.citations else []
        except csl.CslError as err:  # node could not run: numbers, and a problem that fails strict builds
            self._report([Problem(self.page_display(uri), None, f"citations not in style '{styled.style.name}': {err}")])
            bibliography, text = [], lambda index: ""
        return cited.finish_styled(
            html, text, bibliography, lambda key, formatted: self._reference_html(key, uri, formatted), styled.style.numeric
        )

    @property
    def _bib_options(self) -> bibconfig.BibSettings:
        return self.settings.bib_options or bibconfig.DEFAULTS

    def _bib_commands(self, cited: PageCitations, html: str) -> str:
        """mkdocs-bibtex's `\\bibliography`, `bib_by_default`, `\\full_bibliography` and
        `footnote_format` (dlnotes.bibconfig)."""
        html, cited.footnotes_html = bibconfig.finish_page(
            html, cited.footnotes_html, set(cited.cited), self._bib_options, self._full_bibliography
        )
        return html

    def _full_bibliography(self) -> str:
        styled = self.styled
        references = styled.references(list(self.bib.entries)) if styled is not None else []
        return bibconfig.full_bibliography_html(references, isinstance(styled, csl.CslFormatter) and styled.style.numeric)

    def complete(self) -> None:
        """Every page is rendered: who cites what is known (from the same parse that wrote them)."""
        self.cited_in = index_citations((uri, self._page_keys.get(uri, [])) for uri in self._order)
        # Who cites what is known only once pages render: a change shows on other pages (the
        # References page, previews) from the next build on.
        if self._cited_before is not None and self.cited_in != self._cited_before:
            self._citations_changed = True
        self._cited_before = self.cited_in

    def complete_page(self, uri: str, html: str) -> str:
        """A rendered page with what needed every page filled in (the References list): before
        the engine indexes it for search, so the References page is found by the bib's words."""
        if self._slots.pop(uri, None) != "references" or HTML_SLOT not in html:
            return html
        assert self.entry_html is not None
        reading_lists = set(self.settings.reading_lists)
        keys = reference_keys(
            self.bib.entries, lambda e: Path(e.file).name in reading_lists, self.cited_in, self.note_index.by_key
        )
        if self.styled is not None:  # sorted as the style sorts
            keys = [k for k, _ in self.styled.references(keys)]
        intro = f"<p>{escape(REFERENCES_INTRO.format(count=len(keys)))}</p>\n"
        generated = intro + references_html(
            keys, self.entry_html, self.cited_in, self.note_index, self.titles, lambda doc, anchor: self.doc_url(uri, doc, anchor)
        )
        self._anchors[uri] = self._anchors.get(uri, set()) | html_ids(generated)
        return html.replace(HTML_SLOT, generated, 1)

    def page_final(self, uri: str, html: str) -> str:
        """Last, after the engine's search indexing: the footnote list and the paper card only
        repeat bib data (which the References page holds for search)."""
        cited = self._cited.pop(uri, None)
        if cited is not None:
            html = cited.place_footnotes(html)
        display = self.page_display(uri)
        html += mathmd.page_glyphs(display)  # the formulas themselves go in last (page_written)
        html = mathmd.typeset_html_math(html, display)  # math in reference titles
        return self._card_html(html, uri) + self._backlinks_html(uri)

    def _backlinks_html(self, here: str) -> str:
        """The notes that link to this note or cite its paper (every page has been rendered)."""
        notes = self.note_index.paths
        if here not in notes:
            return ""
        found = self.backlinks.to(here, from_notes=notes.__contains__)
        return "\n" + backlinks_html(found, lambda doc: self.doc_url(here, doc, None), self.titles)

    def description(self, uri: str) -> str | None:
        """The page's description for its <head>: the note's summary."""
        note = self.notes.get(uri)
        return description(note.summary if note else None)

    def page_written(
        self, uri: str, output: str, title: str, canonical_url: str | None, site_name: str, site_description: str | None
    ) -> str:
        """The written page with Open Graph, citation_* (for Zotero) and feed links in its <head>,
        and its typeset formulas in place (after every other pass over the page's HTML)."""
        output = mathmd.place_math(output, self.page_display(uri))
        note = self.notes.get(uri)
        entry = self.bib.entries.get(note.key) if note and note.key else None
        page = self._pages.get(uri)
        feed = relative_url(FEED_PATH, (page.url if page else "") or ".")
        return add_to_head(
            output, page_head(title, canonical_url, site_name, note.summary if note else None, site_description, entry, feed)
        )

    def write_feed(self, site_dir: Path, site_url: str, site_name: str, author: str, site_description: str | None) -> None:
        """The Atom feed of notes by reading date, at FEED_PATH in the built site."""
        urls = {uri: page.url for uri, page in self._pages.items()}
        notes = [FeedNote(n.title, urls.get(n.path, ""), n.date, n.summary, n.tags) for n in self.note_index.notes]
        xml = atom_feed(notes, site_url, site_name, author, site_description)
        (site_dir / FEED_PATH).write_text(xml, encoding="utf-8")

    # --- once every page is rendered ------------------------------------------------------

    def link_problems(self) -> list[Problem]:
        site_files = set(self._pages) | self._asset_files()
        problems: list[Problem] = []
        for uri, c in self._links.items():
            problems.extend(check_links(uri, c.display, c.markdown, c.line_offset, c.links, site_files, self._anchors))
        return self._report(problems)

    def tune_search_index(self, index: Path, preview: bool = False) -> None:
        """After the engine wrote its search index (Material's search_index.json): sub-words,
        each note's paper, listing pages marked (see dlnotes.searchindex). `preview`: a save in a
        preview, whose index is new on every save: compressed fast, not kept for a next build."""
        # Each page as the index locates it: its URL, the home page's "./" written "" (MkDocs' page URL).
        urls = {uri: "" if page.url == "./" else page.url for uri, page in self._pages.items()}
        sources = {uri: read.text for uri, read in self._read.items() if uri in self._pages}
        papers = note_papers(self.notes, self.bib.entries, urls)
        listings = listing_pages(self._listing, sources, urls)
        if preview:
            tune_index_file(index, papers, listings, None, compresslevel=1)
        else:
            tune_index_file(index, papers, listings, self.caches.get("search"))

    def finish(self, save: bool = True) -> list[Problem]:
        """Entries no note cites (reported, never a failure: an entry may wait for its note); the
        caches written for the next build (unless not `save`: a preview saves them when it stops,
        `save_caches`, not on every save)."""
        reading_lists = set(self.settings.reading_lists)
        used = set(self.cited_in.pages) | {note.key for note in self.notes.values() if note.key}
        warnings = [
            Problem(e.file, e.line, f"entry '{k}' is not cited by any note", severity="warning")
            for k, e in self.bib.entries.items()
            if k not in used and Path(e.file).name not in reading_lists
        ]
        self.math_summary = mathtex.finish_build()  # saves the formula cache; says what it typeset
        return self._report(warnings + (self._save_caches() if save else []))

    def save_caches(self) -> list[Problem]:
        """What this process computed, kept for the next build (see finish)."""
        return self._report(self._save_caches())

    def _save_caches(self) -> list[Problem]:
        problems = []
        for cache in self.caches.values():
            try:
                cache.save()
            except OSError as err:  # a read-only checkout still builds, only slower next time
                problems.append(Problem(self.display(cache.path), None, f"not cached: {err}", severity="warning"))
        return problems

    # --- helpers --------------------------------------------------------------------------

    def _asset_files(self) -> set[str]:
        """Every file under docs/ (images, pdfs) by its docs-relative path."""
        docs = self.settings.docs_dir
        found: set[str] = set()
        for folder, _dirs, files in os.walk(docs, followlinks=True):  # as MkDocs walks docs/
            rel = Path(folder).relative_to(docs)
            found.update((rel / name).as_posix() for name in files)
        return found

    def doc_url(self, here: str, doc: str, anchor: str | None = None) -> str | None:
        """URL of `doc` relative to the page `here`; None if `doc` is not a page of the site."""
        target, source = self._pages.get(doc), self._pages.get(here)
        if target is None or source is None:
            return None
        url = relative_url(target.url, source.url)
        return f"{url}#{anchor}" if anchor else url

    def _reference_html(self, key: str, here: str, formatted: str | None = None) -> str:
        """A citation's footnote: the formatted entry with its links, then a link to our note on
        the paper and its summary, if there is one. `formatted`: the entry as the page's style
        wrote it (its page bibliography), else as the site's style writes it alone."""
        assert self.entry_html is not None
        if formatted is not None and isinstance(self.entry_html, StyledReferenceHTML):
            html = self.entry_html.with_links(key, formatted)
        else:
            html = self.entry_html(key)
        note = self.note_index.by_key.get(key)
        url = self.doc_url(here, note.path) if note is not None and note.path != here else None
        if note is None or url is None:
            return html
        summary = f" — {text_html(note.summary)}" if note.summary else ""
        return f'{html}<br>我们的笔记: <a href="{url}">{text_html(note.title)}</a>{summary}'

    def _card_html(self, html: str, here: str) -> str:
        note = self.notes.get(here)
        if note is None or not note.key or note.key not in self.bib:
            return html
        card = build_card(self.bib.entries[note.key], note, self._places)
        s = self.settings
        return insert_after_title_html(
            html,
            card_html(
                card,
                lambda doc, anchor: self.doc_url(here, doc, anchor),
                s.roadmap_page,
                s.references_page,
                key_anchor(note.key),
                heading=self.titles.get(here),
            ),
        )

    def _describe(self, note: NotePage) -> str | None:
        entry = self.bib.entries.get(note.key) if note.key else None
        return short_citation(entry) if entry else None

    def _generated_here(self, name: str) -> str | None:
        """The generated part `name` of the page being rendered (the markers' extension asks)."""
        context = pagecontext.current()
        return self._generated(name, context.uri) if context is not None else None

    def _generated(self, name: str, here: str) -> str:
        self._listing.add(here)
        if name == "references":  # made by complete_page, once every page's citations are known
            self._slots[here] = name
            return f"{HTML_SLOT}\n"
        if name == "roadmap":
            if self.roadmap is None:
                return "路线图数据(bib/roadmap.yaml, bib/roadmap.bib)不存在。"
            return roadmap_markdown(self.roadmap, self.note_index, self.bib.entries, here)
        blocks = self._blocks.setdefault(here, [])

        def slot(html: str) -> str:  # put back by page_html
            blocks.append(html)
            return BLOCK_SLOT.format(len(blocks) - 1)

        def link(doc: str) -> str | None:
            return self.doc_url(here, doc)

        if name == "timeline":
            return timeline_markdown(self.note_index.notes, slot, link, self._describe)
        return latest_markdown(self.note_index.notes, slot, link, self._describe)


_STRAY_MARKER = (
    "'{}' is not on a line of its own outside other blocks (a list, an admonition, HTML), so nothing is "
    "generated there: put it on a line of its own, not indented, with a blank line before and after"
)


def _offset(read: _Read | None, markdown: str) -> int:
    """Lines between the file's start and the Markdown the engine hands over (its front matter)."""
    if read is None:
        return 0
    return max(read.text.count("\n") - markdown.count("\n"), 0)


@lru_cache(maxsize=65536)  # pure; asked again for the same pair on every page that links it
def relative_url(url: str, other: str) -> str:
    """`url` relative to `other` (both site-root-relative), as MkDocs' get_relative_url does:
    the last part of `other` is a file if it has a dot; '..' is resolved; the root is the top."""
    dirname, _, basename = other.rpartition("/")
    if "." in basename:
        other = dirname
    other_parts, dest_parts = _norm_parts(other), _norm_parts(url)
    common = 0
    for a, b in zip(other_parts, dest_parts, strict=False):  # the common prefix
        if a != b:
            break
        common += 1
    rel = "/".join([".."] * (len(other_parts) - common) + dest_parts[common:]) or "."
    return rel + "/" if url.endswith("/") else rel


def _norm_parts(path: str) -> list[str]:
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            if parts:
                parts.pop()
        elif part and part != ".":
            parts.append(part)
    return parts


def page_url(uri: str, use_directory_urls: bool = True) -> str:
    """The URL MkDocs gives the page `uri` (for drivers without an engine)."""
    stem, _ = posixpath.splitext(uri)
    if not use_directory_urls:
        return stem + ".html"
    head, name = posixpath.split(stem)
    if name in ("index", "README"):
        return f"{head}/" if head else ""
    return f"{stem}/"
