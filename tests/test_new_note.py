"""The new-note command, on a temporary copy of the project (mkdocs.yml, docs/, bib/)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from dlnotes.newnote import NewNoteError, add_to_nav, safe_filename
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
    return subprocess.run([sys.executable, "-m", "dlnotes.cli", "note", *args, "--root", str(project)],
                          capture_output=True, text=True, timeout=60)


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def test_creates_a_roadmap_paper_note_with_front_matter_and_nav_entry(project: Path) -> None:
    before = (project / "mkdocs.yml").read_text(encoding="utf-8")
    result = new_note(project, "hinton2006fast")
    assert result.returncode == 0, result.stderr
    note = project / "docs" / "papers" / "hinton2006fast.md"
    meta = front_matter(note)
    assert meta == {"key": "hinton2006fast", "title": "A fast learning algorithm for deep belief nets",
                    "date": dt.date.today(), "status": "reading", "tags": [], "summary": ""}
    text = note.read_text(encoding="utf-8")
    assert "\n# A fast learning algorithm for deep belief nets\n" in text and "[@hinton2006fast]" in text
    after = (project / "mkdocs.yml").read_text(encoding="utf-8")
    # One line added, right after the section's last entry; comments and the rest untouched.
    assert after.replace("      - papers/hinton2006fast.md\n", "", 1) == before
    assert "      - papers/lecun2015deep.md\n      - papers/hinton2006fast.md\n" in after


def test_attention_papers_go_to_the_attention_section(project: Path) -> None:
    result = new_note(project, "xu2015show")
    assert result.returncode == 0, result.stderr
    assert (project / "docs" / "attention" / "xu2015show.md").is_file()
    assert "      - attention/xu2015show.md\n" in (project / "mkdocs.yml").read_text(encoding="utf-8")


def test_refuses_an_unknown_key_with_the_closest_one(project: Path) -> None:
    result = new_note(project, "hinton2006fats")
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0, "one line"
    assert "unknown key 'hinton2006fats'" in result.stderr and "did you mean 'hinton2006fast'" in result.stderr
    assert not list((project / "docs").rglob("hinton2006fats*"))


def test_never_overwrites_an_existing_note(project: Path) -> None:
    note = project / "docs" / "attention" / "mnih2014recurrent.md"
    original = note.read_bytes()
    config = (project / "mkdocs.yml").read_bytes()
    result = new_note(project, "mnih2014recurrent")
    assert result.returncode == 1 and "not overwriting" in result.stderr
    assert note.read_bytes() == original and (project / "mkdocs.yml").read_bytes() == config
    # Another folder, same paper: still refused, the paper has a note.
    result = new_note(project, "mnih2014recurrent", "--section", "papers")
    assert result.returncode == 1 and "already has a note: docs/attention/mnih2014recurrent.md" in result.stderr
    assert new_note(project, "hinton2006fast").returncode == 0
    assert new_note(project, "hinton2006fast").returncode == 1


def test_refuses_an_unknown_section(project: Path) -> None:
    result = new_note(project, "hinton2006fast", "--section", "nope")
    assert result.returncode == 1 and "no section folder docs/nope/" in result.stderr


def test_a_fresh_note_builds_strictly_and_previews_the_notes_it_cites(project: Path, tmp_path: Path) -> None:
    assert new_note(project, "hinton2006fast").returncode == 0
    note = project / "docs" / "papers" / "hinton2006fast.md"
    # The new note cites a paper we have a note on: its footnote links to that note, with its summary.
    note.write_text(note.read_text(encoding="utf-8") + "\nAttention 见 [@bahdanau2014neural]。\n", encoding="utf-8")
    result = run_mkdocs_build(project / "mkdocs.yml", tmp_path / "site")
    assert result.returncode == 0, result.stderr[-3000:]
    page = (tmp_path / "site" / "papers" / "hinton2006fast" / "index.html").read_text(encoding="utf-8")
    assert "paper-card" in page and "1.2 Deep Belief Network" in page
    footnote = page.split('<li id="fn:bahdanau2014neural">', 1)[1].split("</li>", 1)[0]
    assert '我们的笔记: <a href="../../attention/bahdanau2014neural/">' in footnote
    assert "最早提出Attention in ANN的文章。" in footnote
    references = (tmp_path / "site" / "references" / "index.html").read_text(encoding="utf-8")
    assert 'href="../papers/hinton2006fast/#fnref:bahdanau2014neural"' in references


def test_safe_file_names() -> None:
    assert safe_filename("hinton2006fast") == "hinton2006fast.md"
    assert safe_filename("doi:10.1/abc+d") == "doi-10-1-abc-d.md"


def test_nav_editing_is_textual_and_refuses_when_it_cannot_place_the_note() -> None:
    config = "site_name: x\n# keep me\nnav:\n  - Home: index.md  # home\n  - A:\n    - 'a/one.md'\n    - Two: a/two.md\n  - B: b.md\nplugins: []\n"
    assert add_to_nav(config, "a", "a/three.md") == config.replace("    - Two: a/two.md\n", "    - Two: a/two.md\n    - a/three.md\n")
    assert add_to_nav("site_name: x\n", "a", "a/x.md") is None  # no explicit nav: nothing to do
    with pytest.raises(NewNoteError, match="cannot find where to add c/x.md"):
        add_to_nav(config, "c", "c/x.md")
    with pytest.raises(NewNoteError):  # plugins after the nav are not nav entries
        add_to_nav("nav:\n  - a.md\nextra:\n  - c/x.md\n", "c", "c/y.md")
