"""The roadmap data layer: cleaning, keys, BibTeX/YAML round trip, progress, import script.

Never reads ../shared: raw entries come from tests/fixtures/roadmap_sample.json, and the
committed bib/roadmap.{bib,yaml} are checked as project data.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from pybtex.database import parse_file, parse_string

from dlnotes.roadmap import (
    KEY_RE,
    Roadmap,
    clean,
    clean_link,
    load_roadmap,
    next_up,
    normalize_author,
    progress,
    split_section,
    to_bibtex,
    to_yaml,
)

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "roadmap_sample.json"
BIB = REPO / "bib" / "roadmap.bib"
YAML = REPO / "bib" / "roadmap.yaml"
SCRIPT = REPO / "scripts" / "import_roadmap.py"

# As on the roadmap page (the merged paper counts in both 2.4 and 3.1).
SECTION_COUNTS = {
    "1.0": 1, "1.1": 1, "1.2": 2, "1.3": 4, "1.4": 6,
    "2.1": 8, "2.2": 6, "2.3": 8, "2.4": 5, "2.5": 6, "2.6": 8, "2.7": 6, "2.8": 5,
    "3.1": 9, "3.2": 11, "3.3": 7, "3.4": 10, "3.5": 6, "3.6": 9, "3.7": 10, "3.8": 5,
}  # fmt: skip


@pytest.fixture(scope="module")
def raw() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def sample(raw: list[dict[str, Any]]) -> Roadmap:
    return clean(raw)


@pytest.fixture(scope="module")
def committed() -> Roadmap:
    return load_roadmap(YAML, BIB)


# --- cleaning -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "bibtex"),
    [
        ("LeCun, Yann", "LeCun, Yann"),
        ("Yoshua Bengio", "Bengio, Yoshua"),
        ("Ian J. Goodfellow", "Goodfellow, Ian J."),
        ("L.-C. Chen", "Chen, L.-C."),
        ("Nando de Freitas", "de Freitas, Nando"),
        ("Sennrich", "Sennrich"),  # surname only: kept
        ("et al.", "others"),
        ("Glorat Xavier", "Glorot, Xavier"),  # correction table
        ("Bengio Yoshua", "Bengio, Yoshua"),
        ("Li Fei-Fei", "Li, Fei-Fei"),
    ],
)
def test_normalize_author(written: str, bibtex: str) -> None:
    assert normalize_author(written) == bibtex


def test_authors_in_bibtex_form(sample: Roadmap) -> None:
    lecun = sample.paper("lecun2015deep")
    assert lecun.authors == ("LeCun, Yann", "Bengio, Yoshua", "Hinton, Geoffrey")
    glorot = sample.paper("glorot2010understanding")
    assert glorot.authors == ("Glorot, Xavier", "Bengio, Yoshua", "others")
    for paper in sample.papers:
        assert "et al." not in paper.authors
        assert "others" not in paper.authors[:-1]


def test_book_corrected(sample: Roadmap) -> None:
    book = sample.paper("goodfellow2016deep")
    assert book.authors[0] == "Goodfellow, Ian J."
    assert book.year == 2016 and book.venue == "MIT Press"
    assert book.note and "2015" in book.note  # the change stays visible


def test_broken_link_repaired(sample: Roadmap) -> None:
    links, abs_id, repaired = clean_link(
        "http://arxiv.org/pdf/1506.05869.pdf%20(http://arxiv.org/pdf/1506.05869.pdf)"
    )
    assert repaired and abs_id is None
    assert links == ["https://arxiv.org/pdf/1506.05869"]
    paper = sample.paper("vinyals2015neural")
    assert paper.links == ("https://arxiv.org/pdf/1506.05869",)
    assert all("%20" not in link and " " not in link for p in sample.papers for link in p.links)
    # A non-arXiv link with the same junk keeps its URL, only the junk goes.
    assert clean_link("http://x.org/a.pdf%20(http://x.org/a.pdf)")[0] == ["http://x.org/a.pdf"]


def test_arxiv_abs_recognized(sample: Roadmap) -> None:
    net2net = sample.paper("chen2015net2net")
    assert net2net.eprint == "1511.05641"
    assert net2net.pdf == "https://arxiv.org/pdf/1511.05641"
    assert "https://arxiv.org/abs/1511.05641" in net2net.links
    # A pdf link keeps its version; the eprint (from the venue) does not.
    bahdanau = sample.paper("bahdanau2014neural")
    assert bahdanau.pdf == "https://arxiv.org/pdf/1409.0473v7" and bahdanau.eprint == "1409.0473"
    # An arXiv pdf beside a conference venue does not make it an arXiv paper.
    assert sample.paper("karpathy2014deepb").eprint is None


def test_duplicate_merged(sample: Roadmap, raw: list[dict[str, Any]]) -> None:
    assert len(sample.papers) == len(raw) - 1
    seq = sample.paper("sutskever2014sequence")
    assert seq.section_ids == ("2.4", "3.1")
    assert seq.stars == 5 and seq.authors[0] == "Sutskever, Ilya"  # first listing's data
    assert any("papers.nips.cc" in link for link in seq.links)  # second listing's link kept
    assert seq.note and "3.1" in seq.note
    in_sections = {s.id: [p.key for p in s.papers] for s in sample.sections}
    assert "sutskever2014sequence" in in_sections["2.4"]
    assert "sutskever2014sequence" in in_sections["3.1"]


def test_missing_values_kept_missing(sample: Roadmap) -> None:
    binarized = sample.paper("courbariauxbinarized")
    assert binarized.venue is None and binarized.year is None
    assert sample.paper("donahue2014long").stars is None


def test_sections_split(sample: Roadmap) -> None:
    assert split_section("2.4 RNN / Sequence-to-Sequence Model") == ("2.4", "RNN / Sequence-to-Sequence Model")
    imagenet = next(s for s in sample.sections if s.id == "1.3")
    assert imagenet.title == "ImageNet Evolution（Deep Learning broke out from here）"
    with pytest.raises(ValueError):
        split_section("Book")


def test_bad_input_raises_value_error() -> None:
    with pytest.raises(ValueError):
        clean([{"title": "x"}])
    with pytest.raises(ValueError):
        clean([{"section": "1.0 Book", "title": "x", "authors": ["A"], "links": [], "year": "2015"}])


# --- keys -------------------------------------------------------------------------


def test_keys_notes_rely_on(sample: Roadmap) -> None:
    keys = {p.key for p in sample.papers}
    for key in ["lecun2015deep", "bahdanau2014neural", "cho2014learning", "xu2015show",
                "luong2015effective", "goodfellow2016deep"]:  # fmt: skip
        assert key in keys


def test_collisions_all_suffixed(sample: Roadmap) -> None:
    keys = [p.key for p in sample.papers]
    assert keys.index("karpathy2014deepa") < keys.index("karpathy2014deepb")
    assert keys.index("dai2016instancea") < keys.index("dai2016instanceb")
    assert "karpathy2014deep" not in keys and "dai2016instance" not in keys


def test_keys_stable_unique_valid(sample: Roadmap, committed: Roadmap) -> None:
    # The fixture's papers have the same keys as in the committed data (it holds both
    # members of each collision, so the suffixes agree too).
    assert {p.key for p in sample.papers} <= {p.key for p in committed.papers}
    keys = [p.key for p in committed.papers]
    assert len(keys) == len(set(keys))
    assert all(KEY_RE.fullmatch(k) for k in keys)


# --- writing and reading ------------------------------------------------------------


def test_round_trip(tmp_path: Path, sample: Roadmap) -> None:
    (tmp_path / "r.bib").write_text(to_bibtex(sample), encoding="utf-8")
    (tmp_path / "r.yaml").write_text(to_yaml(sample), encoding="utf-8")
    back = load_roadmap(tmp_path / "r.yaml", tmp_path / "r.bib")
    assert back.papers == sample.papers
    assert [(s.id, s.title, [p.key for p in s.papers]) for s in back.sections] == [
        (s.id, s.title, [p.key for p in s.papers]) for s in sample.sections
    ]


def test_bibtex_fields(sample: Roadmap) -> None:
    entries = parse_string(to_bibtex(sample), "bibtex").entries
    net2net = entries["chen2015net2net"]
    assert net2net.type == "article"
    assert net2net.fields["journal"] == "arXiv preprint arXiv:1511.05641"
    assert net2net.fields["archiveprefix"] == "arXiv" and net2net.fields["eprint"] == "1511.05641"
    assert net2net.fields["url"] == "https://arxiv.org/abs/1511.05641"
    assert entries["goodfellow2016deep"].type == "book"
    assert entries["lecun2015deep"].fields["journal"] == "Nature"
    assert entries["sutskever2014sequence"].fields["roadmap"] == "2.4, 3.1"
    assert "stars" not in entries["donahue2014long"].fields
    assert "year" not in entries["courbariauxbinarized"].fields
    orders = [int(e.fields["roadmap_order"]) for e in entries.values()]
    assert orders == list(range(1, len(entries) + 1))
    assert entries["cho2014learning"].fields["title"].count("{RNN}") == 1  # acronym protected


def test_special_characters_escaped() -> None:
    odd = [{"section": "9.9 Odd & Co", "title": "Costs 5% & 10$ for #1_a", "authors": ["A B"],
            "venue": "Nature", "year": 2000, "links": ["http://x.org/a.pdf"], "stars": 1}]  # fmt: skip
    roadmap = clean(odd)
    text = to_bibtex(roadmap)
    assert r"Costs 5\% \& 10\$ for \#1\_a" in text
    parse_string(text, "bibtex")  # still valid BibTeX
    with pytest.raises(ValueError):  # braces in data are refused, not silently unbalanced
        to_bibtex(clean([{**odd[0], "title": "a {b"}]))


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


def test_load_refuses_disagreeing_files(tmp_path: Path, sample: Roadmap) -> None:
    (tmp_path / "r.bib").write_text(to_bibtex(sample), encoding="utf-8")
    sections = yaml.safe_load(to_yaml(sample))
    sections[0]["papers"].append("nosuchkey2020paper")
    (tmp_path / "r.yaml").write_text(yaml.safe_dump(sections), encoding="utf-8")
    with pytest.raises(ValueError, match="nosuchkey2020paper"):
        load_roadmap(tmp_path / "r.yaml", tmp_path / "r.bib")
    sections[0]["papers"].pop()
    sections[0]["papers"].reverse()  # order differs from the bib
    sections[0], sections[1] = sections[1], sections[0]
    (tmp_path / "r.yaml").write_text(yaml.safe_dump(sections), encoding="utf-8")
    with pytest.raises(ValueError, match="order"):
        load_roadmap(tmp_path / "r.yaml", tmp_path / "r.bib")


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


# --- the import script -------------------------------------------------------------------


def _run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, args)], capture_output=True, text=True, timeout=60
    )


def test_import_script_writes_then_refuses(tmp_path: Path) -> None:
    out = tmp_path / "bib"
    first = _run(FIXTURE, "--out-dir", out)
    assert first.returncode == 0, first.stderr
    bib = (out / "roadmap.bib").read_text(encoding="utf-8")
    assert "@book{goodfellow2016deep," in bib

    (out / "roadmap.yaml").write_text("mine\n", encoding="utf-8")
    again = _run(FIXTURE, "--out-dir", out)
    assert again.returncode == 1
    assert "--force" in again.stderr and len(again.stderr.strip().splitlines()) == 1
    assert (out / "roadmap.yaml").read_text(encoding="utf-8") == "mine\n"  # untouched

    forced = _run(FIXTURE, "--out-dir", out, "--force")
    assert forced.returncode == 0, forced.stderr
    assert (out / "roadmap.yaml").read_text(encoding="utf-8").startswith("#")


@pytest.mark.parametrize("content", [None, "{not json", '{"a": 1}', '[{"title": "x"}]'])
def test_import_script_bad_input(tmp_path: Path, content: str | None) -> None:
    src = tmp_path / "papers.json"
    if content is not None:
        src.write_text(content, encoding="utf-8")
    result = _run(src, "--out-dir", tmp_path / "out")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()
