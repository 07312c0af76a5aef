"""The MkDocs plugin's configuration, typed (MkDocs' `config_options`): our options and
mkdocs-bibtex's. What each option means and its default: dlnotes.siteconfig and dlnotes.bibconfig
(`dlnotes check` reads the same options without MkDocs).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mkdocs.config import base, config_options

from .bibconfig import OPTIONS
from .siteconfig import PLUGIN_DEFAULTS

_D = PLUGIN_DEFAULTS


class _Options(base.Config):
    """The plugin's options, typed; what each means and its default: dlnotes.siteconfig."""

    reading_lists = config_options.ListOfItems(config_options.Type(str), default=_D["reading_lists"])
    cache = config_options.Type(bool, default=_D["cache"])
    cache_dir = config_options.Type(str, default=_D["cache_dir"])
    roadmap_yaml = config_options.Type(str, default=_D["roadmap_yaml"])
    roadmap_bib = config_options.Type(str, default=_D["roadmap_bib"])
    references_page = config_options.Type(str, default=_D["references_page"])
    roadmap_page = config_options.Type(str, default=_D["roadmap_page"])


# The bibliography's options: mkdocs-bibtex's keys (a site written for it switches by renaming the
# plugin) and ours, `bib` and `style` (dlnotes.bibconfig says what each means).
# Made at run time from OPTIONS; to mypy it is the typed options (the bibliography's are read as
# a dict: Settings.from_options).
if TYPE_CHECKING:
    NotesConfig = _Options
else:
    NotesConfig = type(
        "NotesConfig",
        (_Options,),
        {
            name: config_options.Optional(config_options.Type(kind))
            if default is None
            else config_options.Type(kind, default=default)
            for name, (kind, default) in OPTIONS.items()
        },
    )
