"""Every mistake an author can make: one clear line, a failed strict build, no traceback, no text lost.

Each case copies a small site (tests/fixtures/mini), breaks one thing, builds it strictly with the
real mkdocs command, and checks the exact message shape and that the other pages kept their text.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

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


CASES_FILE = Path(__file__).parent / "fixtures" / "author_errors.yml"


def read_cases(path: Path) -> dict[str, dict[str, Any]]:
    """The cases of `path` by name (its comment says what a case holds)."""
    cases = yaml.safe_load(path.read_text(encoding="utf-8"))
    named = {case["case"]: case for case in cases}
    assert len(named) == len(cases), f"{path.name}: two cases share a name"
    return named


def break_site(site: Path, case: dict[str, Any]) -> None:
    """Make the case's one change to the copy of the site."""
    path = site / case["file"]
    (how,) = {"replace", "append", "write"} & case.keys()  # exactly one way to break it
    if how == "replace":
        old, new = case["replace"]
        edit(path, old, new)
    elif how == "append":
        append(path, case["append"])
    else:
        path.write_bytes(case["write"].encode(case.get("encoding", "utf-8")))


CASES = read_cases(CASES_FILE)


def test_the_fixture_site_builds_cleanly(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    result = run_mkdocs_build(site / "mkdocs.yml", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr
    for page, sentence in GOOD_PAGES.items():
        assert sentence in article_text(tmp_path / "out" / page)


@pytest.mark.parametrize("case", list(CASES))
def test_author_mistake_gives_one_clear_line_and_fails_strict_build(tmp_path: Path, case: str) -> None:
    pattern, intact_pages = CASES[case]["message"], CASES[case]["intact"]
    site = make_site(tmp_path)
    break_site(site, CASES[case])
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
