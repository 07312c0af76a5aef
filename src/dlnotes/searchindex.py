"""Search in Chinese, English and both: what the build adds to Material's search index.

Material's search plugin writes `search/search_index.json`: one document per page section, with
Chinese already cut into words by jieba and the words joined by zero-width spaces (its separator
splits on them). What it does not do, done here on that file after it is written:

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
- A small download. The zero-width spaces are a fifth of the index. Chinese is written without
  them (`pack`): the index lists its Chinese words once, the search worker cuts each run of
  Chinese into the fewest of them (`Cutter.cut`, the same steps as the worker's), and a
  zero-width space stays only where that cut would not give jieba's words, so lunr indexes the
  same words. The documents then move beside the index, gzipped (DOCS_KEY): the worker fetches
  and unpacks them, so the first search downloads the compressed index from any server.

Plain module: jieba is the only import beyond the standard library, no MkDocs.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import jieba

from .bibliography import BibEntry
from .cards import entry_authors, entry_title
from .diskcache import DiskCache, code_version, digest
from .notes import Note

ZWSP = "\u200b"
# Han characters, the same in the search box's script (search.js HAN): both must agree on where
# a run of Han characters starts and ends.
HAN_CHARACTERS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
_HAN = re.compile(f"[{HAN_CHARACTERS}]")
_HAN_WORD = re.compile(f"[{HAN_CHARACTERS}]+")
_SCRIPT_RUN = re.compile(f"[{HAN_CHARACTERS}]+|[^{HAN_CHARACTERS}]+")
# A footnote reference as Python-Markdown's footnotes extension (and dlnotes.citations) write it.
_FOOTNOTE_REF = re.compile(r'<sup(?=[^>]*\bid="fnref\d*:)(?![^>]*data-search-exclude)')

# Pages that list what the notes say (References, roadmap, timeline, tags, the home page's latest
# notes) are found by the notes' words too, and long as they are, would outrank the notes: their
# sections carry `"listing": true`, and the search worker ranks them after the other pages. Ours
# are the pages where the build placed a generated part; Material's tags page is the one whose
# Markdown holds its marker (Material's tags plugin finds it by that text).
TAGS_MARKER = "<!-- material/tags"
LISTING_FLAG = "listing"

# Where the index lists its Han words of two characters or more (space-separated), under its
# "config" (the part of the index Material's page hands its worker whole): the browser cuts the
# text's Han runs into them (see `pack`).
WORDS_KEY = "words"

# The documents (the sections' text, most of the index) are not in search_index.json, which
# Material's page fetches as JSON on every page load, but beside it, gzipped: the search worker
# fetches them itself and unpacks them (DecompressionStream), so the first search downloads the
# compressed index from any server, not only from one that compresses JSON (GitHub Pages does, a
# plain file server does not). config[DOCS_KEY] names both files; DOCS_JSON is the same
# documents uncompressed, for a browser without DecompressionStream.
DOCS_KEY = "docs"
DOCS_GZIP = "search_index.docs.bin"
DOCS_JSON = "search_index.docs.json"

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


def _words(text: str, split: Callable[[str], list[str]]) -> list[str]:
    """Material's segmented text as a list of pieces: its Han words cut into their sub-words, the
    text between them as it is (the zero-width spaces Material put between them dropped)."""
    pieces: list[str] = []
    for piece in text.split(ZWSP):
        if _HAN_WORD.fullmatch(piece):
            pieces.extend(split(piece))
        elif piece:
            pieces.append(piece)
    return pieces


def cut(run: str, vocabulary: Set[str], longest: int) -> list[str]:
    """How the search box's script cuts a run of Han characters into words (search.js `cut`, the
    same steps): the fewest pieces, each a word of `vocabulary` or a single character; of cuts
    with as many pieces, the one with the longer first piece.

    >>> cut("深度学习方法", {"深度", "学习", "方法", "习方"}, 2)
    ['深度', '学习', '方法']
    """
    return Cutter(vocabulary, longest).cut(run)


class Cutter:
    """`cut` for many runs with one vocabulary (the word lengths that start with each character
    looked up once)."""

    def __init__(self, vocabulary: Set[str], longest: int) -> None:
        self.vocabulary = vocabulary
        starts: dict[str, set[int]] = {}
        for word in vocabulary:
            if len(word) <= longest:
                starts.setdefault(word[0], set()).add(len(word))
        self.sizes = {char: sorted(sizes | {1}, reverse=True) for char, sizes in starts.items()}

    def cut(self, run: str) -> list[str]:
        n = len(run)
        best = [0] * (n + 1)  # best[i]: fewest pieces covering run[i:]
        step = [1] * (n + 1)
        single = [1]
        for i in range(n - 1, -1, -1):
            best[i] = n + 1
            for size in self.sizes.get(run[i], single):
                if size <= n - i and best[i + size] + 1 < best[i] and (size == 1 or run[i : i + size] in self.vocabulary):
                    best[i], step[i] = best[i + size] + 1, size
        pieces, i = [], 0
        while i < n:
            pieces.append(run[i : i + step[i]])
            i += step[i]
        return pieces


def _marked_run(words: list[str], cutter: Cutter) -> str:
    """A run of Han words written so that `cut` finds them again: without a break where `cut`
    finds the same words anyway, a zero-width space only where it would not."""
    chunks: list[str] = []
    i = 0
    while i < len(words):
        j = len(words)
        if cutter.cut("".join(words[i:])) != words[i:]:
            j = i + 1
            while j < len(words) and cutter.cut("".join(words[i : j + 1])) == words[i : j + 1]:
                j += 1
        chunks.append("".join(words[i:j]))
        i = j
    return ZWSP.join(chunks)


def pack(pieces: Sequence[str], cutter: Cutter, runs: dict[tuple[str, ...], str] | None = None) -> str:
    """Pieces (`_words`) as one text the browser cuts into the same words: Han words written
    together (`_marked_run`), and a zero-width space between pieces only where neither a change
    of script nor `cut` separates them. `runs` caches `_marked_run` across calls."""
    runs = {} if runs is None else runs
    han = [bool(_HAN_WORD.fullmatch(p)) for p in pieces]
    out: list[str] = []
    i = 0
    while i < len(pieces):
        j = i + 1
        if han[i]:
            while j < len(pieces) and han[j]:
                j += 1
            run = tuple(pieces[i:j])
            piece = runs.get(run)
            if piece is None:
                piece = runs[run] = _marked_run(list(run), cutter)
        else:
            piece = pieces[i]
        if out and bool(_HAN.match(out[-1][-1])) == bool(_HAN.match(piece[0])):
            out.append(ZWSP)
        out.append(piece)
        i = j
    return "".join(out)


def index_tokens(text: str, separator: str, cutter: Cutter) -> list[str]:
    """The words lunr indexes for a packed text in the browser (markup aside): split at the
    index's separator, then where the script changes, Han runs by `cut`; lowercased."""
    tokens: list[str] = []
    for part in re.split(separator, re.sub(r"<[^>]+>", " ", text)):
        for run in _SCRIPT_RUN.findall(part):
            tokens.extend(cutter.cut(run) if _HAN.match(run) else [run])
    return [t.lower() for t in tokens if t]


def segment(text: str, known: Callable[[str], bool] = known_word) -> list[str]:
    """Plain text cut as Material cuts a page's (jieba's words), refined: pieces for `pack`."""
    pieces: list[str] = []
    for part in re.split(f"([{HAN_CHARACTERS}]+)", text):
        if part and _HAN_WORD.fullmatch(part):
            pieces.extend(piece for word in jieba.cut(part) for piece in subwords(word, known))
        elif part:
            pieces.append(part)
    return pieces


def paper_text(title: str, authors: Iterable[str], year: str | None) -> str:
    """What a note's `paper` field holds: the paper's title, its authors' names, its year."""
    parts = [title, *[a for a in authors if a != "et al."], year or ""]
    return " ".join(p for p in parts if p)


def listing_pages(generated: Iterable[str], sources: Mapping[str, str], urls: Mapping[str, str]) -> set[str]:
    """URLs of the pages that list notes: those where the build placed a `generated` part, and
    Material's tags pages (their Markdown in `sources`), each page by its URL in `urls`."""
    tags = (page for page, text in sources.items() if TAGS_MARKER in text)
    return {urls[page] for page in (*generated, *tags) if page in urls}


_Cut = tuple[tuple[str, ...], frozenset[str]]  # a text's pieces (`_words`, `segment`), its Han words


def tune_index(
    data: dict[str, Any],
    papers: Mapping[str, str],
    listings: Iterable[str] = (),
    known: Callable[[str], bool] = known_word,
) -> dict[str, Any]:
    """Material's search index (the parsed JSON) with sub-words, the notes' paper fields and its
    Han words written without breaks (`pack`; the words themselves under WORDS_KEY).

    `papers` maps a page's location in the index (its URL, as Material writes it) to its paper
    text (`paper_text`); sections of the pages in `listings` are flagged (LISTING_FLAG).
    The index is changed in place and returned.
    """
    listed = set(listings)
    fields = data.setdefault("config", {}).setdefault("fields", {})
    if papers:
        fields[PAPER_FIELD] = {"boost": PAPER_BOOST}
    docs = data.get("docs", [])
    memo = _memo(known)
    split = lru_cache(maxsize=None)(lambda word: subwords(word, known))
    seen: dict[str, _Cut] = {}  # each text of this index -> its pieces, its Han words
    seen_papers: dict[str, _Cut] = {}

    def cut_up(text: str, now: dict[str, _Cut], before: dict[str, _Cut], made: Callable[[str], list[str]]) -> tuple[str, ...]:
        found = now.get(text) or before.get(text)
        if found is None:
            pieces = tuple(made(text))
            found = pieces, frozenset(p for p in pieces if len(p) > 1 and _HAN_WORD.fullmatch(p))
        now[text] = found
        return found[0]

    def words(text: str) -> tuple[str, ...]:
        return cut_up(text, seen, memo.words, lambda t: _words(t, split))

    def paper_words(text: str) -> tuple[str, ...]:
        return cut_up(text, seen_papers, memo.papers, lambda t: segment(t, known))

    # Every field's pieces first: the vocabulary is the Han words of the whole index.
    pieces: list[tuple[dict[str, Any], str, int | None, tuple[str, ...]]] = []
    for doc in docs:
        for name in ("title", "text"):
            if isinstance(doc.get(name), str):
                pieces.append((doc, name, None, words(doc[name])))
        if isinstance(doc.get("tags"), list):
            pieces += [(doc, "tags", i, words(tag)) for i, tag in enumerate(doc["tags"]) if isinstance(tag, str)]
        location = doc.get("location", "")
        if location.split("#")[0] in listed:
            doc[LISTING_FLAG] = True
        paper = papers.get(location)
        if paper:
            pieces.append((doc, PAPER_FIELD, None, paper_words(paper)))
    vocabulary: set[str] = set().union(*(han for _, han in seen.values()), *(han for _, han in seen_papers.values()))
    if vocabulary != memo.vocabulary:  # what is packed depends on the whole index's words
        memo.vocabulary, memo.runs, memo.packed = vocabulary, {}, {}
    memo.words, memo.papers = seen, seen_papers  # only what this index holds is kept for the next call
    cutter = Cutter(vocabulary, max(map(len, vocabulary), default=1))
    packed_now: dict[tuple[str, ...], str] = {}
    for doc, name, position, found in pieces:
        packed = memo.packed.get(found) or packed_now.get(found)
        if packed is None:
            packed = pack(found, cutter, memo.runs)
        packed_now[found] = packed
        if position is None:
            doc[name] = packed
        else:
            doc[name][position] = packed
    memo.packed = packed_now
    data["config"][WORDS_KEY] = " ".join(sorted(vocabulary))
    return data


@dataclass
class _Memo:
    """What the last tuning in this process made, for the next (`mkdocs serve` tunes the whole
    index after every save, and a save changes a few sections): each text's pieces and Han words
    (the vocabulary is their union), and while the vocabulary stays the same, each text's packed
    form. Same results, less work."""

    words: dict[str, _Cut] = field(default_factory=dict)
    papers: dict[str, _Cut] = field(default_factory=dict)
    vocabulary: set[str] = field(default_factory=set)
    runs: dict[tuple[str, ...], str] = field(default_factory=dict)
    packed: dict[tuple[str, ...], str] = field(default_factory=dict)
    stamp: int | None = None


_LAST = _Memo()


def _memo(known: Callable[[str], bool]) -> _Memo:
    """The process's memo for jieba's dictionary as it is now; a fresh one for another `known`."""
    global _LAST
    if known is not known_word:
        return _Memo()
    stamp = dictionary_stamp()
    if _LAST.stamp != stamp:
        _LAST = _Memo(stamp=stamp)
    return _LAST


def tune_index_file(
    path: Path, papers: Mapping[str, str], listings: Iterable[str] = (), cache: DiskCache | None = None, compresslevel: int = 9
) -> None:
    """`tune_index` on the file Material wrote (left alone if there is none: search disabled, or
    already tuned), its documents moved out to DOCS_GZIP (gzip at `compresslevel`) and DOCS_JSON
    (see DOCS_KEY).

    With a `cache`, an index the last build tuned from the same input (Material's file, the
    papers, the listing pages, jieba's dictionary) is written as it was then, not tuned again."""
    if not path.is_file():
        return
    text = path.read_text(encoding="utf-8")
    listed = sorted(set(listings))

    def tune() -> tuple[str, bytes, bytes] | None:
        data = json.loads(text)
        if DOCS_KEY in data.get("config", {}):  # tuned already (so never kept: a hit is untuned input)
            return None
        data = tune_index(data, papers, listed)
        docs = json.dumps(data["docs"], ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        data["config"][DOCS_KEY] = {"gzip": DOCS_GZIP, "json": DOCS_JSON}
        data["docs"] = []
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")), gzip.compress(docs, compresslevel, mtime=0), docs

    if cache is None:
        files = tune()
    else:  # one entry, the last index tuned (a preview that tunes on every save keeps no others)
        stamp = digest(text) + digest(json.dumps([sorted(papers.items()), listed, dictionary_stamp()], ensure_ascii=False))
        kept = cache.get(_LAST_INDEX)
        if kept is not None and kept[0] == stamp:
            files = kept[1]
        else:
            files = tune()
            cache.put(_LAST_INDEX, (stamp, files))
    if files is None:
        return
    index, packed, docs = files
    (path.parent / DOCS_JSON).write_bytes(docs)
    (path.parent / DOCS_GZIP).write_bytes(packed)
    path.write_text(index, encoding="utf-8")


_LAST_INDEX = "last index"


def dictionary_stamp() -> int:
    """What tells jieba's dictionary apart for sub-words (which words it knows): its size. A user
    dictionary adds words; its total frequency is no stamp, as loading the same user dictionary
    again (Material's search plugin does on every rebuild of a preview) adds to it."""
    dictionary = jieba.dt
    dictionary.check_initialized()
    return len(dictionary.FREQ)


def search_cache(path: Path) -> DiskCache:
    """Tuned search indexes kept between builds (see tune_index_file)."""
    return DiskCache(path, code_version([sys.modules[__name__]], ["jieba"]))


def read_index_file(path: Path) -> dict[str, Any]:
    """The index as the search worker gets it: `search_index.json` with its documents back."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    spec = data.get("config", {}).get(DOCS_KEY)
    if spec:
        data["docs"] = json.loads((path.parent / spec["json"]).read_text(encoding="utf-8"))
    return data


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
