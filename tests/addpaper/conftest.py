"""Fixtures for `dlnotes add`: the local services and a temporary copy of the project."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pytest
from click.testing import CliRunner

from dlnotes.cli import main
from tests.addpaper.fake_services import FakeServices, standard_routes

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def services() -> Iterator[FakeServices]:
    srv = FakeServices().start()
    standard_routes(srv)
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A small project (fixtures/project: mkdocs.yml with a nav, docs/ with two sections, bib/
    with a few entries of the real bib), copied: the real site's notes and bib may change freely."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "project", root)
    return root


@dataclass
class Run:
    code: int
    out: str
    err: str


class AddCommand(Protocol):
    def __call__(self, *args: str, env: dict[str, str] | None = None) -> Run: ...


@pytest.fixture
def add(project: Path, services: FakeServices) -> AddCommand:
    """Run `dlnotes add ARGS --root PROJECT` in-process, pointed at the local services."""

    def run(*args: str, env: dict[str, str] | None = None) -> Run:
        runner = CliRunner()
        result = runner.invoke(main, ["add", *args, "--root", str(project)], env={**services.env(), **(env or {})})
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Run(result.exit_code, result.stdout, result.stderr)

    return run
