"""The pieces under `dlnotes add`: append-only store, key rule, pace, answer cache, entry text."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlnotes.addpaper import store
from dlnotes.addpaper.cache import AnswerCache
from dlnotes.addpaper.entry import Paper, protect_title, to_bibtex
from dlnotes.addpaper.ratelimit import MinInterval
from dlnotes.keys import base_key, unique_key


@pytest.mark.parametrize(("old", "expected"), [
    (b"", b"@misc{k}\n"),
    (b"% head\n@misc{a}\n", b"% head\n@misc{a}\n\n@misc{k}\n"),
    (b"@misc{a}", b"@misc{a}\n\n@misc{k}\n"),                 # no final newline: kept, then one blank line
    (b"@misc{a}\n\n", b"@misc{a}\n\n@misc{k}\n"),
    (b"@misc{a}\r\n", b"@misc{a}\r\n\r\n@misc{k}\r\n"),       # the file's line endings
])  # fmt: skip
def test_append_keeps_every_byte(tmp_path: Path, old: bytes, expected: bytes) -> None:
    path = tmp_path / "refs.bib"
    if old:
        path.write_bytes(old)
    store.append_text(path, "@misc{k}\n")
    assert path.read_bytes() == expected
    assert [p.name for p in tmp_path.iterdir()] == ["refs.bib"]  # no temporary file left


def test_append_refuses_when_the_file_changed_meanwhile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "refs.bib"
    path.write_bytes(b"@misc{a}\n")
    real = store.appended

    def edit_meanwhile(old: bytes, text: str) -> bytes:
        path.write_bytes(b"@misc{a}\n@misc{b}\n")  # someone saves the file while we work
        return real(old, text)

    monkeypatch.setattr(store, "appended", edit_meanwhile)
    with pytest.raises(store.StoreError, match="changed while"):
        store.append_text(path, "@misc{k}\n")
    assert path.read_bytes() == b"@misc{a}\n@misc{b}\n"


def test_one_key_rule_for_the_roadmap_and_new_papers() -> None:
    assert base_key(["LeCun, Yann"], 2015, "Deep learning") == "lecun2015deep"
    assert base_key(["van der Maaten, Laurens"], 2008, "Visualizing Data using t-SNE") == "maaten2008visualizing"
    assert base_key(["Bahdanau, Dzmitry"], 2014, "Neural machine translation by jointly learning") == "bahdanau2014neural"
    assert base_key(["张, 伟"], 2019, "深度学习中的注意力机制综述") == "zhang2019shendu"
    assert base_key(["Łukasiewicz, Jan"], 1951, "On the history") == "lukasiewicz1951history"


def test_unique_key_adds_a_letter() -> None:
    assert unique_key("lecun2015deep", {"hinton2006fast"}) == "lecun2015deep"
    assert unique_key("lecun2015deep", {"lecun2015deep"}) == "lecun2015deepa"
    assert unique_key("lecun2015deep", {"LeCun2015Deep", "lecun2015deepa"}) == "lecun2015deepb"
    # Roadmap-style siblings: a bare key would be ambiguous beside them.
    assert unique_key("karpathy2014deep", {"karpathy2014deepa", "karpathy2014deepb"}) == "karpathy2014deepc"


def test_pace_sleeps_the_rest_of_the_interval(tmp_path: Path) -> None:
    now = [100.0]
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(s)
        now[0] += s

    stamp = tmp_path / "last"
    MinInterval(3.0, stamp, clock=lambda: now[0], sleep=sleep).wait()
    now[0] += 1.0
    MinInterval(3.0, stamp, clock=lambda: now[0], sleep=sleep).wait()  # a second run of the command
    assert slept == [pytest.approx(2.0)]


def test_cache_forgets_old_answers(tmp_path: Path) -> None:
    cache = AnswerCache(tmp_path, max_age_days=1)
    cache.put("http://x/1", "answer")
    assert cache.get("http://x/1") == "answer"
    assert AnswerCache(tmp_path, max_age_days=0).get("http://x/1") is None
    (next(tmp_path.glob("*.json"))).write_text("{damaged", encoding="utf-8")
    assert cache.get("http://x/1") is None


@pytest.mark.parametrize(("title", "protected"), [
    ("Deep Residual Learning for Image Recognition", "Deep Residual Learning for Image Recognition"),
    ("Fast R-CNN", "Fast {R-CNN}"),
    ("PixelCNN and GANs", "{PixelCNN} and {GANs}"),
    ("{BERT:} Pre-training", "{BERT:} Pre-training"),                   # already braced: kept
    ("$O(n \\log n)$ Attention with LSTMs", "{$O(n \\log n)$} Attention with {LSTMs}"),
    ("Schr\\\"odinger's QM", "Schr\\\"odinger's {QM}"),
])  # fmt: skip
def test_title_protection(title: str, protected: str) -> None:
    assert protect_title(title) == protected


def test_entry_layout_matches_the_bib_files() -> None:
    paper = Paper(
        "article",
        "Long Short-Term Memory",
        ["Hochreiter, Sepp", "Schmidhuber, Jürgen"],
        1997,
        "Neural Computation",
        {"pages": "1735--1780", "doi": "10.1162/neco.1997.9.8.1735", "abstract": "dropped"},
    )
    assert to_bibtex(paper, "hochreiter1997long") == (
        "@article{hochreiter1997long,\n"
        "  author  = {Hochreiter, Sepp and Schmidhuber, Jürgen},\n"
        "  title   = {Long Short-Term Memory},\n"
        "  journal = {Neural Computation},\n"
        "  pages   = {1735--1780},\n"
        "  year    = {1997},\n"
        "  doi     = {10.1162/neco.1997.9.8.1735}\n"
        "}\n"
    )


def test_openreview_api_1_notes_are_read_too() -> None:
    import json

    from dlnotes.addpaper.identifiers import OpenReviewId
    from dlnotes.addpaper.sources import openreview

    note = {
        "notes": [
            {
                "id": "YicbFdNTTy",
                "forum": "YicbFdNTTy",
                "cdate": 1601308149000,
                "content": {
                    "title": "An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale",
                    "authors": ["Alexey Dosovitskiy", "Lucas Beyer"],
                    "venue": "ICLR 2021 Oral",
                    "venueid": "ICLR.cc/2021/Conference",
                    "pdf": "/pdf/fa90a2d5b6c1c1b2e8a6d2fd9e3c9b2b7b0a2c3d.pdf",
                },
            }
        ]
    }
    paper = openreview.parse(json.dumps(note), OpenReviewId("YicbFdNTTy"))
    assert paper.type == "inproceedings" and paper.venue == "ICLR 2021 Oral" and paper.year == 2021
    assert paper.authors == ["Dosovitskiy, Alexey", "Beyer, Lucas"]
    assert paper.fields["pdf"] == "https://openreview.net/pdf?id=YicbFdNTTy"


@pytest.mark.parametrize(("bib", "fields"), [
    # DBLP's CoRR record: the arXiv id is in volume
    ("@article{a, title={T}, author={X, Y}, journal={CoRR}, volume={abs/1706.03762}, year={2017}}",
     {"volume": "abs/1706.03762", "eprint": "1706.03762", "archiveprefix": "arXiv"}),
    # biblatex: eprinttype, a version dropped, eprintclass
    ("@online{a, title={T}, eprint={2101.00001v3}, eprinttype={arxiv}, eprintclass={cs.LG}, date={2021-01-01}}",
     {"eprint": "2101.00001", "archiveprefix": "arXiv", "primaryclass": "cs.LG"}),
    # an eprint of another kind is not an arXiv id
    ("@misc{a, title={T}, eprint={hal-01234567}, eprinttype={HAL}, doi={https://doi.org/10.1/x}}", {"doi": "10.1/x"}),
])  # fmt: skip
def test_bibtex_input_fields(bib: str, fields: dict[str, str]) -> None:
    from dlnotes.addpaper.sources.bibtex import parse_one

    assert parse_one(bib, "test").fields == fields
