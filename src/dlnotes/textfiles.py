"""Reading and writing the author's text files: one rule for encodings, line endings and writes.

Notes and bib files are read as MkDocs reads a page: UTF-8 with or without a byte-order mark, any
line ending (CRLF and CR become LF, as Python's universal newlines do). A file that is not UTF-8
gives one problem naming its line and byte, and its text with only the bad bytes replaced, so
nothing else is lost. (Writing a file safely: dlnotes.atomic.)
"""

from __future__ import annotations

from pathlib import Path

from .problems import Problem


def normalize(text: str) -> str:
    """Text as MkDocs sees a page: no byte-order mark, LF line endings."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def decode(raw: bytes, name: str) -> tuple[str, Problem | None]:
    """(normalized text, the problem if the bytes are not UTF-8). Undecodable bytes become U+FFFD."""
    try:
        return normalize(raw.decode("utf-8")), None
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        problem = Problem(name, line, f"not UTF-8 (byte 0x{raw[err.start]:02x}); save the file as UTF-8")
        return normalize(raw.decode("utf-8", errors="replace")), problem


def read_text(path: Path, name: str | None = None) -> tuple[str, Problem | None]:
    return decode(path.read_bytes(), name or path.as_posix())
