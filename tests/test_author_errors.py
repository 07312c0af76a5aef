"""Every mistake an author can make: one clear line, a failed strict build, no traceback, no text lost.

Each case copies a small site (tests/fixtures/mini), breaks one thing, builds it strictly with the
real mkdocs command, and checks the exact message shape and that the other pages kept their text.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.site_text import article_text
from tests.support.sitebuild import run_check, run_mkdocs_build

MINI = Path(__file__).parent / "fixtures" / "mini"
GOOD_PAGES = {"index.html": "Home page sentence that must survive.", "note/index.html": "Last paragraph of the note."}


def make_site(tmp_path: Path) -> Path:
    site = tmp_path / "mini"
    shutil.copytree(MINI, site)
    return site


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


Breakage = Callable[[Path], object]  # what it returns (write_text's count) is not used

CASES: dict[str, tuple[Breakage, str, list[str]]] = {
    # name: (how to break the site, expected message regex, pages whose text must survive)
    "unknown citation key": (
        lambda s: edit(s / "docs/note.md", "[@smith2020deep]", "[@smith2020dep]"),
        r"docs/note\.md:11: unknown citation key 'smith2020dep' \(did you mean 'smith2020deep'\?\)",
        ["index.html"],
    ),
    "unknown key in a list item's second paragraph": (
        lambda s: edit(s / "docs/note.md", "## 小节\n", "## 小节\n\n- item\n\n    As [see @smith2020dep, p. 3] shows.\n"),
        r"docs/note\.md:19: unknown citation key 'smith2020dep' \(did you mean 'smith2020deep'\?\)",
        ["index.html"],
    ),
    "malformed citation in a footnote's second paragraph": (
        lambda s: append(s / "docs/note.md", "\nSee.[^n]\n\n[^n]: First paragraph.\n\n    Second [@smith2020deep; and].\n"),
        r"docs/note\.md:23: malformed citation '\[@smith2020deep; and\]': write \[@key\], .*",
        ["index.html"],
    ),
    "unbalanced brace in the bib": (
        lambda s: edit(s / "bib/refs.bib", "title   = {Deep things}", "title   = {Deep {things}"),
        r"bib/refs\.bib:3: entry 'smith2020deep': unbalanced braces: '\{' in field 'title' is never closed",
        ["index.html"],
    ),
    "missing comma in the bib": (
        lambda s: edit(s / "bib/refs.bib", "title   = {Deep things},", "title   = {Deep things}"),
        r"bib/refs\.bib:\d+: entry 'smith2020deep': syntax error: '}' expected",
        ["index.html"],
    ),
    "bad entry type": (
        lambda s: edit(s / "bib/refs.bib", "@book{doe2019book", "@bok{doe2019book"),
        r"bib/refs\.bib:9: unknown entry type '@bok' \(did you mean '@book'\?\)",
        ["index.html", "note/index.html"],
    ),
    "entry without required fields": (
        lambda s: edit(s / "bib/refs.bib", "  journal = {Journal of Things},\n", ""),
        r"bib/refs\.bib:1: entry 'smith2020deep' \(@article\) lacks required field\(s\): journal",
        ["index.html", "note/index.html"],
    ),
    "duplicate key across files, differing in case": (
        lambda s: (s / "bib/more.bib").write_text(
            "@book{Doe2019Book,\n  author = {D, J},\n  title = {B},\n  publisher = {P},\n  year = {2019}\n}\n"
        ),
        r"bib/refs\.bib:9: duplicate key 'doe2019book' \(differs only in case from 'Doe2019Book'\): "
        r"already defined at bib/more\.bib:1",
        ["index.html", "note/index.html"],
    ),
    "bib file not UTF-8": (
        lambda s: (s / "bib/latin.bib").write_bytes("@misc{x2020,\n  title = {Caf\xe9}\n}\n".encode("latin-1")),
        r"bib/latin\.bib:2: not UTF-8 \(byte 0xe9\); save the file as UTF-8",
        ["index.html", "note/index.html"],
    ),
    "front matter not YAML": (
        lambda s: edit(s / "docs/note.md", "tags: [测试]", "tags: [测试"),
        r"docs/note\.md:5: front matter is not valid YAML: .+",
        ["index.html"],
    ),
    "reading date not a date": (
        lambda s: edit(s / "docs/note.md", "date: 2021-02-03", "date: 2021-02-31"),
        r"docs/note\.md:3: front matter 'date': '2021-02-31' is not a date: write YYYY-MM-DD, e.g\. date: 2021-01-28",
        ["index.html", "note/index.html"],
    ),
    "tags not a list": (
        lambda s: edit(s / "docs/note.md", "tags: [测试]", "tags: 测试"),
        r"docs/note\.md:5: front matter 'tags': must be a list, e\.g\. tags: \[Attention, NMT\]",
        ["index.html", "note/index.html"],
    ),
    "front matter key not in the bib": (
        lambda s: edit(s / "docs/note.md", "key: smith2020deep", "key: smith2020dee"),
        r"docs/note\.md:2: front matter 'key': 'smith2020dee' is not in any bib file \(did you mean 'smith2020deep'\?\)",
        ["index.html", "note/index.html"],
    ),
    "unclosed math": (
        lambda s: edit(s / "docs/note.md", "math $x_t$ and", "math $x_t and"),
        r"docs/note\.md:13: unclosed math '\$': .+",
        ["index.html", "note/index.html"],
    ),
    "link to a note that does not exist": (
        lambda s: append(s / "docs/index.md", "\nSee [the other](notes/other.md).\n"),
        r"docs/index\.md:5: link to 'notes/other\.md': no file 'notes/other\.md' in docs/",
        ["note/index.html"],
    ),
    "link to an anchor that does not exist": (
        lambda s: append(s / "docs/index.md", "\nSee [a section](note.md#没有这一节).\n"),
        r"docs/index\.md:5: link to 'note\.md#没有这一节': no anchor '#没有这一节' on 'note\.md'",
        ["note/index.html"],
    ),
    "missing figure": (
        lambda s: append(s / "docs/note.md", "\n![A figure](figures/missing.svg)\n"),
        r"docs/note\.md:19: image to 'figures/missing\.svg': no file 'figures/missing\.svg' in docs/",
        ["index.html"],
    ),
    "note not UTF-8": (
        lambda s: (s / "docs/latin.md").write_bytes("# Latin\n\nCaf\xe9 au lait.\n".encode("latin-1")),
        r"docs/latin\.md:3: not UTF-8 \(byte 0xe9\); save the file as UTF-8",
        ["index.html", "note/index.html"],
    ),
    "empty note": (
        lambda s: (s / "docs/empty.md").write_text(""),
        r"docs/empty\.md: empty note: write at least a heading, or delete the file",
        ["index.html", "note/index.html"],
    ),
}


def test_the_fixture_site_builds_cleanly(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    result = run_mkdocs_build(site / "mkdocs.yml", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr
    for page, sentence in GOOD_PAGES.items():
        assert sentence in article_text(tmp_path / "out" / page)


@pytest.mark.parametrize("case", list(CASES))
def test_author_mistake_gives_one_clear_line_and_fails_strict_build(tmp_path: Path, case: str) -> None:
    breakage, pattern, intact_pages = CASES[case]
    site = make_site(tmp_path)
    breakage(site)
    out = tmp_path / "out"
    result = run_mkdocs_build(site / "mkdocs.yml", out)
    assert result.returncode != 0, f"strict build passed despite: {case}"
    assert "Traceback" not in result.stderr, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("WARNING")]
    ours = [w for w in warnings if 'not included in the "nav"' not in w]
    assert len(ours) == 1, "expected one line, got:\n" + "\n".join(ours)
    assert re.fullmatch(r"WARNING -  " + pattern, ours[0]), ours[0]
    # `dlnotes check` finds the same problem, in the same words, with no engine.
    checked = run_check(site)
    assert checked.returncode == 1 and "Traceback" not in checked.stderr, checked.stderr
    errors = checked.stderr.splitlines()[:-1]
    assert errors == [ours[0].removeprefix("WARNING -  ")], checked.stderr
    # The build still ran to the end: the other pages are whole.
    non_strict = run_mkdocs_build(site / "mkdocs.yml", out, strict=False)
    assert non_strict.returncode == 0 and "Traceback" not in non_strict.stderr
    for page in intact_pages:
        assert GOOD_PAGES[page] in article_text(out / page), f"{page} lost text"


def test_unknown_key_keeps_the_citation_text_visible(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    edit(site / "docs/note.md", "[@smith2020deep]", "[@smith2020dep]")
    run_mkdocs_build(site / "mkdocs.yml", tmp_path / "out", strict=False)
    text = article_text(tmp_path / "out" / "note/index.html")
    assert "注意力 first paragraph cites [@smith2020dep]." in text


def test_non_utf8_note_is_shown_with_only_the_bad_byte_replaced(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    (site / "docs/latin.md").write_bytes("# Latin\n\nCaf\xe9 au lait, then more text.\n".encode("latin-1"))
    run_mkdocs_build(site / "mkdocs.yml", tmp_path / "out", strict=False)
    assert "Caf\ufffd au lait, then more text." in article_text(tmp_path / "out" / "latin/index.html")


def test_an_uncited_entry_is_reported_but_does_not_fail(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    result = run_mkdocs_build(site / "mkdocs.yml", tmp_path / "out")
    assert result.returncode == 0
    assert "bib/refs.bib:9: (warning only) entry 'doe2019book' is not cited by any note" in result.stderr
    checked = run_check(site)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout == "bib/refs.bib:9: (warning only) entry 'doe2019book' is not cited by any note\n"


def test_a_note_saved_by_a_windows_editor_builds_like_any_other(tmp_path: Path) -> None:
    """CRLF line endings and a byte-order mark (Notepad, some Typora set-ups): front matter read,
    card shown, nothing reported; a Typora or Obsidian front-matter key is left alone."""
    site = make_site(tmp_path)
    note = site / "docs/note.md"
    text = note.read_text(encoding="utf-8").replace("---\nkey:", "---\ntypora-root-url: ../assets\naliases: [S20]\nkey:", 1)
    note.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    result = run_mkdocs_build(site / "mkdocs.yml", tmp_path / "out")
    assert result.returncode == 0 and "WARNING" not in result.stderr, result.stderr
    page = (tmp_path / "out" / "note" / "index.html").read_text(encoding="utf-8")
    assert "paper-card" in page and "---" not in article_text(tmp_path / "out" / "note/index.html")[:40]
    assert run_check(site).returncode == 0
