"""The benchmarks' shared parts: the synthetic site builds like the real one, the timer's ratios."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.common.sites import SiteSpec, derive_config, generate
from benchmarks.common.timing import compare
from tests.support.sitebuild import ROOT, run_mkdocs_build

PROJECT_CONFIG = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("variant", "present", "absent"),
    [
        ("ours", ["- dlnotes:", "- tags"], ["\nnav:"]),
        ("plain+tags", ["- tags"], ["dlnotes:", "\nnav:"]),
        ("plain", ["- search:"], ["dlnotes:", "- tags", "\nnav:"]),
        ("mkdocs-bibtex", ["- bibtex:"], ["dlnotes:", "- tags"]),
    ],
)
def test_each_variant_changes_only_its_plugins(variant: str, present: list[str], absent: list[str]) -> None:
    text = derive_config(PROJECT_CONFIG, variant, nav=False)
    for part in present:
        assert part in text
    for part in absent:
        assert part not in text
    math = "dlnotes.mathmd" if variant == "ours" else "pymdownx.arithmatex"  # the reference's usual math
    assert "markdown_extensions:" in text and math in text and "pymdownx.superfences" in text  # the rest untouched


def test_a_generated_site_builds_strict_with_and_without_our_plugin(tmp_path: Path) -> None:
    site = generate(tmp_path / "site", SiteSpec(notes=3, cites=2))
    assert len(site.notes) == 3 and site.page(site.notes[0]) == "sec00/note00001/"
    for variant in ("ours", "plain"):
        result = run_mkdocs_build(site.config(variant), tmp_path / variant)
        assert result.returncode == 0, result.stderr[-3000:]
    ours = (tmp_path / "ours" / site.page(site.notes[0]) / "index.html").read_text(encoding="utf-8")
    plain = (tmp_path / "plain" / site.page(site.notes[0]) / "index.html").read_text(encoding="utf-8")
    assert 'class="footnote"' in ours and "[@" not in ours.split("<code>")[0]
    assert "[@author12001learning]" in plain  # the reference leaves citations as text


def test_compare_prints_each_rounds_own_ratio(capsys: pytest.CaptureFixture[str]) -> None:
    figures = iter([2.0, 3.0, 1.0, 2.0, 1.0, 1.2])  # (reference, ours) per round
    rounds = compare(
        "t", {"ref": lambda: next(figures), "ours": lambda: next(figures)}, reference="ref", rounds=3, cold_first=True
    )
    assert rounds == [{"ref": 2.0, "ours": 3.0}, {"ref": 1.0, "ours": 2.0}, {"ref": 1.0, "ours": 1.2}]
    out = capsys.readouterr().out
    assert "1.50   (cold)" in out and "2.00" in out
    assert "ours / ref: median 1.60 (1.20-2.00 over 2 rounds); first run 1.50" in out
    with pytest.raises(ValueError):
        compare("t", {"ours": lambda: 1.0}, reference="ref")
