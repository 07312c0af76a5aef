"""The thin MkDocs layer: asks the dlnotes modules for data and reports their problems.

Everything that knows about notes, bib files and citations lives in plain modules beside this
one; moving to another site engine means rewriting only this file.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config import base, config_options
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.utils import get_relative_url

from .bibliography import Bibliography, EntryFormatter, FormatStore, load_bibliography, parse_cache
from .cards import build_card, card_html, insert_after_title_html, roadmap_places, short_citation
from .citations import CitedPage, citation_cache, cite_page
from .diskcache import DiskCache
from .citedin import CitedIn, index_citations, page_citations
from .companion import (MARKERS, REFERENCES_INTRO, NotePage, NotesIndex, first_heading, latest_markdown,
                        reference_keys, references_html, roadmap_markdown, timeline_markdown)
from .doclinks import check_links, html_ids
from . import mathmd, mathtex
from .mdtext import key_anchor
from .notes import Note, parse_note as read_note_text, read_note, split_front_matter
from .problems import Problem
from .references import ReferenceHTML, text_html
from .roadmap import Roadmap, load_roadmap

log = logging.getLogger("mkdocs.plugins.dlnotes")
# Where a generated HTML block goes in a rendered page (see _companion_markdown): an HTML comment
# passes through Markdown untouched.
_HTML_SLOT = "<!-- dlnotes:generated-html -->"


class NotesConfig(base.Config):
    bib_dir = config_options.Type(str, default="bib")
    # Bib files that are a reading list, not citations: their entries may go uncited.
    reading_lists = config_options.Type(list, default=["roadmap.bib"])
    # What builds keep for the next one (parsed bib files, formatted entries, where each note's
    # citations are); "" to compute everything on every build.
    cache_dir = config_options.Type(str, default=".cache/dlnotes")
    # Companion pages (see README "Generated pages"): roadmap files in bib_dir, pages in docs/.
    roadmap_yaml = config_options.Type(str, default="roadmap.yaml")
    roadmap_bib = config_options.Type(str, default="roadmap.bib")
    references_page = config_options.Type(str, default="references.md")
    roadmap_page = config_options.Type(str, default="roadmap.md")


class NotesPlugin(BasePlugin[NotesConfig]):
    def __init__(self) -> None:
        self.bib = Bibliography()
        self.format_entry: EntryFormatter | None = None
        self.entry_html: ReferenceHTML | None = None
        self._bib_stamp: tuple | None = None
        self.caches: dict[str, DiskCache] = {}
        self.notes: dict[str, Note] = {}
        self.dirty = False
        self._generated_html: dict[str, str] = {}  # page -> HTML for its _HTML_SLOT
        self._cited: dict[str, CitedPage] = {}  # page -> its citations, from on_page_markdown on
        # Per file: (mtime, size) -> what reading it gave, so a rebuild re-reads only what changed.
        self._read_cache: dict[str, tuple[tuple[int, int], Note | None, list[Problem], str | None]] = {}
        self._scan_cache: dict[str, tuple[str, tuple | None, tuple[str, list[str]]]] = {}
        self._site_signature: tuple | None = None
        # Markdown per page (with the line offset of its body) for the link check, and the ids each page has.
        self.links: dict[str, tuple[str, str, int]] = {}
        self.anchors: dict[str, set[str]] = {}
        self.site_files: set[str] = set()
        self.source_text: dict[str, str] = {}
        self._displayed: dict[Path, str] = {}
        self._init_companion()

    def on_startup(self, *, command, dirty) -> None:  # keeps this object across serve rebuilds
        self.dirty = dirty

    def on_config(self, config):
        self.root = Path(config.config_file_path).parent
        self.bib_path = self.root / self.config.bib_dir
        if self.config.cache_dir and not self.caches:  # loaded once: serve keeps them in memory
            folder = self.root / self.config.cache_dir
            self.caches = {"bib": parse_cache(folder / "bib.pickle"),
                           "formatted": FormatStore(folder / "formatted.pickle"),
                           "citations": citation_cache(folder / "citations.pickle")}
        # hook: math — formulas typeset by MathJax in node, kept between builds in cache_dir
        mathtex.configure(self.root / self.config.cache_dir / "math.pickle" if self.config.cache_dir else None, self.root)
        # Serving: watch the bib files too, so editing one rebuilds the site.
        config.watch.append(str(self.bib_path))
        return config

    def _load_bibliography(self) -> None:
        files = sorted(self.bib_path.rglob("*.bib"))
        stamp = tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files)
        if stamp != self._bib_stamp:  # read and format once per change of the bib, not per page
            self.bib = load_bibliography([self.bib_path], self.root, cache=self.caches.get("bib"))
            self.format_entry = EntryFormatter(self.bib, store=self.caches.get("formatted"))  # type: ignore[arg-type]
            self.entry_html = ReferenceHTML(self.format_entry)
            self._bib_stamp = stamp
        self._report(self.bib.problems)

    def on_pre_build(self, config) -> None:
        self._load_bibliography()

    def on_files(self, files, config):
        self.notes = {}
        problems: list[Problem] = []
        docs = Path(config.docs_dir)
        self.site_files = {f.src_uri for f in files}
        # Pages not rebuilt by a dirty rebuild keep their links from the build that rendered them.
        self.links = {uri: v for uri, v in self.links.items() if uri in self.site_files} if self.dirty else {}
        self.source_text = {}
        cache = self._read_cache
        for file in files.documentation_pages():
            if file.abs_src_path is None:  # generated by a plugin, not an author's file
                continue
            stat = Path(file.abs_src_path).stat()
            stamp = (stat.st_mtime_ns, stat.st_size)
            cached = cache.get(file.src_uri)
            if cached is not None and cached[0] == stamp:
                _, note, found, replaced = cached
            else:
                note, found = read_note(Path(file.abs_src_path), file.src_uri, f"{self._display(docs)}/{file.src_uri}")
                replaced = None
                if note is None:
                    # Not UTF-8: MkDocs would stop with a traceback. Show the page with the bad bytes
                    # replaced (nothing else lost) while the error above fails strict builds.
                    replaced = Path(file.abs_src_path).read_bytes().decode("utf-8", errors="replace")
                    note, _ = read_note_text(replaced, file.src_uri)
                cache[file.src_uri] = (stamp, note, found, replaced)
            problems.extend(found)  # every build, until fixed
            if replaced is not None:
                file.content_string = replaced
            self.source_text[file.src_uri] = file.content_string
            if note is not None:
                self.notes[file.src_uri] = note
                if note.key and note.key not in self.bib and note.key not in self.bib.broken:
                    hint = self.bib.suggest(note.key)
                    problems.append(Problem(f"{self._display(docs)}/{file.src_uri}", 2,
                                            f"front matter 'key': '{note.key}' is not in any bib file" + (f" (did you mean '{hint}'?)" if hint else "")))
        self._report(problems)
        return files

    def on_page_markdown(self, markdown, page, config, files):
        display = f"{self._display(Path(config.docs_dir))}/{page.file.src_uri}"
        # MkDocs hands us the body without front matter: count what it cut to report file lines.
        source = self.source_text.get(page.file.src_uri, markdown)
        line_offset = max(source.count("\n") - markdown.count("\n"), 0)
        self.links[page.file.src_uri] = (display, markdown, line_offset)
        mathmd.begin_page(display, line_offset)  # hook: math — where the math extension's problems are
        assert self.format_entry is not None
        result = cite_page(
            markdown,
            known=self.bib.__contains__,
            reference_html=lambda key: self._reference_html(key, page.file.src_uri),
            suggest=self.bib.suggest,
            reported=self.bib.broken.__contains__,
            cache=self.caches.get("citations"),
        )
        self._cited[page.file.src_uri] = result
        for issue in sorted(result.issues, key=lambda i: i.line):
            self._report([Problem(display, issue.line + line_offset, issue.message)])
        return self._companion_markdown(result.markdown, page.file.src_uri)

    def on_page_content(self, html, page, config, files):
        self._report(mathmd.end_page())  # hook: math
        cited = self._cited.get(page.file.src_uri)
        if cited is not None:
            html = cited.fill_placeholders(html)
        generated = self._generated_html.pop(page.file.src_uri, None)
        if generated is not None:
            html = html.replace(_HTML_SLOT, generated, 1)
        self.anchors[page.file.src_uri] = html_ids(html) | (cited.footnote_ids() if cited else set())
        return html

    @event_priority(-100)  # after Material's search plugin has indexed the page (default priority 0)
    def on_page_context(self, context, page, config, nav):
        # The footnotes and the card only repeat bib data, which the References page has for
        # search; adding them after indexing spares the search plugin parsing them on every page.
        cited = self._cited.pop(page.file.src_uri, None)
        if cited is not None:
            page.content = cited.place_footnotes(page.content)
        display = f"{self._display(Path(config.docs_dir))}/{page.file.src_uri}"  # hook: math
        page.content = mathmd.place_math(page.content, display)  # hook: math — typeset formulas, after search indexing
        page.content = self._card_html(page.content, page.file.src_uri)
        return context

    def on_env(self, env, config, files):
        # Every page is rendered by now, so every anchor is known.
        for page, (display, markdown, offset) in self.links.items():
            self._report(check_links(page, display, markdown, offset, self.site_files, self.anchors))
        return env

    def on_post_build(self, config) -> None:
        reading_lists = set(self.config.reading_lists)
        used = set(self.cited_in.pages) | {note.key for note in self.notes.values() if note.key}
        unused = [e for k, e in self.bib.entries.items() if k not in used and Path(e.file).name not in reading_lists]
        for entry in unused:
            # Reported, but not a failure: an entry may be waiting for its note.
            log.info("%s:%d: (warning only) entry '%s' is not cited by any note", entry.file, entry.line, entry.key)
        log.info("dlnotes: %s", mathtex.finish_build())  # hook: math — saves the formula cache
        for cache in self.caches.values():
            try:
                cache.save()
            except OSError as err:  # a read-only checkout still builds, only slower next time
                log.info("dlnotes: not cached (%s): %s", cache.path, err)

    def _display(self, path: Path) -> str:
        """The path as problems name it: relative to the project (resolving is slow: memoized)."""
        shown = self._displayed.get(path)
        if shown is None:
            try:
                shown = path.resolve().relative_to(self.root.resolve()).as_posix()
            except ValueError:
                shown = path.as_posix()
            self._displayed[path] = shown
        return shown

    @staticmethod
    def _report(problems: list[Problem]) -> None:
        for problem in problems:
            (log.warning if problem.severity == "error" else log.info)(str(problem))

    # --- companion: paper cards, references/roadmap/timeline pages, latest notes -------------
    # Cross-page data is gathered once per build in on_nav (after on_files, before any page
    # renders); each page then only asks dlnotes.cards / dlnotes.companion for its text.

    def _init_companion(self) -> None:
        self.note_index = NotesIndex()
        self.cited_in = CitedIn()
        self.page_titles: dict[str, str] = {}
        self.roadmap: Roadmap | None = None
        self._roadmap_stamp: tuple | None = None
        self._roadmap_problem: Problem | None = None
        self._places: dict = {}
        self._doc_pages: set[str] = set()
        self._urls: dict[str, str] = {}  # doc -> its URL in the site

    def on_nav(self, nav, config, files):
        in_nav = [page.file.src_uri for page in nav.pages]
        listed = set(in_nav)
        rest = [f.src_uri for f in files.documentation_pages() if f.src_uri not in listed]
        pages: list[NotePage] = []
        cited: list[tuple[str, list[str]]] = []
        self.page_titles = {}
        for uri in in_nav + rest:
            text = self.source_text.get(uri)  # read once, in on_files (undecodable bytes replaced)
            if text is None:
                continue
            title, keys = self._scan_page(uri, text)
            cited.append((uri, keys))
            note = self.notes.get(uri) or Note(uri)
            self.page_titles[uri] = title
            pages.append(NotePage(uri, title, note.key, note.date, note.status, tuple(note.tags), note.summary))
        self._doc_pages = set(in_nav + rest)
        self._urls = {f.src_uri: f.url for f in files.documentation_pages()}
        self.note_index = NotesIndex.of(pages)
        self.cited_in = index_citations(cited)
        self._load_roadmap()
        if self.dirty:
            self._rebuild_all_if_cross_page_data_changed(pages, cited, nav, files)
        return nav

    def _scan_page(self, uri: str, text: str) -> tuple[str, list[str]]:
        """(title, cited keys) of a page; cached while its text and the bib stay the same."""
        cached = self._scan_cache.get(uri)
        if cached is not None and cached[0] == text and cached[1] == self._bib_stamp:
            return cached[2]
        _fm, body, _line = split_front_matter(text.lstrip("\ufeff"))
        body = body.lstrip("\n")  # as MkDocs hands it to on_page_markdown: one parse serves both
        note = self.notes.get(uri) or Note(uri)
        result = (note.title or first_heading(body) or Path(uri).stem, page_citations(body, self.bib.__contains__, self.caches.get("citations")))
        self._scan_cache[uri] = (text, self._bib_stamp, result)
        return result

    def _rebuild_all_if_cross_page_data_changed(self, pages, cited, nav, files) -> None:
        """`mkdocs serve --dirty` rebuilds only the pages whose file changed. That is right as long
        as nothing another page shows has changed: titles (navigation), front matter (cards,
        roadmap, timeline, tags, home), who cites what (References, previews), the bib and the
        roadmap. When any of it changed, every page is rebuilt, as a full build would."""
        signature = (tuple(pages), tuple((uri, tuple(keys)) for uri, keys in cited), self._bib_stamp,
                     self._roadmap_stamp, tuple((p.title, p.file.src_uri) for p in nav.pages))
        if self._site_signature is not None and signature != self._site_signature:
            log.info("dlnotes: cross-page data changed, rebuilding every page")
            for file in files.documentation_pages():
                file.is_modified = lambda: True  # type: ignore[method-assign]
        self._site_signature = signature

    def _load_roadmap(self) -> None:
        paths = [self.bib_path / self.config.roadmap_yaml, self.bib_path / self.config.roadmap_bib]
        if not all(p.is_file() for p in paths):
            self.roadmap, self._places = None, {}
            return
        stamp = tuple((p.stat().st_mtime_ns, p.stat().st_size) for p in paths)
        if stamp != self._roadmap_stamp:  # read once per change of the files, not per build
            self._roadmap_problem = None
            # The roadmap bib is one of the bib files, already parsed, unless reading it went wrong
            # (then the roadmap loader reads the file itself and says what is missing).
            name = self._display(paths[1])
            parsed = not any(p.file == name for p in self.bib.problems)
            listed = {k: e.pybtex for k, e in self.bib.entries.items() if e.file == name} if parsed else None
            try:
                self.roadmap = load_roadmap(*paths, entries=listed or None)
            except (OSError, ValueError) as err:
                self.roadmap = None
                self._roadmap_problem = Problem(self._display(paths[0]), None, f"roadmap not loaded: {err}")
            self._places = roadmap_places(self.roadmap)
            self._roadmap_stamp = stamp
        if self._roadmap_problem is not None:  # every build, until fixed
            self._report([self._roadmap_problem])

    def _doc_url(self, here: str, doc: str, anchor: str | None) -> str | None:
        """URL of `doc` relative to the page `here`, as MkDocs writes it; None if not in the site."""
        target, source = self._urls.get(doc), self._urls.get(here)
        if target is None or source is None or doc not in self._doc_pages:
            return None
        url = get_relative_url(target, source)
        return f"{url}#{anchor}" if anchor else url

    def _reference_html(self, key: str, here: str) -> str:
        """A citation's footnote: the formatted entry with its links, then a link to our note on
        the paper and its summary, if there is one."""
        assert self.entry_html is not None
        html = self.entry_html(key)
        note = self.note_index.by_key.get(key)
        url = self._doc_url(here, note.path, None) if note is not None and note.path != here else None
        if note is None or url is None:
            return html
        summary = f" — {text_html(note.summary)}" if note.summary else ""
        return f'{html}<br>我们的笔记: <a href="{url}">{text_html(note.title)}</a>{summary}'

    def _describe(self, note: NotePage) -> str | None:
        entry = self.bib.entries.get(note.key) if note.key else None
        return short_citation(entry) if entry else None

    def _card_html(self, html: str, here: str) -> str:
        note = self.notes.get(here)
        if note is None or not note.key or note.key not in self.bib:
            return html
        card = build_card(self.bib.entries[note.key], note, self._places)
        return insert_after_title_html(html, card_html(
            card, lambda doc, anchor: self._doc_url(here, doc, anchor),
            self.config.roadmap_page, self.config.references_page, key_anchor(note.key)))

    def _companion_markdown(self, markdown: str, here: str) -> str:
        for name, marker in MARKERS.items():
            if marker in markdown:
                markdown = markdown.replace(marker, self._generated(name, here))
        return markdown

    def _generated(self, name: str, here: str) -> str:
        if name == "references":
            assert self.entry_html is not None
            reading_lists = set(self.config.reading_lists)
            keys = reference_keys(self.bib.entries, lambda e: Path(e.file).name in reading_lists,
                                  self.cited_in, self.note_index.by_key)
            self._generated_html[here] = references_html(
                keys, self.entry_html, self.cited_in, self.note_index, self.page_titles,
                lambda doc, anchor: self._doc_url(here, doc, anchor))
            return f"{REFERENCES_INTRO.format(count=len(keys))}\n\n{_HTML_SLOT}\n"
        if name == "roadmap":
            if self.roadmap is None:
                return "路线图数据(bib/roadmap.yaml, bib/roadmap.bib)不存在。"
            return roadmap_markdown(self.roadmap, self.note_index, self.bib.entries, here)
        if name == "timeline":
            return timeline_markdown(self.note_index.notes, here, self._describe)
        return latest_markdown(self.note_index.notes, here, self._describe)

