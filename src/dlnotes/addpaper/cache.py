"""Answers kept under .cache/dlnotes/addpaper/: asking for the same paper again asks no service.

One JSON file per request URL (named by its SHA-256), holding the URL, when it was fetched and
the answer's text. Only answers that were read successfully are kept (the caller stores after
parsing), so a malformed or error answer is asked again next time. Hand-written on purpose:
HTTP caches such as hishel follow the servers' cache headers, and the arXiv API sends none; we
want "kept N days, only if it parsed", which is twenty lines. A damaged file counts as absent;
writes are atomic.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

from ..atomic import write_atomic


class AnswerCache:
    def __init__(self, folder: Path | None, max_age_days: float = 30.0):
        self.folder = folder
        self.max_age = max_age_days * 86400

    def _path(self, url: str) -> Path | None:
        if self.folder is None:
            return None
        return self.folder / (hashlib.sha256(url.encode("utf-8")).hexdigest() + ".json")

    def get(self, url: str) -> str | None:
        path = self._path(url)
        if path is None:
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("url") != url or not isinstance(data.get("text"), str):
            return None
        if time.time() - float(data.get("fetched", 0)) > self.max_age:
            return None
        text: str = data["text"]
        return text

    def put(self, url: str, text: str) -> None:
        path = self._path(url)
        if path is None:
            return
        try:
            write_atomic(path, json.dumps({"url": url, "fetched": time.time(), "text": text}, ensure_ascii=False))
        except OSError:
            pass  # a cache that cannot be written only costs a request next time

    def drop(self, url: str) -> None:
        path = self._path(url)
        if path is not None:
            path.unlink(missing_ok=True)
