"""A note's front matter: read, typed and checked, without MkDocs.

Fields (all optional except where a note is a paper note, which names its BibTeX `key`):
  key: str            the BibTeX key of the paper the note is about
  title: str          page title (default: the first heading)
  date: YYYY-MM-DD    the day the author read the paper
  status: read | reading | todo
  tags: [str, ...]
  summary: str        one line; shown in citation previews of this paper
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .problems import Problem

STATUSES = ("read", "reading", "todo")


# libyaml's parser when PyYAML has it (its wheels do): ten times faster on a thousand notes.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _TextDatesLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """YAML without implicit timestamps: we parse dates ourselves, so 2021-02-31 is a clear error."""


_TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
_FRONT_MATTER = re.compile(r"\A(---[ \t]*\n)(.*?\n)?(---|\.\.\.)[ \t]*(\n|\Z)", re.S)


@dataclass
class Note:
    path: str                      # relative to docs/, with "/"
    key: str | None = None
    title: str | None = None
    date: dt.date | None = None
    status: str | None = None
    tags: list[str] = field(default_factory=list)
    summary: str | None = None
    body_line: int = 1             # the line of the file where the Markdown body starts
    meta: dict = field(default_factory=dict)


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """(front matter YAML or None, body, 1-based line where the body starts)."""
    m = _FRONT_MATTER.match(text)
    if not m:
        return None, text, 1
    return m.group(2) or "", text[m.end():], text.count("\n", 0, m.end()) + 1


def read_note(abs_path: Path, rel_path: str, display: str | None = None) -> tuple[Note | None, list[Problem]]:
    """Read one note; a note that cannot be read at all gives None and the reason."""
    name = display or rel_path
    raw = abs_path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        return None, [Problem(name, line, f"not UTF-8 (byte 0x{raw[err.start]:02x}); save the file as UTF-8")]
    if text.startswith("\ufeff"):
        text = text[1:]
    note, problems = parse_note(text, rel_path, name)
    return note, problems


def parse_note(text: str, rel_path: str, name: str | None = None) -> tuple[Note, list[Problem]]:
    name = name or rel_path
    problems: list[Problem] = []
    note = Note(rel_path)
    if not text.strip():
        return note, [Problem(name, None, "empty note: write at least a heading, or delete the file")]
    fm, body, body_line = split_front_matter(text)
    note.body_line = body_line
    if fm is None:
        if text.startswith("---"):
            problems.append(Problem(name, 1, "front matter is not closed: add a line '---' after it"))
        return note, problems
    try:
        meta = yaml.load(fm, Loader=_TextDatesLoader) if fm.strip() else {}
    except yaml.YAMLError as err:
        # The context mark points at what was left open (e.g. the "["); the problem mark is
        # often the end of the front matter, which tells the author less.
        mark = getattr(err, "context_mark", None) or getattr(err, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        what = getattr(err, "problem", None) or str(err).splitlines()[0]
        return note, [Problem(name, line, f"front matter is not valid YAML: {what}")]
    if not isinstance(meta, dict):
        return note, [Problem(name, 2, "front matter must be 'field: value' lines")]
    note.meta = meta
    lines = {m.group(1): i + 2 for i, l in enumerate(fm.splitlines()) if (m := re.match(r"([A-Za-z_][\w-]*)\s*:", l))}

    def bad(field_name: str, message: str) -> None:
        problems.append(Problem(name, lines.get(field_name, 2), f"front matter '{field_name}': {message}"))

    if "key" in meta:
        if isinstance(meta["key"], str) and meta["key"].strip():
            note.key = meta["key"].strip()
        else:
            bad("key", "must be a BibTeX key, e.g. key: bahdanau2014neural")
    for text_field in ("title", "summary"):
        if text_field in meta and meta[text_field] is not None:
            if isinstance(meta[text_field], str):
                setattr(note, text_field, meta[text_field].strip())
            else:
                bad(text_field, "must be text")
    if "date" in meta and meta["date"] is not None:
        value = str(meta["date"]).strip()
        try:
            note.date = dt.date.fromisoformat(value[:10]) if re.fullmatch(r"\d{4}-\d{2}-\d{2}([ T].*)?", value) else None
        except ValueError:
            note.date = None
        if note.date is None:
            bad("date", f"'{value}' is not a date: write YYYY-MM-DD, e.g. date: 2021-01-28")
    if "status" in meta and meta["status"] is not None:
        if meta["status"] in STATUSES:
            note.status = meta["status"]
        else:
            bad("status", f"'{meta['status']}' is not one of: {', '.join(STATUSES)}")
    if "tags" in meta and meta["tags"] is not None:
        tags = meta["tags"]
        if isinstance(tags, list) and all(isinstance(t, (str, int, float)) for t in tags):
            note.tags = [str(t) for t in tags]
        else:
            bad("tags", "must be a list, e.g. tags: [Attention, NMT]")
    if note.key and note.status is None:
        note.status = "read" if note.date else "reading"
    return note, problems
