"""The bibliography settings of the plugin, accepting mkdocs-bibtex's configuration keys.

A site written for mkdocs-bibtex (4.x, and the older `cite_inline`) switches to dlnotes by
renaming the plugin in mkdocs.yml: `bib_file`, `bib_dir`, `csl_file`, `csl_file_encoding`,
`bib_command`, `full_bib_command`, `bib_by_default`, `footnote_format`,
`enable_inline_citations`/`cite_inline` mean what they mean there. Our own keys: `bib` (files
or folders, default `bib`), `style` (a shipped CSL style by name, a `.csl` file, or
`pybtex-plain`). Which style when none is named: GB/T 7714-2015 numeric, except for a
mkdocs-bibtex configuration (`bib_file`/`bib_dir` given) without `csl_file`, which keeps the
look mkdocs-bibtex gave it, pybtex's plain style.

Plain module (no mkdocs import): the MkDocs layer declares `OPTIONS` as its config options and
passes the values to `settings_from`; `finish_page` puts the full bibliography where its command
stands in a rendered page (dlnotes.citemd puts the page's list where `\\bibliography` stands, or
at the end by default) and gives the list's footnotes the ids `footnote_format` makes.
"""

from __future__ import annotations

import html as html_module
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .citemd import FOOTNOTES_SLOT
from .problems import Problem

PLAIN = "pybtex-plain"
DEFAULT_STYLE = "china-national-standard-gb-t-7714-2015-numeric"

# name -> (type, default); mkdocs-bibtex's keys and ours.
OPTIONS: dict[str, tuple[type, Any]] = {
    "bib": (list, None),  # ours: files or folders of bib files, relative to mkdocs.yml (default ["bib"])
    "style": (str, None),  # ours: CSL style name or .csl file, or "pybtex-plain"
    "bib_file": (str, None),
    "bib_dir": (str, None),
    "csl_file": (str, None),
    "csl_file_encoding": (str, None),
    "bib_command": (str, "\\bibliography"),
    "full_bib_command": (str, "\\full_bibliography"),
    "bib_by_default": (bool, True),
    "footnote_format": (str, "{key}"),
    "enable_inline_citations": (bool, True),
    "cite_inline": (bool, None),  # mkdocs-bibtex before 2.x; same meaning as enable_inline_citations
}


@dataclass(frozen=True)
class BibSettings:
    bib_paths: tuple[Path, ...]
    style: str  # a shipped style's name, a .csl path (absolute), or PLAIN
    csl_file_encoding: str
    bib_command: str
    full_bib_command: str
    bib_by_default: bool
    footnote_format: str
    inline_citations: bool


def _is_url(value: str) -> bool:
    return bool(re.match(r"^[a-z][a-z0-9+.-]*://", value, re.IGNORECASE))


def settings_from(options: Mapping[str, Any], config_file: Path) -> tuple[BibSettings, list[Problem]]:
    """The settings from the plugin's options (missing keys take their defaults); every value
    that cannot be used is a Problem on mkdocs.yml, and a usable default is taken instead."""
    where = config_file.name
    base = config_file.parent
    problems: list[Problem] = []
    value = {name: options.get(name, default) for name, (_, default) in OPTIONS.items()}
    for name, (kind, _) in OPTIONS.items():
        if value[name] is not None and not isinstance(value[name], kind):
            problems.append(Problem(where, None, f"bibliography option '{name}' must be a {kind.__name__}, not {value[name]!r}"))
            value[name] = OPTIONS[name][1]
    paths: list[Path] = []
    for name in ("bib_file", "bib_dir"):
        given = value[name]
        if given and _is_url(given):
            problems.append(
                Problem(
                    where,
                    None,
                    f"'{name}: {given}': the site is built offline; download the file into the site's folder and name it here",
                )
            )
        elif given:
            paths.append(base / given)
    for given in value["bib"] or []:
        paths.append(base / str(given))
    mkdocs_bibtex_style = bool(value["bib_file"] or value["bib_dir"])
    if not paths:
        paths.append(base / "bib")
    style = value["style"]
    csl_file = value["csl_file"]
    if csl_file and _is_url(csl_file):
        problems.append(
            Problem(
                where,
                None,
                f"'csl_file: {csl_file}': the site is built offline; save the .csl file next to mkdocs.yml and name it here",
            )
        )
        csl_file = None
    if style and csl_file and style != csl_file:
        problems.append(
            Problem(where, None, f"both 'style: {style}' and 'csl_file: {csl_file}' are set; keep one (using 'style')")
        )
    chosen = style or (str(base / csl_file) if csl_file else None) or (PLAIN if mkdocs_bibtex_style else DEFAULT_STYLE)
    if chosen.endswith(".csl") and not Path(chosen).is_absolute():
        chosen = str(base / chosen)
    footnote_format = value["footnote_format"]
    if "{key}" not in footnote_format and "{number}" not in footnote_format:
        problems.append(
            Problem(where, None, f"'footnote_format: {footnote_format}' names neither {{key}} nor {{number}}; using '{{key}}'")
        )
        footnote_format = "{key}"
    inline = value["enable_inline_citations"] if value["cite_inline"] is None else value["cite_inline"]
    return BibSettings(
        bib_paths=tuple(paths),
        style=chosen,
        csl_file_encoding=value["csl_file_encoding"] or "utf-8",
        bib_command=value["bib_command"],
        full_bib_command=value["full_bib_command"],
        bib_by_default=value["bib_by_default"],
        footnote_format=footnote_format,
        inline_citations=bool(inline),
    ), problems


DEFAULTS = settings_from({}, Path("mkdocs.yml"))[0]  # what an empty configuration means


def footnote_label(settings: BibSettings, key: str, number: int) -> str:
    """The footnote's label as mkdocs-bibtex's `footnote_format` makes it."""
    return settings.footnote_format.format(key=key, number=number)


def _command_paragraph(command: str) -> re.Pattern[str]:
    # The command counts where Markdown made it a paragraph of its own: not in code, not in a
    # sentence (Python-Markdown's parse decides, the HTML is what it decided).
    return re.compile(r"<p>\s*" + re.escape(command) + r"\s*</p>")


def has_command(html: str, command: str) -> bool:
    return bool(_command_paragraph(command).search(html))


def replace_commands(html: str, settings: BibSettings, page_bibliography: str, full_bibliography: str) -> tuple[str, bool]:
    """The page's HTML with `\\bibliography` replaced by the page's bibliography and
    `\\full_bibliography` by the site's; returns whether the page's bibliography was placed
    (if not and `bib_by_default`, the layer appends it, as mkdocs-bibtex does)."""
    placed = False

    def page(_: re.Match[str]) -> str:
        nonlocal placed
        if placed:
            return ""
        placed = True
        return page_bibliography

    html = _command_paragraph(settings.bib_command).sub(page, html)
    html = _command_paragraph(settings.full_bib_command).sub(lambda _: full_bibliography, html)
    return html, placed


def full_bibliography_html(references: list[tuple[str, str]], numbered: bool) -> str:
    """Every entry, as the style writes it, in the style's order (`references`: key, HTML)."""
    tag = "ol" if numbered else "ul"
    items = "\n".join(f'<li id="bib:{html_module.escape(key)}">{text}</li>' for key, text in references)
    return f'<div class="dlnotes-bibliography">\n<{tag}>\n{items}\n</{tag}>\n</div>'


def finish_page(
    html: str, footnotes_html: str, cited: set[str], settings: BibSettings, full_bibliography: Callable[[], str]
) -> tuple[str, str]:
    """A rendered page and its reference list (`footnotes_html`, placed after search indexing,
    or "" when the list is in the page) with the commands done and the footnotes relabelled.
    `cited`: the keys cited on the page."""
    untouched = settings.bib_by_default and settings.footnote_format == "{key}"
    if untouched and settings.bib_command not in html and settings.full_bib_command not in html:
        return html, footnotes_html  # the common case: nothing to do
    # The page's list is where the first `\\bibliography` stood (dlnotes.citemd placed it), or
    # at the end (`bib_by_default`), or nowhere; a second `\\bibliography` is dropped.
    full = full_bibliography() if has_command(html, settings.full_bib_command) else ""
    html, _ = replace_commands(html, settings, "", full)
    if FOOTNOTES_SLOT not in html:  # the list has no place on this page (bib_by_default: false):
        footnotes_html = ""  # its citations are text, as pandoc writes them without a bibliography
        html = _CITATION_LINK.sub(lambda m: m.group(2) if html_module.unescape(m.group(1)) in cited else m.group(), html)
    listed = [html_module.unescape(k) for k in _LIST_ITEM.findall(footnotes_html or html)]
    html, footnotes_html = relabel_footnotes([html, footnotes_html], settings, [k for k in listed if k in cited])
    return html, footnotes_html


_LIST_ITEM = re.compile(r'<li id="fn:([^"]+)">')
_CITATION_LINK = re.compile(r'<a class="footnote-ref" href="#fn:([^"]+)">(.*?)</a>', re.S)
_FOOTNOTE_ID = re.compile(r'(\bid="|\bhref="#)fn:([^"]+)"')


def relabel_footnotes(texts: list[str], settings: BibSettings, keys: list[str]) -> list[str]:
    """`footnote_format`: the page's reference footnotes have the ids mkdocs-bibtex gives them
    (`fn:LABEL`, `{number}` being the footnote's place in the page's list, `{key}` the cited key),
    and the citations link there. The citations' own ids (`fnref:KEY`) keep the key: backlinks
    and the References page find a citation by them. `texts`: the page's HTML and its list's."""
    if settings.footnote_format == "{key}" or not keys:
        return texts
    labels = {key: footnote_label(settings, key, number) for number, key in enumerate(keys, start=1)}

    def relabel(m: re.Match[str]) -> str:
        key = html_module.unescape(m.group(2))
        label = labels.get(key)
        return m.group() if label is None else f'{m.group(1)}fn:{html_module.escape(label)}"'

    return [_FOOTNOTE_ID.sub(relabel, text) for text in texts]
