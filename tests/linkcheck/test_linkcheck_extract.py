"""What the extractor finds (and skips) in notes and BibTeX, with file and line."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from markdown import Markdown

from dlnotes import mathtex
from dlnotes.linkcheck.extract import InputError, extract_bibtex, extract_files, extract_markdown
from dlnotes.linkcheck.urls import classify, github_repo, invalid_reason

NOTE = """\
---
title: Attention
code: https://github.com/tensorflow/tensor2tensor
links:
  - "paper at https://arxiv.org/abs/1706.03762."
---
# Notes

Inline [paper](https://example.org/inline) and an autolink <https://example.org/auto>.
A bare https://example.org/bare, in prose; and `https://example.org/in-code` in code.
Reference [style][ref] and an image ![fig](https://example.org/fig.png).
Inline HTML <a href="https://example.org/html-inline">here</a>.
Wikipedia (https://en.wikipedia.org/wiki/Transformer_(model)).

[ref]: https://example.org/reference "Title"

```python
url = "https://example.org/fenced"
```

    https://example.org/indented

<div class="figure">
  <img src="https://example.org/block.png" alt="">
  <a href="https://example.org/block">b</a>
</div>

| Paper | Code |
|---|---|
| [P](https://example.org/table.pdf) | https://github.com/a/b |

!!! note "Admonition"
    Inside an admonition: [x](https://example.org/admonition).

Relative [link](other.md), [mail](mailto:someone@example.org), [anchor](#notes).
"""


def found(text: str) -> dict[str, int]:
    return {o.url: o.line for o in extract_markdown(text, "docs/n.md")}


def test_markdown_finds_every_link_form_with_its_line() -> None:
    assert found(NOTE) == {
        "https://github.com/tensorflow/tensor2tensor": 3,
        "https://arxiv.org/abs/1706.03762": 5,
        "https://example.org/inline": 9,
        "https://example.org/auto": 9,
        "https://example.org/bare": 10,
        "https://example.org/fig.png": 11,
        "https://example.org/html-inline": 12,
        "https://en.wikipedia.org/wiki/Transformer_(model)": 13,
        "https://example.org/reference": 15,
        "https://example.org/block.png": 24,
        "https://example.org/block": 25,
        "https://example.org/table.pdf": 30,
        "https://github.com/a/b": 30,
        "https://example.org/admonition": 33,
    }


def test_markdown_never_reports_urls_in_code() -> None:
    urls = found(NOTE)
    assert not [u for u in urls if any(w in u for w in ("in-code", "fenced", "indented"))]


def test_markdown_keeps_every_occurrence_and_file() -> None:
    text = "[a](https://x.org/p)\n\nagain https://x.org/p\n"
    occ = extract_markdown(text, "docs/a.md")
    assert [(o.url, o.file, o.line) for o in occ] == [("https://x.org/p", "docs/a.md", 1), ("https://x.org/p", "docs/a.md", 3)]


def test_markdown_line_numbers_survive_multiline_paragraphs_and_code_spans() -> None:
    text = "first `code\nspanning` lines\nthen [x](https://x.org/late) here\n"
    assert found(text) == {"https://x.org/late": 3}


def test_markdown_reference_used_twice_is_reported_at_its_definition() -> None:
    text = "[a][r] and [b][r]\n\n[r]: https://x.org/ref\n"
    occ = extract_markdown(text, "n.md")
    assert [(o.url, o.line) for o in occ] == [("https://x.org/ref", 3)]


def test_markdown_without_front_matter_and_with_broken_yaml() -> None:
    assert found("---\nkey: [unclosed https://x.org/fm\n---\ntext\n") == {"https://x.org/fm": 2}


CASES = yaml.safe_load((Path(__file__).parents[1] / "fixtures" / "linkcheck" / "markdown_urls.yml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[case["case"] for case in CASES])
def test_markdown_urls_are_what_the_site_renders(case: dict[str, Any]) -> None:
    assert found(case["markdown"]) == case["urls"], case["why"]


def test_math_and_citations_are_read_without_node_or_bibliography(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("extraction started a process")

    monkeypatch.setattr(subprocess, "Popen", refuse)
    monkeypatch.setattr(mathtex, "typeset_page", refuse)
    text = "---\ntitle: T\n---\nAs $x^2$ shows [@vaswani2017; @nobody], see https://x.org/p.\n\n$$\ny\n$$\n"
    start = time.perf_counter()
    occ = extract_markdown(text, "docs/n.md")
    elapsed = time.perf_counter() - start
    assert [(o.url, o.line) for o in occ] == [("https://x.org/p", 4)]
    assert elapsed < 2, f"{elapsed:.2f} s"
    assert capsys.readouterr() == ("", "")


ADMONITION = "!!! note\n\n    [x](https://x.org/in-admonition)\n"


def site(tmp_path: Path, extensions: str) -> Path:
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text(f"site_name: t\nmarkdown_extensions: {extensions}\n", encoding="utf-8")
    for path in (tmp_path / "docs" / "n.md", tmp_path / "README.md"):
        path.write_text(ADMONITION, encoding="utf-8")
    return tmp_path


def test_each_note_is_rendered_with_its_own_sites_extensions(tmp_path: Path) -> None:
    # This site has no admonitions: Python-Markdown reads the body as an indented code block.
    root = site(tmp_path, "[footnotes]")
    occ = extract_files([root / "docs" / "n.md", root / "README.md"])
    # README.md is in no docs folder: the default extensions (admonitions among them).
    assert [(Path(o.file).name, o.line) for o in occ] == [("README.md", 3)]


@pytest.mark.parametrize(
    ("extensions", "message"),
    [("[no_such_extension]", "mkdocs.yml: markdown_extensions: "), ("[unclosed", "mkdocs.yml: ")],
)
def test_a_site_whose_markdown_cannot_be_set_up_is_one_input_error(tmp_path: Path, extensions: str, message: str) -> None:
    root = site(tmp_path, extensions)
    with pytest.raises(InputError) as info:
        extract_files([root / "docs" / "n.md"])
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_a_note_the_renderer_fails_on_is_one_input_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(self: object, source: str) -> str:
        raise RuntimeError("boom")

    monkeypatch.setattr(Markdown, "convert", fail)
    with pytest.raises(InputError) as info:
        extract_markdown("text\n", "docs/n.md")
    assert str(info.value) == "docs/n.md: the site's Markdown cannot render it: RuntimeError: boom"


BIB = r"""@string{base = "https://example.org"}

@article{vaswani2017,
  title   = {Attention Is All You Need},
  url     = {https://example.org/a\_b},
  pdf     = {https://example.org/paper},
  doi     = {10.5555/3295222.3295349},
  code    = {https://github.com/tensorflow/tensor2tensor},
}

@misc{he2016,
  title        = {Deep Residual Learning},
  eprint       = {1512.03385},
  archivePrefix = {arXiv},
  howpublished = {\url{https://example.org/howpublished}},
  note         = {Slides: \url{https://example.org/slides} and
                  video \url{https://example.org/video}},
}

@online{macro,
  URL = base # "/macro",
  eprint = {2001.00001}, eprinttype = {arxiv},
  doi = {https://doi.org/10.1000/xyz},
}
"""


def test_bibtex_fields_and_lines() -> None:
    occ = extract_bibtex([("bib/refs.bib", BIB)])
    got = [(o.url, o.line, o.pdf_hint) for o in occ]
    assert got == [
        ("https://example.org/a_b", 5, False),
        ("https://example.org/paper", 6, True),
        ("https://doi.org/10.5555/3295222.3295349", 7, False),
        ("https://github.com/tensorflow/tensor2tensor", 8, False),
        ("https://arxiv.org/abs/1512.03385", 13, False),
        ("https://example.org/howpublished", 15, False),
        ("https://example.org/slides", 16, False),
        ("https://example.org/video", 17, False),
        ("https://example.org/macro", 21, False),
        ("https://arxiv.org/abs/2001.00001", 22, False),
        ("https://doi.org/10.1000/xyz", 23, False),
    ]
    assert {o.file for o in occ} == {"bib/refs.bib"}


def test_bib_files_are_one_database_macros_from_another_file_and_crossref_urls_where_written() -> None:
    strings = '@string{base = "https://example.org"}\n'
    entries = (
        '@book{parent,\n  title = {P}, author = {A}, publisher = {X}, year = 2020,\n  url = base # "/p",\n}\n'
        "@incollection{child,\n  crossref = {parent},\n  author = {B}, title = {C},\n}\n"
    )
    occ = extract_bibtex([("bib/abbrev.bib", strings), ("bib/papers.bib", entries)])
    assert [(o.url, o.file, o.line) for o in occ] == [("https://example.org/p", "bib/papers.bib", 3)]


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("@article{a,\n  title = {x},\n  url = {https://x.org}\n\n@misc{b, title = {y}}\n", 1, "add the final '}'"),
        ("@article{a, title = {x}}\n\n@misc{a, title = {y}}\n", 3, "duplicate key 'a': already defined at bib/bad.bib:1"),
        ("@article{a, title = {x}\n", 1, "entry 'a': entry is not closed"),
    ],
)
def test_malformed_bibtex_is_one_clear_input_error(text: str, line: int, problem: str) -> None:
    with pytest.raises(InputError) as info:
        extract_bibtex([("bib/bad.bib", text)])
    message = str(info.value)
    assert message.startswith(f"bib/bad.bib:{line}: ")
    assert problem in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("url", "hint", "kind"),
    [
        ("https://example.org/paper.PDF", False, "pdf"),
        ("https://arxiv.org/pdf/1706.03762", False, "pdf"),
        ("https://example.org/paper", True, "pdf"),
        ("https://github.com/owner/repo", False, "github"),
        ("https://github.com/owner/repo/", False, "github"),
        ("https://github.com/owner/repo.git", False, "github"),
        ("https://github.com/owner/repo/blob/main/x.py", False, "other"),
        ("https://github.com/orgs/owner", False, "other"),
        ("https://arxiv.org/abs/1706.03762", False, "other"),
    ],
)
def test_kind(url: str, hint: bool, kind: str) -> None:
    assert classify(url, hint) == kind


def test_github_repo_strips_git_suffix() -> None:
    assert github_repo("https://github.com/Owner/my.repo.git") == ("Owner", "my.repo")


@pytest.mark.parametrize("url", ["http://[::1", "https://exa mple.com", "https://exa<mple.com/"])
def test_invalid_urls_are_recognised(url: str) -> None:
    assert (invalid_reason(url) or "").startswith("invalid URL")


def test_valid_url_is_not_flagged() -> None:
    assert invalid_reason("https://example.org:8443/a?b=c#d") is None
