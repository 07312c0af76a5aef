"""A note's front matter: read, typed and checked, without MkDocs.

Fields (all optional except where a note is a paper note, which names its BibTeX `key`):
  key: str            the BibTeX key of the paper the note is about
  title: str          page title (default: the first heading)
  date: YYYY-MM-DD    the day the author read the paper
  status: read | reading | todo
  tags: [str, ...]
  summary: str        one line; shown in citation previews of this paper
Other fields (Typora's `typora-root-url`, Obsidian's `aliases`, `cssclasses`…) are left alone.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import frontmatter, textfiles
from .problems import Problem

STATUSES = ("read", "reading", "todo")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}([ T].*)?")


@dataclass
class Note:
    path: str  # relative to docs/, with "/"
    key: str | None = None
    title: str | None = None
    date: dt.date | None = None
    status: str | None = None
    tags: list[str] = field(default_factory=list)
    summary: str | None = None
    body: str = ""  # the Markdown MkDocs renders (front matter cut)
    body_line: int = 1  # the line of the file where the body starts
    field_lines: dict[str, int] = field(default_factory=dict)  # front-matter field -> its line


def read_note(abs_path: Path, rel_path: str, display: str | None = None) -> tuple[Note, list[Problem]]:
    """Read one note from disk (see textfiles: encodings and line endings as MkDocs reads them)."""
    name = display or rel_path
    text, problem = textfiles.read_text(abs_path, name)
    note, problems = parse_note(text, rel_path, name)
    return note, ([problem] if problem else []) + problems


def parse_note(text: str, rel_path: str, name: str | None = None) -> tuple[Note, list[Problem]]:
    """A note from its normalized text (textfiles.normalize)."""
    name = name or rel_path
    note = Note(rel_path, body=text)
    if not text.strip():
        return note, [Problem(name, None, "empty note: write at least a heading, or delete the file")]
    fm = frontmatter.split(text)
    note.body, note.body_line, note.field_lines = fm.body, fm.body_line, fm.field_lines
    if fm.error is not None:
        return note, [Problem(name, fm.error[0], fm.error[1])]
    meta = fm.fields
    problems: list[Problem] = []

    def bad(field_name: str, message: str) -> None:
        problems.append(Problem(name, fm.line_of(field_name), f"front matter '{field_name}': {message}"))

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
            note.date = dt.date.fromisoformat(value[:10]) if _DATE.fullmatch(value) else None
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
