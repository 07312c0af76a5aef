"""What a citation key may look like: defined once, used by the bib reader and the citation parse.

Two rules, as pandoc and BibTeX have them:
- In running text a key is read as pandoc reads it: it starts with a letter, digit or "_" (any
  script: `@пункт3`), and ":.#$%&-+?<>~/" belong to it only between letters, digits or "_" (so a
  sentence's full stop after "[@key]." or "@key." is never part of the key).
- A bib file may use any key BibTeX accepts: no spaces, none of `, { } ( ) " = \\`. Such a key is
  cited with braces (`@{ho2019flow++}`, pandoc's syntax), or without them when the longer key is in
  the bibliography (`@ho2019flow++`, as Google Scholar exports it).

How a key is made (the roadmap import and `dlnotes add` share `base_key`): surname, year, first
title word.
"""  # noqa: RUF002 - the example key is pandoc's own, Cyrillic on purpose

from __future__ import annotations

import difflib
import re
import unicodedata
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
                return (text[pos + 1 : i], i + 1, True) if i > pos + 1 else None
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


# --- making a key ---------------------------------------------------------------------------
# The project's rule, as in bib/roadmap.bib (Google Scholar's): first author's ASCII surname
# without "van", "de"... + year + first title word that is not a stop word, all lowercase.
# The roadmap import and `dlnotes add` both make keys here.

# Lowercase name particles: part of the surname in BibTeX, not of the key.
NAME_PARTICLES = {"van", "von", "de", "der", "den", "di", "da", "del", "della", "du", "la", "le", "ter"}

# Title words Google Scholar skips when it picks the key's word.
STOP_WORDS = {
    "a", "an", "the", "on", "of", "in", "for", "to", "from", "with", "and", "at",
    "by", "via", "as", "is", "are", "into", "or",
}  # fmt: skip


def _fold(text: str) -> str:
    """ASCII letters for `text`: accents dropped ("é" -> "e"); a character without an ASCII
    decomposition (Chinese, Japanese, "ł") transliterated by anyascii ("张" -> "Zhang")."""
    out = []
    for char in text:
        folded = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
        if not folded and not char.isascii() and unicodedata.category(char)[0] in "LN":
            # Imported only for such characters: the bib reader imports this module.
            from anyascii import anyascii

            folded = anyascii(char)
        out.append(folded)
    return "".join(out)


def ascii_word(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", _fold(text).lower())


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def _segments(title: str) -> list[str]:
    """The title in pieces that fold to separate words: Chinese, Japanese and Korean have no
    spaces, so jieba (the site's search segmenter) cuts them ("深度学习中的…" -> "深度学习", …)."""
    if not _CJK.search(title):
        return [title]
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    return [" " + piece + " " for piece in jieba.lcut(title)]


def base_key(authors: Iterable[str], year: int | None, title: str) -> str:
    """Google-Scholar-style key without collision suffix, e.g. lecun2015deep. `authors` are in
    BibTeX form ("Last, First"); `title` is plain text (LaTeX already decoded)."""
    first = next(iter(authors), "")
    surname_words = first.split(",", 1)[0].split()
    while len(surname_words) > 1 and surname_words[0] in NAME_PARTICLES:
        surname_words = surname_words[1:]
    surname = ascii_word("".join(surname_words))
    words = [w for part in _segments(title) for w in re.split(r"[^0-9a-z]+", _fold(part).lower()) if w]
    word = next((w for w in words if w not in STOP_WORDS), "")
    # Scholar leaves the year out when it has none (courbariauxbinarized).
    return f"{surname}{year if year is not None else ''}{word}"


def unique_key(base: str, taken: Iterable[str]) -> str:
    """`base`, or `base` + a, b, ... when it (or a lettered sibling) is taken, so that a new key
    never equals an existing one, also not in case (the bib reader reports those)."""
    lowered = {k.lower() for k in taken}
    siblings = any(k[:-1] == base.lower() and k[-1].isalpha() for k in lowered if len(k) == len(base) + 1)
    if base.lower() not in lowered and not siblings:
        return base
    for suffix in "abcdefghijklmnopqrstuvwxyz":
        if (base + suffix).lower() not in lowered:
            return base + suffix
    n = 2
    while f"{base}{n}".lower() in lowered:
        n += 1
    return f"{base}{n}"
