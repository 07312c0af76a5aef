"""The MkDocs layer: each hook hands MkDocs' objects to the engine-free core (dlnotes.site) as
plain data and reports the problems it returns. Nothing here decides anything about notes.

Moving to another engine means writing this file again for it; `dlnotes check` drives the same
core without any engine.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path
from typing import Any, TypeVar

from mkdocs.plugins import BasePlugin, event_priority

from .enginecache import remember_search_parse, search_parse_cache, template_cache
from .mkdocs_config import NotesConfig
from .problems import Problem
from .site import NotesSite, Settings, SourcePage
from .theme import patch_theme_script

log = logging.getLogger("mkdocs.plugins.dlnotes")
T = TypeVar("T")


def report(problems: list[Problem]) -> None:
    """Errors as MkDocs warnings (a strict build fails on them), the rest as information."""
    for problem in problems:
        (log.warning if problem.severity == "error" else log.info)(str(problem))


class NotesPlugin(BasePlugin[NotesConfig]):
    site: NotesSite | None = None  # kept across the rebuilds of `mkdocs serve`
    dirty = False
    saving = False  # `serve --dirty` after its first build: each build is a save's

    @property
    def core(self) -> NotesSite:
        assert self.site is not None, "on_config made it"
        return self.site

    def reported(self, value: T) -> T:
        """`value`, once the problems the core found meanwhile are reported."""
        report(self.core.new_problems())
        return value

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.dirty = dirty

    def on_config(self, config: Any) -> Any:
        settings = Settings.from_options(Path(config.config_file_path).parent, Path(config.docs_dir), dict(self.config))
        if self.site is None or self.site.settings != settings:
            self.site = NotesSite(settings)
            if settings.cache_dir is not None:  # Material's search parse, kept as the core's own work
                self.site.caches["search parse"] = search_parse_cache(settings.cache_dir / "search-parse.pickle")
        config.markdown_extensions.extend(self.site.markdown_extensions())
        config.watch.extend(str(p) for p in settings.bib_paths)  # editing a bib file rebuilds the site
        return config

    def on_pre_build(self, config: Any) -> None:
        if "search parse" in self.core.caches:  # Material's search plugin made its index in on_config
            remember_search_parse(config.plugins, self.core.caches["search parse"])
        self.reported(self.core.load_bibliography())

    def on_files(self, files: Any, config: Any) -> Any:
        pages = [
            SourcePage(f.src_uri, f.url, Path(f.abs_src_path) if f.abs_src_path else None) for f in files.documentation_pages()
        ]
        replaced = self.reported(self.core.read_pages(pages, dirty=self.dirty))
        for file in files.documentation_pages():
            if file.src_uri in replaced:  # MkDocs would stop with a traceback on bad bytes
                file.content_string = replaced[file.src_uri]
        return files

    def on_nav(self, nav: Any, config: Any, files: Any) -> Any:
        changed = self.reported(self.core.arrange([page.file.src_uri for page in nav.pages]))
        if changed and self.dirty:
            # `serve --dirty` rebuilds only saved pages; what other pages show changed: all.
            log.info("dlnotes: cross-page data changed, rebuilding every page")
            for file in files.documentation_pages():
                file.is_modified = lambda: True
        return nav

    def on_page_markdown(self, markdown: str, page: Any, config: Any, files: Any) -> str:
        return self.reported(self.core.page_markdown(page.file.src_uri, markdown))

    def on_page_content(self, html: str, page: Any, config: Any, files: Any) -> str:
        html = self.reported(self.core.page_html(page.file.src_uri, html))
        if page.present_anchor_ids is not None:  # MkDocs' anchor check: the ids the core adds later too
            page.present_anchor_ids |= self.core.page_anchors(page.file.src_uri)
        return html

    @event_priority(-100)  # after Material's search plugin has indexed the page
    def on_page_context(self, context: Any, page: Any, config: Any, nav: Any) -> Any:
        page.content = self.core.page_final(page.file.src_uri, page.content)
        text = self.core.description(page.file.src_uri)
        if text:
            page.meta["description"] = html.escape(text)  # Material writes it as it is
        return context

    @event_priority(-100)  # after the lightbox plugin's pass over the written page
    def on_post_page(self, output: str, page: Any, config: Any) -> str:
        return self.core.page_written(
            page.file.src_uri,
            output,
            page.title or config.site_name,
            page.canonical_url,
            config.site_name,
            config.site_description,
        )

    def on_env(self, env: Any, config: Any, files: Any) -> Any:
        # Every page is rendered: who cites what is known, and so is every anchor.
        self.core.complete()
        for file in files.documentation_pages():
            if file.page is not None and file.page.content is not None:
                file.page.content = self.core.complete_page(file.src_uri, file.page.content)
        self.core.link_problems()
        if self.core.settings.cache_dir is not None:  # compiled once, not on every build and save
            env.bytecode_cache = template_cache(self.core.settings.cache_dir / "templates")
        return self.reported(env)

    @event_priority(-100)  # after Material's search plugin has written its index
    def on_post_build(self, config: Any) -> None:
        report(patch_theme_script(Path(config.site_dir) / "assets" / "javascripts"))
        self.core.tune_search_index(Path(config.site_dir) / "search" / "search_index.json", preview=self.saving)
        self.core.write_feed(
            Path(config.site_dir),
            config.site_url or "http://127.0.0.1:8000/",
            config.site_name,
            config.site_author or config.site_name,
            config.site_description,
        )
        self.reported(self.core.finish(save=not self.saving))  # a preview saves its caches when it stops
        log.info("dlnotes: %s", self.core.math_summary)

    def on_serve(self, server: Any, config: Any, builder: Any) -> Any:
        self.saving = self.dirty
        return server

    def on_shutdown(self) -> None:
        if self.saving:
            report(self.core.save_caches())
