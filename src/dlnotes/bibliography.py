"""Reading the bib files: every entry with its file and line, and every mistake as a Problem.

pybtex does the parsing. We cut each file into entries first, so that one broken entry gives one
clear error with its real line and does not take the rest of the file with it, and so that
duplicate keys (also differing only in case, also across files) are reported with both places.
Formatting of an entry for display is delegated to mkdocs-bibtex (see `EntryFormatter`).
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pybtex.database import BibliographyData, Entry
from pybtex.database.input.bibtex import Parser, month_names
from pybtex.scanner import PybtexError

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


class ParseCache:
    """Parsed bib files kept between builds (a pickle under .cache/), keyed by each file's name
    and content: pybtex takes ~0.2 ms an entry, and a bib rarely changes between two builds.
    What a file gave, entries and problems alike, comes back as parsed, so its problems are
    reported on every build until fixed. Delete the file to start afresh."""

    VERSION = 1

    def __init__(self, path: Path):
        self.path = path
        self.salt = f"{self.VERSION}:{_pybtex_version()}"
        self.files: dict[str, tuple[str, list[BibEntry], list[Problem], set[str]]] = {}
        self.used: set[str] = set()
        self.changed = False
        try:
            with path.open("rb") as f:
                data = pickle.load(f)  # our own file, written by save() below
            if isinstance(data, dict) and data.get("salt") == self.salt and isinstance(data.get("files"), dict):
                self.files = data["files"]
        except Exception:  # no cache yet, a damaged one or one of another version: parse afresh
            self.files = {}

    def parse(self, text: str, name: str) -> tuple[list[BibEntry], list[Problem], set[str]]:
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        self.used.add(name)
        cached = self.files.get(name)
        if cached is not None and cached[0] == digest:
            return cached[1], list(cached[2]), set(cached[3])
        problems: list[Problem] = []
        broken: set[str] = set()
        entries = _parse_file(text, name, problems, broken)
        self.files[name] = (digest, entries, list(problems), set(broken))
        self.changed = True
        return entries, problems, broken

    def save(self) -> None:
        """Write what this build read (dropping files that are gone), atomically."""
        if not self.changed and self.used == set(self.files):
            return
        self.files = {name: v for name, v in self.files.items() if name in self.used}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        with tmp.open("wb") as f:
            pickle.dump({"salt": self.salt, "files": self.files}, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, self.path)
        self.changed = False


def _pybtex_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"pybtex {version('pybtex')}"
    except PackageNotFoundError:
        return "unknown"


def load_bibliography(paths: Iterable[Path], root: Path | None = None, cache: ParseCache | None = None) -> Bibliography:
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
        if cache is not None:
            entries, problems, broken = cache.parse(text, name)
            bib.problems.extend(problems)
            bib.broken |= broken
        else:
            entries = _parse_file(text, name, bib.problems, bib.broken)
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


class FormatStore:
    """Formatted entries kept between builds (a JSON file under .cache/), keyed by the entry's
    content and the formatter's version: pybtex's style takes ~2 ms an entry, the bulk of our
    build time on a large bib, and an entry rarely changes. Delete the file to start afresh."""

    VERSION = 1

    def __init__(self, path: Path):
        self.path = path
        self.salt = f"{self.VERSION}:{_formatter_version()}"
        self.texts: dict[str, str] = {}
        self.used: set[str] = set()
        self.changed = False
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(data, dict) and data.get("salt") == self.salt and isinstance(data.get("texts"), dict):
                self.texts = {str(k): str(v) for k, v in data["texts"].items()}
        except (OSError, ValueError):
            pass  # no cache yet, or a damaged one: format afresh

    def digest(self, entry: BibEntry) -> str:
        content = json.dumps([entry.type, sorted(entry.fields.items()), sorted(entry.persons.items())], ensure_ascii=False)
        return hashlib.sha256(f"{self.salt}\n{content}".encode()).hexdigest()

    def get(self, digest: str) -> str | None:
        self.used.add(digest)
        return self.texts.get(digest)

    def put(self, digest: str, text: str) -> None:
        self.used.add(digest)
        self.texts[digest] = text
        self.changed = True

    def save(self) -> None:
        """Write what this build used (dropping what no entry needs any more), atomically."""
        if not self.changed and self.used == set(self.texts):
            return
        kept = {d: t for d, t in self.texts.items() if d in self.used}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"salt": self.salt, "texts": kept}, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.path)
        self.texts, self.changed = kept, False


def _formatter_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"mkdocs-bibtex {version('mkdocs-bibtex')}, pybtex {version('pybtex')}"
    except PackageNotFoundError:
        return "unknown"


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
