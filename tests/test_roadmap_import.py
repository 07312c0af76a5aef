"""The one-off roadmap import: cleaning, keys, BibTeX/YAML writing, `dlnotes import-roadmap`.

Never reads ../shared: raw entries come from tests/fixtures/roadmap_sample.json.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from pybtex.database import parse_string

from dlnotes.keys import is_valid_key
from dlnotes.roadmap import Roadmap, load_roadmap
from dlnotes.roadmap_import import clean, clean_link, normalize_author, split_section, to_bibtex, to_yaml

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "roadmap_sample.json"


@pytest.fixture(scope="module")
def raw() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def sample(raw: list[dict[str, Any]]) -> Roadmap:
    return clean(raw)


@pytest.fixture(scope="module")
def committed() -> Roadmap:
    return load_roadmap(REPO / "bib" / "roadmap.yaml", REPO / "bib" / "roadmap.bib")


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
    links, abs_id, repaired = clean_link("http://arxiv.org/pdf/1506.05869.pdf%20(http://arxiv.org/pdf/1506.05869.pdf)")
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
    assert all(is_valid_key(k) for k in keys)  # the project's one key rule


# --- writing, and reading back ---------------------------------------------------


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


def test_the_yaml_alone_says_what_is_on_the_roadmap(tmp_path: Path, sample: Roadmap) -> None:
    bib = to_bibtex(sample) + "\n@misc{extra2024entry,\n  title = {Not on the roadmap},\n  year = {2024}\n}\n"
    (tmp_path / "r.bib").write_text(bib, encoding="utf-8")
    sections = yaml.safe_load(to_yaml(sample))
    sections[0]["papers"].append("nosuchkey2020paper")
    (tmp_path / "r.yaml").write_text(yaml.safe_dump(sections), encoding="utf-8")
    with pytest.raises(ValueError, match=r"nosuchkey2020paper is in .* but in no bib file"):
        load_roadmap(tmp_path / "r.yaml", tmp_path / "r.bib")
    sections[0]["papers"].pop()
    sections[0]["papers"].reverse()  # another order than the bib's bookkeeping fields
    sections[0], sections[1] = sections[1], sections[0]
    (tmp_path / "r.yaml").write_text(yaml.safe_dump(sections), encoding="utf-8")
    roadmap = load_roadmap(tmp_path / "r.yaml", tmp_path / "r.bib")  # an extra bib entry breaks nothing
    assert [s.id for s in roadmap.sections] == [s["id"] for s in sections]
    assert [p.key for p in roadmap.sections[0].papers] == sections[0]["papers"]
    assert "extra2024entry" not in {p.key for p in roadmap.papers}
    assert all(s.id in p.section_ids for s in roadmap.sections for p in s.papers)


# --- the command -------------------------------------------------------------------


def _run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dlnotes.cli", "import-roadmap", *map(str, args)], capture_output=True, text=True, timeout=60
    )


def test_import_command_writes_then_refuses(tmp_path: Path) -> None:
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
def test_import_command_bad_input(tmp_path: Path, content: str | None) -> None:
    src = tmp_path / "papers.json"
    if content is not None:
        src.write_text(content, encoding="utf-8")
    result = _run(src, "--out-dir", tmp_path / "out")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()
