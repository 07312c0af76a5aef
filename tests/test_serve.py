"""`mkdocs serve` as `make serve` runs it (--dirty --no-strict): reports a mistake, keeps serving,
recovers; rebuilds only the saved page, but every page when something other pages show changed."""

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


def _serve(site: Path) -> tuple[subprocess.Popen[str], list[str], str]:
    port = _free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "NO_COLOR": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dirty", "--no-strict", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=site, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    output: list[str] = []
    threading.Thread(target=lambda: output.extend(iter(server.stdout.readline, "")), daemon=True).start()
    return server, output, f"http://127.0.0.1:{port}/"


def test_serve_shows_the_error_keeps_serving_and_recovers(tmp_path: Path) -> None:
    site = tmp_path / "mini"
    shutil.copytree(MINI, site)
    server, output, base = _serve(site)
    note_url = base + "note/"
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


def test_a_saved_title_reaches_the_other_pages_and_a_body_edit_rebuilds_one_page(tmp_path: Path) -> None:
    site = tmp_path / "mini"
    shutil.copytree(MINI, site)
    server, output, base = _serve(site)
    try:
        assert _wait_for(lambda: "Smith 2020" in (_get(base) or "")), "".join(output)
        note = site / "docs" / "note.md"
        text = note.read_text(encoding="utf-8")
        note.write_text(text.replace("Last paragraph", "Edited last paragraph"), encoding="utf-8")
        assert _wait_for(lambda: "Edited last paragraph" in (_get(base + "note/") or ""))
        assert not any("rebuilding every page" in line for line in output), "a body edit rebuilt every page"
        # The title is in every page's navigation: the home page must show the new one.
        note.write_text(text.replace("# Smith 2020", "# Smith 2020 revised"), encoding="utf-8")
        assert _wait_for(lambda: "Smith 2020 revised" in (_get(base) or "")), "".join(output)
        assert any("rebuilding every page" in line for line in output)
    finally:
        server.terminate()
        server.wait(timeout=10)
