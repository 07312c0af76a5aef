"""bib/ is one database with BibTeX's and biber's semantics: macros across files, crossref and
xdata, biblatex types and fields, no entry dropped, LaTeX read as a reader sees it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dlnotes.bibliography import Bibliography, load_bibliography, parse_cache
from dlnotes.csljson import finish_others, language, to_csl_json
from dlnotes.latex import math_to_html, to_csl, to_text

FIXTURES = Path(__file__).parent / "fixtures" / "bib"


def write(folder: Path, **files: str) -> Path:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def load(folder: Path, **files: str) -> Bibliography:
    """The bibliography of `folder`, once `files` (name: text) are written there."""
    return load_bibliography([write(folder, **files)], folder)


def messages(bib: Bibliography) -> list[str]:
    return [str(p) for p in bib.problems]


def test_a_research_groups_split_bib_loads_every_entry() -> None:
    """IRIDIA's bib: macros in abbrev.bib, authors.bib and journals.bib, used by files that
    sort before them (articles.bib < authors.bib), crossrefs into crossref.bib."""
    bib = load_bibliography([FIXTURES / "iridia"], FIXTURES)
    assert messages(bib) == []
    assert len(bib.entries) == 3305
    entry = bib.entries["AbdGad2012dynamic"]
    assert entry.fields["journal"] == "Journal of Guidance, Control, and Dynamics"  # a macro of journals.bib
    assert entry.persons["author"] == ["Abdelkhalik, Ossama", "Gad, Ahmed"]  # written as the author's name
    chapter = to_csl_json(bib.entries["AarKorMic2005"])  # authors.bib's macros joined with #and#, a crossref
    assert [n["family"] for n in chapter["author"]] == ["Aarts", "Korst", "Michiels"]
    assert chapter["container-title"].startswith("Search Methodologies") and chapter["issued"] == {"date-parts": [[2005]]}


def test_macros_from_any_file_whatever_the_names_and_in_nested_folders(tmp_path: Path) -> None:
    bib = load(
        tmp_path,
        **{
            "a-articles.bib": (
                "@article{x2020,\n author = alice # { and Bob Brown},\n title = {T},\n journal = jml,\n year = 2020\n}\n"
            ),
            "z/deep/strings.bib": '@string{jml = "Journal of " # ml}\n',
            "m-base.bib": '@string{ml = "Machine Learning"}\n@string{alice = "Alice Smith"}\n',
        },
    )
    assert messages(bib) == []
    assert bib.entries["x2020"].fields["journal"] == "Journal of Machine Learning"
    assert bib.entries["x2020"].persons["author"] == ["Smith, Alice", "Brown, Bob"]


def test_an_undefined_macro_is_one_problem_with_its_line(tmp_path: Path) -> None:
    bib = load(tmp_path, **{"a.bib": "@article{x2020,\n author = {A B},\n title = {T},\n journal = nosuch,\n year = 2020\n}\n"})
    assert len(bib.problems) == 1 and bib.problems[0].file == "a.bib" and "nosuch" in bib.problems[0].message
    assert bib.problems[0].line in (1, 4)


def test_crossref_is_inherited_as_biber_does(tmp_path: Path) -> None:
    bib = load(
        tmp_path,
        **{
            "refs.bib": """@inproceedings{child2020,
  author = {Ann Child},
  title = {A Paper},
  crossref = {proc2020},
  pages = {1--10}
}
@proceedings{proc2020,
  editor = {Ed Itor},
  title = {Proceedings of the Conference},
  publisher = {ACM},
  year = {2020}
}
@incollection{chap2021,
  author = {Bea Author},
  title = {A Chapter},
  crossref = {coll2021}
}
@collection{coll2021,
  editor = {Col Lector},
  title = {The Collection},
  subtitle = {Essays},
  date = {2021-05},
  publisher = {Springer}
}
"""
        },
    )
    assert messages(bib) == []  # no "lacks required field(s)": booktitle and year come from the parent
    child = bib.entries["child2020"]
    assert child.fields["booktitle"] == "Proceedings of the Conference"
    assert child.fields["year"] == "2020" and child.persons["editor"] == ["Itor, Ed"]
    assert "title" in child.fields and child.fields["title"] == "A Paper"
    item = to_csl_json(bib.entries["chap2021"])
    assert item["container-title"] == "The Collection: Essays"
    assert item["issued"] == {"date-parts": [[2021, 5]]} and item["type"] == "chapter"
    # The parent is unchanged, and a second load from the disk cache gives the same.
    assert "booktitle" not in bib.entries["proc2020"].fields


def test_crossref_resolution_survives_the_disk_cache(tmp_path: Path) -> None:
    write(
        tmp_path / "bib",
        **{
            "a.bib": "@inproceedings{c,\n author = {A B},\n title = {T},\n crossref = {p}\n}\n",
            "b.bib": "@proceedings{p,\n title = {Proc},\n year = 2020\n}\n",
        },
    )
    cache = parse_cache(tmp_path / "cache.pickle")
    load_bibliography([tmp_path / "bib"], tmp_path, cache)
    cache.save()
    (tmp_path / "bib" / "b.bib").write_text("@proceedings{p,\n title = {Other Proc},\n year = 2021\n}\n")
    again = load_bibliography([tmp_path / "bib"], tmp_path, parse_cache(tmp_path / "cache.pickle"))
    assert again.entries["c"].fields["booktitle"] == "Other Proc" and again.entries["c"].fields["year"] == "2021"


def test_xdata_fields_are_copied(tmp_path: Path) -> None:
    bib = load(
        tmp_path,
        **{
            "a.bib": "@xdata{pub,\n publisher = {MIT Press},\n location = {Cambridge}\n}\n"
            "@book{b,\n author = {A B},\n title = {T},\n year = 2000,\n xdata = {pub}\n}\n"
        },
    )
    assert messages(bib) == [] and bib.entries["b"].fields["publisher"] == "MIT Press"


def test_a_missing_crossref_parent_is_a_problem(tmp_path: Path) -> None:
    bib = load(
        tmp_path,
        **{
            "a.bib": (
                "@inproceedings{c,\n author = {A B},\n title = {T},\n booktitle = {B},\n year = 2000,\n crossref = {nosuch}\n}\n"
            )
        },
    )
    assert messages(bib) == ["a.bib:1: entry 'c': crossref 'nosuch' is not in any bib file"]


def test_a_stray_brace_between_entries_is_a_warning_and_keeps_both_entries(tmp_path: Path) -> None:
    bib = load(tmp_path, **{"a.bib": "@misc{one,\n title = {One}\n}\n}\n\n@misc{two,\n title = {Two}\n}\n"})
    assert list(bib.entries) == ["one", "two"]
    assert [(p.line, p.severity) for p in bib.problems] == [(4, "warning")]
    assert "stray '}'" in bib.problems[0].message


def test_a_duplicate_key_names_both_places(tmp_path: Path) -> None:
    bib = load(tmp_path, **{"a.bib": "@misc{k,\n title = {One}\n}\n", "sub/b.bib": "\n@misc{k,\n title = {Two}\n}\n"})
    assert messages(bib) == ["sub/b.bib:2: duplicate key 'k': already defined at a.bib:1"]


def test_biblatex_examples_all_load_and_map() -> None:
    """biblatex's own biblatex-examples.bib: every entry is read (none dropped) with its type."""
    text = (FIXTURES / "biblatex" / "biblatex-examples.bib").read_text(encoding="utf-8")
    written = re.findall(r"^@(\w+)\{([^,\s]+),", text, re.MULTILINE)
    bib = load_bibliography([FIXTURES / "biblatex"], FIXTURES)
    assert messages(bib) == []
    assert sorted(bib.entries) == sorted(key for kind, key in written if kind.lower() != "string")
    items = {k: to_csl_json(e) for k, e in bib.entries.items()}
    assert (
        items["kastenholz"]["type"] == "article-journal" and items["kastenholz"]["container-title"] == "J.\u00a0Chem. Phys."
    )  # ~ is a tie
    assert items["ctan"]["type"] == "webpage" and items["ctan"]["accessed"] == {"date-parts": [[2006, 10, 1]]}
    assert items["geer"]["type"] == "thesis" and items["geer"]["publisher"]
    assert items["chiu"]["type"] == "report"


@pytest.mark.parametrize(
    ("latex", "csl"),
    [
        (r"Mart\'{\i}nez", "Martínez"),
        (r"\url{https://x.org/a_b}", "https://x.org/a_b"),
        (r"{\em Deep} learning -- a~survey", "<i>Deep</i> learning \u2013 a\u00a0survey"),
        (r"\emph{Deep} \textbf{nets}", "<i>Deep</i> <b>nets</b>"),
        (r"{OGA-UCT} search", '<span class="nocase">OGA-UCT</span> search'),
        (r"M\"{u}ller's {\"O}l and {\ss}", "Müller's Öl and ß"),
        (r"50\% of \& pages 3---4", "50% of & pages 3\u20144"),
    ],
)
def test_latex_becomes_unicode_and_csl_markup(latex: str, csl: str) -> None:
    assert to_csl(latex) == csl


def test_math_in_titles_stays_math_for_the_page_renderer() -> None:
    html = math_to_html(to_csl(r"$\beta$-VAE: learning with $h^+ < 1$"))
    assert html == (
        '<span class="arithmatex">\\(\\beta\\)</span>-VAE: learning with <span class="arithmatex">\\(h^+ &lt; 1\\)</span>'
    )
    assert to_text(r"$\beta$-VAE") == r"$\beta$-VAE"


def test_language_from_field_or_cjk(tmp_path: Path) -> None:
    bib = load(
        tmp_path,
        **{
            "a.bib": "@misc{zh,\n title = {深度学习},\n author = {张三 and others}\n}\n"
            "@misc{de,\n title = {T},\n langid = {ngerman}\n}\n@misc{en,\n title = {T},\n author = {A B and others}\n}\n"
        },
    )
    assert [language(bib.entries[k]) for k in ("zh", "de", "en")] == ["zh-CN", "de-DE", "en-US"]
    zh, en = to_csl_json(bib.entries["zh"]), to_csl_json(bib.entries["en"])
    assert finish_others("张三, " + zh["author"][-1]["literal"]) == "张三, 等"
    assert finish_others("B, A, &#38; " + en["author"][-1]["literal"]) == "B, A, et al."
    assert finish_others("(B &#38; " + en["author"][-1]["literal"] + ", 2020)", in_text=True) == "(B et al., 2020)"
