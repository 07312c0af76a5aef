"""Fixtures: a fresh local server per test and a helper that runs the CLI in-process."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from dlnotes.linkcheck.cli import main
from tests.linkcheck.linkcheck_server import LocalServer

# Small limits so that failure cases finish fast; tests that need other values pass them.
FAST = ["--timeout", "1", "--max-retries", "2", "--max-retry-wait", "0.05"]


@pytest.fixture
def server() -> Iterator[LocalServer]:
    srv = LocalServer().start()
    try:
        yield srv
    finally:
        srv.stop()


@dataclass
class Run:
    code: int
    report: dict[str, Any]
    stderr: str

    def result(self, url: str) -> dict[str, Any]:
        matches = [r for r in self.report["results"] if r["url"] == url]
        assert len(matches) == 1, f"{url} not (or not once) in {[r['url'] for r in self.report['results']]}"
        found: dict[str, Any] = matches[0]
        return found


@pytest.fixture
def run_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """run_cli(markdown_text, *options) -> Run; the note is written to docs/note.md."""

    def _run(markdown: str | None, *options: str, bib: str | None = None, fast: bool = True, cache: bool = False) -> Run:
        docs = tmp_path / "docs"
        docs.mkdir(exist_ok=True)
        if markdown is not None:
            (docs / "note.md").write_text(markdown, encoding="utf-8")
        if bib is not None:
            (docs / "refs.bib").write_text(bib, encoding="utf-8")
        out = tmp_path / "report.json"
        out.unlink(missing_ok=True)
        args = [str(docs), "--format", "json", "--output", str(out), "--ignore-file", str(tmp_path / "none")]
        args += ["--cache", str(tmp_path / "cache.json")] if cache else ["--no-cache"]
        args += (FAST if fast else []) + list(options)
        code = main(args)
        err = capsys.readouterr().err
        report = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
        return Run(code, report, err)

    return _run
