"""What MkDocs and Material compute again on every build from unchanged input, kept between
builds in the cache folder (part of the MkDocs layer; deleting the folder is always safe).

- The theme's templates, compiled. MkDocs makes a new Jinja environment for every build and for
  every save of a preview, and compiles Material's templates again: Jinja's own bytecode cache
  (`template_cache`) keeps them compiled, checked against each template's source.
- Material's search parse. Material's search plugin parses every page's HTML (Python's
  HTMLParser) and cuts its Chinese with jieba, section by section: a quarter of a 1000-note
  build, most of it on pages that did not change since the last build. `remember_search_parse`
  wraps the plugin's index so a page whose content, address, table of contents and front-matter
  fields are the same as in a build before (and jieba's dictionaries, the files Material's config
  names included) gets the sections Material made then; any other page
  is parsed by Material as usual, and its sections kept for the next build. The index Material
  writes is the same either way (tested). It knows two attributes of Material's search index
  (`entries`, `add_entry_from_context`) and leaves an index without them alone: a future
  Material then parses every page, as it does without us.

Imports Jinja (for its cache class), neither MkDocs nor Material.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from jinja2.bccache import Bucket, FileSystemBytecodeCache

from .diskcache import DiskCache, code_version, digest
from .searchindex import dictionary_stamp


class _TemplateCache(FileSystemBytecodeCache):
    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:  # a read-only checkout still builds, compiling as it would without a cache
            pass


def template_cache(folder: Path) -> FileSystemBytecodeCache | None:
    """Compiled templates in `folder` (made if missing; None if it cannot be): set it as a Jinja
    environment's `bytecode_cache` before it loads a template."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return _TemplateCache(str(folder))


def search_parse_cache(path: Path) -> DiskCache:
    """Sections per page, salted with this module, Material's and jieba's versions."""
    return DiskCache(path, code_version([sys.modules[__name__]], ["mkdocs-material", "jieba"]))


def remember_search_parse(plugins: Any, cache: DiskCache) -> None:
    """Wrap the search index of Material's search plugin among `plugins` (MkDocs' plugin
    collection), if it has one, with `cache`."""
    for plugin in plugins.values():
        index = getattr(plugin, "search_index", None)
        if isinstance(getattr(index, "entries", None), list) and callable(getattr(index, "add_entry_from_context", None)):
            _remember(index, cache, _dictionaries(getattr(plugin, "config", {})))


def _dictionaries(config: Any) -> list[str]:
    """jieba's dictionaries as Material's search plugin loads them (`jieba_dict`,
    `jieba_dict_user`: paths from the working directory): a digest of each file read."""
    found = []
    for name in ("jieba_dict", "jieba_dict_user"):
        path = config.get(name) if hasattr(config, "get") else None
        try:
            found.append(hashlib.sha256(Path(path).read_bytes()).hexdigest() if path else "")
        except OSError:  # Material warns about it
            found.append("missing")
    return found


def _remember(index: Any, cache: DiskCache, dictionaries: list[str]) -> None:
    parse = index.add_entry_from_context
    words = [dictionary_stamp(), *dictionaries]  # jieba's cut of Chinese depends on its dictionaries

    def add_entry_from_context(page: Any) -> None:
        key = digest(json.dumps([words, *_page_input(page)], ensure_ascii=False, default=str))
        start = len(index.entries)
        kept = cache.get(key)
        if kept is None:
            parse(page)
            cache.put(key, index.entries[start:])  # Material never changes a section it made
        else:
            index.entries.extend(kept)

    index.add_entry_from_context = add_entry_from_context


def _page_input(page: Any) -> list[Any]:
    """What Material's parse of a page reads: its HTML, URL, table of contents (anchors and
    their URLs), title, and the front-matter fields it indexes."""
    meta = page.meta or {}
    return [page.content, page.url, _toc(page.toc), meta.get("title", page.title), meta.get("tags"), meta.get("search")]


def _toc(items: Any) -> list[Any]:
    return [[item.id, item.url, _toc(item.children)] for item in items or []]
