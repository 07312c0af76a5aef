"""What the core needs from mkdocs.yml, read without any site engine.

mkdocs.yml is YAML with three extras MkDocs understands: `!ENV` (an environment variable with a
default), `!!python/name:` and `!!python/object/apply:` (a Python object, e.g. a slugify function
for the toc extension). They are read here the same way, so `dlnotes check` renders pages with the
very Markdown extensions and options the site is built with.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

# The dlnotes plugin's options and their defaults (the MkDocs layer's typed config reads them here).
# The bibliography's options (mkdocs-bibtex's keys, `bib` and `style`) are dlnotes.bibconfig.OPTIONS.
PLUGIN_DEFAULTS: dict[str, Any] = {
    "reading_lists": ["roadmap.bib"],  # bib files whose entries may go uncited
    "cache": True,  # keep parsed bib files, formatted entries, citations for the next build
    "cache_dir": ".cache/dlnotes",
    "roadmap_yaml": "roadmap.yaml",  # the reading roadmap, in the (first) bib folder
    "roadmap_bib": "roadmap.bib",
    "references_page": "references.md",  # generated pages, in docs/
    "roadmap_page": "roadmap.md",
}


# Markdown extensions MkDocs always adds before those mkdocs.yml names (its `builtins`).
MKDOCS_BUILTINS = ("toc", "tables", "fenced_code")

# The math extension: what is math in a page (dlnotes.mathmd).
MATH_EXTENSION = "dlnotes.mathmd"


def math_as_tex(extensions: list[Any], configs: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """`configs` with the math extension, wherever `extensions` names it, leaving formulas as
    TeX (no MathJax in node): for rendering a page to read it rather than to publish it."""
    out = dict(configs)
    for name in extensions:
        if isinstance(name, str) and name.split(":")[0] == MATH_EXTENSION:
            out[name] = {**out.get(name, {}), "typeset": False}
    return out


# Markdown extensions of the site engine's theme (Material's link previews need MkDocs' own link
# processor): left out when pages are rendered without an engine.
ENGINE_EXTENSIONS = ("material.",)


class ConfigError(Exception):
    """mkdocs.yml cannot be read; the message is one line naming the file."""


class _Loader(yaml.SafeLoader):
    pass


def _env(loader: _Loader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        names, default = [loader.construct_scalar(node)], None
    else:
        values = loader.construct_sequence(node)  # type: ignore[arg-type]
        names, default = values[:-1], values[-1]
    for name in names:
        if str(name) in os.environ:
            return yaml.safe_load(os.environ[str(name)])
    return default


def _import(dotted: str) -> Any:
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module), name)


def _python_name(loader: _Loader, suffix: str, node: yaml.Node) -> Any:
    return _import(suffix)


def _python_apply(loader: _Loader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.SequenceNode):
        args, kwds = loader.construct_sequence(node, deep=True), {}
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
        args, kwds = value.get("args", []), value.get("kwds", {})
    return _import(suffix)(*args, **kwds)


_Loader.add_constructor("!ENV", _env)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/name:", _python_name)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/object/apply:", _python_apply)


@dataclass
class SiteConfig:
    path: Path  # mkdocs.yml
    docs_dir: Path
    nav: list[str] = field(default_factory=list)  # pages in navigation order (docs-relative)
    use_directory_urls: bool = True
    extensions: list[Any] = field(default_factory=list)  # as Python-Markdown takes them
    extension_configs: dict[str, dict[str, Any]] = field(default_factory=dict)
    plugin: dict[str, Any] = field(default_factory=lambda: dict(PLUGIN_DEFAULTS))

    @property
    def root(self) -> Path:
        return self.path.parent


def load(path: Path) -> SiteConfig:
    try:
        with path.open(encoding="utf-8-sig") as handle:
            raw = yaml.load(handle, Loader=_Loader)
    except OSError as err:
        raise ConfigError(f"{path}: cannot read: {err.strerror}") from None
    except (yaml.YAMLError, ImportError, AttributeError, TypeError) as err:
        raise ConfigError(f"{path}: {' '.join(str(err).split())}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: not a mapping of settings")
    config = SiteConfig(path=path, docs_dir=path.parent / str(raw.get("docs_dir", "docs")))
    config.use_directory_urls = bool(raw.get("use_directory_urls", True))
    config.nav = list(_nav_pages(raw.get("nav") or []))
    for item in raw.get("markdown_extensions") or []:
        name, options = next(iter(item.items())) if isinstance(item, dict) else (item, None)
        if str(name).startswith(ENGINE_EXTENSIONS):  # they need the engine and change no problem
            continue
        config.extensions.append(name)
        if options:
            config.extension_configs[name] = options
    # MkDocs' builtins first, each extension once (its order: superfences replaces fenced_code).
    config.extensions = list(dict.fromkeys([*MKDOCS_BUILTINS, *config.extensions]))
    for item in raw.get("plugins") or []:
        name, options = next(iter(item.items())) if isinstance(item, dict) else (item, None)
        if name == "dlnotes":
            config.plugin.update(options or {})
    return config


def _nav_pages(nav: Any) -> Iterator[str]:
    if isinstance(nav, str):
        if "://" not in nav:
            yield nav
    elif isinstance(nav, list):
        for item in nav:
            yield from _nav_pages(item)
    elif isinstance(nav, dict):
        for value in nav.values():
            yield from _nav_pages(value)
