"""Building a site with the real mkdocs command line, as `make build` does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MKDOCS = [sys.executable, "-m", "mkdocs"]
# MkDocs and Material print a banner about their successors on every run; colours would garble logs.
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "NO_COLOR": "1"}


def run_mkdocs_build(config: Path, site_dir: Path, strict: bool = True) -> subprocess.CompletedProcess[str]:
    args = [*MKDOCS, "build", "--config-file", str(config), "--site-dir", str(site_dir)]
    args.append("--strict" if strict else "--no-strict")
    return subprocess.run(args, capture_output=True, text=True, env=ENV, cwd=config.parent, timeout=900)


def run_check(site: Path) -> subprocess.CompletedProcess[str]:
    """`dlnotes check` in the site's folder: its problems without building."""
    return subprocess.run(
        [sys.executable, "-m", "dlnotes.cli", "check"], capture_output=True, text=True, env=ENV, cwd=site, timeout=120
    )
