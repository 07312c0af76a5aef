"""The thin MkDocs layer: asks the dlnotes modules for data and reports their problems.

Everything that knows about notes, bib files and citations lives in plain modules beside this
one; moving to another site engine means rewriting only this file.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from mkdocs.config import base, config_options
from mkdocs.plugins import BasePlugin

from .bibliography import Bibliography, EntryFormatter, load_bibliography
from .citations import cite_page
from .notes import Note, read_note
from .problems import Problem
from .references import reference_markdown

log = logging.getLogger("mkdocs.plugins.dlnotes")

# The parts of MathJax a page needs (see README "Math"): the combined component, its fonts and
# the TeX extensions it loads on demand.
MATHJAX_PARTS = ("tex-mml-chtml.js", "output/chtml/fonts/woff-v2", "input/tex/extensions")


class NotesConfig(base.Config):
    bib_dir = config_options.Type(str, default="bib")
    # Bib files that are a reading list, not citations: their entries may go uncited.
    reading_lists = config_options.Type(list, default=["roadmap.bib"])
    mathjax_dir = config_options.Type(str, default="node_modules/mathjax/es5")
    mathjax_dest = config_options.Type(str, default="assets/mathjax")


class NotesPlugin(BasePlugin[NotesConfig]):
    def __init__(self) -> None:
        self.bib = Bibliography()
        self.format_entry: EntryFormatter | None = None
        self._bib_stamp: tuple | None = None
        self.notes: dict[str, Note] = {}
        self.cited: dict[str, list[str]] = {}

    def on_startup(self, *, command, dirty) -> None:  # keeps this object across serve rebuilds
        self.is_serve = command == "serve"

    def on_config(self, config):
        self.root = Path(config.config_file_path).parent
        self.bib_path = self.root / self.config.bib_dir
        # Serving: watch the bib files too, so editing one rebuilds the site.
        config.watch.append(str(self.bib_path))
        return config

    def _load_bibliography(self) -> None:
        files = sorted(self.bib_path.rglob("*.bib"))
        stamp = tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files)
        if stamp != self._bib_stamp:  # read and format once per change of the bib, not per page
            self.bib = load_bibliography([self.bib_path], self.root)
            self.format_entry = EntryFormatter(self.bib)
            self._bib_stamp = stamp
        self._report(self.bib.problems)

    def on_pre_build(self, config) -> None:
        self._load_bibliography()
        self.cited = {}

    def on_files(self, files, config):
        self.notes = {}
        problems: list[Problem] = []
        docs = Path(config.docs_dir)
        for file in files.documentation_pages():
            note, found = read_note(Path(file.abs_src_path), file.src_uri, self._display(docs / file.src_uri))
            problems.extend(found)
            if note is not None:
                self.notes[file.src_uri] = note
                if note.key and note.key not in self.bib:
                    hint = self.bib.suggest(note.key)
                    problems.append(Problem(self._display(docs / file.src_uri), 2,
                                            f"front matter 'key': '{note.key}' is not in any bib file" + (f" (did you mean '{hint}'?)" if hint else "")))
        self._report(problems)
        return files

    def on_page_markdown(self, markdown, page, config, files):
        source = Path(page.file.abs_src_path)
        display = self._display(source)
        try:
            line_offset = source.read_text(encoding="utf-8").count("\n") - markdown.count("\n")
        except (OSError, UnicodeDecodeError):
            line_offset = 0
        note = self.notes.get(page.file.src_uri)
        assert self.format_entry is not None
        result = cite_page(
            markdown,
            known=self.bib.__contains__,
            reference_text=lambda key: reference_markdown(self.bib.entries[key], self.format_entry(key)),
            suggest=self.bib.suggest,
        )
        for issue in sorted(result.issues, key=lambda i: i.line):
            self._report([Problem(display, issue.line + line_offset, issue.message)])
        for key in result.cited:
            self.cited.setdefault(key, []).append(page.file.src_uri)
        if note is not None and note.key:
            self.cited.setdefault(note.key, [])
        return result.markdown

    def on_post_build(self, config) -> None:
        reading_lists = set(self.config.reading_lists)
        unused = [e for k, e in self.bib.entries.items() if k not in self.cited and Path(e.file).name not in reading_lists]
        for entry in unused:
            log.info("%s:%d: entry '%s' is not cited by any note", entry.file, entry.line, entry.key)
        self._copy_mathjax(Path(config.site_dir))

    def _copy_mathjax(self, site_dir: Path) -> None:
        source = self.root / self.config.mathjax_dir
        if not (source / MATHJAX_PARTS[0]).is_file():
            log.warning("MathJax not found at %s: run 'make setup' (installs it from package-lock.json)", self.config.mathjax_dir)
            return
        dest = site_dir / self.config.mathjax_dest
        for part in MATHJAX_PARTS:
            src, dst = source / part, dest / part
            if src.is_dir():
                shutil.copytree(src, dst, dirs_exist_ok=True, copy_function=_copy_if_changed)
            else:
                dst.parent.mkdir(parents=True, exist_ok=True)
                _copy_if_changed(str(src), str(dst))

    def _display(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    @staticmethod
    def _report(problems: list[Problem]) -> None:
        for problem in problems:
            (log.warning if problem.severity == "error" else log.info)(str(problem))


def _copy_if_changed(src: str, dst: str) -> str:
    s, d = Path(src), Path(dst)
    if not d.exists() or d.stat().st_size != s.stat().st_size or d.stat().st_mtime < s.stat().st_mtime:
        shutil.copy2(s, d)
    return dst
