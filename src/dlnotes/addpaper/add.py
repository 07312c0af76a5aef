"""The whole of `dlnotes add`: identifier -> paper(s) -> entries appended to bib/references.bib
-> the note started (as `dlnotes note` starts it). Everything that can fail is checked before
anything is written; a refusal is one AddError line.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..bibliography import BibEntry, load_bibliography, parse_cache
from ..keys import is_valid_key, unique_key
from .config import Settings
from .dedupe import Index
from .entry import Paper, make_key, to_bibtex
from .http import Fetcher, FetchError
from .identifiers import BibtexText, IdentifierError, parse_identifier
from .resolve import resolve
from .store import StoreError, append_text

BIB_FILE = "bib/references.bib"


class AddError(Exception):
    """A refusal: one line, nothing written."""


@dataclass
class Added:
    key: str
    new: bool  # False: the paper was already in bib/ (key reused)
    why: str = ""  # for an existing one: what matched
    text: str = ""  # the entry written
    title: str = ""


@dataclass
class AddResult:
    papers: list[Added] = field(default_factory=list)
    bib_file: str = BIB_FILE
    warnings: list[str] = field(default_factory=list)
    note: Path | None = None
    note_error: str | None = None
    nav_added: bool = False


def _check_entry(text: str, key: str) -> BibEntry:
    """The entry must read back cleanly with the site's own bib reader."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "new.bib"
        path.write_text(text, encoding="utf-8")
        bib = load_bibliography([path], Path(tmp))
    if bib.problems or key not in bib:
        problem = bib.problems[0].message if bib.problems else "it does not read back"
        raise AddError(f"the entry made for {key} would not pass the site's bib checks ({problem}): nothing written")
    return bib.entries[key]


def add_paper(
    root: Path,
    raw: str,
    settings: Settings,
    *,
    bib_file: str = BIB_FILE,
    bib_dir: str = "bib",
    fetcher: Fetcher | None = None,
    check_note: Callable[[BibEntry], None] | None = None,
) -> AddResult:
    """Add the paper(s) `raw` names to `bib_file`. `check_note`: called with the new entry, when
    the input names one paper that is new, before anything is written (it raises AddError when
    the note could not be started)."""
    try:
        ident = parse_identifier(raw, cwd=Path.cwd())
    except IdentifierError as err:
        raise AddError(str(err)) from None
    # bib/ parsed files kept between runs, as builds keep theirs (a file of our own beside the answers).
    parsed = parse_cache(settings.cache_dir / "bib-parse.pickle") if settings.cache_dir else None
    bib = load_bibliography([root / bib_dir], root, cache=parsed)
    if parsed is not None:
        try:
            parsed.save()
        except OSError:
            pass  # a cache that cannot be written only costs a parse next time
    target = root / bib_file
    own = fetcher or Fetcher(settings)
    try:
        resolved = resolve(ident, own)
    except FetchError as err:
        raise AddError(str(err)) from None
    finally:
        if fetcher is None:
            own.close()
    if not resolved.papers:
        raise AddError(f"{raw if not isinstance(ident, BibtexText) else ident.source}: no BibTeX entry in it")
    index = Index()
    for key, entry in bib.entries.items():
        index.add(key, dict(entry.fields), list(entry.persons.get("author", [])))
    taken = set(bib.entries) | bib.broken
    result = AddResult(bib_file=bib_file, warnings=resolved.warnings)
    texts: list[str] = []
    for paper in resolved.papers:
        found = index.find(paper)
        if found:
            result.papers.append(Added(found[0], False, found[1], title=paper.title))
            continue
        key = _new_key(paper, taken)
        text = to_bibtex(paper, key)
        entry = _check_entry(text, key)
        if check_note is not None and len(resolved.papers) == 1:
            check_note(entry)
        taken.add(key)
        index.add(key, dict(paper.fields, title=paper.title), paper.authors)
        texts.append(text)
        result.papers.append(Added(key, True, text=text, title=paper.title))
    if texts:
        try:
            append_text(target, "\n".join(texts))
        except StoreError as err:
            raise AddError(str(err)) from None
    return result


def _new_key(paper: Paper, taken: set[str]) -> str:
    base = make_key(paper)
    if not base or not is_valid_key(base) or not base[0].isalpha():
        base = "paper" + (str(paper.year) if paper.year else "") + base
    return unique_key(base, taken)
