"""Generated parts go where the renderer reads a marker as a block of its own (dlnotes.markers):
the site's Markdown decides, a marker in code stays code, a marker elsewhere is reported.

Cases: tests/fixtures/markers/cases.yml. The reported line of a build: tests/fixtures/author_errors.yml.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from dlnotes.markers import MARKERS, GeneratedPartsExtension, stray_markers
from tests.support.sitemarkdown import site_markdown

CASES: list[dict[str, Any]] = yaml.safe_load((Path(__file__).parent / "fixtures" / "markers" / "cases.yml").read_text("utf-8"))


def render(text: str) -> tuple[str, list[str]]:
    asked: list[str] = []

    def generate(name: str) -> str:
        asked.append(name)
        return f'## Generated {name}\n\n<div class="generated">{name}</div>\n'

    return site_markdown(GeneratedPartsExtension(generate)).convert(text), asked


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_a_marker_counts_where_the_renderer_reads_a_block_of_its_own(case: dict[str, Any]) -> None:
    html, asked = render(case["text"])
    assert len(asked) == case["replaced"]
    for name in asked:  # the generated Markdown rendered: a heading, its HTML block at the top level
        assert f'<h2 id="generated-{name}">Generated {name}' in html
        assert f'\n<div class="generated">{name}</div>' in html and "<p><div" not in html
    assert bool(stray_markers(html)) == case["stray"], html
    if not case["replaced"] and not case["stray"]:  # in code: shown as written
        assert "&lt;!-- dlnotes:" in html


def test_every_marker_is_generated_by_name() -> None:
    for name, text in MARKERS.items():
        assert render(f"{text}\n")[1] == [name]
