"""`mkdocs serve` (as `make serve` runs it) reports a mistake, keeps serving, and recovers."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

MINI = Path(__file__).parent / "fixtures" / "mini"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def _wait_for(condition, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_serve_shows_the_error_keeps_serving_and_recovers(tmp_path: Path) -> None:
    site = tmp_path / "mini"
    shutil.copytree(MINI, site)
    port = _free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "NO_COLOR": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--no-strict", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=site, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.extend(iter(server.stdout.readline, "")), daemon=True)
    reader.start()
    note_url = f"http://127.0.0.1:{port}/note/"
    try:
        assert _wait_for(lambda: (_get(note_url) or "").find("Last paragraph of the note.") != -1), "".join(output)
        note = site / "docs" / "note.md"
        good = note.read_text(encoding="utf-8")
        note.write_text(good.replace("[@smith2020deep]", "[@smith2020dep]"), encoding="utf-8")
        assert _wait_for(lambda: any("docs/note.md:11: unknown citation key 'smith2020dep'" in line for line in output)), "".join(output)
        assert _wait_for(lambda: "[@smith2020dep]" in (_get(note_url) or "")), "the page with the mistake is not served"
        assert server.poll() is None, "serve stopped on an author mistake"
        note.write_text(good.replace("Last paragraph", "Fixed last paragraph"), encoding="utf-8")
        assert _wait_for(lambda: "Fixed last paragraph of the note." in (_get(note_url) or "")), "did not recover"
        assert "fn:smith2020deep" in (_get(note_url) or "")
        assert not any("Traceback" in line for line in output), "".join(output)
    finally:
        server.terminate()
        server.wait(timeout=10)
