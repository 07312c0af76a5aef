"""The roadmap every build reads: the committed bib/roadmap.{bib,yaml}, progress, next up.

The committed files are checked as project data.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml
from pybtex.database import parse_file

from dlnotes.roadmap import Roadmap, load_roadmap, next_up, progress

REPO = Path(__file__).resolve().parents[1]
BIB = REPO / "bib" / "roadmap.bib"
YAML = REPO / "bib" / "roadmap.yaml"

# As on the roadmap page (the merged paper counts in both 2.4 and 3.1).
SECTION_COUNTS = {
    "1.0": 1, "1.1": 1, "1.2": 2, "1.3": 4, "1.4": 6,
    "2.1": 8, "2.2": 6, "2.3": 8, "2.4": 5, "2.5": 6, "2.6": 8, "2.7": 6, "2.8": 5,
    "3.1": 9, "3.2": 11, "3.3": 7, "3.4": 10, "3.5": 6, "3.6": 9, "3.7": 10, "3.8": 5,
}  # fmt: skip


@pytest.fixture(scope="module")
def committed() -> Roadmap:
    return load_roadmap(YAML, BIB)


def test_committed_bib_matches_yaml(committed: Roadmap) -> None:
    entries = parse_file(str(BIB), "bibtex").entries
    sections = yaml.safe_load(YAML.read_text(encoding="utf-8"))
    first_seen: list[str] = []
    for section in sections:
        for key in section["papers"]:
            assert key in entries
            if key not in first_seen:
                first_seen.append(key)
    assert first_seen == list(entries.keys())  # same papers, same order
    assert len(committed.papers) == 132
    assert {s.id: len(s.papers) for s in committed.sections} == SECTION_COUNTS
    assert sum(SECTION_COUNTS.values()) == 133


def test_committed_yaml_is_readable() -> None:
    text = YAML.read_text(encoding="utf-8")
    assert "（Deep Learning broke out from here）" in text  # not \uff08 escapes
    assert "id: '1.0'" in text  # a string, not the float 1.0


# --- progress -------------------------------------------------------------------------


def test_progress_counts(committed: Roadmap) -> None:
    read = {"goodfellow2016deep": date(2026, 1, 3), "sutskever2014sequence": None,
            "cho2014learning": date(2026, 2, 1), "vaswani2017attention": date(2026, 2, 2)}  # fmt: skip
    result = progress(committed, read)
    assert (result.read, result.total) == (3, 132)
    assert result.unknown == ("vaswani2017attention",)  # not a roadmap paper: reported, not counted
    by_id = {s.id: s for s in result.sections}
    assert (by_id["1.0"].read, by_id["1.0"].total) == (1, 1)
    assert (by_id["2.4"].read, by_id["2.4"].total) == (2, 5)
    assert (by_id["3.1"].read, by_id["3.1"].total) == (1, 9)  # the merged paper counts here too
    # Sections add up to the roadmap's places; the shared paper is the one difference.
    assert sum(s.total for s in result.sections) == result.total + 1
    assert sum(s.read for s in result.sections) == result.read + 1
    empty = progress(committed, {})
    assert empty.read == 0 and all(s.read == 0 for s in empty.sections)


def test_next_up_order(committed: Roadmap) -> None:
    keys = [p.key for p in committed.papers]
    assert [p.key for p in next_up(committed, {})] == keys[:5]
    read = {keys[0]: None, keys[2]: date(2026, 1, 1)}
    assert [p.key for p in next_up(committed, read, n=3)] == [keys[1], keys[3], keys[4]]
    assert next_up(committed, {k: None for k in keys}) == []
    assert next_up(committed, {}, n=0) == []
