"""The command line: exit codes, reports, cache, exclusions, offline mode, remapping."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dlnotes.linkcheck.check import Verdict
from dlnotes.linkcheck.cli import main
from dlnotes.linkcheck.extract import Occurrence
from dlnotes.linkcheck.report import Result, to_markdown
from tests.linkcheck.linkcheck_server import LocalServer, page

ROOT = Path(__file__).resolve().parents[2]


def test_exit_0_when_nothing_is_broken(server: LocalServer, run_cli) -> None:
    url = server.route("/ok", page())
    run = run_cli(f"[a]({url})\n")
    assert run.code == 0 and run.stderr == ""  # no progress bar when stderr is not a terminal


def test_json_report_has_exactly_the_documented_fields(server: LocalServer, run_cli) -> None:
    url = server.route("/ok", page())
    report = run_cli(f"[a]({url})\n").report
    assert set(report) == {"summary", "results"}
    assert set(report["summary"]) == {"total", "ok", "redirected", "broken", "unverified", "excluded"}
    (result,) = report["results"]
    assert set(result) == {"url", "kind", "status", "code", "final_url", "message", "sources"}
    assert set(result["sources"][0]) == {"file", "line"}


def test_one_result_per_url_across_markdown_and_bib(server: LocalServer, run_cli) -> None:
    url = server.route("/paper.pdf", page())
    run = run_cli(f"# x\n\n[pdf]({url})\n", bib=f"@misc{{k,\n  url = {{{url}}}\n}}\n")
    r = run.result(url)
    assert [(Path(s["file"]).name, s["line"]) for s in r["sources"]] == [("note.md", 3), ("refs.bib", 2)]
    assert server.hits("/paper.pdf") == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "yaml"], "is not one of"),
        (["--timeout", "0"], "--timeout"),
        (["--max-concurrency", "0"], "--max-concurrency"),
        (["--max-cache-age", "soon"], "bad duration"),
        (["--remap", "([ x"], "bad regex"),
        (["--exclude", "("], "bad regex"),
        (["does/not/exist"], "does/not/exist: no such file or folder"),
    ],
)
def test_usage_errors_exit_2_with_one_line(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_input_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.bib"
    bad.write_text("@article{a,\n  title = {x},\n  url = {https://x.org}\n\n@misc{b, title = {y}}\n")
    assert main([str(bad), "--offline"]) == 2
    assert (
        capsys.readouterr().err == f"linkcheck: error: {bad.as_posix()}:1: entry 'a': entry is not closed: add the final '}}'\n"
    )
    binary = tmp_path / "binary.md"
    binary.write_bytes(b"\xff\xfe\x00bad")
    assert main([str(binary), "--offline"]) == 2
    assert "not UTF-8" in capsys.readouterr().err
    other = tmp_path / "notes.txt"
    other.write_text("x")
    assert main([str(other), "--offline"]) == 2
    assert "not a Markdown (.md) or BibTeX (.bib) file" in capsys.readouterr().err


def test_script_entry_point_and_help() -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([sys.executable, "-m", "dlnotes.cli", "linkcheck", "--help"], capture_output=True, text=True, env=env)
    assert done.returncode == 0
    for option in ("--format", "--remap", "--max-cache-age", "--host-concurrency", "--offline", ".linkcheckignore"):
        assert option in done.stdout
    done = subprocess.run([sys.executable, "-m", "dlnotes.cli", "linkcheck", "/nope"], capture_output=True, text=True)
    assert done.returncode == 2 and done.stderr == "linkcheck: error: /nope: no such file or folder\n"


def test_linkcheck_package_does_not_import_mkdocs() -> None:
    code = "import sys, dlnotes.linkcheck.cli; sys.exit('mkdocs' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_offline_makes_no_request(server: LocalServer, run_cli) -> None:
    url = server.route("/ok", page())
    run = run_cli(f"[a]({url}) [b](https://exa mple.com)\n<a href='https://exa mple.com'>b</a>\n", "--offline")
    assert server.requests == []
    assert run.result(url)["status"] == "unverified"
    assert run.result("https://exa mple.com")["status"] == "broken"  # invalid even without a network
    assert run.code == 1


def test_exclude_and_ignore_file(server: LocalServer, run_cli, tmp_path: Path) -> None:
    a, b, c = server.url("/a"), server.url("/skip/b"), server.url("/private/c")
    ignore = tmp_path / "ignore"
    ignore.write_text("# local mirrors\n\n/private/\n")
    run = run_cli(f"{a} {b} {c}\n", "--exclude", "/skip/", "--ignore-file", str(ignore))
    assert run.result(b)["status"] == "excluded" and run.result(c)["status"] == "excluded"
    assert run.result(a)["status"] == "broken"
    assert {r.path for r in server.requests} == {"/a"}
    assert run.report["summary"]["excluded"] == 2


def test_remap_rewrites_urls_before_requesting(server: LocalServer, run_cli) -> None:
    server.route("/mirror/paper", page())
    run = run_cli("See https://papers.example.org/paper\n", "--remap", rf"^https://papers\.example\.org {server.url('/mirror')}")
    r = run.result("https://papers.example.org/paper")
    assert r["status"] == "ok"
    assert server.hits("/mirror/paper") == 1


def test_second_run_uses_the_cache(server: LocalServer, run_cli, tmp_path: Path) -> None:
    server.delay = 0.05
    oks = [server.route(f"/c/{i}", page()) for i in range(6)]
    moved = server.route("/moved", page(301, b"", {"Location": "/c/0"}))
    broken = server.url("/missing")
    text = "\n\n".join([*oks, moved, broken]) + "\n"
    first = run_cli(text, cache=True)
    assert first.code == 1
    assert len(server.requests) == 9  # 6 pages, the redirect and its target, the 404
    cache = json.loads((tmp_path / "cache.json").read_text())
    assert broken not in cache["entries"] and moved in cache["entries"]

    server.requests.clear()
    started = time.monotonic()
    second = run_cli(text, cache=True)
    assert time.monotonic() - started < 1.5
    assert [r.path for r in server.requests] == ["/missing"]  # only failures are asked again
    assert second.result(oks[0])["status"] == "ok" and "cached" in second.result(oks[0])["message"]
    assert second.result(moved)["status"] == "redirected"

    server.requests.clear()
    run_cli(text, "--max-cache-age", "0s", cache=True)  # expired: everything again
    assert len(server.requests) == 9


def test_corrupt_cache_is_ignored_with_a_warning(server: LocalServer, run_cli, tmp_path: Path) -> None:
    url = server.route("/ok", page())
    (tmp_path / "cache.json").write_text("{ not json")
    run = run_cli(f"{url}\n", cache=True)
    assert run.code == 0 and run.result(url)["status"] == "ok"
    assert "warning" in run.stderr and "corrupt" in run.stderr
    assert url in json.loads((tmp_path / "cache.json").read_text())["entries"]  # rewritten whole
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_text_and_markdown_reports(server: LocalServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    note = tmp_path / "n.md"
    note.write_text(f"[x]({server.url('/gone')})\n")
    quiet = ["--no-cache", "--max-retries", "0", "--ignore-file", str(tmp_path / "none")]
    assert main([str(note), *quiet]) == 1
    out = capsys.readouterr().out
    assert f"BROKEN     {server.url('/gone')} 404" in out and f"in {note.as_posix()}:1" in out
    assert out.rstrip().endswith("1 URLs: 0 ok, 0 redirected, 1 broken, 0 unverified, 0 excluded")
    note.write_text(f"[x]({server.url('/gone')})\n[y]({server.route('/fine', page())})\n")
    assert main([str(note), *quiet]) == 1
    assert "/fine" not in capsys.readouterr().out  # ok links only with --verbose
    assert main([str(note), *quiet, "--verbose"]) == 1
    assert f"OK         {server.url('/fine')} 200" in capsys.readouterr().out
    md = tmp_path / "r.md"
    assert main([str(note), *quiet, "--format", "markdown", "--output", str(md)]) == 1
    table = md.read_text()
    assert "| broken | " + server.url("/gone") + " | other | 404 |" in table


def test_markdown_report_escapes_pipes() -> None:
    result = Result(
        "https://x.org/a|b",
        "other",
        Verdict("broken", 404, None, "HTTP 404 | gone"),
        [Occurrence("https://x.org/a|b", "d.md", 3)],
    )
    rows = [line for line in to_markdown([result]).splitlines() if line.startswith("| broken")]
    assert rows == ["| broken | https://x.org/a\\|b | other | 404 | HTTP 404 \\| gone |  | d.md:3 |"]


def test_remap_also_applies_to_redirect_targets(server: LocalServer, run_cli) -> None:
    server.route("/mirror/new", page())
    start = server.route("/start", page(301, b"", {"Location": "https://papers.example.org/new"}))
    run = run_cli(f"{start}\n", "--remap", rf"^https://papers\.example\.org {server.url('/mirror')}")
    r = run.result(start)
    assert (r["status"], r["final_url"]) == ("redirected", server.url("/mirror/new"))
    assert server.hits("/mirror/new") == 1


def test_progress_bar_only_on_a_terminal() -> None:
    import io

    from dlnotes.linkcheck.cli import progress_bar

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty, pipe = Tty(), io.StringIO()
    for stream in (tty, pipe):
        with progress_bar(3, stream) as bar:
            for _ in range(3):
                bar.update(1)
    assert "3/3" in tty.getvalue() and "linkcheck" in tty.getvalue()
    assert pipe.getvalue() == ""


@pytest.mark.parametrize(
    ("text", "seconds"), [("30s", 30), ("10m", 600), ("12h", 43200), ("1d", 86400), ("2w", 1209600), ("45", 45)]
)
def test_durations(text: str, seconds: float) -> None:
    from dlnotes.linkcheck.cache import parse_duration

    assert parse_duration(text) == seconds


def test_output_never_replaces_an_existing_file_without_force(tmp_path: Path) -> None:
    note = tmp_path / "note.md"
    note.write_text("See <https://example.org/a>.\n", encoding="utf-8")
    report = tmp_path / "report.md"
    report.write_text("my own notes\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "dlnotes.cli", "linkcheck", "--offline", "--no-cache", "--output", str(report), str(note)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert done.stderr.strip().endswith("exists; choose another file or add --force to replace it")
    assert report.read_text(encoding="utf-8") == "my own notes\n"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "dlnotes.cli",
            "linkcheck",
            "--offline",
            "--no-cache",
            "--force",
            "--output",
            str(report),
            str(note),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and "example.org/a" in report.read_text(encoding="utf-8")
