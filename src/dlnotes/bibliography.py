"""Reading the bib files: every entry with its file and line, and every mistake as a Problem.

pybtex does the parsing. We cut each file into entries first, so that one broken entry gives one
clear error with its real line and does not take the rest of the file with it, and so that
duplicate keys (also differing only in case, also across files) are reported with both places.
Formatting of an entry for display is delegated to mkdocs-bibtex (see `EntryFormatter`).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pybtex.database import BibliographyData, Entry
from pybtex.database.input.bibtex import Parser, month_names
from pybtex.scanner import PybtexError

from . import keys as keys_module, problems as problems_module
from .diskcache import DiskCache, code_version, digest
from .keys import KEY_RULE, closest_key, is_valid_key
from .problems import Problem

# Entry types BibTeX's standard styles know, plus the biblatex ones people often write.
KNOWN_TYPES = {
    "article", "book", "booklet", "inbook", "incollection", "inproceedings", "conference",
    "manual", "mastersthesis", "misc", "phdthesis", "proceedings", "techreport", "unpublished",
    "online", "software", "report", "thesis", "dataset", "collection",
}
# Fields an entry must have to be cited (BibTeX's rules; "a|b" means either).
REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    "article": ("author", "title", "journal", "year"),
    "book": ("author|editor", "title", "publisher", "year"),
    "inbook": ("author|editor", "title", "chapter|pages", "publisher", "year"),
    "incollection": ("author", "title", "booktitle", "publisher", "year"),
    "inproceedings": ("author", "title", "booktitle", "year"),
    "conference": ("author", "title", "booktitle", "year"),
    "mastersthesis": ("author", "title", "school", "year"),
    "phdthesis": ("author", "title", "school", "year"),
    "techreport": ("author", "title", "institution", "year"),
    "proceedings": ("title", "year"),
    "unpublished": ("author", "title", "note"),
    "manual": ("title",),
    "booklet": ("title",),
}
DEFAULT_REQUIRED = ("title",)
# pybtex's plain style formats only BibTeX's own types; the others are shown as misc.
FORMAT_AS_MISC = {"online", "software", "dataset"}

_ENTRY_START = re.compile(r"^[ \t]*@[ \t]*([A-Za-z]+)[ \t]*[{(]", re.M)
_KEY_AFTER_BRACE = re.compile(r"[ \t]*([^,\s{}()]*)")


@dataclass
class BibEntry:
    key: str
    type: str
    fields: dict[str, str]
    persons: dict[str, list[str]]
    file: str
    line: int
    pybtex: Entry = field(repr=False)

    def get(self, name: str) -> str | None:
        return self.fields.get(name)


@dataclass
class Bibliography:
    entries: dict[str, BibEntry] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    # Keys of entries that exist but could not be read: already reported, so citing them is
    # not reported again as "unknown key".
    broken: set[str] = field(default_factory=set)

    def __contains__(self, key: str) -> bool:
        return key in self.entries

    def suggest(self, key: str) -> str | None:
        return closest_key(key, self.entries)

    def as_pybtex(self) -> BibliographyData:
        return BibliographyData(entries={k: e.pybtex for k, e in self.entries.items()})


def parse_cache(path: Path) -> DiskCache:
    """Parsed bib files kept between builds: pybtex takes ~0.2 ms an entry, and a bib rarely
    changes between two builds. What a file gave, entries and problems alike, comes back as
    parsed, so its problems are reported on every build until fixed."""
    return DiskCache(path, code_version([sys.modules[__name__], keys_module, problems_module], ["pybtex"]))


def load_bibliography(paths: Iterable[Path], root: Path | None = None, cache: DiskCache | None = None) -> Bibliography:
    """Read every *.bib file under `paths` (files or folders), in a stable order; with a
    `cache`, a file whose content has not changed is not parsed again."""
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.rglob("*.bib")) if path.is_dir() else [path])
    bib = Bibliography()
    folded: dict[str, BibEntry] = {}
    for path in files:
        name = _display(path, root)
        bib.files.append(name)
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as err:
            line = path.read_bytes()[: err.start].count(b"\n") + 1
            bib.problems.append(Problem(name, line, f"not UTF-8 (byte 0x{path.read_bytes()[err.start]:02x}); save the file as UTF-8"))
            continue
        except OSError as err:
            bib.problems.append(Problem(name, None, f"cannot read: {err.strerror}"))
            continue
        key = f"{name}\n{digest(text)}"
        cached = cache.get(key) if cache is not None else None
        if cached is None:
            problems: list[Problem] = []
            broken: set[str] = set()
            cached = (_parse_file(text, name, problems, broken), problems, broken)
            if cache is not None:
                cache.put(key, cached)
        entries = cached[0]
        bib.problems.extend(cached[1])
        bib.broken |= cached[2]
        for entry in entries:
            other = folded.get(entry.key.lower())
            if other is not None:
                same = "" if other.key == entry.key else f" (differs only in case from '{other.key}')"
                bib.problems.append(Problem(
                    name, entry.line,
                    f"duplicate key '{entry.key}'{same}: already defined at {other.file}:{other.line}",
                ))
                continue
            folded[entry.key.lower()] = entry
            bib.entries[entry.key] = entry
    return bib


def _display(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def _parse_file(text: str, name: str, problems: list[Problem], broken: set[str]) -> list[BibEntry]:
    starts = [m.start() for m in _ENTRY_START.finditer(text)]
    chunks = [(s, text[s:e]) for s, e in zip(starts, starts[1:] + [len(text)])]
    macros = dict(month_names)
    entries: list[BibEntry] = []
    for offset, chunk in chunks:
        line = text.count("\n", 0, offset) + 1
        kind = _ENTRY_START.match(chunk).group(1).lower()  # type: ignore[union-attr]
        if kind == "comment" or kind == "preamble":
            continue
        if kind == "string":
            parser = Parser(macros=macros)
            try:
                parser.parse_string(chunk)
                macros = dict(parser.macros)
            except PybtexError as err:
                problems.append(Problem(name, _error_line(err, line), _error_text(err)))
            continue
        key = _KEY_AFTER_BRACE.match(chunk, chunk.index(_opening(chunk)) + 1).group(1)  # type: ignore[union-attr]
        if kind not in KNOWN_TYPES:
            hint = closest_key(kind, KNOWN_TYPES)
            problems.append(Problem(name, line, f"unknown entry type '@{kind}'" + (f" (did you mean '@{hint}'?)" if hint else "")))
            broken.add(key)
            continue
        if not key:
            problems.append(Problem(name, line, f"@{kind} entry without a key"))
            continue
        if not is_valid_key(key):
            problems.append(Problem(name, line, f"invalid key '{key}': a key may contain {KEY_RULE}"))
            continue
        brace_problem = _unbalanced_braces(chunk, line)
        if brace_problem:
            problems.append(Problem(name, brace_problem[0], f"entry '{key}': {brace_problem[1]}"))
            broken.add(key)
            continue
        parser = Parser(macros=macros)
        try:
            data = parser.parse_string(chunk)
        except PybtexError as err:
            problems.append(Problem(name, _error_line(err, line), f"entry '{key}': {_error_text(err)}"))
            broken.add(key)
            continue
        if key not in data.entries:
            problems.append(Problem(name, line, f"entry '{key}' could not be read: check the comma after the key"))
            continue
        entry = data.entries[key]
        fields = {k.lower(): str(v) for k, v in entry.fields.items()}
        persons = {role.lower(): [str(p) for p in people] for role, people in entry.persons.items()}
        missing = [need for need in REQUIRED_FIELDS.get(kind, DEFAULT_REQUIRED)
                   if not any(alt in fields or alt in persons for alt in need.split("|"))]
        if missing:
            problems.append(Problem(name, line, f"entry '{key}' (@{kind}) lacks required field(s): " + ", ".join(m.replace("|", " or ") for m in missing)))
        if kind in FORMAT_AS_MISC:
            entry.type = "misc"
        entries.append(BibEntry(key, kind, fields, persons, name, line, entry))
    return entries


_FIELD_START = re.compile(r"^\s*([A-Za-z][\w-]*)\s*=")


def _unbalanced_braces(chunk: str, first_line: int) -> tuple[int, str] | None:
    """pybtex only says 'premature end of file'; find the field whose brace was left open."""
    depth = 0
    field_name, field_line = None, first_line
    for number, text in enumerate(chunk.split("\n"), start=first_line):
        m = _FIELD_START.match(text)
        if m and depth > 1:
            return field_line, f"unbalanced braces: '{{' in field '{field_name}' is never closed"
        if m and depth == 1:
            field_name, field_line = m.group(1), number
        escaped = False
        for ch in text:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth < 0:
                    return number, "unbalanced braces: a '}' closes nothing"
    if depth > 0 and chunk.lstrip().startswith("@") and "{" in chunk.split(",")[0]:
        if depth > 1 and field_name:
            return field_line, f"unbalanced braces: '{{' in field '{field_name}' is never closed"
        return first_line, "entry is not closed: add the final '}'"
    return None


def _opening(chunk: str) -> str:
    brace, paren = chunk.find("{"), chunk.find("(")
    return "{" if paren == -1 or (brace != -1 and brace < paren) else "("


def _error_line(err: PybtexError, first_line: int) -> int:
    lineno = getattr(err, "lineno", None)
    return first_line + lineno - 1 if lineno else first_line


def _error_text(err: PybtexError) -> str:
    message = str(err)
    # pybtex says "syntax error in line N: ..."; the line is already in our prefix.
    return re.sub(r"^syntax error in line \d+: ", "syntax error: ", message)


class FormatStore(DiskCache):
    """Formatted entries kept between builds, keyed by the entry's content: pybtex's style takes
    ~2 ms an entry, the bulk of our build time on a large bib, and an entry rarely changes."""

    def __init__(self, path: Path):
        super().__init__(path, code_version([], ["mkdocs-bibtex", "pybtex"]))

    @staticmethod
    def digest(entry: BibEntry) -> str:
        return digest(json.dumps([entry.type, sorted(entry.fields.items()), sorted(entry.persons.items())], ensure_ascii=False))


class EntryFormatter:
    """Formats entries once per bibliography (not once per page) with mkdocs-bibtex's formatter,
    and, with a FormatStore, once per change of the entry across builds."""

    def __init__(self, bib: Bibliography, format_entry: Callable[[Entry], str] | None = None,
                 store: FormatStore | None = None):
        self.bib = bib
        self._format = format_entry  # made on first use: importing mkdocs-bibtex takes ~40 ms
        self._cache: dict[str, str] = {}
        self.store = store
        self.calls = 0  # how many entries were actually formatted (the benchmark and tests read it)
        self.failed: set[str] = set()  # keys whose entry could not be formatted (reported, never stored)

    def __call__(self, key: str) -> str:
        text = self._cache.get(key)
        if text is None:
            entry = self.bib.entries[key]
            digest = self.store.digest(entry) if self.store else ""
            text = self.store.get(digest) if self.store else None
            if text is None:
                self.calls += 1
                if self._format is None:
                    self._format = mkdocs_bibtex_formatter()
                try:
                    text = self._format(entry.pybtex)
                    if self.store:
                        self.store.put(digest, text)
                except Exception as err:  # pybtex's style raises on odd data; keep the build going, loudly
                    self.bib.problems.append(Problem(entry.file, entry.line, f"entry '{key}' cannot be formatted: {err}"))
                    self.failed.add(key)
                    text = entry.get("title") or key
            self._cache[key] = text
        return text


def mkdocs_bibtex_formatter() -> Callable[[Entry], str]:
    """mkdocs-bibtex's own formatting (pybtex plain style, Markdown backend), without its parser.

    We call the method of its SimpleRegistry on an instance that never reads files: the registry's
    constructor would parse the bib files again, without our error reporting.
    """
    from mkdocs_bibtex.citation import Citation
    from mkdocs_bibtex.registry import SimpleRegistry
    from pybtex.backends.markdown import Backend
    from pybtex.style.formatting.plain import Style

    registry = SimpleRegistry.__new__(SimpleRegistry)
    registry.style = Style()
    registry.backend = Backend()

    def format_entry(entry: Entry) -> str:
        registry.bib_data = BibliographyData(entries={entry.key: entry})
        return registry.reference_text(Citation(key=entry.key))

    return format_entry
