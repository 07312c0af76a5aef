"""Shared fixtures: a strict build of the real site, once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitebuild import ROOT, run_mkdocs_build


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("site")
    result = run_mkdocs_build(ROOT / "mkdocs.yml", site)
    assert result.returncode == 0, f"strict build failed:\n{result.stderr[-4000:]}"
    return site
