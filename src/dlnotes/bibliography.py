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
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pybtex.bibtex.utils import split_name_list
from pybtex.database import BibliographyData, Entry, Person
from pybtex.database.input.bibtex import Parser, month_names
from pybtex.scanner import PybtexError

from . import keys as keys_module
from . import problems as problems_module
from . import textfiles
from .diskcache import DiskCache, code_version, digest
from .keys import KEY_RULE, closest_key, is_valid_key
from .problems import Problem, display_path

# Entry types BibTeX's standard styles know, and biblatex's (its manual, 2.1).
BIBTEX_TYPES = {
    "article",
    "book",
    "booklet",
    "inbook",
    "incollection",
    "inproceedings",
    "conference",
    "manual",
    "mastersthesis",
    "misc",
    "phdthesis",
    "proceedings",
    "techreport",
    "unpublished",
}
BIBLATEX_TYPES = {
    "mvbook",
    "bookinbook",
    "suppbook",
    "collection",
    "mvcollection",
    "suppcollection",
    "dataset",
    "online",
    "patent",
    "periodical",
    "suppperiodical",
    "mvproceedings",
    "reference",
    "mvreference",
    "inreference",
    "report",
    "set",
    "software",
    "thesis",
    "xdata",
    "artwork",
    "audio",
    "bibnote",
    "commentary",
    "image",
    "jurisdiction",
    "legislation",
    "legal",
    "letter",
    "movie",
    "music",
    "performance",
    "review",
    "standard",
    "video",
    "customa",
    "customb",
    "customc",
    "customd",
    "custome",
    "customf",
}
# biblatex's aliases, read as the type they stand for.
ALIASES = {"electronic": "online", "www": "online"}
KNOWN_TYPES = BIBTEX_TYPES | BIBLATEX_TYPES | set(ALIASES)
# Fields an entry must have to be cited (BibTeX's rules; "a|b" means either).
REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    "article": ("author", "title", "journal", "year"),
    "book": ("author|editor|translator", "title", "publisher", "year"),
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
    "set": (),
    "xdata": (),
}
DEFAULT_REQUIRED = ("title",)
# pybtex's plain style formats only BibTeX's own types; the others are shown as misc.
FORMAT_AS_MISC = KNOWN_TYPES - BIBTEX_TYPES

_ENTRY_START = re.compile(r"^[ \t]*@[ \t]*([A-Za-z]+)[ \t]*[{(]", re.MULTILINE)
_KEY_AFTER_BRACE = re.compile(r"[ \t]*([^,\s{}()]*)")


# Name lists, kept as written until asked for: parsing names is a third of pybtex's time, and
# a build whose formatted references come from the disk cache needs only a few of them.
NAME_FIELDS = ("author", "editor")


@dataclass
class BibEntry:
    """One entry. `fields` (lower-case names) holds everything but the name lists, which are in
    `names` as written; `persons` and `pybtex` (pybtex's Entry, fields in their written case)
    parse the names on first use."""

    key: str
    type: str
    fields: dict[str, str]
    names: dict[str, str]
    file: str
    line: int
    raw: Entry = field(repr=False)
    _pybtex: Entry | None = field(default=None, repr=False, compare=False)

    def get(self, name: str) -> str | None:
        return self.fields.get(name)

    @property
    def pybtex(self) -> Entry:
        if self._pybtex is None:
            fields = {k: v for k, v in self.raw.fields.items() if k.lower() not in NAME_FIELDS}
            persons = {role: [Person(n) for n in split_name_list(value)] for role, value in self.names.items()}
            self._pybtex = Entry(self.raw.type, fields=fields, persons=persons)
            self._pybtex.key = self.key
        return self._pybtex

    def people(self, role: str) -> list[Person]:
        """The names of one name list in `names`, parsed as `pybtex` parses them, without making
        the whole pybtex entry when it is not made yet (CSL-JSON needs only the names)."""
        if self._pybtex is not None:
            return list(self._pybtex.persons.get(role) or [])
        return [Person(n) for n in split_name_list(self.names[role])]

    @property
    def persons(self) -> dict[str, list[str]]:
        return {role.lower(): [str(p) for p in people] for role, people in self.pybtex.persons.items()}

    def __getstate__(self) -> dict[str, object]:
        return {**self.__dict__, "_pybtex": None}  # the disk cache keeps what was read, not what was derived


class PybtexEntries(Mapping[str, Entry]):
    """Entries as pybtex entries, each made when asked for (the roadmap asks for its own few of
    the whole bibliography)."""

    def __init__(self, entries: Mapping[str, BibEntry]) -> None:
        self.entries = entries

    def __getitem__(self, key: str) -> Entry:
        return self.entries[key].pybtex

    def __iter__(self) -> Iterator[str]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)


@dataclass
class Bibliography:
    entries: dict[str, BibEntry] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    # Keys of entries that exist but could not be read: already reported, so citing them is
    # not reported again as "unknown key".
    broken: set[str] = field(default_factory=set)
    # The problems that left text unread (all but the entries' missing fields).
    unread: list[Problem] = field(default_factory=list)

    def __contains__(self, key: str) -> bool:
        return key in self.entries

    def suggest(self, key: str) -> str | None:
        return closest_key(key, self.entries)

    def pybtex_entries(self) -> PybtexEntries:
        return PybtexEntries(self.entries)


def parse_cache(path: Path) -> DiskCache:
    """Parsed bib files kept between builds: pybtex takes ~0.2 ms an entry, and a bib rarely
    changes between two builds. What a file gave, entries and problems alike, comes back as
    parsed, so its problems are reported on every build until fixed."""
    return DiskCache(path, code_version([sys.modules[__name__], keys_module, problems_module], ["pybtex"]))


def load_bibliography(paths: Iterable[Path], root: Path | None = None, cache: DiskCache | None = None) -> Bibliography:
    """Read every *.bib file under `paths` (files or folders, any depth) as ONE database, in a
    stable order; with a `cache`, a file whose content (and the macros it may use) has not
    changed is not parsed again.

    As for BibTeX given all the files at once: `@string` macros from any file are usable in every
    file, whatever the files' names (they are all read before any entry); `crossref` and biblatex's
    `xdata` are inherited once every entry is known (see `resolve_inheritance`)."""
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.rglob("*.bib")) if path.is_dir() else [path])
    bib = Bibliography()
    texts: list[tuple[str, str]] = []
    for path in files:
        name = display_path(path, root) if root is not None else path.as_posix()
        bib.files.append(name)
        try:
            text, problem = textfiles.read_text(path, name)
        except OSError as err:
            bib.problems.append(Problem(name, None, f"cannot read: {err.strerror}"))
            continue
        if problem is not None:  # not UTF-8: reported, and the file left out (its entries unknown)
            bib.problems.append(problem)
            continue
        texts.append((name, text))
    return read_bibliography(texts, cache, bib)


def read_bibliography(
    texts: list[tuple[str, str]], cache: DiskCache | None = None, bib: Bibliography | None = None
) -> Bibliography:
    """The database of the bib files' texts ((display name, text), in order): what
    load_bibliography does once the files are read (the link checker reads them itself)."""
    bib = bib if bib is not None else Bibliography(files=[name for name, _ in texts])
    chunked = {name: entry_chunks(text) for name, text in texts}
    macros = _all_macros(texts, bib.problems, chunked)
    salt = digest(json.dumps(sorted(macros.items()), ensure_ascii=False))
    folded: dict[str, BibEntry] = {}
    for name, text in texts:

        def parse(name: str = name, text: str = text) -> tuple[list[BibEntry], list[Problem], set[str]]:
            problems: list[Problem] = []
            broken: set[str] = set()
            return _parse_file(text, name, problems, broken, macros, chunked[name]), problems, broken

        key = f"{name}\n{digest(text)}\n{salt}"
        cached = parse() if cache is None else cache.get_or_make(key, parse)
        entries = cached[0]
        bib.problems.extend(cached[1])
        bib.broken |= cached[2]
        for entry in entries:
            other = folded.get(entry.key.lower())
            if other is not None:
                same = "" if other.key == entry.key else f" (differs only in case from '{other.key}')"
                bib.problems.append(
                    Problem(
                        name,
                        entry.line,
                        f"duplicate key '{entry.key}'{same}: already defined at {other.file}:{other.line}",
                    )
                )
                continue
            folded[entry.key.lower()] = entry
            bib.entries[entry.key] = entry
    resolve_inheritance(bib)
    bib.unread = list(bib.problems)
    for entry in bib.entries.values():
        missing = missing_fields(entry)
        if missing:
            bib.problems.append(
                Problem(
                    entry.file,
                    entry.line,
                    f"entry '{entry.key}' (@{entry.type}) lacks required field(s): "
                    + ", ".join(m.replace("|", " or ") for m in missing),
                )
            )
    return bib


def missing_fields(entry: BibEntry) -> list[str]:
    """Required fields (BibTeX's rules, biblatex's names count: `date` for `year`, `journaltitle`
    for `journal`, `institution` for `school`) the entry lacks, after inheritance."""
    have = set(entry.fields) | set(entry.names)
    if "date" in have:
        have.add("year")
    if "journaltitle" in have:
        have.add("journal")
    if "institution" in have:
        have.add("school")
    return [need for need in REQUIRED_FIELDS.get(entry.type, DEFAULT_REQUIRED) if not any(alt in have for alt in need.split("|"))]


def entry_chunks(text: str) -> list[tuple[int, str, str]]:
    """(line, type, chunk) from each `@type{` to the next: BibTeX ignores what is between."""
    starts = [(m.start(), m.group(1).lower()) for m in _ENTRY_START.finditer(text)]
    chunks = []
    line, previous = 1, 0
    for (start, kind), end in zip(starts, [s for s, _ in starts[1:]] + [len(text)], strict=True):
        line += text.count("\n", previous, start)
        previous = start
        chunks.append((line, kind, text[start:end]))
    return chunks


def _all_macros(
    texts: list[tuple[str, str]], problems: list[Problem], chunked: dict[str, list[tuple[int, str, str]]] | None = None
) -> dict[str, str]:
    """Every `@string` of every file. A macro may use one defined in any file: those that fail
    for an undefined string are tried again once the others are known."""
    parser = Parser(macros=month_names)
    pending: list[tuple[str, int, str]] = []
    for name, text in texts:
        for line, kind, chunk in chunked[name] if chunked is not None else entry_chunks(text):
            if kind == "string":
                pending.append((name, line, chunk[: _entry_end(chunk)]))
    while pending:
        failed: list[tuple[str, int, str, PybtexError]] = []
        for name, line, chunk in pending:
            try:
                parser.parse_string(chunk)
            except PybtexError as err:
                failed.append((name, line, chunk, err))
        if len(failed) == len(pending):
            problems.extend(Problem(name, _error_line(err, line), _error_text(err)) for name, line, _, err in failed)
            break
        pending = [(name, line, chunk) for name, line, chunk, _ in failed]
    return dict(parser.macros)


_BRACE = re.compile(r"[{}()]")


def _entry_end(chunk: str) -> int:
    """Where the entry that starts `chunk` ends (just after its closing delimiter), counting
    braces as BibTeX does; the chunk's length when it never closes."""
    opening = _opening(chunk)
    closing = "}" if opening == "{" else ")"
    depth = 0
    for m in _BRACE.finditer(chunk, chunk.index(opening) + 1):
        ch = m.group()
        if ch == "{":
            depth += 1
        elif ch == "}":
            if depth == 0 and closing == "}":
                return m.end()
            depth -= 1
        elif ch == ")" and depth == 0 and closing == ")":
            return m.end()
    return len(chunk)


def _parse_file(
    text: str,
    name: str,
    problems: list[Problem],
    broken: set[str],
    macros: dict[str, str] | None = None,
    chunks: list[tuple[int, str, str]] | None = None,
) -> list[BibEntry]:
    parser = Parser(macros=macros if macros is not None else month_names, person_fields=())
    entries: list[BibEntry] = []
    for line, kind, whole in chunks if chunks is not None else entry_chunks(text):
        if kind in ("comment", "preamble", "string"):
            continue
        end = _entry_end(whole)
        chunk, tail = whole[:end], whole[end:]
        key = _KEY_AFTER_BRACE.match(chunk, chunk.index(_opening(chunk)) + 1).group(1)  # type: ignore[union-attr]  # the pattern matches the empty string
        if end < len(whole) and "}" in tail:
            stray = line + whole.count("\n", 0, end + tail.index("}"))
            problems.append(
                Problem(name, stray, f"stray '}}' after entry '{key}' (ignored, as BibTeX does): delete it", "warning")
            )
        if kind not in KNOWN_TYPES:
            hint = closest_key(kind, KNOWN_TYPES)
            problems.append(
                Problem(name, line, f"unknown entry type '@{kind}'" + (f" (did you mean '@{hint}'?)" if hint else ""))
            )
            broken.add(key)
            continue
        if not key:
            problems.append(Problem(name, line, f"@{kind} entry without a key"))
            continue
        if not is_valid_key(key):
            problems.append(Problem(name, line, f"invalid key '{key}': a key may contain {KEY_RULE}"))
            continue
        parser.data = BibliographyData()  # one parser per file: making one copies every macro
        try:
            data = parser.parse_string(chunk)
        except PybtexError as err:
            brace_problem = _unbalanced_braces(chunk, line)
            if brace_problem:
                problems.append(Problem(name, brace_problem[0], f"entry '{key}': {brace_problem[1]}"))
            else:
                problems.append(Problem(name, _error_line(err, line), f"entry '{key}': {_error_text(err)}"))
            broken.add(key)
            continue
        if key not in data.entries:
            problems.append(Problem(name, line, f"entry '{key}' could not be read: check the comma after the key"))
            continue
        entry = data.entries[key]
        fields = {k.lower(): v for k, v in entry.fields.items()}
        names = {role: fields.pop(role) for role in NAME_FIELDS if role in fields}
        kind = ALIASES.get(kind, kind)
        entries.append(BibEntry(key, kind, fields, names, name, line, entry))
    return entries


# biber's inheritance: what a child of each type takes from its parent's title fields.
_BOOKLIKE = {
    "book",
    "mvbook",
    "collection",
    "mvcollection",
    "proceedings",
    "mvproceedings",
    "reference",
    "mvreference",
    "periodical",
}
_IN_TYPES = {
    "inbook",
    "bookinbook",
    "suppbook",
    "incollection",
    "suppcollection",
    "inproceedings",
    "inreference",
    "conference",
    "article",
    "suppperiodical",
}
_NOT_INHERITED = {
    "ids",
    "crossref",
    "xref",
    "xdata",
    "entryset",
    "entrysubtype",
    "execute",
    "label",
    "options",
    "presort",
    "related",
    "relatedoptions",
    "relatedstring",
    "relatedtype",
    "shorthand",
    "shorthandintro",
    "sortkey",
}


def _parent_field(name: str, parent_type: str, child_type: str) -> str:
    """The child's name for a parent's field (biber's default `\\DeclareDataInheritance`)."""
    if child_type in _IN_TYPES and parent_type in _BOOKLIKE:
        if parent_type == "periodical" and name in ("title", "subtitle"):
            return {"title": "journaltitle", "subtitle": "journalsubtitle"}[name]
        if parent_type.startswith("mv") and name in ("title", "subtitle", "titleaddon"):
            return "main" + name
        if name in ("title", "subtitle", "titleaddon"):
            return "book" + name
        if name == "author" and child_type in ("inbook", "bookinbook", "suppbook"):
            return "bookauthor"
        if name in ("shorttitle", "sorttitle", "indextitle", "indexsorttitle"):
            return ""
    return name


def _copy(entry: BibEntry) -> BibEntry:
    raw = Entry(entry.raw.type, fields=dict(entry.raw.fields))
    raw.key = entry.raw.key
    return BibEntry(entry.key, entry.type, dict(entry.fields), dict(entry.names), entry.file, entry.line, raw)


def resolve_inheritance(bib: Bibliography) -> None:
    """Fill each entry's missing fields from its `crossref` parent (as biber does: a book's title
    becomes an incollection's `booktitle`, ...; plain BibTeX fields are copied as BibTeX does) and
    from its `xdata` entries (copied as they are). A parent that is missing is a problem."""
    done: set[str] = set()

    def resolve(entry: BibEntry, chain: tuple[str, ...]) -> None:
        if entry.key in done:
            return
        done.add(entry.key)
        if "xdata" not in entry.fields and "crossref" not in entry.fields:
            return
        # Parsed entries are shared with the disk cache: the resolved one is a copy.
        entry = bib.entries[entry.key] = _copy(entry)
        sources: list[tuple[BibEntry, bool]] = []
        for field_name, mapped in (("xdata", False), ("crossref", True)):
            for parent_key in filter(None, (k.strip() for k in entry.fields.get(field_name, "").split(","))):
                parent = bib.entries.get(parent_key) or next(
                    (e for k, e in bib.entries.items() if k.lower() == parent_key.lower()), None
                )
                if parent is None:
                    bib.problems.append(
                        Problem(
                            entry.file, entry.line, f"entry '{entry.key}': {field_name} '{parent_key}' is not in any bib file"
                        )
                    )
                    continue
                if parent.key in chain:
                    bib.problems.append(
                        Problem(entry.file, entry.line, f"entry '{entry.key}': {field_name} '{parent_key}' refers back to it")
                    )
                    continue
                resolve(parent, (*chain, entry.key))
                sources.append((bib.entries[parent.key], mapped))
        for parent, mapped in sources:
            for name, value in list(parent.fields.items()) + list(parent.names.items()):
                target = _parent_field(name, parent.type, entry.type) if mapped else name
                if target and name not in _NOT_INHERITED and target not in entry.fields and target not in entry.names:
                    if target in NAME_FIELDS:
                        entry.names[target] = value
                    else:
                        entry.fields[target] = value
                    entry.raw.fields[target] = value

    for entry in list(bib.entries.values()):
        resolve(entry, ())


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
        super().__init__(path, code_version([sys.modules[__name__]], ["pybtex"]))

    @staticmethod
    def digest(entry: BibEntry) -> str:
        return digest(json.dumps([entry.type, sorted(entry.fields.items()), sorted(entry.names.items())], ensure_ascii=False))


class EntryFormatter:
    """Formats entries once per bibliography (not once per page) with pybtex's plain style,
    and, with a FormatStore, once per change of the entry across builds."""

    def __init__(self, bib: Bibliography, format_entry: Callable[[Entry], str] | None = None, store: FormatStore | None = None):
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
                    self._format = plain_formatter()
                try:
                    text = self._format(entry.pybtex)
                    if self.store:
                        self.store.put(digest, text)
                # pybtex's plain style on odd data: a missing field or LaTeX it cannot parse
                # (PybtexError), a trailing backslash (latexcodec's UnicodeDecodeError, a
                # ValueError), a type it has no template for (AttributeError, e.g. @conference).
                # Keep the build going, loudly.
                except (PybtexError, ValueError, AttributeError) as err:
                    self.bib.problems.append(Problem(entry.file, entry.line, f"entry '{key}' cannot be formatted: {err}"))
                    self.failed.add(key)
                    text = entry.get("title") or key
            self._cache[key] = text
        return text


def plain_formatter() -> Callable[[Entry], str]:
    """pybtex's plain style with its Markdown backend: the text mkdocs-bibtex's formatter made
    (its SimpleRegistry's `reference_text`, same clean-up), called on pybtex directly so that
    formatting never imports mkdocs. Types plain does not know are formatted as misc."""
    from pybtex.backends.markdown import Backend
    from pybtex.style.formatting.plain import Style

    style, backend = Style(), Backend()

    def format_entry(entry: Entry) -> str:
        if entry.type.lower() in FORMAT_AS_MISC:
            entry = Entry("misc", fields=entry.fields, persons=entry.persons)
        text: str = style.format_entry("", entry).text.render(backend).replace("\n", " ")
        return text.replace("\\(", "(").replace("\\)", ")").replace("\\.", ".")

    return format_entry


# The name the plugin used when this went through mkdocs-bibtex.
mkdocs_bibtex_formatter = plain_formatter
