"""What `dlnotes add` accepts, and the one line it gives for anything else."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlnotes.addpaper.identifiers import (
    AclId,
    ArxivId,
    BibtexText,
    DblpKey,
    Doi,
    IdentifierError,
    OpenReviewId,
    parse_identifier,
)

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize(("text", "expected"), [
    ("1706.03762", ArxivId("1706.03762", None)),
    ("1706.03762v7", ArxivId("1706.03762", 7)),
    ("arXiv:2109.00301", ArxivId("2109.00301", None)),
    ("cs/0112017", ArxivId("cs/0112017", None)),
    ("hep-th/9711200v3", ArxivId("hep-th/9711200", 3)),
    ("math.GT/0309136", ArxivId("math.GT/0309136", None)),
    ("https://arxiv.org/abs/1810.04805v2", ArxivId("1810.04805", 2)),
    ("https://arxiv.org/pdf/1706.03762v7.pdf", ArxivId("1706.03762", 7)),
    ("http://export.arxiv.org/abs/cs/0112017", ArxivId("cs/0112017", None)),
    ("arxiv.org/pdf/cs/0112017v1", ArxivId("cs/0112017", 1)),
    ("10.1162/neco.1997.9.8.1735", Doi("10.1162/neco.1997.9.8.1735")),
    ("doi:10.1023/A:1026654312961", Doi("10.1023/A:1026654312961")),
    ("https://doi.org/10.1109/CVPR.2016.90", Doi("10.1109/CVPR.2016.90")),
    ("https://doi.org/10.48550/arXiv.1706.03762", ArxivId("1706.03762", None)),  # arXiv's own DOI
    ("https://openreview.net/forum?id=2dnO3LLiJ1", OpenReviewId("2dnO3LLiJ1")),
    ("https://openreview.net/pdf?id=2dnO3LLiJ1", OpenReviewId("2dnO3LLiJ1")),
    ("https://aclanthology.org/P18-1031/", AclId("P18-1031")),
    ("https://aclanthology.org/2020.acl-main.463.pdf", AclId("2020.acl-main.463")),
    ("https://www.aclweb.org/anthology/P18-1031", AclId("P18-1031")),
    ("https://dblp.org/rec/conf/cvpr/HuangLMW17.html", DblpKey("conf/cvpr/HuangLMW17")),
    ("https://dblp.org/rec/journals/corr/VaswaniSPUJGKP17", DblpKey("journals/corr/VaswaniSPUJGKP17")),
])  # fmt: skip
def test_accepted_forms(text: str, expected: object) -> None:
    assert parse_identifier(text) == expected


def test_a_bibtex_entry_and_a_bib_file() -> None:
    entry = "@article{x, title={A}, author={B, C}, journal={J}, year={2020}}"
    assert parse_identifier(entry) == BibtexText(entry, "<input>")
    found = parse_identifier(str(FIXTURES / "zotero-export.bib"))
    assert isinstance(found, BibtexText) and "penningtonGloveGlobalVectors2014" in found.text


@pytest.mark.parametrize(("text", "says"), [
    ("", "nothing to add"),
    ("attention is all you need", "cannot tell what paper"),
    ("https://example.org/paper", "cannot tell what paper"),
    ("https://arxiv.org/list/cs.LG/recent", "not an arXiv paper's address"),
    ("https://openreview.net/group?id=ICLR.cc", "OpenReview forum"),
    ("https://dblp.org/pid/18/8508.html", "DBLP record"),
    ("missing.bib", "no such .bib file"),
])  # fmt: skip
def test_refusals_say_what_is_accepted(text: str, says: str) -> None:
    with pytest.raises(IdentifierError, match=says) as err:
        parse_identifier(text)
    assert "\n" not in str(err.value)
