"""What the build adds to Material's search index: sub-words, paper fields, listing flags, clean markers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jieba
import pytest

from dlnotes import searchindex
from dlnotes.searchindex import (
    LISTING_FLAG,
    PAPER_FIELD,
    WORDS_KEY,
    ZWSP,
    Cutter,
    cut,
    exclude_footnote_markers,
    index_tokens,
    paper_text,
    read_index_file,
    search_cache,
    subwords,
    tune_index,
    tune_index_file,
)

WORDS = {"深度", "学习", "深度学习", "表示", "表示学习", "编码", "编码器", "研究", "研究生", "生命", "起源"}.__contains__


def test_a_word_is_cut_into_the_dictionary_words_that_cover_it() -> None:
    assert subwords("深度学习", WORDS) == ["深度", "学习"]
    assert subwords("编码器", WORDS) == ["编码器"]  # 编码 + 器 would leave one character
    assert subwords("深度器械", WORDS) == ["深度器械"]  # no cut covers it


SEPARATOR = r"[\s\u200b]+"


def _tokens(data: dict[str, Any], text: str) -> list[str]:
    words = set(data["config"][WORDS_KEY].split())
    return index_tokens(text, SEPARATOR, Cutter(words, max(map(len, words))))


def test_chinese_is_written_without_breaks_and_cut_into_the_same_words() -> None:
    text = f"<p>{ZWSP}表示学习{ZWSP}与{ZWSP}深度学习{ZWSP}Deep learning</p>"
    data = tune_index({"docs": [{"location": "a/", "title": "t", "text": text}]}, {}, (), WORDS)
    packed = data["docs"][0]["text"]
    assert packed == "<p>表示学习与深度学习Deep learning</p>"  # no zero-width space left
    assert _tokens(data, packed) == ["表示", "学习", "与", "深度", "学习", "deep", "learning"]


def test_a_break_is_kept_only_where_the_cut_would_join_other_words() -> None:
    # jieba: 研究|生命|起源; the fewest words from the index's own would be 研究生|命|起源
    text = f"{ZWSP}研究{ZWSP}生命{ZWSP}起源{ZWSP}。{ZWSP}研究生{ZWSP}"
    data = tune_index({"docs": [{"location": "a/", "title": "t", "text": text}]}, {}, (), WORDS)
    packed = data["docs"][0]["text"]
    assert packed.count(ZWSP) == 1
    assert _tokens(data, packed) == ["研究", "生命", "起源", "。", "研究生"]


def test_the_cut_takes_the_fewest_words() -> None:
    assert cut("深度学习方法", {"深度", "学习", "方法", "习方"}, 2) == ["深度", "学习", "方法"]
    assert cut("𠀀深度", {"深度"}, 2) == ["𠀀", "深度"]  # a character beyond 16 bits counts as one


def test_tune_index_adds_paper_fields_and_flags_listings() -> None:
    data = {
        "config": {"fields": {"title": {"boost": 1000.0}}},
        "docs": [
            {"location": "a/", "title": "深度学习", "text": "x", "tags": ["表示学习"]},
            {"location": "a/#s", "title": "s", "text": "y"},
            {"location": "references/#x", "title": "r", "text": "z"},
        ],
    }
    tuned = tune_index(data, {"a/": paper_text("Deep learning", ["Yann LeCun", "et al."], "2015")}, {"references/"}, WORDS)
    assert tuned["config"]["fields"][PAPER_FIELD] == {"boost": 1000.0}
    first, section, listing = tuned["docs"]
    assert first[PAPER_FIELD] == "Deep learning Yann LeCun 2015"
    assert first["title"] == "深度学习" and first["tags"] == ["表示学习"]
    assert _tokens(tuned, first["title"]) == ["深度", "学习"]
    assert PAPER_FIELD not in section and LISTING_FLAG not in section
    assert listing[LISTING_FLAG] is True


def test_a_next_build_writes_the_index_tuned_last_time_and_tunes_a_changed_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = tmp_path / "site" / "search" / "search_index.json"
    index.parent.mkdir(parents=True)
    material = {"config": {"fields": {}}, "docs": [{"location": "a/", "title": "深度学习", "text": "x"}]}
    papers = {"a/": "Deep learning Yann LeCun 2015"}
    cache_file = tmp_path / "search.pickle"

    def build(docs: dict[str, Any]) -> dict[str, Any]:
        index.write_text(json.dumps(docs, ensure_ascii=False), encoding="utf-8")
        cache = search_cache(cache_file)
        tune_index_file(index, papers, ["a/"], cache)
        cache.save()
        return read_index_file(index)

    first = build(material)
    assert first["docs"][0][PAPER_FIELD] == papers["a/"]
    tuned = {p.name: p.read_bytes() for p in index.parent.iterdir()}
    calls: list[int] = []
    original = searchindex.tune_index

    def counted(*args: Any, **kwargs: Any) -> dict[str, Any]:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(searchindex, "tune_index", counted)
    assert build(material) == first and calls == []  # the same input: last build's files, byte for byte
    assert {p.name: p.read_bytes() for p in index.parent.iterdir()} == tuned
    changed = build({**material, "docs": [{"location": "a/", "title": "表示学习", "text": "y"}]})
    assert calls == [1] and changed["docs"][0]["title"] == "表示学习"


def test_a_preview_that_tunes_on_every_save_keeps_one_index(tmp_path: Path) -> None:
    index = tmp_path / "search_index.json"
    cache = search_cache(tmp_path / "search.pickle")  # one process, as `mkdocs serve` is
    for title in ("深度学习", "表示学习", "深度学习"):
        index.write_text(json.dumps({"config": {}, "docs": [{"location": "a/", "title": title, "text": ""}]}), "utf-8")
        tune_index_file(index, {}, [], cache)
        assert read_index_file(index)["docs"][0]["title"] == title
    assert len(cache.values) == 1


def test_tuning_again_in_the_same_process_gives_what_a_fresh_process_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    """A preview tunes after every save, reusing what the last tuning made: never other results."""

    def index(extra: str) -> dict[str, Any]:
        texts = ["深度学习的表示学习方法", "研究生命起源", "Attention 让解码器看见全部输入" + extra]
        docs = [{"location": f"p{i}/", "title": "笔记", "text": ZWSP.join(jieba.cut(t))} for i, t in enumerate(texts)]
        return {"config": {}, "docs": docs}  # as Material writes it: jieba's words between breaks

    monkeypatch.setattr(searchindex, "_LAST", searchindex._Memo())
    tune_index(index(""), {})
    # The same index, a word it has, a new word that changes how another text is cut (研究生).
    for extra in ("", "，深度学习", "，研究生"):
        again = tune_index(index(extra), {})
        monkeypatch.setattr(searchindex, "_LAST", searchindex._Memo())  # a new process
        assert again == tune_index(index(extra), {})


def test_footnote_markers_are_kept_out_of_search() -> None:
    html = '<p>x<sup id="fnref:bahdanau2014neural"><a class="footnote-ref" href="#fn:1">1</a></sup> 10<sup>6</sup></p>'
    marked = exclude_footnote_markers(html)
    assert '<sup data-search-exclude="footnote" id="fnref:bahdanau2014neural">' in marked
    assert "10<sup>6</sup>" in marked  # a real superscript stays
    assert exclude_footnote_markers(marked) == marked
