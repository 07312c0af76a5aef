"""The core knows nothing of the site engine: it imports and checks a site with MkDocs and
Material made unimportable (as on an engine that is not MkDocs)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "dlnotes"
MINI = Path(__file__).parent / "fixtures" / "mini"
MKDOCS_LAYER = {"mkdocs_plugin", "mkdocs_config"}  # the modules that import MkDocs

_BLOCK = """
import importlib.abc, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("mkdocs", "material", "mkdocs_bibtex", "properdocs"):
            raise ImportError(f"{name} is blocked: the core must not need it")
sys.meta_path.insert(0, Block())
"""


def core_modules() -> list[str]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC.parent).with_suffix("")
        if rel.name in MKDOCS_LAYER or rel.name == "__main__":
            continue
        found.append(".".join(rel.parts).removesuffix(".__init__"))
    return found


def test_every_core_module_imports_without_the_engine() -> None:
    modules = core_modules()
    assert "dlnotes.site" in modules and "dlnotes.check" in modules
    code = _BLOCK + "import importlib\n" + "".join(f"importlib.import_module({m!r})\n" for m in modules)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]


def test_check_runs_a_whole_site_without_the_engine(tmp_path: Path) -> None:
    site = tmp_path / "mini"
    shutil.copytree(MINI, site)
    code = _BLOCK + "import sys\nfrom dlnotes.cli import main\nsys.argv = ['dlnotes', 'check']\nmain()\n"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=site, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "0 error(s)" in result.stderr
