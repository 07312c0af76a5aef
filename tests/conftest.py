"""Shared fixtures: a strict build of the real site, once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.sitebuild import ROOT, run_mkdocs_build


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("site")
    result = run_mkdocs_build(ROOT / "mkdocs.yml", site)
    assert result.returncode == 0, f"strict build failed:\n{result.stderr[-4000:]}"
    return site


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests last: Playwright's sync API keeps an event loop running in this thread
    until the session ends, and other tests (the link checker's) call asyncio.run()."""
    items.sort(key=lambda item: "browser" in item.path.parts)
