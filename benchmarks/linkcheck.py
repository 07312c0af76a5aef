"""Our link checker against lychee (the reference) on the same generated corpus, in one run.

    python -m benchmarks.linkcheck [--urls 300] [--servers 3] [--seed 4]

Generates Markdown notes and a BibTeX file whose links point at three local servers (each
reached as 127.0.0.1 and as localhost: six "hosts") that add 50-200 ms of latency per request,
then runs both checkers, prints their wall times and how often they agree on ok/broken per URL,
listing the disagreements. Needs lychee from the `bench` extra (`make setup-dev`). Local only.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PDF = b"%PDF-1.5\n" + b"0" * 8000
HTML = b"<!doctype html><title>page</title><p>content</p>"

# (share of the corpus, path prefix, what a correct checker says: ok or broken)
MIX = [
    (0.55, "page", "ok"),
    (0.10, "missing", "broken"),
    (0.08, "moved", "ok"),  # 301 to a page: "redirected" for us, which is not broken
    (0.05, "temp", "ok"),  # 302 to a page
    (0.12, "paper", "ok"),  # /paper/N.pdf
    (0.04, "fake", "broken"),  # /fake/N.pdf serves HTML where a PDF is promised: only we notice
    (0.03, "gone", "broken"),  # 410
    (0.03, "error", "broken"),  # 500
]


def make_handler(rng_lock: threading.Lock, rng: random.Random) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def reply(self, code: int, body: bytes = b"", ctype: str = "text/html", extra: dict[str, str] | None = None) -> None:
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def do_GET(self) -> None:
            with rng_lock:
                delay = rng.uniform(0.05, 0.2)
            time.sleep(delay)
            kind = self.path.strip("/").split("/")[0]
            if kind == "page":
                self.reply(200, HTML)
            elif kind == "moved":
                self.reply(301, extra={"Location": self.path.replace("/moved/", "/page/")})
            elif kind == "temp":
                self.reply(302, extra={"Location": self.path.replace("/temp/", "/page/")})
            elif kind == "paper":
                self.reply(200, PDF, "application/pdf")
            elif kind == "fake":
                self.reply(200, HTML)
            elif kind == "gone":
                self.reply(410, b"gone")
            elif kind == "error":
                self.reply(500, b"oops")
            else:
                self.reply(404, b"not found")

        do_HEAD = do_GET

    return Handler


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients closing kept-alive connections are not news


def start_servers(count: int, seed: int) -> list[_QuietServer]:
    servers = []
    for i in range(count):
        server = _QuietServer(("127.0.0.1", 0), make_handler(threading.Lock(), random.Random(seed + i)))
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    return servers


def build_corpus(folder: Path, ports: list[int], total: int, seed: int) -> dict[str, str]:
    """Writes notes and a bib file; returns {url: expected verdict (ok/broken)}."""
    rng = random.Random(seed)
    origins = [f"http://{host}:{port}" for port in ports for host in ("127.0.0.1", "localhost")]
    expected: dict[str, str] = {}
    for share, prefix, verdict in MIX:
        for _ in range(round(share * total)):
            n = len(expected)
            suffix = ".pdf" if prefix in ("paper", "fake") else ""
            url = f"{rng.choice(origins)}/{prefix}/{n}{suffix}"
            expected[url] = verdict
    urls = list(expected)
    rng.shuffle(urls)
    in_bib = urls[: len(urls) // 3]
    in_md = urls[len(urls) // 3 :]
    (folder / "docs").mkdir()
    for i in range(0, len(in_md), 20):
        lines = [f"# Note {i // 20}", ""]
        for j, url in enumerate(in_md[i : i + 20]):
            lines.append(f"- [Paper {j}]({url})" if j % 3 else f"- Bare link {url} in prose")
        (folder / "docs" / f"note{i // 20:02}.md").write_text("\n".join(lines) + "\n")
    (folder / "bib").mkdir()
    entries = [f"@misc{{ref{i},\n  title = {{Reference {i}}},\n  url = {{{url}}},\n}}\n" for i, url in enumerate(in_bib)]
    (folder / "bib" / "refs.bib").write_text("\n".join(entries))
    return expected


def run_ours(corpus: Path, out: Path, extra: list[str]) -> tuple[float, dict[str, str], int]:
    cmd = [sys.executable, "-m", "dlnotes.cli", "linkcheck", "docs", "bib", "--format", "json", "--output", str(out),
           "--no-cache", "--force", "--ignore-file", "/dev/null", *extra]  # fmt: skip
    started = time.monotonic()
    code = subprocess.run(cmd, cwd=corpus).returncode
    elapsed = time.monotonic() - started
    data = json.loads(out.read_text())
    verdicts = {r["url"]: ("broken" if r["status"] == "broken" else "ok") for r in data["results"]}
    return elapsed, verdicts, code


def run_lychee(lychee: str, corpus: Path, out: Path, extra: list[str]) -> tuple[float, dict[str, str], int]:
    files = sorted(str(p.relative_to(corpus)) for p in corpus.rglob("*") if p.suffix in (".md", ".bib"))
    cmd = [lychee, "--no-progress", "--format", "json", "--output", str(out), "--verbose", *extra, *files]
    started = time.monotonic()
    code = subprocess.run(cmd, cwd=corpus, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    elapsed = time.monotonic() - started
    data = json.loads(out.read_text())
    verdicts: dict[str, str] = {}
    # redirect_map only repeats success_map entries (by origin), so it is not read.
    for section, verdict in (("success_map", "ok"), ("excluded_map", "ok"), ("error_map", "broken"), ("timeout_map", "broken")):
        for items in (data.get(section) or {}).values():
            for item in items:
                if "url" in item:
                    verdicts[item["url"]] = verdict
    return elapsed, verdicts, code


def agreement(a: dict[str, str], b: dict[str, str]) -> tuple[float, list[str], int]:
    common = sorted(set(a) & set(b))
    diff = [u for u in common if a[u] != b[u]]
    return (100.0 * (len(common) - len(diff)) / len(common) if common else 0.0), diff, len(common)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dlnotes bench linkcheck", description=__doc__.split("\n\n")[0])
    parser.add_argument("--urls", type=int, default=300)
    parser.add_argument("--servers", type=int, default=3)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args(argv)

    lychee = shutil.which("lychee", path=str(Path(sys.executable).parent)) or shutil.which("lychee")
    servers = start_servers(args.servers, args.seed)
    with tempfile.TemporaryDirectory(prefix="bench-linkcheck-") as tmp:
        corpus = Path(tmp)
        expected = build_corpus(corpus, [s.server_address[1] for s in servers], args.urls, args.seed)
        print(f"corpus: {len(expected)} distinct URLs ({len(expected) // 3} in BibTeX), {args.servers} servers x "
              f"2 host names, 50-200 ms latency per request")  # fmt: skip
        runs: list[tuple[str, float, dict[str, str], int]] = []
        for label, extra in (("ours (defaults: --host-concurrency 2)", []),
                             ("ours --host-concurrency 10", ["--host-concurrency", "10"])):  # fmt: skip
            runs.append((label, *run_ours(corpus, corpus / "ours.json", extra)))
        if lychee:
            version = subprocess.run([lychee, "--version"], capture_output=True, text=True).stdout.strip()
            for label, extra in ((f"{version} (defaults)", []),
                                 (f"{version} --host-concurrency 2", ["--host-concurrency", "2"]),
                                 (f"{version} --host-request-interval 0ms", ["--host-request-interval", "0ms"])):  # fmt: skip
                try:
                    runs.append((label, *run_lychee(lychee, corpus, corpus / "lychee.json", extra)))
                except (OSError, ValueError) as exc:
                    print(f"lychee failed: {type(exc).__name__}: {exc}")
        else:
            print("lychee not found: install the bench extra (make setup-dev)")
        for s in servers:
            s.shutdown()

    print()
    print("(host concurrency limits count host names, all ports together; lychee also waits 50 ms between")
    print(" requests to a host by default)")
    print(f"{'checker':45} {'wall s':>7} {'exit':>4} {'URLs':>5} {'broken':>6} {'vs expected':>11}")
    for label, elapsed, verdicts, code in runs:
        pct, _, _ = agreement(verdicts, expected)
        broken = sum(v == "broken" for v in verdicts.values())
        print(f"{label:45} {elapsed:7.2f} {code:4} {len(verdicts):5} {broken:6} {pct:10.1f}%")
    ours = runs[0][2]
    for label, _, verdicts, _ in runs[2:3]:  # the other lychee runs give the same verdicts
        pct, diff, common = agreement(ours, verdicts)
        print(f"\nok/broken agreement, ours vs {label}: {pct:.1f}% of {common} URLs found by both")
        only_ours, only_them = sorted(set(ours) - set(verdicts)), sorted(set(verdicts) - set(ours))
        if only_ours or only_them:
            print(f"  found only by ours: {len(only_ours)}, only by lychee: {len(only_them)}")
        for url in diff:
            print(f"  disagree: {url}: ours {ours[url]}, lychee {verdicts[url]} (expected {expected.get(url, '?')})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
