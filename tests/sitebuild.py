"""Building a site with the real mkdocs command line, as `make build` does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MKDOCS = [sys.executable, "-m", "mkdocs"]


def run_mkdocs_build(config: Path, site_dir: Path, strict: bool = True) -> subprocess.CompletedProcess[str]:
    args = [*MKDOCS, "build", "--config-file", str(config), "--site-dir", str(site_dir)]
    args.append("--strict" if strict else "--no-strict")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "NO_COLOR": "1"}
    return subprocess.run(args, capture_output=True, text=True, env=env, cwd=config.parent, timeout=600)


def run_check(site: Path) -> subprocess.CompletedProcess[str]:
    """`dlnotes check` in the site's folder: its problems without building."""
    return subprocess.run([sys.executable, "-m", "dlnotes.cli", "check"], capture_output=True, text=True,
                          cwd=site, timeout=120)
