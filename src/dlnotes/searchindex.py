"""Search in Chinese, English and both: what the build adds to Material's search index.

Material's search plugin writes `search/search_index.json`: one document per page section, with
Chinese already cut into words by jieba and the words joined by zero-width spaces (its separator
splits on them). Three things it does not do, done here on that file after it is written:

- Sub-words. jieba keeps 深度学习 or 表示学习 as one word, so a search for 学习 cannot match
  them. Each word that jieba's dictionary tiles into shorter dictionary words (of two characters
  or more) is cut into them: 深度学习 → 深度|学习. A search for the whole word still finds it: the
  search box's own script (docs/assets/javascripts/workers/search.js) cuts a query into the
  index's words, longest first.
- A paper's authors and title. A note's card (which names them) is excluded from search, and the
  text of a note rarely says "Mnih". Each note's page gets a `paper` field with its paper's
  authors, title and year, boosted like a title, so searching an author or the paper's title
  puts the note first rather than the References page that also lists it.
- Footnote markers. A citation's marker is a superscript number in the text; indexed, it shows
  in result snippets as a stray "¹". `exclude_footnote_markers` marks them for Material's parser
  to skip (it removes the attribute from the page afterwards).

Plain module: jieba is the only import beyond the standard library, no MkDocs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import jieba

from .bibliography import BibEntry
from .cards import entry_authors, entry_title
from .notes import Note

ZWSP = "\u200b"
# Runs of Han characters, as Material's plugin finds them (Unicode script Han).
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]+")
# A footnote reference as Python-Markdown's footnotes extension (and dlnotes.citations) write it.
_FOOTNOTE_REF = re.compile(r'<sup(?=[^>]*\bid="fnref\d*:)(?![^>]*data-search-exclude)')

# Pages that list what the notes say (References, roadmap, timeline, tags, the home page's latest
# notes) are found by the notes' words too, and long as they are, would outrank the notes: their
# sections carry `"listing": true`, and the search worker ranks them after the other pages.
LISTING_MARKERS = ("<!-- dlnotes:", "<!-- material/tags")
LISTING_FLAG = "listing"

PAPER_FIELD = "paper"
# Like a title (Material's default title boost): a query naming the paper finds its note first.
PAPER_BOOST = 1000.0


def known_word(word: str) -> bool:
    """Whether `word` is in jieba's dictionary (the user dictionary Material loaded included)."""
    dictionary = jieba.dt
    dictionary.check_initialized()
    return bool(dictionary.FREQ.get(word))


def subwords(word: str, known: Callable[[str], bool] = known_word) -> list[str]:
    """`word` cut into the fewest known words of two characters or more that cover it exactly;
    `[word]` when there is no such cut (编码器 → 编码 + 器 leaves a single character: kept whole).

    >>> subwords("深度学习", {"深度", "学习", "深度学习"}.__contains__)
    ['深度', '学习']
    """
    n = len(word)
    if n < 4:  # a cut into pieces of two or more needs four characters
        return [word]
    # count[i]: fewest pieces covering word[:i] (None: no cut reaches i); back[i]: where the last starts
    count: list[int | None] = [0] + [None] * n
    back = [0] * (n + 1)
    for end in range(2, n + 1):
        for start in range(end - 1):
            before = count[start]
            if before is None or end - start == n or not known(word[start:end]):
                continue
            current = count[end]
            if current is None or before + 1 < current:
                count[end], back[end] = before + 1, start
    if count[n] is None:
        return [word]
    pieces: list[str] = []
    end = n
    while end > 0:
        pieces.append(word[back[end] : end])
        end = back[end]
    return pieces[::-1]


def refine(text: str, known: Callable[[str], bool] = known_word) -> str:
    """Material's segmented text with each Han word cut into its sub-words (zero-width spaces)."""
    split = lru_cache(maxsize=None)(lambda w: ZWSP.join(subwords(w, known)))

    def han(match: re.Match[str]) -> str:
        return split(match.group(0))

    return _HAN_RUN.sub(han, text)


def segment(text: str, known: Callable[[str], bool] = known_word) -> str:
    """Plain text as Material would index it (jieba's words between zero-width spaces), refined."""

    def han(match: re.Match[str]) -> str:
        words = (piece for word in jieba.cut(match.group(0)) for piece in subwords(word, known))
        return ZWSP + ZWSP.join(words) + ZWSP

    return _HAN_RUN.sub(han, text).strip(ZWSP)


def paper_text(title: str, authors: Iterable[str], year: str | None) -> str:
    """What a note's `paper` field holds: the paper's title, its authors' names, its year."""
    parts = [title, *[a for a in authors if a != "et al."], year or ""]
    return " ".join(p for p in parts if p)


def listing_pages(sources: Mapping[str, str], urls: Mapping[str, str]) -> set[str]:
    """URLs of the pages whose Markdown holds a generated list (see LISTING_MARKERS)."""
    return {urls[page] for page, text in sources.items() if page in urls and any(marker in text for marker in LISTING_MARKERS)}


def tune_index(
    data: dict[str, Any],
    papers: Mapping[str, str],
    listings: Iterable[str] = (),
    known: Callable[[str], bool] = known_word,
) -> dict[str, Any]:
    """Material's search index (the parsed JSON) with sub-words and the notes' paper fields.

    `papers` maps a page's location in the index (its URL, as Material writes it) to its paper
    text (`paper_text`); sections of the pages in `listings` are flagged (LISTING_FLAG).
    The index is changed in place and returned.
    """
    listed = set(listings)
    fields = data.setdefault("config", {}).setdefault("fields", {})
    if papers:
        fields[PAPER_FIELD] = {"boost": PAPER_BOOST}
    for doc in data.get("docs", []):
        for name in ("title", "text"):
            if isinstance(doc.get(name), str):
                doc[name] = refine(doc[name], known)
        if isinstance(doc.get("tags"), list):
            doc["tags"] = [refine(tag, known) if isinstance(tag, str) else tag for tag in doc["tags"]]
        location = doc.get("location", "")
        if location.split("#")[0] in listed:
            doc[LISTING_FLAG] = True
        paper = papers.get(location)
        if paper:
            doc[PAPER_FIELD] = segment(paper, known)
    return data


def tune_index_file(path: Path, papers: Mapping[str, str], listings: Iterable[str] = ()) -> None:
    """`tune_index` on the file Material wrote (left alone if there is none: search disabled)."""
    if not path.is_file():
        return
    data = tune_index(json.loads(path.read_text(encoding="utf-8")), papers, listings)
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def exclude_footnote_markers(html: str) -> str:
    """A page's HTML with each footnote reference marked `data-search-exclude`."""
    return _FOOTNOTE_REF.sub('<sup data-search-exclude="footnote"', html)


def note_papers(notes: Mapping[str, Note], entries: Mapping[str, BibEntry], urls: Mapping[str, str]) -> dict[str, str]:
    """For `tune_index`: each note's page URL -> the paper text of the entry its `key` names.

    `notes` maps a page (its path under docs/) to its front matter, `urls` a page to its URL.
    """
    papers: dict[str, str] = {}
    for page, note in notes.items():
        entry = entries.get(note.key) if note.key else None
        if entry is not None and page in urls:
            papers[urls[page]] = paper_text(entry_title(entry), entry_authors(entry), entry.fields.get("year"))
    return papers
