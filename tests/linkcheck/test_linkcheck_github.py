"""GitHub repository links, checked through the (remapped) REST API on a local server."""

from __future__ import annotations

import json
import time

import pytest

from tests.linkcheck.linkcheck_server import LocalServer, Reply, Request, page, redirect, sequence

TOKEN = "ghp_test_secret_token"


def repo_json(full_name: str, archived: bool = False) -> bytes:
    return json.dumps({"full_name": full_name, "html_url": f"https://github.com/{full_name}", "archived": archived}).encode()


def api(status: int = 200, body: bytes = b"", headers: dict[str, str] | None = None):
    return page(status, body, {"Content-Type": "application/json"} | (headers or {}))


@pytest.fixture
def github(server: LocalServer) -> list[str]:
    """--remap options: the API on 127.0.0.1, github.com pages on localhost (another host)."""
    return [
        "--remap", rf"^https://api\.github\.com {server.url('/api')}",
        "--remap", rf"^https://github\.com {server.url('/gh', host='localhost')}",
    ]  # fmt: skip


def test_existing_missing_and_archived_repositories(server: LocalServer, run_cli, github: list[str]) -> None:
    server.route("/api/repos/good/repo", api(body=repo_json("good/repo")))
    server.route("/api/repos/old/repo", api(body=repo_json("old/repo", archived=True)))
    run = run_cli(
        "- https://github.com/good/repo\n- https://github.com/nobody/nothing/\n- https://github.com/old/repo.git\n"
        "- https://github.com/old/repo\n",  # one API request per repository, whatever the spelling
        *github,
    )
    assert run.code == 1
    good = run.result("https://github.com/good/repo")
    assert (good["kind"], good["status"], good["code"]) == ("github", "ok", 200)
    missing = run.result("https://github.com/nobody/nothing/")
    assert (missing["status"], missing["code"]) == ("broken", 404)
    assert "repository not found" in missing["message"]
    archived = run.result("https://github.com/old/repo.git")
    assert archived["status"] == "ok" and "archived" in archived["message"]
    assert server.hits("/api/repos/nobody/nothing") == 1
    assert server.hits("/api/repos/old/repo") == 1
    assert not [r for r in server.requests if r.path.startswith("/gh/")]  # the API only, no page


def test_renamed_and_transferred_repositories_are_redirected(server: LocalServer, run_cli, github: list[str]) -> None:
    # Renamed: the API answers 301 to /repositories/ID.
    server.route("/api/repos/me/old-name", redirect(301, server.url("/api/repositories/42")))
    server.route("/api/repositories/42", api(body=repo_json("me/new-name")))
    # Transferred: the API follows internally and answers 200 with another full_name.
    server.route("/api/repos/alice/tool", api(body=repo_json("org/tool")))
    # Only the case differs: not a move.
    server.route("/api/repos/Case/Repo", api(body=repo_json("case/repo")))
    run = run_cli("https://github.com/me/old-name https://github.com/alice/tool https://github.com/Case/Repo\n", *github)
    renamed = run.result("https://github.com/me/old-name")
    assert (renamed["status"], renamed["code"], renamed["final_url"]) == ("redirected", 301, "https://github.com/me/new-name")
    moved = run.result("https://github.com/alice/tool")
    assert (moved["status"], moved["final_url"]) == ("redirected", "https://github.com/org/tool")
    assert run.result("https://github.com/Case/Repo")["status"] == "ok"


def test_token_goes_to_the_api_host_only(
    server: LocalServer, run_cli, github: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    server.route("/api/repos/a/b", api(body=repo_json("a/b")))
    # The API redirects to another host: the token must not follow.
    server.route("/api/repos/a/moved", redirect(301, server.url("/elsewhere/repositories/7", host="localhost")))
    server.route("/elsewhere/repositories/7", api(body=repo_json("a/new")))
    # A deeper link is a web page on github.com (here: localhost), redirected around.
    server.route("/gh/a/b/blob/main/README.md", redirect(302, "/gh/a/b/blob/main/README2.md"))
    server.route("/gh/a/b/blob/main/README2.md", page())
    run = run_cli("https://github.com/a/b https://github.com/a/moved https://github.com/a/b/blob/main/README.md\n", *github)
    assert run.result("https://github.com/a/b")["status"] == "ok"
    assert run.result("https://github.com/a/moved")["status"] == "redirected"
    blob = run.result("https://github.com/a/b/blob/main/README.md")
    assert (blob["kind"], blob["status"]) == ("other", "ok")
    to_api = [r for r in server.requests if r.host == "127.0.0.1"]
    elsewhere = [r for r in server.requests if r.host == "localhost"]
    assert to_api and all(r.headers.get("authorization") == f"Bearer {TOKEN}" for r in to_api)
    assert len(elsewhere) == 3 and not any("authorization" in r.headers for r in elsewhere)
    assert not any(TOKEN in str(r.headers) for r in elsewhere)


def test_exhausted_rate_limit_far_from_reset_is_unverified(server: LocalServer, run_cli, github: list[str]) -> None:
    reset = str(int(time.time()) + 3600)
    server.route("/api/repos/x/y", api(403, b"{}", {"x-ratelimit-remaining": "0", "x-ratelimit-reset": reset}))
    run = run_cli("https://github.com/x/y\n", *github)
    r = run.result("https://github.com/x/y")
    assert run.code == 0
    assert (r["status"], r["code"]) == ("unverified", 403) and "rate limit" in r["message"]
    assert server.hits("/api/repos/x/y") == 1  # did not wait an hour, did not hammer


def test_exhausted_rate_limit_near_reset_waits_and_retries(server: LocalServer, run_cli, github: list[str]) -> None:
    async def limited_once(req: Request, reply: Reply) -> None:
        reset = str(int(time.time()) + 1)
        await reply.send(429, b"{}", {"x-ratelimit-remaining": "0", "x-ratelimit-reset": reset})

    server.route("/api/repos/x/y", sequence(limited_once, api(body=repo_json("x/y"))))
    started = time.monotonic()
    r = run_cli("https://github.com/x/y\n", *github, "--max-retry-wait", "3").result("https://github.com/x/y")
    assert r["status"] == "ok"
    assert server.hits("/api/repos/x/y") == 2
    assert time.monotonic() - started < 4
