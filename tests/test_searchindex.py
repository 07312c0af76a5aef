"""What the build adds to Material's search index: sub-words, paper fields, listing flags, clean markers."""

from __future__ import annotations

from dlnotes.searchindex import (
    LISTING_FLAG,
    PAPER_FIELD,
    ZWSP,
    exclude_footnote_markers,
    paper_text,
    refine,
    subwords,
    tune_index,
)

WORDS = {"深度", "学习", "深度学习", "表示", "表示学习", "编码", "编码器"}.__contains__


def test_a_word_is_cut_into_the_dictionary_words_that_cover_it() -> None:
    assert subwords("深度学习", WORDS) == ["深度", "学习"]
    assert subwords("编码器", WORDS) == ["编码器"]  # 编码 + 器 would leave one character
    assert subwords("深度器械", WORDS) == ["深度器械"]  # no cut covers it


def test_refine_cuts_only_han_words_between_the_index_breaks() -> None:
    text = f"<p>{ZWSP}表示学习{ZWSP}与{ZWSP}深度学习{ZWSP}Deep learning</p>"
    assert refine(text, WORDS) == f"<p>{ZWSP}表示{ZWSP}学习{ZWSP}与{ZWSP}深度{ZWSP}学习{ZWSP}Deep learning</p>"


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
    assert first["title"] == f"深度{ZWSP}学习" and first["tags"] == [f"表示{ZWSP}学习"]
    assert PAPER_FIELD not in section and LISTING_FLAG not in section
    assert listing[LISTING_FLAG] is True


def test_footnote_markers_are_kept_out_of_search() -> None:
    html = '<p>x<sup id="fnref:bahdanau2014neural"><a class="footnote-ref" href="#fn:1">1</a></sup> 10<sup>6</sup></p>'
    marked = exclude_footnote_markers(html)
    assert '<sup data-search-exclude="footnote" id="fnref:bahdanau2014neural">' in marked
    assert "10<sup>6</sup>" in marked  # a real superscript stays
    assert exclude_footnote_markers(marked) == marked
