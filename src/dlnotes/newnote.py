"""Starting a note for a paper: `make note KEY=...` / `dlnotes note KEY`. No MkDocs here.

Rules (kept simple on purpose):

* The key must be in a bib file (references.bib or roadmap.bib); otherwise refuse and suggest the
  closest key.
* Section folder: `--section NAME` (an existing folder of docs/, e.g. attention or papers);
  by default `attention` when the paper's title mentions attention and docs/attention/ exists,
  else `papers`.
* File name: the key with every character other than letters, digits, "_" and "-" replaced by
  "-" (keys may hold ":" "/" "." "+"), then ".md".
* Never overwrite: refuse when the file exists or another note already has this `key`.
* When mkdocs.yml has an explicit `nav`, add one line right after the last nav entry of the
  same folder, touching nothing else (comments stay); refuse, before writing anything, when
  there is no such entry.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .bibliography import BibEntry, load_bibliography
from .cards import entry_title
from .notes import parse_note

DEFAULT_SECTION = "papers"
ATTENTION_SECTION = "attention"
_NAV = re.compile(r"^nav:[ \t]*(#.*)?$")
_TOP_LEVEL = re.compile(r"^[^\s#-]")


class NewNoteError(Exception):
    """A refusal, with a message that says what to do."""


@dataclass(frozen=True)
class NewNote:
    path: Path  # the created file
    rel_path: str  # relative to docs/, with "/"
    nav_added: bool  # whether mkdocs.yml was changed


def safe_filename(key: str) -> str:
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", key).strip("-")
    return (name or "note") + ".md"


def check_section(docs: Path, section: str) -> str:
    """`section` if it is a folder of docs/, else a NewNoteError naming the ones there are."""
    if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", section) or not (docs / section).is_dir():
        known = sorted(p.name for p in docs.iterdir() if p.is_dir() and p.name != "assets") if docs.is_dir() else []
        raise NewNoteError(f"no section folder docs/{section}/ (choose one of: {', '.join(known)})")
    return section


def choose_section(entry: BibEntry, docs: Path, section: str | None = None) -> str:
    if section is not None:
        return check_section(docs, section)
    if "attention" in entry_title(entry).lower() and (docs / ATTENTION_SECTION).is_dir():
        return ATTENTION_SECTION
    return DEFAULT_SECTION


def note_text(entry: BibEntry, today: dt.date) -> str:
    title = entry_title(entry)
    key = entry.key if yaml.safe_load(f"k: {entry.key}") == {"k": entry.key} else json.dumps(entry.key)
    return (
        "---\n"
        f"key: {key}\n"
        f"title: {json.dumps(title, ensure_ascii=False)}\n"
        f"date: {today.isoformat()}\n"
        "status: reading\n"
        "tags: []\n"
        'summary: ""\n'
        "---\n\n"
        f"# {title}\n\n"
        "<!-- 一句话总结写在上面 front matter 的 summary 里:引用这篇论文的地方悬停即可看到。 -->\n\n"
        f"[@{entry.key}]\n"
    )


def existing_note_for(key: str, docs: Path) -> Path | None:
    for path in sorted(docs.rglob("*.md")):
        try:
            note, _ = parse_note(path.read_text(encoding="utf-8-sig"), path.relative_to(docs).as_posix())
        except (OSError, UnicodeDecodeError):
            continue
        if note.key == key:
            return path
    return None


def add_to_nav(config_text: str, section: str, rel_path: str) -> str | None:
    """mkdocs.yml with `- rel_path` inserted after the last nav entry under `section/`;
    None when the config has no explicit nav. NewNoteError when the nav has no such entry."""
    lines = config_text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if _NAV.match(line)), None)
    if start is None:
        return None
    entry = re.compile(
        r"^(?P<indent>[ \t]*)-[ \t]+(?:(?:\"[^\"]*\"|'[^']*'|[^:#\n]+):[ \t]+)?[\"']?"
        + re.escape(section)
        + r"/[^\s\"']+\.md[\"']?[ \t]*(#.*)?$"
    )
    last: tuple[int, str] | None = None
    for i in range(start + 1, len(lines)):
        line = lines[i]
        if _TOP_LEVEL.match(line):  # the next top-level key: end of the nav
            break
        m = entry.match(line.rstrip("\r\n"))
        if m:
            last = (i, m.group("indent"))
    if last is None:
        raise NewNoteError(
            f"cannot find where to add {rel_path} to the nav of mkdocs.yml (no entry under {section}/): add the note by hand"
        )
    i, indent = last
    newline = "\r\n" if lines[i].endswith("\r\n") else "\n"
    if not lines[i].endswith(("\n", "\r\n")):
        lines[i] += newline
    lines.insert(i + 1, f"{indent}- {rel_path}{newline}")
    return "".join(lines)


def create_note(
    root: Path,
    key: str,
    section: str | None = None,
    today: dt.date | None = None,
    docs_dir: str = "docs",
    bib_dir: str = "bib",
    config_file: str = "mkdocs.yml",
) -> NewNote:
    config = root / config_file
    bib = load_bibliography([root / bib_dir], root)
    if key not in bib:
        hint = bib.suggest(key)
        raise NewNoteError(
            f"unknown key '{key}'" + (f" (did you mean '{hint}'?)" if hint else f": not in any bib file under {bib_dir}/")
        )
    entry = bib.entries[key]
    target, rel_path, new_config = plan_note(root, entry, section, docs_dir, config_file)
    # Everything checked: now write, the note first (a nav line without its file would break the build).
    target.write_text(note_text(entry, today or dt.date.today()), encoding="utf-8")
    if new_config is not None:
        config.write_text(new_config, encoding="utf-8")
    return NewNote(target, rel_path, new_config is not None)


def plan_note(
    root: Path, entry: BibEntry, section: str | None = None, docs_dir: str = "docs", config_file: str = "mkdocs.yml"
) -> tuple[Path, str, str | None]:
    """Where the note for `entry` goes and the new mkdocs.yml text (None: no nav to change);
    NewNoteError for every refusal. Writes nothing (`dlnotes add` asks before adding an entry)."""
    docs, config = root / docs_dir, root / config_file
    folder = choose_section(entry, docs, section)
    rel_path = f"{folder}/{safe_filename(entry.key)}"
    target = docs / rel_path
    if target.exists():
        raise NewNoteError(f"{docs_dir}/{rel_path} already exists: not overwriting it")
    other = existing_note_for(entry.key, docs)
    if other is not None:
        raise NewNoteError(f"'{entry.key}' already has a note: {other.relative_to(root).as_posix()}")
    new_config = add_to_nav(config.read_text(encoding="utf-8"), folder, rel_path) if config.is_file() else None
    return target, rel_path, new_config
