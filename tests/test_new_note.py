"""The new-note command, on a temporary copy of the project (mkdocs.yml, docs/, bib/)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from dlnotes.bibliography import load_bibliography
from dlnotes.cards import entry_title
from dlnotes.newnote import NewNoteError, add_to_nav, safe_filename
from dlnotes.notes import parse_note
from tests.support.sitebuild import ROOT, run_mkdocs_build


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name in ("docs", "bib", "config", "overrides"):
        shutil.copytree(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    if (ROOT / "node_modules").is_dir():  # MathJax, which the plugin copies into the site
        (tmp_path / "node_modules").symlink_to(ROOT / "node_modules")
    return tmp_path


def new_note(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dlnotes.cli", "note", *args, "--root", str(project)], capture_output=True, text=True, timeout=60
    )


def unnoted_key(project: Path, attention: bool) -> str:
    """A roadmap paper with no note yet, whose title mentions attention or not: the tests start
    notes the author has not written, whatever notes the author adds."""
    bib = load_bibliography([project / "bib" / "roadmap.bib"], project)
    noted = {n.key for p in (project / "docs").rglob("*.md") if (n := parse_note(p.read_text(encoding="utf-8"), p.name)[0]).key}
    return next(
        k
        for k, e in bib.entries.items()
        if k not in noted and ("attention" in entry_title(e).lower()) == attention and safe_filename(k) == f"{k}.md"
    )


def nav_entries(config: str, section: str) -> list[str]:
    return re.findall(rf"^\s+- (?:[^\n:]+: )?({section}/[^\s]+\.md)\s*$", config, re.M)


def front_matter(path: Path) -> dict[str, Any]:
    found: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
    return found


def test_creates_a_roadmap_paper_note_with_front_matter_and_nav_entry(project: Path) -> None:
    key = unnoted_key(project, attention=False)
    title = entry_title(load_bibliography([project / "bib"], project).entries[key])
    before = (project / "mkdocs.yml").read_text(encoding="utf-8")
    result = new_note(project, key)
    assert result.returncode == 0, result.stderr
    note = project / "docs" / "papers" / f"{key}.md"
    meta = front_matter(note)
    assert meta == {"key": key, "title": title, "date": dt.date.today(), "status": "reading", "tags": [], "summary": ""}
    text = note.read_text(encoding="utf-8")
    assert f"\n# {title}\n" in text and f"[@{key}]" in text
    after = (project / "mkdocs.yml").read_text(encoding="utf-8")
    # One line added, right after the section's last entry; comments and the rest untouched.
    last = nav_entries(before, "papers")[-1]
    assert nav_entries(after, "papers")[-2:] == [last, f"papers/{key}.md"]
    line = next(row for row in after.splitlines(keepends=True) if row.strip() == f"- papers/{key}.md")
    assert after.replace(line, "", 1) == before


def test_attention_papers_go_to_the_attention_section(project: Path) -> None:
    key = unnoted_key(project, attention=True)
    result = new_note(project, key)
    assert result.returncode == 0, result.stderr
    assert (project / "docs" / "attention" / f"{key}.md").is_file()
    assert nav_entries((project / "mkdocs.yml").read_text(encoding="utf-8"), "attention")[-1] == f"attention/{key}.md"


def test_refuses_an_unknown_key_with_the_closest_one(project: Path) -> None:
    result = new_note(project, "hinton2006fats")
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0, "one line"
    assert "unknown key 'hinton2006fats'" in result.stderr and "did you mean 'hinton2006fast'" in result.stderr
    assert not list((project / "docs").rglob("hinton2006fats*"))


def test_never_overwrites_an_existing_note(project: Path) -> None:
    # A note of the author's: one whose file name is its key (as `make note` names them).
    note = next(
        p for p in sorted((project / "docs").rglob("*.md")) if parse_note(p.read_text(encoding="utf-8"), p.name)[0].key == p.stem
    )
    section, other = note.parent.name, "papers" if note.parent.name != "papers" else "attention"
    original = note.read_bytes()
    config = (project / "mkdocs.yml").read_bytes()
    result = new_note(project, note.stem, "--section", section)
    assert result.returncode == 1 and "not overwriting" in result.stderr
    assert note.read_bytes() == original and (project / "mkdocs.yml").read_bytes() == config
    # Another folder, same paper: still refused, the paper has a note.
    result = new_note(project, note.stem, "--section", other)
    assert result.returncode == 1 and f"already has a note: docs/{section}/{note.name}" in result.stderr
    key = unnoted_key(project, attention=False)
    assert new_note(project, key).returncode == 0
    assert new_note(project, key).returncode == 1


def test_refuses_an_unknown_section(project: Path) -> None:
    result = new_note(project, unnoted_key(project, attention=False), "--section", "nope")
    assert result.returncode == 1 and "no section folder docs/nope/" in result.stderr


def test_a_fresh_note_builds_strictly_and_previews_the_notes_it_cites(project: Path, tmp_path: Path) -> None:
    key = unnoted_key(project, attention=False)
    assert new_note(project, key).returncode == 0
    note = project / "docs" / "papers" / f"{key}.md"
    # The new note cites a paper we have a note on: its footnote links to that note, with its summary.
    note.write_text(note.read_text(encoding="utf-8") + "\nAttention 见 [@bahdanau2014neural]。\n", encoding="utf-8")
    result = run_mkdocs_build(project / "mkdocs.yml", tmp_path / "site")
    assert result.returncode == 0, result.stderr[-3000:]
    page = (tmp_path / "site" / "papers" / key / "index.html").read_text(encoding="utf-8")
    assert "paper-card" in page
    footnote = page.split('<li id="fn:bahdanau2014neural">', 1)[1].split("</li>", 1)[0]
    assert '我们的笔记: <a href="../../attention/bahdanau2014neural/">' in footnote
    assert "最早提出Attention in ANN的文章。" in footnote
    references = (tmp_path / "site" / "references" / "index.html").read_text(encoding="utf-8")
    assert f'href="../papers/{key}/#fnref:bahdanau2014neural"' in references


def test_safe_file_names() -> None:
    assert safe_filename("hinton2006fast") == "hinton2006fast.md"
    assert safe_filename("doi:10.1/abc+d") == "doi-10-1-abc-d.md"


def test_nav_editing_is_textual_and_refuses_when_it_cannot_place_the_note() -> None:
    config = (
        "site_name: x\n# keep me\nnav:\n  - Home: index.md  # home\n"
        "  - A:\n    - 'a/one.md'\n    - Two: a/two.md\n  - B: b.md\nplugins: []\n"
    )
    assert add_to_nav(config, "a", "a/three.md") == config.replace(
        "    - Two: a/two.md\n", "    - Two: a/two.md\n    - a/three.md\n"
    )
    assert add_to_nav("site_name: x\n", "a", "a/x.md") is None  # no explicit nav: nothing to do
    with pytest.raises(NewNoteError, match=r"cannot find where to add c/x\.md"):
        add_to_nav(config, "c", "c/x.md")
    with pytest.raises(NewNoteError):  # plugins after the nav are not nav entries
        add_to_nav("nav:\n  - a.md\nextra:\n  - c/x.md\n", "c", "c/y.md")
