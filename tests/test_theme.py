"""The fixes to the built site's copy of Material's script: they apply to the installed Material,
once, leave a script node can parse, and say so when Material's code is not what they expect."""

from __future__ import annotations

import shutil
import subprocess
from importlib.resources import files
from pathlib import Path

import pytest

from dlnotes.mathtex import _node
from dlnotes.theme import FIXES, patch_theme_script

BUNDLES = sorted(Path(str(files("material") / "templates" / "assets" / "javascripts")).glob("bundle.*.min.js"))


@pytest.fixture
def javascripts(tmp_path: Path) -> Path:
    assert BUNDLES, "Material's bundle not found"
    shutil.copy(BUNDLES[0], tmp_path / BUNDLES[0].name)
    return tmp_path


def test_every_fix_applies_to_the_installed_material_once(javascripts: Path) -> None:
    bundle = javascripts / BUNDLES[0].name
    assert patch_theme_script(javascripts) == []
    patched = bundle.read_text(encoding="utf-8")
    for fix in FIXES:
        for old, new in fix.replacements:
            assert new in patched and old not in patched.replace(new, ""), fix.lost
    assert patch_theme_script(javascripts) == []  # a preview rebuild: nothing patched twice
    assert bundle.read_text(encoding="utf-8") == patched
    node = _node()
    if node is None:
        pytest.skip("no node to parse the patched script")
    checked = subprocess.run([node, "--check", str(bundle)], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stderr


def test_another_material_is_left_alone_with_a_warning_per_fix(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle.0000.min.js"
    bundle.write_text("console.log(1)\n", encoding="utf-8")
    problems = patch_theme_script(tmp_path)
    assert [p.message for p in problems] == [f"theme script changed: {fix.lost}" for fix in FIXES]
    assert all(p.severity == "warning" for p in problems)
    assert bundle.read_text(encoding="utf-8") == "console.log(1)\n"
