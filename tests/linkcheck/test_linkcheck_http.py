"""Verdicts against a local server that behaves well, badly and maliciously."""

from __future__ import annotations

import asyncio
import socket
import time

from dlnotes.linkcheck.check import Checker, CheckOptions
from tests.linkcheck.linkcheck_server import HTML, PDF, LocalServer, Reply, Request, gzipped, page, pdf, redirect, sequence


def note(*urls: str) -> str:
    return "".join(f"- [link {i}]({u})\n" for i, u in enumerate(urls, 1))


def test_ok_and_not_found_with_sources(server: LocalServer, run_cli) -> None:
    ok = server.route("/ok", page())
    gone = server.route("/gone", page(410))
    missing = server.url("/missing")
    run = run_cli(note(ok, missing, gone, ok))
    assert run.code == 1
    r = run.result(ok)
    assert (r["status"], r["code"], r["kind"], r["final_url"]) == ("ok", 200, "other", None)
    assert [(s["file"].rsplit("/", 1)[-1], s["line"]) for s in r["sources"]] == [("note.md", 1), ("note.md", 4)]
    assert (run.result(missing)["status"], run.result(missing)["code"]) == ("broken", 404)
    assert "404" in run.result(missing)["message"]
    assert (run.result(gone)["status"], run.result(gone)["code"]) == ("broken", 410)
    assert run.report["summary"] == {"total": 3, "ok": 1, "redirected": 0, "broken": 2, "unverified": 0, "excluded": 0}


def test_pdf_is_fetched_with_a_range_and_checked(server: LocalServer, run_cli) -> None:
    good = server.route("/paper.pdf", pdf())
    fake = server.route("/fake.pdf", page())
    run = run_cli(note(good, fake))
    assert run.result(good)["status"] == "ok" and run.result(good)["kind"] == "pdf"
    assert run.result(fake)["status"] == "broken"
    assert run.result(fake)["message"] == "not a PDF: text/html"
    ranges = {r.headers.get("range") for r in server.requests if r.path == "/paper.pdf"}
    assert ranges == {"bytes=0-1023"}
    assert server.bytes_sent["/paper.pdf"] == 1024


def test_bib_pdf_field_makes_a_pdf_check(server: LocalServer, run_cli) -> None:
    landing = server.route("/landing", page())
    run = run_cli(None, bib=f"@article{{k,\n  title = {{T}},\n  pdf = {{{landing}}},\n}}\n")
    r = run.result(landing)
    assert (r["kind"], r["status"], r["message"]) == ("pdf", "broken", "not a PDF: text/html")
    assert r["sources"][0]["line"] == 3 and r["sources"][0]["file"].endswith("refs.bib")


def test_huge_pdf_ignoring_range_is_not_downloaded(server: LocalServer) -> None:
    size = 40 * 1024 * 1024

    async def huge(req: Request, reply: Reply) -> None:
        sock = reply.writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 32 * 1024)  # so bytes_sent means something
        await reply.head(200, {"Content-Type": "application/pdf", "Content-Length": str(size)})
        chunk = b"%PDF-1.7\n" + b"x" * (16 * 1024 - 9)
        for _ in range(size // len(chunk)):
            await reply.body(chunk)
            chunk = b"x" * len(chunk)

    url = server.route("/huge.pdf", huge)

    async def go() -> tuple[str, int]:
        async with Checker(CheckOptions(timeout=5, max_retries=0)) as checker:
            verdict = await checker.check(url, "pdf")
            return verdict.status, checker.stats.bytes_downloaded

    started = time.monotonic()
    status, downloaded = asyncio.run(go())
    assert status == "ok"
    assert downloaded <= 128 * 1024, downloaded  # httpcore reads at most 64 KiB at a time
    assert time.monotonic() - started < 3
    time.sleep(0.2)
    assert server.bytes_sent["/huge.pdf"] < size // 4  # the server was cut off early


def test_permanent_redirect_is_reported_with_final_url(server: LocalServer, run_cli) -> None:
    target = server.route("/new", page())
    moved = server.route("/old", redirect(301, "/new"))
    moved308 = server.route("/old308", redirect(308, target))
    run = run_cli(note(moved, moved308))
    assert run.code == 0
    for url, code in ((moved, 301), (moved308, 308)):
        r = run.result(url)
        assert (r["status"], r["code"], r["final_url"]) == ("redirected", code, target)


def test_temporary_redirect_takes_the_verdict_of_the_target(server: LocalServer, run_cli) -> None:
    server.route("/target", page())
    server.route("/broken-target", page(404))
    temp = server.route("/temp", redirect(302, "/target"))
    temp_bad = server.route("/temp-bad", redirect(307, "/broken-target"))
    run = run_cli(note(temp, temp_bad))
    assert run.result(temp)["status"] == "ok"
    assert run.result(temp)["final_url"] == server.url("/target")
    bad = run.result(temp_bad)
    assert (bad["status"], bad["code"], bad["final_url"]) == ("broken", 404, server.url("/broken-target"))


def test_permanent_then_temporary_redirect_points_to_the_permanent_location(server: LocalServer, run_cli) -> None:
    server.route("/current", page())
    server.route("/canonical", redirect(302, "/current"))
    start = server.route("/very-old", redirect(301, "/canonical"))
    r = run_cli(note(start)).result(start)
    assert (r["status"], r["final_url"]) == ("redirected", server.url("/canonical"))


def test_cookie_jar_breaks_publisher_login_loops(server: LocalServer, run_cli) -> None:
    # Like Nature: the article redirects to an auth page that sets a cookie and sends you back;
    # without a cookie jar (the /article-strict twin, which never accepts one) that loops.
    async def article(req: Request, reply: Reply) -> None:
        if "visited=1" in req.headers.get("cookie", ""):
            await reply.send(200, HTML)
        else:
            await reply.send(302, b"", {"Location": "/auth"})

    async def auth(req: Request, reply: Reply) -> None:
        await reply.send(302, b"", {"Location": server.url("/article"), "Set-Cookie": "visited=1; Path=/"})

    async def article_strict(req: Request, reply: Reply) -> None:
        await reply.send(302, b"", {"Location": server.url("/auth-strict", host="localhost")})

    url = server.route("/article", article)
    server.route("/auth", auth)
    server.route("/auth-strict", redirect(302, server.url("/article-strict")))
    loop = server.route("/article-strict", article_strict)
    run = run_cli(note(url, loop))
    assert run.result(url)["status"] == "ok"
    assert run.result(loop)["status"] == "broken"
    assert "redirect loop" in run.result(loop)["message"]


def test_too_many_redirects(server: LocalServer, run_cli) -> None:
    async def hop(req: Request, reply: Reply) -> None:
        prefix, n = req.path.rsplit("/", 1)
        if n == "0":
            await reply.send(200, HTML)
        else:
            await reply.send(302, b"", {"Location": f"{prefix}/{int(n) - 1}"})

    server.route("/chain/*", hop)
    server.route("/short/*", hop)
    long, short = server.url("/chain/12"), server.url("/short/5")
    run = run_cli(note(long, short))
    assert run.result(short)["status"] == "ok"
    r = run.result(long)
    assert r["status"] == "broken" and "too many redirects" in r["message"]
    assert server.hits("/chain/2") == 1 and server.hits("/chain/1") == 0  # 10 redirects followed, no more


def test_redirect_to_another_scheme_is_not_followed(server: LocalServer, run_cli) -> None:
    url = server.route("/ftp", redirect(301, "ftp://files.example.org/paper.pdf"))
    r = run_cli(note(url)).result(url)
    assert r["status"] == "unverified"
    assert "non-HTTP(S)" in r["message"] and "ftp://files.example.org/paper.pdf" in r["message"]


def test_429_with_retry_after_then_ok(server: LocalServer, run_cli) -> None:
    url = server.route("/busy", sequence(page(429, b"slow down", {"Retry-After": "1"}), page()))
    date = server.route("/busy-date", sequence(page(429, b"", {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}), page()))
    started = time.monotonic()
    run = run_cli(note(url, date), "--max-retry-wait", "0.3")
    assert run.result(url)["status"] == "ok" and run.result(date)["status"] == "ok"
    assert server.hits("/busy") == 2 and server.hits("/busy-date") == 2
    assert 0.3 <= time.monotonic() - started < 5  # waited Retry-After, capped by --max-retry-wait


def test_503_twice_then_ok(server: LocalServer, run_cli) -> None:
    url = server.route("/flaky", sequence(page(503), page(503), page()))
    r = run_cli(note(url)).result(url)
    assert (r["status"], r["code"]) == ("ok", 200)
    assert server.hits("/flaky") == 3


def test_persistent_429_and_forbidden_and_bot_wall_are_unverified(server: LocalServer, run_cli) -> None:
    limited = server.route("/limited", page(429))
    forbidden = server.route("/forbidden", page(403))
    wall = server.route("/wall", page(503, b"challenge", {"cf-mitigated": "challenge"}))
    run = run_cli(note(limited, forbidden, wall))
    assert run.code == 0  # unverified is not a failure
    assert (run.result(limited)["status"], run.result(limited)["code"]) == ("unverified", 429)
    assert server.hits("/limited") == 3  # --max-retries 2
    assert (run.result(forbidden)["status"], run.result(forbidden)["code"]) == ("unverified", 403)
    r = run.result(wall)
    assert r["status"] == "unverified" and "cf-mitigated" in r["message"]
    assert server.hits("/wall") == 1  # a bot wall is not retried


def test_slow_headers_time_out_after_retries(server: LocalServer, run_cli) -> None:
    async def slow(req: Request, reply: Reply) -> None:
        await asyncio.sleep(30)

    url = server.route("/slow", slow)
    started = time.monotonic()
    r = run_cli(note(url), "--timeout", "0.3", "--max-retries", "1").result(url)
    assert r["status"] == "broken" and r["message"].startswith("timeout after 0.3s") and "2 attempts" in r["message"]
    assert time.monotonic() - started < 3
    assert server.hits("/slow") == 2


def test_connection_reset_mid_body(server: LocalServer, run_cli) -> None:
    async def reset(req: Request, reply: Reply) -> None:
        await reply.head(200, {"Content-Type": "application/pdf", "Content-Length": "100000"})
        await reply.body(b"%P")
        await asyncio.sleep(0.05)
        reply.reset()

    url = server.route("/reset.pdf", reset)
    r = run_cli(note(url)).result(url)
    assert r["status"] == "broken"
    assert "reset" in r["message"] or "protocol error" in r["message"]


def test_body_that_never_ends(server: LocalServer, run_cli) -> None:
    async def endless(req: Request, reply: Reply) -> None:
        await reply.head(200, {"Content-Type": "application/pdf"})  # no length: read until close
        await reply.body(b"%PDF-1.4\n")
        while True:
            await asyncio.sleep(0.01)
            await reply.body(b"x" * 100)

    async def endless_html(req: Request, reply: Reply) -> None:
        await reply.head(200, {"Content-Type": "text/html"})
        while True:
            await reply.body(b"<p>more</p>" * 100)
            await asyncio.sleep(0.01)

    a = server.route("/endless.pdf", endless)
    b = server.route("/endless", endless_html)
    started = time.monotonic()
    run = run_cli(note(a, b))
    assert run.result(a)["status"] == "ok" and run.result(b)["status"] == "ok"
    assert time.monotonic() - started < 3


def test_wrong_content_length(server: LocalServer, run_cli) -> None:
    async def short(req: Request, reply: Reply) -> None:
        await reply.head(200, {"Content-Type": "application/pdf", "Content-Length": "50000"})
        await reply.body(PDF[:100])  # then close: fewer bytes than announced

    async def short_html(req: Request, reply: Reply) -> None:
        await reply.head(200, {"Content-Type": "text/html", "Content-Length": "50000"})
        await reply.body(HTML)

    a = server.route("/short.pdf", short)
    b = server.route("/short", short_html)
    run = run_cli(note(a, b))
    assert run.result(a)["status"] == "ok"  # the PDF signature arrived before the truncation
    assert run.result(b)["status"] == "ok"


def test_gzip_bodies_are_decoded_before_the_pdf_check(server: LocalServer, run_cli) -> None:
    a = server.route("/gz.pdf", gzipped(PDF, "application/pdf"))
    b = server.route("/gz-html.pdf", gzipped(HTML * 50, "text/html"))
    run = run_cli(note(a, b))
    assert run.result(a)["status"] == "ok"
    assert (run.result(b)["status"], run.result(b)["message"]) == ("broken", "not a PDF: text/html")


def closed_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    return int(port)


def test_connection_refused_and_dns_failure(server: LocalServer, run_cli) -> None:
    refused = f"http://127.0.0.1:{closed_port()}/x"
    nxdomain = "http://no-such-host.invalid/x"
    answering = server.route("/fine", page())  # one host answers: the network is there
    run = run_cli(note(refused, nxdomain, answering), "--timeout", "3")
    r = run.result(refused)
    assert (r["status"], r["code"]) == ("broken", None) and "connection refused" in r["message"]
    assert run.result(nxdomain)["status"] == "broken"
    assert "DNS lookup failed" in run.result(nxdomain)["message"]
    assert run.code == 1


def test_no_network_is_said_once_and_leaves_links_unverified(run_cli) -> None:
    # What a machine without a network sees: names do not resolve, connections are refused.
    urls = [f"https://host{i}.invalid/paper{i}.pdf" for i in range(6)]
    urls += [f"http://127.0.0.1:{closed_port()}/x", "https://github.com/owner/repo"]
    started = time.monotonic()
    # The defaults (20 s timeout, 3 retries with backoff up to 60 s), as `make linkcheck` runs.
    run = run_cli(note(*urls) + "<a href='https://exa mple.com'>invalid</a>\n", fast=False)
    assert time.monotonic() - started < 10
    assert run.code == 3
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("linkcheck: network unreachable: ") and "8 links left unverified" in lines[0]
    assert run.report["summary"] == {"total": 9, "ok": 0, "redirected": 0, "broken": 1, "unverified": 8, "excluded": 0}
    assert run.result(urls[0])["message"] == "network unreachable: not checked"
    assert run.result("https://exa mple.com")["status"] == "broken"  # invalid without any network


def test_invalid_urls_are_broken_not_fatal(server: LocalServer, run_cli) -> None:
    ok = server.route("/fine", page())
    text = f'<a href="http://[::1">a</a> <a href="https://exa mple.com">b</a>\n\n[ok]({ok})\n'
    run = run_cli(text)
    assert run.code == 1
    for bad in ("http://[::1", "https://exa mple.com"):
        r = run.result(bad)
        assert r["status"] == "broken" and r["message"].startswith("invalid URL"), r
    assert run.result(ok)["status"] == "ok"


def test_per_host_and_global_concurrency_limits(server: LocalServer, run_cli) -> None:
    server.delay = 0.15
    server.route("/p/*", page())
    urls = [server.url(f"/p/{i}", host) for host in ("127.0.0.1", "localhost") for i in range(8)]
    started = time.monotonic()
    run = run_cli(note(*urls), "--host-concurrency", "2")
    elapsed = time.monotonic() - started
    assert run.report["summary"]["ok"] == 16
    assert server.max_active["127.0.0.1"] == 2 and server.max_active["localhost"] == 2
    assert elapsed < 16 * 0.15  # but requests did overlap

    server.max_active.clear()
    server.max_total_active = 0
    urls = [server.url(f"/p/{i}", host) for host in ("127.0.0.1", "localhost") for i in range(10, 16)]
    run = run_cli(note(*urls), "--host-concurrency", "3", "--max-concurrency", "4")
    assert run.report["summary"]["ok"] == 12
    assert server.max_total_active <= 4
    assert max(server.max_active.values()) <= 3


def test_user_agent_names_the_tool(server: LocalServer, run_cli) -> None:
    url = server.route("/ua", page())
    run_cli(note(url))
    assert server.requests[0].headers["user-agent"].startswith("dlnotes-linkcheck/")
