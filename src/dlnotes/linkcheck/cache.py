"""On-disk cache of successful verdicts, so that a second run within --max-cache-age is instant.

Only "ok" and "redirected" verdicts are stored: a broken or unverified link is asked again next
time. An entry also remembers the URL actually requested (after --remap), so that changing the
remap rules does not reuse answers from another server.
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path
from typing import Any

from ..atomic import write_atomic
from .check import Verdict

CACHEABLE = ("ok", "redirected")
_VERSION = 1
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$")
_UNIT = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_duration(text: str) -> float:
    """'30s', '10m', '12h', '1d', '2w' (or plain seconds) -> seconds; ValueError otherwise."""
    m = _DURATION.match(text.lower())
    if not m:
        raise ValueError(f"bad duration {text!r} (use e.g. 30s, 10m, 12h, 1d, 2w)")
    return float(m.group(1)) * _UNIT[m.group(2)]


class Cache:
    def __init__(self, path: Path, max_age: float, now: float | None = None) -> None:
        self.path = path
        self.max_age = max_age
        self.now = time.time() if now is None else now
        self.entries: dict[str, dict[str, Any]] = {}

    def load(self) -> None:
        """Reads the file; a missing file is empty, a corrupt one is ignored with a warning."""
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return
        except OSError as exc:
            print(f"linkcheck: warning: cannot read cache {self.path}: {exc.strerror}; ignoring it", file=sys.stderr)
            return
        try:
            data = json.loads(raw)
            if data.get("version") != _VERSION or not isinstance(data.get("entries"), dict):
                raise ValueError("unknown layout")
            entries = {
                url: e
                for url, e in data["entries"].items()
                if isinstance(e, dict) and isinstance(e.get("checked_at"), (int, float)) and isinstance(e.get("verdict"), dict)
            }
        except (ValueError, AttributeError) as exc:
            print(f"linkcheck: warning: cache {self.path} is corrupt ({exc}); ignoring it", file=sys.stderr)
            return
        self.entries = {u: e for u, e in entries.items() if self.now - e["checked_at"] <= self.max_age}

    def get(self, url: str, request_url: str) -> Verdict | None:
        entry = self.entries.get(url)
        if not entry or entry.get("request_url") != request_url:
            return None
        if self.now - entry["checked_at"] > self.max_age:
            return None
        try:
            verdict = Verdict.from_json(entry["verdict"])
        except (KeyError, TypeError):
            return None
        return verdict if verdict.status in CACHEABLE else None

    def put(self, url: str, request_url: str, verdict: Verdict) -> None:
        if verdict.status in CACHEABLE:
            self.entries[url] = {"request_url": request_url, "checked_at": time.time(), "verdict": verdict.to_json()}

    def save(self) -> None:
        """Atomic write: a temporary file in the same folder, then a rename over the old one."""
        data = {"version": _VERSION, "entries": self.entries}
        write_atomic(self.path, json.dumps(data, indent=1, sort_keys=True) + "\n")
