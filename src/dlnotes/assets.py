"""Front-end files the site serves itself, copied from node_modules into the built site."""

from __future__ import annotations

import shutil
from pathlib import Path

from .problems import Problem

# The parts of MathJax a page needs: the combined component, its fonts, the TeX extensions it
# loads on demand.
MATHJAX_PARTS = ("tex-mml-chtml.js", "output/chtml/fonts/woff-v2", "input/tex/extensions")


def copy_mathjax(source: Path, dest: Path) -> list[Problem]:
    """Copy MathJax's parts from `source` to `dest` (only files that changed)."""
    if not (source / MATHJAX_PARTS[0]).is_file():
        return [Problem(source.as_posix(), None, "MathJax not found: run 'make setup' (installs it from package-lock.json)")]
    for part in MATHJAX_PARTS:
        src, dst = source / part, dest / part
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True, copy_function=_copy_if_changed)
        else:
            dst.parent.mkdir(parents=True, exist_ok=True)
            _copy_if_changed(str(src), str(dst))
    return []


def _copy_if_changed(src: str, dst: str) -> str:
    s, d = Path(src), Path(dst)
    if not d.exists() or d.stat().st_size != s.stat().st_size or d.stat().st_mtime < s.stat().st_mtime:
        shutil.copy2(s, d)
    return dst
