"""A note's front matter: types checked, each mistake one line with its line number."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dlnotes.notes import parse_note, read_note


def test_a_complete_front_matter_is_read_with_types() -> None:
    note, problems = parse_note("---\nkey: k1\ndate: 2021-01-28\nstatus: read\ntags: [a, b]\nsummary: s\n---\n# T\n", "n.md")
    assert problems == []
    assert (note.key, note.date, note.status, note.tags, note.summary) == ("k1", dt.date(2021, 1, 28), "read", ["a", "b"], "s")
    assert note.body_line == 8


@pytest.mark.parametrize(
    "front,line,message",
    [
        ("key: [open\n", 2, "front matter is not valid YAML"),
        ("key: k\ndate: yesterday\n", 3, "front matter 'date': 'yesterday' is not a date"),
        ("key: k\ntags: attention\n", 3, "front matter 'tags': must be a list"),
        ("status: done\n", 2, "front matter 'status': 'done' is not one of: read, reading, todo"),
        ("key: 12\n", 2, "front matter 'key': must be a BibTeX key"),
    ],
)
def test_front_matter_mistakes(front: str, line: int, message: str) -> None:
    _, problems = parse_note(f"---\n{front}---\n# T\n", "n.md")
    assert len(problems) == 1
    assert problems[0].line == line and problems[0].message.startswith(message), problems[0]


def test_unclosed_front_matter() -> None:
    _, problems = parse_note("---\nkey: k\n# T\n", "n.md")
    assert [str(p) for p in problems] == ["n.md:1: front matter is not closed: add a line '---' after it"]


def test_empty_note_and_non_utf8_note(tmp_path: Path) -> None:
    empty = tmp_path / "empty.md"
    empty.write_text("  \n")
    assert [str(p) for p in read_note(empty, "empty.md")[1]] == [
        "empty.md: empty note: write at least a heading, or delete the file"
    ]
    latin = tmp_path / "latin.md"
    latin.write_bytes("# T\n\ncaf\xe9\n".encode("latin-1"))
    note, problems = read_note(latin, "latin.md")
    assert "caf\ufffd" in note.body and [str(p) for p in problems] == [
        "latin.md:3: not UTF-8 (byte 0xe9); save the file as UTF-8"
    ]
