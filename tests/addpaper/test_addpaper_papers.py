"""`dlnotes add` end to end against the local services: one clean entry appended to
bib/references.bib for each kind of input, the note started, the same paper recognised."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml
from pybtex.database import parse_string

from dlnotes.bibliography import load_bibliography
from tests.addpaper.fake_services import FIXTURES, FakeServices

REFS = Path("bib") / "references.bib"


def appended(project: Path, before: bytes) -> str:
    after = (project / REFS).read_bytes()
    assert after.startswith(before), "bytes already in the bib file changed"
    return after[len(before) :].decode("utf-8")


def only_entry(text: str) -> tuple[str, dict[str, str], list[str]]:
    data = parse_string(text, "bibtex")
    assert len(data.entries) == 1
    key, entry = next(iter(data.entries.items()))
    return key, {k.lower(): str(v) for k, v in entry.fields.items()}, [str(p) for p in entry.persons.get("author", [])]


# (input, key, entry type, fields that must be exactly so, number of authors)
PAPERS = [
    # an arXiv paper later published at a conference (arXiv has no DOI: found through DBLP)
    ("1706.03762", "vaswani2017attention", "inproceedings",
     {"booktitle": "Advances in Neural Information Processing Systems 30: Annual Conference on Neural Information "
                   "Processing Systems 2017, December 4-9, 2017, Long Beach, CA, {USA}",
      "pages": "5998--6008", "year": "2017", "eprint": "1706.03762", "archiveprefix": "arXiv",
      "primaryclass": "cs.CL", "pdf": "https://arxiv.org/pdf/1706.03762"}, 8),
    # an old-style arXiv id
    ("cs/0112017", "dushay2001using", "article",
     {"journal": "arXiv preprint arXiv:cs/0112017", "eprint": "cs/0112017", "primaryclass": "cs.DL",
      "url": "https://arxiv.org/abs/cs/0112017", "pdf": "https://arxiv.org/pdf/cs/0112017", "year": "2001"}, 1),
    # an old-style id whose published version arXiv knows by DOI (Crossref), with markup in its title
    ("https://arxiv.org/abs/hep-th/9711200", "maldacena1999large", "article",
     {"journal": "International Journal of Theoretical Physics", "volume": "38", "number": "4",
      "pages": "1113--1133", "doi": "10.1023/a:1026654312961", "eprint": "hep-th/9711200",
      "title": "The Large N Limit of Superconformal Field Theories and Supergravity"}, 1),
    # a v2: the links keep the version, the eprint does not; published at NAACL (DBLP)
    ("arXiv:1810.04805v2", "devlin2019bert", "inproceedings",
     {"eprint": "1810.04805", "pdf": "https://arxiv.org/pdf/1810.04805v2", "doi": "10.18653/V1/N19-1423",
      "pages": "4171--4186", "year": "2019"}, 4),
    # LaTeX in the title
    ("https://arxiv.org/pdf/2109.00301.pdf", "martins2021former", "article",
     {"title": "{$\\infty$}-former: Infinite Memory Transformer", "journal": "arXiv preprint arXiv:2109.00301"}, 3),
    # more than a hundred authors; arXiv's journal reference kept as a note
    ("2206.04615", "srivastava2022beyond", "article",
     {"note": "Published in: Transactions on Machine Learning Research, May/2022,"
              " https://openreview.net/forum?id=uyTL5Bvosj"}, 450),
    # a DOI (Crossref): journal, volume, number, pages, publisher's pdf
    ("10.1162/neco.1997.9.8.1735", "hochreiter1997long", "article",
     {"title": "Long Short-Term Memory", "journal": "Neural Computation", "volume": "9", "number": "8",
      "pages": "1735--1780", "year": "1997", "url": "https://doi.org/10.1162/neco.1997.9.8.1735"}, 2),
    # CJK author names and title (Crossref); the key transliterated
    ("https://doi.org/10.11897/SP.J.1016.2019.00001", "zhang2019shendu", "article",
     {"title": "深度学习中的注意力机制综述", "journal": "计算机学报", "volume": "42"}, 3),
    # a DBLP record
    ("https://dblp.org/rec/conf/cvpr/HuangLMW17.html", "huang2017densely", "inproceedings",
     {"doi": "10.1109/CVPR.2017.243", "pages": "2261--2269"}, 4),
    # an ACL Anthology address
    ("https://aclanthology.org/P18-1031/", "howard2018universal", "inproceedings",
     {"doi": "10.18653/v1/P18-1031", "pdf": "https://aclanthology.org/P18-1031.pdf", "pages": "328--339",
      "month": "July"}, 2),  # written as the macro jul
    # an OpenReview forum (API 2)
    ("https://openreview.net/forum?id=2dnO3LLiJ1", "darcet2024vision", "inproceedings",
     {"booktitle": "The Twelfth International Conference on Learning Representations", "year": "2024",
      "pdf": "https://openreview.net/pdf?id=2dnO3LLiJ1", "url": "https://openreview.net/forum?id=2dnO3LLiJ1"}, 4),
]  # fmt: skip


@pytest.mark.parametrize(("paper", "key", "kind", "fields", "n_authors"), PAPERS, ids=[p[1] for p in PAPERS])
def test_each_paper_becomes_one_clean_entry(
    project: Path, add, paper: str, key: str, kind: str, fields: dict[str, str], n_authors: int
) -> None:
    before = (project / REFS).read_bytes()
    run = add(paper, "--no-note")
    assert run.code == 0, run.err
    text = appended(project, before)
    assert text.startswith("\n@"), "one blank line between entries"
    got_key, got, authors = only_entry(text)
    assert got_key == key
    assert text.split("{", 1)[0] == f"\n@{kind}"
    for name, value in fields.items():
        assert got.get(name) == value, name
    assert len(authors) == n_authors
    assert {"title", "year"} <= got.keys() and "\n  author " in text
    assert "abstract" not in got and "timestamp" not in got and "biburl" not in got
    # The whole bib still reads without a problem, with the new key.
    bib = load_bibliography([project / "bib"], project)
    assert not bib.problems and key in bib
    assert f"added {key} to bib/references.bib" in run.out


def test_names_are_in_bibtex_form(project: Path, add) -> None:
    before = (project / REFS).read_bytes()
    assert add("https://arxiv.org/abs/2109.00301", "--no-note").code == 0
    text = appended(project, before)
    assert "author        = {Martins, Pedro Henrique and Marinho, Zita and Martins, André F. T.}" in text


def test_cjk_names_keep_family_and_given_names(project: Path, add) -> None:
    before = (project / REFS).read_bytes()
    assert add("10.11897/SP.J.1016.2019.00001", "--no-note").code == 0
    assert "{张, 伟 and 李, 小明 and Wang, Hua}" in appended(project, before)


def test_acronyms_in_titles_are_protected(project: Path, add) -> None:
    before = (project / REFS).read_bytes()
    assert add("https://dblp.org/rec/conf/cvpr/HuangLMW17", "--no-note").code == 0
    assert add(str(FIXTURES / "zotero-export.bib"), "--no-note").code == 0
    text = appended(project, before)
    assert "{{GloVe}: {Global Vectors} for {Word Representation}}" in text  # Better BibTeX's {{...}} undoubled
    assert "{IEEE} Conference" in text


def test_the_note_is_started_as_make_note_starts_it(project: Path, add) -> None:
    nav_before = (project / "mkdocs.yml").read_text(encoding="utf-8")
    run = add("1706.03762")
    assert run.code == 0, run.err
    note = project / "docs" / "attention" / "vaswani2017attention.md"  # the title mentions attention
    assert note.is_file()
    text = note.read_text(encoding="utf-8")
    meta = yaml.safe_load(text.split("---\n")[1])
    assert meta["key"] == "vaswani2017attention" and meta["date"] == dt.date.today() and meta["status"] == "reading"
    assert "\n# Attention is All you Need\n" in text and "[@vaswani2017attention]" in text
    nav_after = (project / "mkdocs.yml").read_text(encoding="utf-8")
    assert nav_after.replace("      - attention/vaswani2017attention.md\n", "", 1) == nav_before
    assert "      - attention/mnih2014recurrent.md\n      - attention/vaswani2017attention.md\n" in nav_after
    assert "created docs/attention/vaswani2017attention.md" in run.out


def test_section_option_is_passed_on(project: Path, add) -> None:
    run = add("10.1162/neco.1997.9.8.1735", "--section", "papers")
    assert run.code == 0, run.err
    assert (project / "docs" / "papers" / "hochreiter1997long.md").is_file()
    assert "      - papers/lecun2015deep.md   # a comment that must stay\n      - papers/hochreiter1997long.md\n" in (
        project / "mkdocs.yml"
    ).read_text(encoding="utf-8")


@pytest.mark.parametrize(("paper", "key", "why"), [
    ("1409.0473v7", "bahdanau2014neural", "same arXiv id 1409.0473"),          # any version
    ("https://arxiv.org/abs/1409.0473v2", "bahdanau2014neural", "same arXiv id"),
    ("https://doi.org/10.1109/CVPR.2016.90", "he2015deep", "same title and first author"),
    ("@article{x, author={LeCun, Yann}, title={Deep learning}, journal={Nature}, year={2015}, doi={10.1038/NATURE14539}}",
     "lecun2015deep", "same DOI"),
])  # fmt: skip
def test_a_paper_already_in_bib_is_recognised_and_nothing_is_written(project: Path, add, paper: str, key: str, why: str) -> None:
    before = {p: p.read_bytes() for p in sorted(project.rglob("*")) if p.is_file()}
    run = add(paper)
    assert run.code == 0, run.err
    assert f"already in bib/ as {key} ({why}" in run.out and "nothing written" in run.out
    after = {p: p.read_bytes() for p in sorted(project.rglob("*")) if p.is_file() and ".cache" not in p.parts}
    assert after == before


def test_the_same_paper_twice_is_added_once(project: Path, add) -> None:
    assert add("1810.04805v2", "--no-note").code == 0
    before = (project / REFS).read_bytes()
    run = add("https://arxiv.org/abs/1810.04805v2", "--no-note")
    assert run.code == 0 and "already in bib/ as devlin2019bert" in run.out
    assert (project / REFS).read_bytes() == before


def test_a_key_already_taken_gets_a_letter(project: Path, add) -> None:
    other = "\n@misc{vaswani2017attention,\n  author = {Vaswani, Someone},\n  title  = {Another paper},\n  year   = {2017}\n}\n"
    with (project / REFS).open("a", encoding="utf-8") as f:
        f.write(other)
    run = add("1706.03762", "--no-note")
    assert run.code == 0, run.err
    assert "added vaswani2017attentiona to bib/references.bib" in run.out
    assert not load_bibliography([project / "bib"], project).problems


def test_a_bib_file_with_several_entries_adds_the_new_ones(project: Path, add) -> None:
    before = (project / REFS).read_bytes()
    run = add(str(FIXTURES / "zotero-export.bib"))
    assert run.code == 0, run.err
    text = appended(project, before)
    assert [m for m in re.findall(r"^@\w+\{([^,]+),", text, re.MULTILINE)] == ["pennington2014glove"]
    assert "file" not in only_entry(text)[1] and "urldate" not in only_entry(text)[1]
    assert "already in bib/ as ba2016layer (same arXiv id 1607.06450)" in run.out
    assert not (project / "docs" / "papers" / "pennington2014glove.md").exists()  # notes only for one paper


def test_crossref_is_asked_with_the_contact_address(project: Path, add, services: FakeServices) -> None:
    assert add("10.1162/neco.1997.9.8.1735", "--no-note").code == 0
    (seen,) = services.hits("/crossref/")
    assert seen.query.get("mailto") == "notes@example.org"
    assert "mailto:notes@example.org" in seen.headers["user-agent"]


def test_the_contact_address_can_come_from_mkdocs_yml(project: Path, add, services: FakeServices) -> None:
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8") + "\nextra:\n  dlnotes:\n    contact: author@example.net\n", encoding="utf-8"
    )
    assert add("10.1162/neco.1997.9.8.1735", "--no-note", env={"DLNOTES_CONTACT": ""}).code == 0
    assert services.hits("/crossref/")[0].query.get("mailto") == "author@example.net"


def test_answers_are_cached(project: Path, add, services: FakeServices) -> None:
    before = (project / REFS).read_bytes()
    assert add("cs/0112017", "--no-note").code == 0
    (project / REFS).write_bytes(before)
    assert add("cs/0112017", "--no-note").code == 0
    assert len(services.hits("/arxiv/")) == 1
    assert list((project / ".cache" / "dlnotes" / "addpaper").glob("*.json"))


def test_bad_input_is_one_line_and_nothing_is_written(project: Path, add) -> None:
    """Nothing but the answer cache's pace stamp (.cache/, never committed) is written."""
    before = {p: p.read_bytes() for p in sorted(project.rglob("*")) if p.is_file()}
    for paper, says in [
        ("2999.99999", "arXiv has no paper 2999.99999"),
        ("1234.5678", "incorrect id format"),
        ("10.1000/no-such-doi", "Crossref knows no DOI 10.1000/no-such-doi"),
        ("https://openreview.net/forum?id=nosuchforum", "OpenReview has no forum nosuchforum"),
        ("https://aclanthology.org/P99-9999/", "has no paper P99-9999"),
        ("https://dblp.org/rec/conf/xyz/Nobody99", "DBLP has no record conf/xyz/Nobody99"),
        ("not a paper", "cannot tell what paper"),
        ("@article{broken, title = {unclosed", "not valid BibTeX"),
    ]:
        run = add(paper)
        assert run.code == 1, paper
        assert says in run.err, (paper, run.err)
        assert run.err.count("\n") == 1 and "Traceback" not in run.err
    after = {p: p.read_bytes() for p in sorted(project.rglob("*")) if p.is_file() and ".cache" not in p.parts}
    assert after == before


def test_added_entries_show_on_the_site(project: Path, add) -> None:
    """Each new entry formats with the site's own formatter (References page, footnotes)."""
    from dlnotes.bibliography import EntryFormatter

    keys = []
    for paper, key, *_ in PAPERS:
        assert add(paper, "--no-note").code == 0
        keys.append(key)
    bib = load_bibliography([project / "bib"], project)
    formatter = EntryFormatter(bib)
    shown = {key: formatter(key) for key in keys}
    assert not bib.problems and not formatter.failed
    assert "∞" in shown["martins2021former"] or "infty" in shown["martins2021former"]
    assert "张" in shown["zhang2019shendu"] and "计算机学报" in shown["zhang2019shendu"]
    assert "Srivastava" in shown["srivastava2022beyond"]


def test_an_unknown_section_is_refused_before_anything_is_asked(project: Path, add, services: FakeServices) -> None:
    before = (project / REFS).read_bytes()
    run = add("1706.03762", "--section", "nosuch")
    assert run.code == 1 and run.err.startswith("Error: no section folder docs/nosuch/ (choose one of: ")
    assert (project / REFS).read_bytes() == before and not services.seen


def test_when_the_note_could_not_be_started_nothing_is_written(project: Path, add) -> None:
    (project / "docs" / "attention" / "vaswani2017attention.md").write_text("# mine\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in sorted(project.rglob("*")) if p.is_file()}
    run = add("1706.03762")
    assert run.code == 1
    assert run.err == (
        "Error: its note could not be started: docs/attention/vaswani2017attention.md already exists: "
        "not overwriting it; nothing written (--no-note adds only the entry)\n"
    )
    after = {p: p.read_bytes() for p in sorted(project.rglob("*")) if p.is_file() and ".cache" not in p.parts}
    assert after == before
    assert add("1706.03762", "--no-note").code == 0  # the entry alone is fine
