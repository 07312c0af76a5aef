"""Python-Markdown as the site renders a page: the extensions and options of mkdocs.yml.

Read by dlnotes.siteconfig, as `dlnotes check` reads them, so unit tests of our extensions meet
the very containers, tables, code and emphasis a note meets, and a change to mkdocs.yml reaches
them without a copied list to update. The math extension is configured to leave formulas in
their `\\(...\\)` form (no MathJax): typesetting is tested on built sites.
"""

from __future__ import annotations

from markdown import Extension, Markdown

from dlnotes import siteconfig
from tests.support.sitebuild import ROOT

MATH = siteconfig.MATH_EXTENSION


def site_markdown(*ours: Extension) -> Markdown:
    """The site's Markdown, with `ours` (extension instances under test) added after its own."""
    config = siteconfig.load(ROOT / "mkdocs.yml")
    assert MATH in config.extensions, f"mkdocs.yml no longer names {MATH}"
    return Markdown(
        extensions=[*config.extensions, *ours],
        extension_configs=siteconfig.math_as_tex(config.extensions, config.extension_configs),
    )
