"""Reading bib files: every mistake is one Problem with file and line; good entries survive."""

from __future__ import annotations

from pathlib import Path

from dlnotes.bibliography import Bibliography, EntryFormatter, load_bibliography

GOOD = """@article{good2020,
  author  = {Good, Ann},
  title   = {Fine},
  journal = {J},
  year    = {2020}
}
"""


def load(tmp_path: Path, **files: str | bytes):
    for name, content in files.items():
        path = tmp_path / f"{name}.bib"
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return load_bibliography([tmp_path], tmp_path)


def messages(bib) -> list[str]:
    return [str(p) for p in bib.problems]


def test_a_good_file_has_no_problem(tmp_path: Path) -> None:
    bib = load(tmp_path, refs=GOOD)
    assert messages(bib) == [] and list(bib.entries) == ["good2020"]
    assert bib.entries["good2020"].line == 1


def test_unbalanced_brace_names_the_entry_and_line_and_keeps_the_others(tmp_path: Path) -> None:
    broken = "@article{bad2020,\n  author = {X, Y},\n  title = {Open {brace},\n  journal = {J},\n  year = {2020}\n}\n\n"
    bib = load(tmp_path, refs=broken + GOOD)
    assert len(bib.problems) == 1
    assert messages(bib) == ["refs.bib:3: entry 'bad2020': unbalanced braces: '{' in field 'title' is never closed"]
    assert "good2020" in bib.entries


def test_missing_comma_between_fields(tmp_path: Path) -> None:
    bib = load(tmp_path, refs="\n@article{x2020,\n  title = {T}\n  year = {2020}\n}\n")
    assert messages(bib) == ["refs.bib:3: entry 'x2020': syntax error: '}' expected"] or (
        len(bib.problems) == 1 and bib.problems[0].line in (3, 4) and "x2020" in bib.problems[0].message
    )


def test_unknown_entry_type_suggests_the_right_one(tmp_path: Path) -> None:
    bib = load(tmp_path, refs="@artcle{x2020,\n  title = {T}\n}\n" + GOOD)
    assert messages(bib) == ["refs.bib:1: unknown entry type '@artcle' (did you mean '@article'?)"]


def test_missing_required_fields(tmp_path: Path) -> None:
    bib = load(tmp_path, refs="@article{x2020,\n  title = {T}\n}\n")
    assert messages(bib) == ["refs.bib:1: entry 'x2020' (@article) lacks required field(s): author, journal, year"]


def test_duplicate_keys_in_one_file_and_across_files_also_by_case(tmp_path: Path) -> None:
    bib = load(tmp_path, a=GOOD + "\n" + GOOD, b=GOOD.replace("good2020", "GOOD2020"))
    assert messages(bib) == [
        "a.bib:8: duplicate key 'good2020': already defined at a.bib:1",
        "b.bib:1: duplicate key 'GOOD2020' (differs only in case from 'good2020'): already defined at a.bib:1",
    ]


def test_not_utf8(tmp_path: Path) -> None:
    bib = load(tmp_path, refs=GOOD.encode() + b"\n% caf\xe9\n")
    assert messages(bib) == ["refs.bib:8: not UTF-8 (byte 0xe9); save the file as UTF-8"]


def test_invalid_key_characters_are_refused_not_cut(tmp_path: Path) -> None:
    bib = load(tmp_path, refs=GOOD.replace("good2020", "good=2020"))  # BibTeX takes "#", not "="
    assert len(bib.problems) == 1 and "invalid key 'good=2020'" in bib.problems[0].message


def test_keys_with_colon_dot_slash_plus_are_read_whole(tmp_path: Path) -> None:
    bib = load(tmp_path, refs=GOOD.replace("good2020", "ns:good.v2/x+y"))
    assert messages(bib) == [] and list(bib.entries) == ["ns:good.v2/x+y"]


def test_string_macros_work_across_entries(tmp_path: Path) -> None:
    bib = load(tmp_path, refs='@string{jt = "Journal of Tests"}\n' + GOOD.replace("{J}", "jt"))
    assert messages(bib) == [] and bib.entries["good2020"].fields["journal"] == "Journal of Tests"


def test_each_entry_is_formatted_once_however_often_it_is_asked(tmp_path: Path) -> None:
    bib = load(tmp_path, refs=GOOD)
    formatter = EntryFormatter(bib)
    texts = {formatter("good2020") for _ in range(50)}
    assert formatter.calls == 1 and len(texts) == 1
    assert "Ann Good" in texts.pop()


def test_the_project_bib_is_clean() -> None:
    root = Path(__file__).resolve().parent.parent
    bib = load_bibliography([root / "bib"], root)
    assert messages(bib) == []
    for key in [
        "lecun2015deep",
        "bahdanau2014neural",
        "mnih2014recurrent",
        "sawant2020understanding",
        "nielsen2015neural",
        "weng2018attention",
        "yin2018pytorch",
        "zakka2017recurrent",
    ]:
        assert key in bib.entries
    for key in ["lecun2015deep", "bahdanau2014neural", "mnih2014recurrent", "sawant2020understanding"]:
        assert bib.entries[key].get("pdf"), key
    assert bib.entries["bahdanau2014neural"].get("code") == "https://github.com/pcyin/pytorch_basic_nmt"
    assert bib.entries["mnih2014recurrent"].get("code") == "https://github.com/kevinzakka/recurrent-visual-attention"
    assert bib.entries["lecun2015deep"].get("doi") == "10.1038/nature14539"


def test_formatted_entries_are_kept_between_builds_and_redone_when_an_entry_changes(tmp_path: Path) -> None:
    from dlnotes.bibliography import FormatStore

    bibdir, store_path = tmp_path / "bib", tmp_path / ".cache" / "formatted.json"
    bibdir.mkdir()
    store = FormatStore(store_path)
    first = EntryFormatter(load(bibdir, refs=GOOD), store=store)
    text = first("good2020")
    store.save()
    assert first.calls == 1 and store_path.is_file()
    again = EntryFormatter(load(bibdir, refs=GOOD), store=FormatStore(store_path))
    assert again("good2020") == text and again.calls == 0
    changed = EntryFormatter(load(bibdir, refs=GOOD.replace("{Fine}", "{Finer}")), store=FormatStore(store_path))
    assert "Finer" in changed("good2020") and changed.calls == 1
    store_path.write_text("{not json", encoding="utf-8")  # a damaged cache is ignored, not fatal
    damaged = EntryFormatter(load(bibdir, refs=GOOD), store=FormatStore(store_path))
    assert damaged("good2020") == text and damaged.calls == 1


def test_parsed_files_are_kept_between_builds_and_their_problems_reported_every_time(tmp_path: Path) -> None:
    from dlnotes.bibliography import parse_cache
    from dlnotes.diskcache import DiskCache

    bibdir, cache_path = tmp_path / "bib", tmp_path / ".cache" / "bib.pickle"
    bibdir.mkdir()
    broken = "@article{bad2020,\n  author = {X, Y},\n  title = {Open {brace},\n  journal = {J},\n  year = {2020}\n}\n\n"
    (bibdir / "refs.bib").write_text(broken + GOOD, encoding="utf-8")
    (bibdir / "other.bib").write_text(GOOD.replace("good2020", "Good2020"), encoding="utf-8")

    def build() -> tuple[Bibliography, DiskCache]:
        cache = parse_cache(cache_path)
        bib = load_bibliography([bibdir], tmp_path, cache=cache)
        cache.save()
        return bib, cache

    first, cache = build()
    assert cache.changed is False and cache_path.is_file()
    again, cache = build()
    assert not cache.changed  # nothing parsed: both files came from the cache
    assert messages(again) == messages(first) and len(messages(first)) == 2  # the brace and the case-only duplicate
    assert again.broken == {"bad2020"} and list(again.entries) == list(first.entries) == ["Good2020"]
    assert again.entries["Good2020"].line == first.entries["Good2020"].line
    assert EntryFormatter(again)("Good2020") == EntryFormatter(first)("Good2020")  # pybtex's entry came back too

    (bibdir / "refs.bib").write_text(GOOD.replace("{Fine}", "{Finer}"), encoding="utf-8")
    edited, cache = build()
    assert len(cache.values) == 2  # the old refs.bib is gone from the cache
    assert edited.entries["Good2020"].fields["title"] == "Fine" and messages(edited) == [
        "bib/refs.bib:1: duplicate key 'good2020' (differs only in case from 'Good2020'): already defined at bib/other.bib:1"
    ]
    (bibdir / "other.bib").unlink()
    cache_path.write_bytes(b"not a pickle")  # a damaged cache is ignored, not fatal
    alone, _ = build()
    assert alone.entries["good2020"].fields["title"] == "Finer" and messages(alone) == []
