"""Find the http(s) URLs written in Markdown notes and BibTeX files, each with its file and line.

Markdown is read by the site's own renderer (dlnotes.linkcheck.rendered: Python-Markdown with the
extensions of the note's mkdocs.yml), so what is a link, code, math or prose is what the site
shows; front matter with PyYAML; BibTeX with pybtex, with line numbers recovered from the source
text because pybtex does not keep them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from .. import frontmatter, textfiles
from ..bibliography import entry_chunks, read_bibliography
from .rendered import BARE_URL, RenderError, Renderers, SiteMarkdown, default_markdown, is_http, trim_bare_url

__all__ = [
    "InputError",
    "Occurrence",
    "collect_files",
    "extract_bibtex",
    "extract_files",
    "extract_markdown",
]

MARKDOWN_SUFFIXES = (".md", ".markdown")
BIB_SUFFIXES = (".bib",)


class InputError(Exception):
    """A problem with the input (missing path, unreadable or malformed file): exit code 2."""


@dataclass(frozen=True)
class Occurrence:
    url: str
    file: str
    line: int  # 1-based
    pdf_hint: bool = False  # True for a BibTeX `pdf` field: the URL must serve a PDF


# --- Markdown -----------------------------------------------------------------------------


def _front_matter_urls(block: str, first_line: int) -> Iterator[tuple[str, int]]:
    """http(s) URLs in string values of YAML front matter (e.g. `code: https://github.com/...`)."""
    try:
        root = yaml.compose(block, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        root = None
    if root is None:
        # Unparseable front matter: MkDocs would complain; we still look at every line.
        for i, text in enumerate(block.splitlines()):
            for m in BARE_URL.finditer(text):
                yield trim_bare_url(m.group()), first_line + i
        return
    stack: list[yaml.Node] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((value, key))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
        elif isinstance(node, yaml.ScalarNode) and node.tag.endswith(":str"):
            raw = block[node.start_mark.index : node.end_mark.index]
            cursor = 0
            for m in BARE_URL.finditer(str(node.value)):
                url = trim_bare_url(m.group())
                pos = raw.find(url, cursor)
                line = node.start_mark.line
                if pos >= 0:
                    line += raw.count("\n", 0, pos)
                    cursor = pos + len(url)
                yield url, first_line + line


def extract_markdown(text: str, file: str, markdown: SiteMarkdown | None = None) -> list[Occurrence]:
    """URLs of a Markdown note as its site renders it (`markdown`; the default extensions when
    None): links, images, autolinks, raw HTML href/src, URLs in prose, and front matter values."""
    text = textfiles.normalize(text)
    out: list[Occurrence] = []
    offset, body = 0, text  # lines taken by the front matter, the Markdown the site renders
    fm = frontmatter.split(text)  # the one reader, MkDocs' delimiters
    if fm.block is not None:
        out += [Occurrence(url, file, line) for url, line in _front_matter_urls(fm.block, 2) if is_http(url)]
        offset, body = text.count("\n", 0, fm.block_end), text[fm.block_end :]
    try:
        urls = (markdown or default_markdown()).urls(body)
    except RenderError as err:
        raise InputError(str(err)) from None
    except Exception as err:  # noqa: BLE001 - an extension that fails on a note: one line, not a traceback
        raise InputError(f"{file}: the site's Markdown cannot render it: {type(err).__name__}: {err}") from None
    out += [Occurrence(url, file, offset + (line or 1)) for url, line in urls]
    return out


# --- BibTeX -------------------------------------------------------------------------------

_LATEX_ESCAPES = re.compile(r"\\([_%&#$~])")
_URL_MACRO = re.compile(r"\\(?:url|href)\s*\{([^{}]*)\}")
_ARXIV_ID_PREFIX = re.compile(r"^arxiv:\s*", re.IGNORECASE)
_DOI_PREFIX = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)", re.IGNORECASE)


def _clean_bib_url(value: str) -> str:
    m = _URL_MACRO.search(value)
    if m:
        value = m.group(1)
    value = _LATEX_ESCAPES.sub(r"\1", value)
    return value.replace("{", "").replace("}", "").strip()


def _field_pos(text: str, span: tuple[int, int], field: str) -> int | None:
    """Where the entry in `span` writes `field`; None when it does not (inherited by crossref)."""
    m = re.compile(r"[,{(\s]" + re.escape(field) + r"\s*=", re.IGNORECASE).search(text, span[0], span[1])
    return m.start() + 1 if m else None


def _line_at(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def extract_bibtex(texts: list[tuple[str, str]]) -> list[Occurrence]:
    """URLs of BibTeX files ((name, text), read as the site reads them: one database, so a macro
    may come from another file): url, pdf, code, doi, arXiv eprint, and \\url{} in
    howpublished/note, each at the line of its field. Only what an entry itself says: a field
    inherited through crossref is checked where it is written. Text the reader could not read
    is an InputError naming every such place."""
    bib = read_bibliography(texts)
    if bib.unread:
        raise InputError("\n".join(str(p) for p in bib.unread))
    spans: dict[tuple[str, int], tuple[int, int]] = {}  # (file, line) -> the entry's span in its text
    text_of = dict(texts)
    for name, text in texts:
        offset, line = 0, 1
        for start_line, _kind, chunk in entry_chunks(text):
            offset = _offset_of_line(text, start_line, offset, line)
            line = start_line
            spans[(name, start_line)] = (offset, offset + len(chunk))
    out: list[Occurrence] = []
    for entry in bib.entries.values():
        text = text_of[entry.file]
        span = spans.get((entry.file, entry.line), (0, len(text)))
        fields = {name.lower(): value for name, value in entry.raw.fields.items()}

        def add(
            url: str, field: str, pdf: bool = False, span: tuple[int, int] = span, text: str = text, file: str = entry.file
        ) -> None:
            pos = _field_pos(text, span, field)
            if not is_http(url) or pos is None:
                return
            # The exact line of this URL inside a multi-line field, when it is written verbatim.
            exact = text.find(url, pos, span[1])
            out.append(Occurrence(url, file, _line_at(text, exact if exact >= 0 else pos), pdf))

        for field in ("url", "pdf", "code"):
            if field in fields:
                add(_clean_bib_url(fields[field]), field, pdf=field == "pdf")
        if "doi" in fields:
            doi = _DOI_PREFIX.sub("", _clean_bib_url(fields["doi"]))
            if doi:
                add("https://doi.org/" + doi, "doi")
        prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "").strip().lower()
        if "eprint" in fields and prefix == "arxiv":
            ident = _ARXIV_ID_PREFIX.sub("", _clean_bib_url(fields["eprint"]))
            if ident:
                add("https://arxiv.org/abs/" + ident, "eprint")
        for field in ("howpublished", "note"):
            for m in _URL_MACRO.finditer(fields.get(field, "")):
                add(_clean_bib_url(m.group(0)), field)
    out.sort(key=lambda o: (o.file, o.line))
    return out


def _offset_of_line(text: str, line: int, offset: int, at_line: int) -> int:
    """Where `line` starts, counting on from `offset` (the start of line `at_line`)."""
    while at_line < line:
        offset = text.index("\n", offset) + 1
        at_line += 1
    return offset


# --- files --------------------------------------------------------------------------------


def collect_files(paths: Iterable[str]) -> list[Path]:
    """The Markdown and BibTeX files named by `paths` (files, or folders walked recursively)."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = [
                p
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and p.suffix.lower() in MARKDOWN_SUFFIXES + BIB_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            ]
            files.extend(found)
        elif path.is_file():
            if path.suffix.lower() not in MARKDOWN_SUFFIXES + BIB_SUFFIXES:
                raise InputError(f"{raw}: not a Markdown (.md) or BibTeX (.bib) file")
            files.append(path)
        elif path.exists():
            raise InputError(f"{raw}: not a regular file or folder")
        else:
            raise InputError(f"{raw}: no such file or folder")
    return files


def read_file(path: Path) -> str:
    """A Markdown or BibTeX file's text, as the site reads it (dlnotes.textfiles): a file that is
    not UTF-8 is an InputError with the site's message."""
    try:
        text, problem = textfiles.read_text(path)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if problem is not None:
        raise InputError(str(problem))
    return text


def extract_files(paths: Iterable[Path]) -> list[Occurrence]:
    """The URLs of the files: each Markdown file alone, rendered as the site whose docs folder
    holds it renders it; the BibTeX files as one database."""
    out: list[Occurrence] = []
    renderers = Renderers()
    bibs: list[tuple[str, str]] = []
    for path in paths:
        text = read_file(path)
        if path.suffix.lower() in BIB_SUFFIXES:
            bibs.append((path.as_posix(), text))
        else:
            try:
                markdown = renderers.for_file(path)
            except RenderError as err:
                raise InputError(str(err)) from None
            out.extend(extract_markdown(text, path.as_posix(), markdown))
    return out + extract_bibtex(bibs) if bibs else out
