"""What a citation key may look like: defined once, used by the bib reader and the citation parse.

Two rules, as pandoc and BibTeX have them:
- In running text a key is read as pandoc reads it: it starts with a letter, digit or "_" (any
  script: `@пункт3`), and ":.#$%&-+?<>~/" belong to it only between letters, digits or "_" (so a
  sentence's full stop after "[@key]." or "@key." is never part of the key).
- A bib file may use any key BibTeX accepts: no spaces, none of `, { } ( ) " = \\`. Such a key is
  cited with braces (`@{ho2019flow++}`, pandoc's syntax), or without them when the longer key is in
  the bibliography (`@ho2019flow++`, as Google Scholar exports it).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable

KEY_PATTERN = r"\w(?:\w|[:.#$%&\-+?<>~/](?=\w)|[:/](?=/))*"
KEY_RE = re.compile(KEY_PATTERN)
# What BibTeX accepts as a key (what follows "@type{" up to the comma).
BIBTEX_KEY_PATTERN = r"[^\s,{}()\"=\\]+"
BIBTEX_KEY_RE = re.compile(BIBTEX_KEY_PATTERN)
# Characters a key may have in running text beyond pandoc's rule, tried only against known keys.
_LONG_KEY = re.compile(r"[^\s,{}()\"=\\;\[\]@，；]+")
KEY_RULE = 'any characters but spaces and , { } ( ) " = \\'


def is_valid_key(key: str) -> bool:
    return BIBTEX_KEY_RE.fullmatch(key) is not None


def read_key(text: str, pos: int, known: Callable[[str], bool] = lambda key: False) -> tuple[str, int, bool] | None:
    """The key written at `text[pos:]` (just after "@"): (key, end, braced) or None.

    `@{...}` is a braced key (balanced braces, no spaces). Otherwise pandoc's rule, extended to the
    longest run of BibTeX key characters that is a known key (`ho2019flow++`)."""
    if text.startswith("{", pos):
        depth, i = 0, pos
        while i < len(text):
            c = text[i]
            if c.isspace():
                return None
            depth += (c == "{") - (c == "}")
            if depth == 0:
                return (text[pos + 1:i], i + 1, True) if i > pos + 1 else None
            i += 1
        return None
    m = KEY_RE.match(text, pos)
    if m is None:
        return None
    long = _LONG_KEY.match(text, pos)
    if long is not None and long.end() > m.end():
        for end in range(long.end(), m.end(), -1):
            if known(text[pos:end]):
                return text[pos:end], end, False
    return m.group(), m.end(), False


def closest_key(key: str, known: Iterable[str]) -> str | None:
    """The known key a typo most likely meant, if any is close enough."""
    known = list(known)
    lowered = {k.lower(): k for k in known}
    if key.lower() in lowered:
        return lowered[key.lower()]
    matches = difflib.get_close_matches(key.lower(), list(lowered), n=1, cutoff=0.75)
    return lowered[matches[0]] if matches else None
