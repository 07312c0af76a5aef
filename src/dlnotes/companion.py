"""The generated pages (references, roadmap, reading timeline) and the home page's latest notes,
as Markdown, from plain data. No MkDocs here: the plugin gathers the data once per build and
asks these functions for the text of each page.

In Markdown, every link to another doc is a relative link to its .md file, so MkDocs checks it
(strict) and rewrites it for the built site. The long lists (the timeline's, the home page's
latest notes) are HTML with the pages' URLs (`NoteLink`), put in after rendering (`HtmlSlot`):
Python-Markdown parsing a thousand generated lines was most of the timeline page's build time.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from .bibliography import BibEntry
from .cards import STATUS_LABELS, entry_title, roadmap_anchor, short_citation, stars_html
from .citedin import CitedIn, footnote_ref_anchor
from .mdtext import key_anchor, md_escape, relative_link
from .references import text_html
from .roadmap import Roadmap, next_up, progress

UNDATED = "未注明日期"
_ATX_H1 = re.compile(r"^#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*(?:\{[^}]*\})?[ \t]*$", re.M)


@dataclass(frozen=True)
class NotePage:
    """What the generated pages need to know about one note."""

    path: str  # relative to docs/, with "/"
    title: str
    key: str | None = None
    date: dt.date | None = None
    status: str | None = None
    tags: tuple[str, ...] = ()
    summary: str | None = None


def first_heading(markdown: str) -> str | None:
    """Text of the first "# " heading (good enough for a title: notes start with one)."""
    m = _ATX_H1.search(markdown)
    return m.group(1).strip() if m else None


def is_note(page: NotePage) -> bool:
    """A note is a page about a paper (front matter `key`) or one with a reading date."""
    return page.key is not None or page.date is not None


@dataclass
class NotesIndex:
    notes: list[NotePage] = field(default_factory=list)  # in nav order
    by_key: dict[str, NotePage] = field(default_factory=dict)

    @classmethod
    def of(cls, pages: Iterable[NotePage]) -> NotesIndex:
        index = cls()
        for page in pages:
            if not is_note(page):
                continue
            index.notes.append(page)
            if page.key:
                index.by_key.setdefault(page.key, page)  # the first note on a paper is its note
        return index

    @cached_property
    def paths(self) -> frozenset[str]:
        """The doc path of every note."""
        return frozenset(n.path for n in self.notes)

    @cached_property
    def path_of_key(self) -> dict[str, str]:
        """key -> the doc path of its note."""
        return {k: n.path for k, n in self.by_key.items()}

    def read(self) -> dict[str, dt.date | None]:
        """key -> reading date (None if undated) for every paper whose note says status read."""
        return {key: note.date for key, note in self.by_key.items() if note.status == "read"}


# --- citation previews ----------------------------------------------------------------


# --- references page ------------------------------------------------------------------------


def reference_keys(
    entries: Mapping[str, BibEntry], is_reading_list: Callable[[BibEntry], bool], cited: CitedIn, noted: Iterable[str]
) -> list[str]:
    """Every entry of the reference files, and the reading-list entries that are cited or have a
    note; sorted by key (keys start with the first author's surname, so this reads as by author)."""
    wanted = set(cited.pages) | set(noted)
    keys = [k for k, e in entries.items() if not is_reading_list(e) or k in wanted]
    return sorted(keys, key=lambda k: (k.casefold(), k))


REFERENCES_INTRO = "共 {count} 条文献。每条下面列出引用它的笔记,链接指向笔记中第一次引用它的位置。"


def references_html(
    keys: Sequence[str],
    reference_html: Callable[[str], str],
    cited: CitedIn,
    notes: NotesIndex,
    titles: Mapping[str, str],
    url: Callable[[str, str | None], str | None],
) -> str:
    """One paragraph per entry with a stable id (see mdtext.key_anchor): the formatted reference,
    our note on it, and the notes citing it, each linked to its first citation of the entry.

    HTML, not Markdown: a 1000-entry page through Python-Markdown was a tenth of a large site's
    build. `url(doc, anchor)` is the link from this page to a doc, None if the doc is not in the
    site (then its title is shown unlinked)."""

    def link(doc: str, anchor: str | None = None) -> str:
        target = url(doc, anchor)
        label = text_html(titles.get(doc, doc))
        return f'<a href="{html.escape(target)}">{label}</a>' if target is not None else label

    out = []
    for key in keys:
        facts: list[str] = []  # no BibTeX key: a reader cites nothing by it (the id keeps it for links)
        note = notes.by_key.get(key)
        if note is not None:
            facts.append(f"笔记: {link(note.path)}")
        # A note's citation of its own paper is not "cited in": the note is listed above.
        citing = [p for p in cited.citing(key) if note is None or p != note.path]
        facts.append(f"引用于: {', '.join(link(p, footnote_ref_anchor(key)) for p in citing)}" if citing else "尚未被笔记引用")
        out.append(f'<p class="ref-entry" id="{html.escape(key_anchor(key))}">{reference_html(key)}<br>\n{" · ".join(facts)}</p>')
    return "\n".join(out)


# --- roadmap page ------------------------------------------------------------------------------


def _status_cell(note: NotePage | None, here: str) -> str:
    if note is None:
        return "未读"
    parts = [STATUS_LABELS.get(note.status or "", "有笔记")]
    if note.status == "read" and note.date:
        parts.append(note.date.isoformat())
    parts.append(f"[笔记]({relative_link(here, note.path)})")
    return " · ".join(parts)


def roadmap_markdown(
    roadmap: Roadmap,
    notes: NotesIndex,
    entries: Mapping[str, BibEntry],
    here: str,
    next_count: int = 5,
) -> str:
    """Overall progress, "next up", then each section in order with its papers' stars and status.
    Status comes only from the notes' front matter (via `notes`)."""
    read = notes.read()
    done = progress(roadmap, read)
    places = sum(s.total for s in done.sections)
    out = ["## 进度", ""]
    out.append(f"已读 **{done.read} / {done.total}** 篇论文(各节共 {places} 处:有的论文列在不止一节)。")
    out += ["", "| 节 | 已读 |", "|---|---:|"]
    for s in done.sections:
        out.append(f"| [{md_escape(s.id + ' ' + s.title)}](#{roadmap_anchor(s.id)}) | {s.read} / {s.total} |")
    out.append(f"| **合计(处)** | {sum(s.read for s in done.sections)} / {places} |")
    out += ["", "## 接下来读 {#next-up}", ""]
    upcoming = next_up(roadmap, read, next_count)
    if not upcoming:
        out.append("路线图上的论文都读完了。")
    for i, paper in enumerate(upcoming, start=1):
        out.append(
            f"{i}. {_paper_label(paper.key, paper.title, paper.links, entries, notes, here)}"
            f" — {md_escape(paper.section_ids[0] if paper.section_ids else '')}"
            f" {stars_html(paper.stars, 'roadmap-stars') if paper.stars else ''}".rstrip()
        )
    for section in roadmap.sections:
        row = next(s for s in done.sections if s.id == section.id)
        out += ["", f"## {md_escape(section.id + ' ' + section.title)} {{#{roadmap_anchor(section.id)}}}", ""]
        # Each section's papers fold away (pymdownx.details, open at first); every section's table
        # has the same columns and width (extra.css), and the page's filter reads its rows
        # (assets/javascripts/roadmap.js): status in the last cell, stars in their aria-label.
        out.append(f'???+ note roadmap-section "已读 {row.read} / {row.total}"')
        out += ["", "    | 论文 | 推荐 | 状态 |", "    |---|---|---|"]
        for paper in section.papers:
            label = _paper_label(paper.key, paper.title, paper.links, entries, notes, here)
            rating = stars_html(paper.stars, "roadmap-stars") if paper.stars else "—"
            out.append(f"    | {label} | {rating} | {_status_cell(notes.by_key.get(paper.key), here)} |")
    out.append("")
    return "\n".join(out)


def _paper_label(
    key: str, title: str, links: Sequence[str], entries: Mapping[str, BibEntry], notes: NotesIndex, here: str
) -> str:
    entry = entries.get(key)
    shown = md_escape(entry_title(entry) if entry else title)
    note = notes.by_key.get(key)
    if note is not None:
        shown = f"[{shown}]({relative_link(here, note.path)})"
    elif links:
        shown = f"[{shown}](<{links[0]}>)"
    who = md_escape(short_citation(entry)) if entry else ""
    return f"{shown}<br><small>{who}</small>" if who else shown


# --- timeline and latest notes --------------------------------------------------------------


def _by_date(notes: Sequence[NotePage]) -> list[NotePage]:
    """Dated notes newest first, then undated ones; ties keep the given (nav) order."""
    dated = sorted((n for n in notes if n.date), key=lambda n: n.date, reverse=True)  # type: ignore[arg-type,return-value]
    return dated + [n for n in notes if not n.date]


# A note's URL from the page being made (its doc path -> URL), None when it is not in the site.
NoteLink = Callable[[str], "str | None"]
# Puts a block of generated HTML aside and gives the Markdown line that stands for it: the
# lists of the timeline and the home page are made as HTML, so Python-Markdown does not parse
# a thousand lines the site wrote itself.
HtmlSlot = Callable[[str], str]


def _note_item_html(note: NotePage, link: NoteLink, describe: Callable[[NotePage], str | None] | None) -> str:
    parts = [note.date.isoformat()] if note.date else []
    url = link(note.path)
    title = text_html(note.title)
    item = f'<a data-preview="" href="{html.escape(url)}">{title}</a>' if url is not None else title
    extra = describe(note) if describe else None
    if extra:
        item += f" ({text_html(extra)})"
    parts.append(item)
    status = STATUS_LABELS.get(note.status or "")
    if status:
        parts.append(status)
    return "<li>" + " · ".join(parts) + "</li>"


def notes_list_html(notes: Sequence[NotePage], link: NoteLink, describe: Callable[[NotePage], str | None] | None = None) -> str:
    """A list of notes: reading date · linked title (`describe`: who and where) · status."""
    return "<ul>\n" + "\n".join(_note_item_html(note, link, describe) for note in notes) + "\n</ul>"


def timeline_markdown(
    notes: Sequence[NotePage], slot: HtmlSlot, link: NoteLink, describe: Callable[[NotePage], str | None] | None = None
) -> str:
    """Notes by reading date, newest first, under month headings; undated ones at the end."""
    groups: list[tuple[str, list[NotePage]]] = []
    for note in _by_date(notes):
        heading = f"{note.date.year} 年 {note.date.month} 月" if note.date else UNDATED
        if not groups or groups[-1][0] != heading:
            groups.append((heading, []))
        groups[-1][1].append(note)
    if not groups:
        return "还没有笔记。\n"
    return "\n".join(f"## {heading}\n\n{slot(notes_list_html(group, link, describe))}\n" for heading, group in groups)


def latest_markdown(
    notes: Sequence[NotePage],
    slot: HtmlSlot,
    link: NoteLink,
    describe: Callable[[NotePage], str | None] | None = None,
    n: int = 5,
) -> str:
    """The latest `n` notes: by reading date, newest first, then undated ones in nav order."""
    chosen = _by_date(notes)[:n]
    return slot(notes_list_html(chosen, link, describe)) + "\n" if chosen else "还没有笔记。\n"
