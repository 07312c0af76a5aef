"""Shared fixtures: strict builds, once per test session, of the real site (`built_site`: tests of
invariants only, which hold whatever notes the author adds, edits or deletes) and of a frozen copy
of it (`snapshot_site`, tests/fixtures/snapshot: tests of exact output, which name its notes)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support.sitebuild import ROOT, run_mkdocs_build


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("site")
    result = run_mkdocs_build(ROOT / "mkdocs.yml", site)
    assert result.returncode == 0, f"strict build failed:\n{result.stderr[-4000:]}"
    return site


SNAPSHOT = ROOT / "tests" / "fixtures" / "snapshot"


@pytest.fixture(scope="session")
def snapshot_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The frozen copy of the notes (docs/, bib/, config/, mkdocs.yml as they were), built with
    today's code, templates and assets."""
    project = tmp_path_factory.mktemp("snapshot") / "project"
    shutil.copytree(SNAPSHOT, project)
    for shared in ("overrides", "node_modules", "docs/assets"):  # today's templates, styles, scripts
        if (ROOT / shared).exists():
            (project / shared).symlink_to(ROOT / shared, target_is_directory=True)
    site = project / "site"
    result = run_mkdocs_build(project / "mkdocs.yml", site)
    assert result.returncode == 0, f"strict build of the snapshot failed:\n{result.stderr[-4000:]}"
    return site


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests last: Playwright's sync API keeps an event loop running in this thread
    until the session ends, and other tests (the link checker's) call asyncio.run()."""
    items.sort(key=lambda item: "browser" in item.path.parts)
