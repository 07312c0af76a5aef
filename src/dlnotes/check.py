"""`dlnotes check`: every author problem a build reports, found without any site engine.

It runs the core's build steps (dlnotes.site) over the docs folder, rendering each page with
Python-Markdown and the extensions mkdocs.yml names, so the problems are the build's own: same
lines, same wording. Nothing is written except the caches a build would write.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import markdown as python_markdown

from . import siteconfig
from .problems import Problem
from .site import NotesSite, Settings, SourcePage, page_url


def doc_pages(docs: Path) -> Iterator[str]:
    """Markdown pages under docs/ as MkDocs finds them (hidden files and folders left out)."""
    for folder, dirs, files in os.walk(docs, followlinks=True):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        rel = Path(folder).relative_to(docs)
        if rel.parts[:1] == ("templates",):
            continue
        for name in sorted(files):
            if name.endswith((".md", ".markdown")) and not name.startswith("."):
                yield (rel / name).as_posix()


def check(config_file: Path) -> list[Problem]:
    """Every problem of the site whose mkdocs.yml is `config_file` (errors and warnings)."""
    config = siteconfig.load(config_file)
    site = NotesSite(Settings.from_options(config.root, config.docs_dir, config.plugin))
    site.load_bibliography()
    uris = list(doc_pages(config.docs_dir))
    pages = [SourcePage(uri, page_url(uri, config.use_directory_urls), config.docs_dir / uri) for uri in uris]
    site.read_pages(pages)
    site.arrange(config.nav)
    extensions = [*config.extensions, *site.markdown_extensions()]
    md = python_markdown.Markdown(extensions=extensions, extension_configs=config.extension_configs)
    rendered = {}
    for uri in uris:
        markdown = site.page_markdown(uri, site.notes[uri].body)
        rendered[uri] = site.page_html(uri, md.reset().convert(markdown))
    site.complete()
    for uri, html in rendered.items():
        site.complete_page(uri, html)
    site.link_problems()
    site.finish()
    return site.problems
