"""Find the http(s) URLs written in Markdown notes and BibTeX files, each with its file and line.

Markdown is parsed with markdown-it-py (so code spans and code blocks are skipped for real,
not by regex); BibTeX with pybtex, with line numbers recovered from the source text because
pybtex does not keep them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from .. import frontmatter, textfiles
from ..bibliography import entry_chunks, read_bibliography

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


# A bare URL in prose; trailing punctuation is trimmed afterwards (see _trim_bare_url).
_BARE_URL = re.compile(r"https?://[^\s<>\"'`\\]+", re.IGNORECASE)
_HTTP = re.compile(r"^https?://", re.IGNORECASE)


def _trim_bare_url(url: str) -> str:
    # "see https://x.org/a." or "(https://x.org/a)": the punctuation belongs to the sentence,
    # but keep balanced parentheses as in https://en.wikipedia.org/wiki/Foo_(bar).
    while url:
        last = url[-1]
        if last in ".,;:!?*_~]}" or (last == ")" and url.count("(") < url.count(")")):
            url = url[:-1]
        else:
            break
    return url


def is_http(url: str) -> bool:
    return bool(_HTTP.match(url))


# --- Markdown -----------------------------------------------------------------------------

# MkDocs (pymdownx/admonition) containers whose body is indented by four spaces; markdown-it
# alone would read that body as an indented code block and skip its links.
_CONTAINER = re.compile(r"^( *)(?:!!!|\?\?\?\+?|===)[ \t]")


def _dedent_containers(lines: list[str]) -> list[str]:
    """Un-indent the bodies of admonitions and content tabs, keeping the line count."""
    out: list[str] = []
    stack: list[int] = []  # indentation of the enclosing containers' bodies
    in_fence: str | None = None
    for line in lines:
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if stripped.strip() and stack:
            while stack and indent < stack[-1]:
                stack.pop()
        shift = stack[-1] if stack else 0
        new = line[shift:] if shift and len(line) >= shift and not line[:shift].strip() else line
        out.append(new)
        fence = re.match(r"^ *(`{3,}|~{3,})", new)
        if in_fence is not None:
            if fence and fence.group(1)[0] == in_fence[0] and len(fence.group(1)) >= len(in_fence):
                in_fence = None
            continue
        if fence:
            in_fence = fence.group(1)
            continue
        m = _CONTAINER.match(line)
        if m:
            stack.append(len(m.group(1)) + 4)
    return out


class _HTMLLinks(HTMLParser):
    """Collects <a href> and <img src> with their line within the parsed fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"a": "href", "img": "src"}.get(tag)
        if wanted is None:
            return
        for name, value in attrs:
            if name == wanted and value:
                self.found.append((value.strip(), self.getpos()[0]))

    handle_startendtag = handle_starttag


def _html_links(fragment: str) -> list[tuple[str, int]]:
    parser = _HTMLLinks()
    try:
        parser.feed(fragment)
        parser.close()
    except Exception:  # noqa: BLE001 - malformed HTML in a note must not stop the run
        pass
    return parser.found


def _front_matter_urls(block: str, first_line: int) -> Iterator[tuple[str, int]]:
    """http(s) URLs in string values of YAML front matter (e.g. `code: https://github.com/...`)."""
    try:
        root = yaml.compose(block, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        root = None
    if root is None:
        # Unparseable front matter: MkDocs would complain; we still look at every line.
        for i, text in enumerate(block.splitlines()):
            for m in _BARE_URL.finditer(text):
                yield _trim_bare_url(m.group()), first_line + i
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
            for m in _BARE_URL.finditer(str(node.value)):
                url = _trim_bare_url(m.group())
                pos = raw.find(url, cursor)
                line = node.start_mark.line
                if pos >= 0:
                    line += raw.count("\n", 0, pos)
                    cursor = pos + len(url)
                yield url, first_line + line


class _MarkdownExtractor:
    def __init__(self, text: str, file: str) -> None:
        self.file = file
        self.occurrences: list[Occurrence] = []
        self.md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
        self.text = text

    def add(self, url: str, line: int) -> None:
        if is_http(url):
            self.occurrences.append(Occurrence(url, self.file, line))

    def run(self) -> list[Occurrence]:
        text = self.text
        offset = 0  # lines taken by the front matter
        fm = frontmatter.split(text)  # the one reader, MkDocs' delimiters
        if fm.block is not None:
            for url, line in _front_matter_urls(fm.block, 2):
                self.add(url, line)
            offset = text.count("\n", 0, fm.block_end)
            text = text[fm.block_end :]
        lines = _dedent_containers(text.split("\n"))
        self.lines = lines
        body = "\n".join(lines)
        env: dict[str, Any] = {}
        tokens = self.md.parse(body, env)
        # Reference definitions produce no token: take them from env, with their line.
        ref_hrefs: set[str] = set()
        for ref in env.get("references", {}).values():
            href = ref.get("href", "")
            ref_hrefs.add(href)
            mapping = ref.get("map")
            if mapping:
                line = self._find_line(href, mapping[0], mapping[1]) or mapping[0]
                self.add(href, offset + line + 1)
        for token in tokens:
            if token.type == "html_block" and token.map:
                for url, rel in _html_links(token.content):
                    self.add(url, offset + token.map[0] + rel)
            elif token.type == "inline" and token.map:
                self._inline(token, offset, ref_hrefs)
        self.occurrences.sort(key=lambda o: o.line)
        return self.occurrences

    def _candidates(self, url: str) -> list[str]:
        decoded = self.md.normalizeLinkText(url)
        return [url] if decoded == url else [url, decoded]

    def _find_line(self, url: str, start: int, end: int, from_line: int | None = None) -> int | None:
        """0-based body line where `url` is written between lines start..end (exclusive)."""
        first = start if from_line is None else max(start, from_line)
        for candidate in self._candidates(url):
            for i in range(first, min(end, len(self.lines))):
                if candidate in self.lines[i]:
                    return i
        return None

    def _inline(self, token: Token, offset: int, ref_hrefs: set[str]) -> None:
        assert token.map is not None
        start, end = token.map
        line = start  # 0-based body line of the current child, from the line breaks seen
        in_link = 0
        for child in token.children or []:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "link_open":
                in_link += 1
                href = str(child.attrs.get("href", ""))
                found = self._find_line(href, start, end, line)
                if found is not None:
                    line = found
                    self.add(href, offset + found + 1)
                elif href not in ref_hrefs:
                    self.add(href, offset + line + 1)
                # else: a reference-style use; the definition's line was recorded already
            elif child.type == "link_close":
                in_link = max(0, in_link - 1)
            elif child.type == "image":
                src = str(child.attrs.get("src", ""))
                found = self._find_line(src, start, end, line)
                if found is not None or src not in ref_hrefs:
                    self.add(src, offset + (found if found is not None else line) + 1)
            elif child.type == "html_inline":
                for url, rel in _html_links(child.content):
                    found = self._find_line(url, start, end, line)
                    self.add(url, offset + (found if found is not None else line + rel - 1) + 1)
                line += child.content.count("\n")
            elif child.type == "text" and not in_link:
                for m in _BARE_URL.finditer(child.content):
                    url = _trim_bare_url(m.group())
                    found = self._find_line(url, start, end, line)
                    if found is not None:
                        line = found
                    self.add(url, offset + line + 1)
            # code_inline: never a link, by design


def extract_markdown(text: str, file: str) -> list[Occurrence]:
    """URLs of a Markdown note: links, images, autolinks, bare URLs, HTML href/src, front matter."""
    return _MarkdownExtractor(textfiles.normalize(text), file).run()


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
    """The URLs of the files: each Markdown file alone, the BibTeX files as one database."""
    out: list[Occurrence] = []
    bibs: list[tuple[str, str]] = []
    for path in paths:
        text = read_file(path)
        if path.suffix.lower() in BIB_SUFFIXES:
            bibs.append((path.as_posix(), text))
        else:
            out.extend(extract_markdown(text, path.as_posix()))
    return out + extract_bibtex(bibs) if bibs else out
