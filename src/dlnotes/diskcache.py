"""Results kept between builds: each build of a site runs in a new process, and most of what it
computes from a bib file or a note is the same as last time.

A DiskCache is one pickle file of values keyed by a digest of what they were computed from. Its
salt names the code that computed them (see code_version): when the code or a library it relies
on changes, the old values are not used. A missing, damaged or foreign file is ignored (the
build computes afresh); saving writes only what this build used, atomically.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

from .atomic import write_atomic

T = TypeVar("T")


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def code_version(modules: list[ModuleType], packages: list[str]) -> str:
    """A digest of the modules' source files and the packages' versions."""
    h = hashlib.sha256()
    for module in modules:
        h.update(Path(module.__file__).read_bytes() if module.__file__ else module.__name__.encode())
    for package in packages:
        try:
            h.update(f"{package} {version(package)}".encode())
        except PackageNotFoundError:
            h.update(f"{package} ?".encode())
    return h.hexdigest()


class DiskCache:
    def __init__(self, path: Path, salt: str):
        self.path = path
        self.salt = salt
        self.values: dict[str, Any] = {}
        self.used: set[str] = set()
        self.changed = False
        try:
            with path.open("rb") as f:
                data = pickle.load(f)  # our own file, written by save() below
            if isinstance(data, dict) and data.get("salt") == salt and isinstance(data.get("values"), dict):
                self.values = data["values"]
        except Exception:  # noqa: BLE001 - no file yet, a damaged one, one from other code (unpickling raises anything): start empty
            self.values = {}

    def get(self, key: str) -> Any | None:
        self.used.add(key)
        return self.values.get(key)

    def get_or_make(self, key: str, make: Callable[[], T]) -> T:
        """The value kept under `key`, else `make()`, kept under it for the next build."""
        found: T | None = self.get(key)
        if found is None:
            found = make()
            self.put(key, found)
        return found

    def put(self, key: str, value: Any) -> None:
        self.used.add(key)
        self.values[key] = value
        self.changed = True

    def save(self) -> None:
        """Write what this build used (dropping the rest), atomically; nothing if unchanged."""
        if not self.changed and self.used == set(self.values):
            return
        self.values = {k: v for k, v in self.values.items() if k in self.used}
        write_atomic(self.path, pickle.dumps({"salt": self.salt, "values": self.values}, protocol=pickle.HIGHEST_PROTOCOL))
        self.changed = False
