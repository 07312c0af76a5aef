"""mkdocs-bibtex's configuration keys mean what they mean there (its README's setup and options)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from dlnotes.bibconfig import (
    DEFAULT_STYLE,
    PLAIN,
    footnote_label,
    has_command,
    replace_commands,
    settings_from,
)

README_SETUP = """
plugins:
  - search
  - bibtex:
      bib_file: "refs.bib"
markdown_extensions:
  - footnotes
"""

# Each option of mkdocs-bibtex's README, none at its default.
EVERY_OPTION = r"""
plugins:
  - bibtex:
      bib_dir: refs
      csl_file: styles/apa.csl
      csl_file_encoding: utf-8
      bib_command: \refs
      full_bib_command: \allrefs
      bib_by_default: false
      footnote_format: ref{number}
      enable_inline_citations: false
"""
# Files on the web (this site builds offline) and values of the wrong kind.
URLS_AND_BAD_VALUES = """
plugins:
  - bibtex:
      bib_file: https://api.zotero.org/x/items?format=bibtex
      csl_file: https://example.org/apa.csl
      footnote_format: ref
      bib_by_default: "yes"  # quoted: a string, where YAML's bare yes would be true
"""


def bibtex_options(text: str) -> dict[str, Any]:
    plugins = yaml.safe_load(text)["plugins"]
    return next(p["bibtex"] for p in plugins if isinstance(p, dict) and "bibtex" in p)


def test_the_readme_setup_keeps_mkdocs_bibtex_defaults(tmp_path: Path) -> None:
    settings, problems = settings_from(bibtex_options(README_SETUP), tmp_path / "mkdocs.yml")
    assert problems == []
    assert settings.bib_paths == (tmp_path / "refs.bib",)
    assert settings.style == PLAIN  # no csl_file: mkdocs-bibtex renders pybtex's plain format
    assert (settings.bib_command, settings.full_bib_command) == ("\\bibliography", "\\full_bibliography")
    assert settings.bib_by_default and settings.inline_citations
    assert footnote_label(settings, "smith2020", 3) == "smith2020"


def test_every_option_of_the_readme(tmp_path: Path) -> None:
    settings, problems = settings_from(bibtex_options(EVERY_OPTION), tmp_path / "mkdocs.yml")
    assert problems == []
    assert settings.bib_paths == (tmp_path / "refs",) and settings.style == str(tmp_path / "styles/apa.csl")
    assert (settings.bib_command, settings.full_bib_command, settings.bib_by_default) == ("\\refs", "\\allrefs", False)
    assert footnote_label(settings, "k", 2) == "ref2" and settings.inline_citations is False
    old, _ = settings_from({"cite_inline": False}, tmp_path / "mkdocs.yml")
    assert old.inline_citations is False


def test_our_defaults_and_style_names(tmp_path: Path) -> None:
    settings, problems = settings_from({}, tmp_path / "mkdocs.yml")
    assert problems == [] and settings.style == DEFAULT_STYLE and settings.bib_paths == (tmp_path / "bib",)
    assert settings_from({"style": "apa"}, tmp_path / "mkdocs.yml")[0].style == "apa"
    assert settings_from({"style": "pybtex-plain"}, tmp_path / "mkdocs.yml")[0].style == PLAIN


def test_urls_and_bad_values_are_problems_not_downloads(tmp_path: Path) -> None:
    settings, problems = settings_from(bibtex_options(URLS_AND_BAD_VALUES), tmp_path / "mkdocs.yml")
    text = [str(p) for p in problems]
    assert len(text) == 4 and all(t.startswith("mkdocs.yml: ") for t in text)
    assert any("built offline" in t and "bib_file" in t for t in text) and any("csl_file" in t for t in text)
    assert settings.footnote_format == "{key}" and settings.bib_by_default is True


def test_commands_are_replaced_where_markdown_made_them_a_paragraph(tmp_path: Path) -> None:
    settings, _ = settings_from({}, tmp_path / "mkdocs.yml")
    html = "<p>Text.</p>\n<p>\\bibliography</p>\n<pre><code>\\full_bibliography\n</code></pre>\n<p>\\full_bibliography</p>"
    assert has_command(html, "\\full_bibliography")
    out, placed = replace_commands(html, settings, "<ol>page</ol>", "<ol>all</ol>")
    assert placed and out == "<p>Text.</p>\n<ol>page</ol>\n<pre><code>\\full_bibliography\n</code></pre>\n<ol>all</ol>"
    out, placed = replace_commands("<p>See \\bibliography here.</p>", settings, "X", "Y")
    assert not placed and out == "<p>See \\bibliography here.</p>"
