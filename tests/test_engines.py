"""The site builds the same on ProperDocs, the maintained drop-in fork of MkDocs 1.x.

MkDocs 1.6.1 is its last 1.x release; if the site has to move, ProperDocs is the nearest engine.
Every file of the two builds is compared byte for byte, the generator meta tag aside.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.support.sitebuild import ROOT

_GENERATOR = re.compile(rb'<meta name="generator" content="[^"]*">')


def test_properdocs_builds_every_page_as_mkdocs_does(built_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "properdocs"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "NO_COLOR": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "properdocs", "build", "--strict", "--site-dir", str(out)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    ours = sorted(p.relative_to(built_site) for p in built_site.rglob("*") if p.is_file())
    theirs = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    assert ours == theirs
    pages = [p for p in ours if p.suffix == ".html"]
    assert len(pages) >= 10
    for name in ours:
        a, b = (built_site / name).read_bytes(), (out / name).read_bytes()
        if name.suffix == ".html":
            a, b = _GENERATOR.sub(b"", a), _GENERATOR.sub(b"", b)
        elif name.suffix == ".gz":  # sitemap.xml.gz: gzip headers carry a time
            continue
        assert a == b, f"{name} differs between MkDocs and ProperDocs"
