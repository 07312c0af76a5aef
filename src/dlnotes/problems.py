"""Problems found in notes and bib files: one line each, naming the file and line."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        note = "(warning only) " if self.severity == "warning" else ""
        return f"{where}: {note}{self.message}"


@lru_cache(maxsize=4096)
def display_path(path: Path, root: Path) -> str:
    """`path` as problems name it: relative to the project folder `root` when inside it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
