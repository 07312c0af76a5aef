"""Politeness and robustness against a misbehaving network: timeouts, 429 with Retry-After,
500s, cut connections, no server at all, malformed answers; arXiv's pace between calls."""

from __future__ import annotations

import socket
import time
from pathlib import Path

from tests.addpaper.fake_services import Answer, FakeServices, fixture

REFS = Path("bib") / "references.bib"
ARXIV = "/arxiv/query"


def unchanged(project: Path, before: bytes) -> bool:
    return (project / REFS).read_bytes() == before


def test_a_timeout_is_retried_then_reported_in_one_line(project: Path, add, services: FakeServices) -> None:
    services.route(ARXIV, Answer(delay=1.5), id_list="1706.03762")
    before = (project / REFS).read_bytes()
    started = time.monotonic()
    run = add("1706.03762", env={"DLNOTES_HTTP_TIMEOUT": "0.3", "DLNOTES_HTTP_RETRIES": "1"})
    assert run.code == 1
    assert run.err.startswith("Error: arXiv: no answer from http://127.0.0.1:") and run.err.endswith("timed out\n")
    assert len(services.hits(ARXIV)) == 2  # the try and one retry
    assert time.monotonic() - started < 5
    assert unchanged(project, before)


def test_a_slow_answer_then_a_good_one_succeeds(project: Path, add, services: FakeServices) -> None:
    services.route(ARXIV, Answer(delay=1.0), fixture("arxiv-cs-0112017.xml"), id_list="cs/0112017")
    run = add("cs/0112017", "--no-note", env={"DLNOTES_HTTP_TIMEOUT": "0.3"})
    assert run.code == 0, run.err
    assert "added dushay2001using" in run.out


def test_429_waits_as_long_as_retry_after_says(project: Path, add, services: FakeServices) -> None:
    services.route(
        ARXIV, Answer(429, b"Rate exceeded.", {"Retry-After": "1"}), fixture("arxiv-cs-0112017.xml"), id_list="cs/0112017"
    )
    run = add("cs/0112017", "--no-note")
    assert run.code == 0, run.err
    first, second = services.hits(ARXIV)
    assert second.at - first.at >= 0.95  # Retry-After honoured, though the backoff is 0.01 s


def test_429_for_ever_gives_up_in_one_line(project: Path, add, services: FakeServices) -> None:
    services.route("/crossref/works/10.1162/neco.1997.9.8.1735", Answer(429, b"", {"Retry-After": "0"}))
    before = (project / REFS).read_bytes()
    run = add("10.1162/neco.1997.9.8.1735")
    assert run.code == 1
    url = f"{services.base}/crossref/works/10.1162/neco.1997.9.8.1735?mailto=notes%40example.org"
    assert run.err == f"Error: Crossref: {url} answered 429 Too Many Requests\n"
    assert len(services.hits("/crossref/")) == 3  # DLNOTES_HTTP_RETRIES=2
    assert unchanged(project, before)


def test_500_is_retried_with_backoff(project: Path, add, services: FakeServices) -> None:
    services.route("/acl/P18-1031.bib", Answer(500, b"oops"), Answer(503, b"busy"), fixture("acl-P18-1031.bib"))
    run = add("https://aclanthology.org/P18-1031/", "--no-note", env={"DLNOTES_HTTP_BACKOFF": "0.2"})
    assert run.code == 0, run.err
    times = [s.at for s in services.hits("/acl/")]
    assert len(times) == 3
    # Exponential with full jitter: waits are at most 0.2*2 and 0.2*4 s; together clearly more than nothing.
    assert 0 < times[2] - times[0] < 2


def test_a_cut_connection_is_retried(project: Path, add, services: FakeServices) -> None:
    services.route("/openreview/notes", Answer(cut=True), fixture("openreview-2dnO3LLiJ1.json"), id="2dnO3LLiJ1")
    run = add("https://openreview.net/forum?id=2dnO3LLiJ1", "--no-note")
    assert run.code == 0, run.err
    assert len(services.hits("/openreview/")) == 2


def test_a_connection_cut_every_time_is_one_line(project: Path, add, services: FakeServices) -> None:
    services.route("/dblp/rec/conf/cvpr/HuangLMW17.bib", Answer(cut=True))
    before = (project / REFS).read_bytes()
    run = add("https://dblp.org/rec/conf/cvpr/HuangLMW17", "--no-note")
    assert run.code == 1
    assert run.err.startswith("Error: DBLP: no answer from") and run.err.endswith("the connection was cut\n")
    assert unchanged(project, before)


def test_no_network_is_one_line(project: Path, add) -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    before = (project / REFS).read_bytes()
    run = add("1706.03762", env={"DLNOTES_ARXIV_API": f"http://127.0.0.1:{port}/api", "DLNOTES_HTTP_RETRIES": "1"})
    assert run.code == 1
    url = f"http://127.0.0.1:{port}/api/query?id_list=1706.03762&max_results=1"
    assert run.err == f"Error: arXiv: no answer from {url}: cannot connect (no network?)\n"
    assert unchanged(project, before)


def test_malformed_answers_are_one_line_and_not_cached(project: Path, add, services: FakeServices) -> None:
    cases = [
        (
            "1706.03762",
            ARXIV,
            {"id_list": "1706.03762"},
            Answer(200, b"<html><body>maintenance</body></html>"),
            "arXiv: unreadable answer",
        ),
        ("1706.03762", ARXIV, {"id_list": "1706.03762"}, Answer(200, b"Rate exceeded."), "Rate exceeded"),
        (
            "10.1162/neco.1997.9.8.1735",
            "/crossref/works/10.1162/neco.1997.9.8.1735",
            {},
            Answer(200, b'{"status": "ok", "message'),
            "Crossref: unreadable answer",
        ),
        (
            "10.1162/neco.1997.9.8.1735",
            "/crossref/works/10.1162/neco.1997.9.8.1735",
            {},
            Answer(200, b'{"status": "ok", "message-type": "work", "message": {}}'),
            "the work has no title",
        ),
        (
            "https://aclanthology.org/P18-1031",
            "/acl/P18-1031.bib",
            {},
            Answer(200, b"@inproceedings{x, title = {unclosed"),
            "ACL Anthology: unreadable answer",
        ),
        (
            "https://openreview.net/forum?id=2dnO3LLiJ1",
            "/openreview/notes",
            {"id": "2dnO3LLiJ1"},
            Answer(200, b'{"error": "nope"}'),
            "no notes in the answer",
        ),
    ]
    before = (project / REFS).read_bytes()
    for paper, path, query, answer, says in cases:
        services.route(path, answer, **query)
        run = add(paper)
        assert run.code == 1, paper
        assert says in run.err and run.err.count("\n") == 1, run.err
    assert unchanged(project, before)
    assert not list((project / ".cache" / "dlnotes" / "addpaper").glob("*.json"))


def test_arxiv_calls_are_spaced_also_across_runs(project: Path, add, services: FakeServices) -> None:
    pace = {"DLNOTES_ARXIV_DELAY": "0.8"}
    assert add("cs/0112017", "--no-note", env=pace).code == 0
    assert add("2109.00301", "--no-note", env=pace).code == 0
    first, second = services.hits(ARXIV)
    assert second.at - first.at >= 0.8  # counted from the end of the first call


def test_the_default_pace_is_three_seconds() -> None:
    from dlnotes.addpaper.config import Settings, settings_from

    assert Settings().arxiv_delay == 3.0
    assert settings_from({}, Path("/nonexistent")).arxiv_delay == 3.0


def test_when_the_published_version_cannot_be_looked_up_the_preprint_is_added_with_a_warning(
    project: Path, add, services: FakeServices
) -> None:
    services.route("/dblp/search/publ/api", Answer(500, b"down"))
    run = add("1706.03762", "--no-note")
    assert run.code == 0
    assert run.err.startswith("warning: published version not looked up: DBLP: ") and run.err.count("\n") == 1
    assert "@article{vaswani2017attention," in run.out and "arXiv preprint arXiv:1706.03762" in run.out
