"""What a citation key may look like: defined once, used by the bib reader and the citation layer."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

# Letters, digits and "_", with ":" "." "/" "+" "-" allowed inside a key when a letter, digit or "_"
# follows them (so a sentence's full stop after "[@key]." is never part of the key).
KEY_PATTERN = r"[A-Za-z0-9_](?:[A-Za-z0-9_]|[:./+\-](?=[A-Za-z0-9_]))*"
KEY_RE = re.compile(KEY_PATTERN)
KEY_RULE = 'letters, digits and "_", with ":" "." "/" "+" "-" only between them'


def is_valid_key(key: str) -> bool:
    return KEY_RE.fullmatch(key) is not None


def closest_key(key: str, known: Iterable[str]) -> str | None:
    """The known key a typo most likely meant, if any is close enough."""
    known = list(known)
    lowered = {k.lower(): k for k in known}
    if key.lower() in lowered:
        return lowered[key.lower()]
    matches = difflib.get_close_matches(key.lower(), list(lowered), n=1, cutoff=0.75)
    return lowered[matches[0]] if matches else None
