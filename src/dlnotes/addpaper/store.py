"""Appending entries to a bib file without touching a byte of what is there.

The new file is the old bytes followed by the new entries, written to a temporary file beside it
and moved over it (os.replace: atomic, so a reader never sees a half-written or truncated file);
if the file changed while we worked, nothing is replaced. Line endings follow the file's.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path


class StoreError(Exception):
    pass


def appended(old: bytes, text: str) -> bytes:
    newline = b"\r\n" if b"\r\n" in old else b"\n"
    new = text.replace("\r\n", "\n").encode("utf-8").replace(b"\n", newline)
    if not old:
        return new
    if old.endswith(newline + newline):
        sep = b""
    elif old.endswith((newline, b"\n")):
        sep = newline
    else:
        sep = newline + newline
    return old + sep + new


def append_text(path: Path, text: str) -> None:
    try:
        old = path.read_bytes() if path.exists() else b""
    except OSError as err:
        raise StoreError(f"{path}: cannot read it: {err.strerror}") from None
    data = appended(old, text)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if path.exists():
            shutil.copymode(path, tmp)
            if path.read_bytes() != old:
                raise StoreError(f"{path} changed while the entry was being made: nothing written, run again")
        os.replace(tmp, path)
    except OSError as err:
        raise StoreError(f"{path}: cannot write it: {err.strerror}") from None
    finally:
        tmp.unlink(missing_ok=True)
