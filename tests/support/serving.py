"""Serving a site on a free local port: `mkdocs serve` as `make serve` runs it, or the built files.

Both are context managers that stop what they started. Polling helpers wait for a page to
show something (a saved edit, a rebuilt title) without sleeping longer than needed.
"""

from __future__ import annotations

import functools
import http.server
import re
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .sitebuild import ENV, MKDOCS


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(url: str, timeout: float = 5.0) -> str | None:
    """The page's text, or None while the server does not answer (starting, rebuilding)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return str(response.read().decode("utf-8", errors="replace"))
    except OSError:
        return None


def wait_until(condition: Callable[[], bool], timeout: float = 30.0, poll: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(poll)
    return False


@dataclass
class Served:
    base: str  # http://127.0.0.1:PORT/
    process: subprocess.Popen[str]
    output: list[str] = field(default_factory=list)  # what mkdocs printed so far, line by line

    def log(self) -> str:
        return "".join(self.output)


@contextmanager
def mkdocs_serve(config: Path, *, dirty: bool) -> Iterator[Served]:
    """`mkdocs serve --no-strict` (with `--dirty`: `make serve`; without: `make serve-full`),
    served at the root as `make serve` does (SITE_URL)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    args = [*MKDOCS, "serve", "--config-file", str(config), "--dev-addr", f"127.0.0.1:{port}", "--no-strict"]
    if dirty:
        args.append("--dirty")
    process = subprocess.Popen(
        args, cwd=config.parent, env={**ENV, "SITE_URL": base}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    served = Served(base, process)
    assert process.stdout is not None
    stdout = process.stdout
    threading.Thread(target=lambda: served.output.extend(iter(stdout.readline, "")), daemon=True).start()
    try:
        yield served
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class _StaticHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, quietly; optionally a Cache-Control header, and sitemap.xml with the site's
    public address replaced by this server's.

    Material's instant navigation only takes over links to pages listed in sitemap.xml, whose
    absolute URLs are the published ones (site_url). On GitHub Pages they match the address
    bar; on a local port they do not, and every click would be a full page load. `mkdocs serve`
    does the same by resetting site_url.
    """

    base_url = ""
    cache_seconds: int | None = None

    def do_GET(self) -> None:
        if self.path.split("?")[0] != "/sitemap.xml":
            return super().do_GET()
        text = (Path(self.directory) / "sitemap.xml").read_text(encoding="utf-8")
        locs = re.findall(r"<loc>([^<]+)</loc>", text)
        body = (text.replace(min(locs, key=len), self.base_url) if locs else text).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def end_headers(self) -> None:
        if self.cache_seconds is not None:
            self.send_header("Cache-Control", f"max-age={self.cache_seconds}")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        pass


@contextmanager
def serve_files(directory: Path, cache_seconds: int | None = None) -> Iterator[str]:
    """A built site served as GitHub Pages would (static files); yields its base URL."""

    class Handler(_StaticHandler):  # this server's own settings
        pass

    Handler.cache_seconds = cache_seconds
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(directory)))
    server.daemon_threads = True
    Handler.base_url = f"http://127.0.0.1:{server.server_port}/"
    threading.Thread(target=server.serve_forever, name="site-server", daemon=True).start()
    try:
        yield Handler.base_url
    finally:
        server.shutdown()
        server.server_close()
