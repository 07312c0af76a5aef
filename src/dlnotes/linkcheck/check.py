"""Asynchronous, polite link checking with httpx.

Every request is a streamed GET (many servers mishandle HEAD) that stops reading early: PDFs
are asked for their first KiB with a Range header and we stop after the first chunk even when
the server ignores it. Redirects are followed by hand so that we can tell permanent from
temporary moves, refuse non-http(s) targets, and keep the GitHub token on the API host.

Redirect verdicts: the leading run of permanent redirects (301/308) decides. A -301-> B -302-> C
(200) is "redirected" with final_url B (B is the new permanent address; C is only where B
currently points). A -302-> B -301-> C (200) is "ok": the link itself has not moved.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import random
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx

from .urls import GITHUB_API, Kind, Remap, apply_remaps, github_repo, invalid_reason, origin

__all__ = ["USER_AGENT", "CheckOptions", "Checker", "Verdict"]

Status = Literal["ok", "redirected", "broken", "unverified", "excluded"]
USER_AGENT = "dlnotes-linkcheck/0.1 (link checker of the dlnotes site; python-httpx)"
REDIRECTS = {301, 302, 303, 307, 308}
PERMANENT = {301, 308}
RETRY_STATUSES = {429, 502, 503, 504}
PDF_PREFIX_BYTES = 1024
API_BODY_LIMIT = 1 << 20  # a repository's JSON is a few KB; never read more than this


@dataclass
class Verdict:
    status: Status
    code: int | None
    final_url: str | None
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "code": self.code, "final_url": self.final_url, "message": self.message}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Verdict:
        return cls(data["status"], data.get("code"), data.get("final_url"), str(data.get("message", "")))


@dataclass
class CheckOptions:
    timeout: float = 20.0  # seconds per request (connect to last byte read)
    max_retries: int = 3
    max_concurrency: int = 32
    host_concurrency: int = 2
    max_redirects: int = 10
    # Cap on any wait before a retry: Retry-After, backoff, GitHub rate-limit reset (tests scale it down).
    max_retry_wait: float = 60.0
    backoff_base: float = 1.0
    remaps: Sequence[Remap] = ()
    github_token: str | None = None
    user_agent: str = USER_AGENT


@dataclass
class Stats:
    requests: int = 0
    bytes_downloaded: int = 0  # raw bytes read from response bodies


@dataclass
class _Hop:
    url: str
    code: int | None = None
    reason: str = ""
    headers: httpx.Headers = field(default_factory=httpx.Headers)
    body: bytes = b""  # first bytes (PDF) or the JSON (GitHub API); empty otherwise
    error: str | None = None  # transport problem: timeout, reset, refused...


def _retry_after(headers: httpx.Headers) -> float | None:
    value = headers.get("retry-after")
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _rate_limited(headers: httpx.Headers) -> bool:
    return headers.get("x-ratelimit-remaining") == "0" and "x-ratelimit-reset" in headers


def _causes(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _transport_message(exc: Exception) -> str:
    """A short reason from the whole exception chain (httpx wraps httpcore wraps OSError)."""
    chain = _causes(exc)
    if any(isinstance(e, socket.gaierror) for e in chain):
        return "DNS lookup failed: " + str(next(e for e in chain if isinstance(e, socket.gaierror)))
    if any(isinstance(e, ConnectionRefusedError) for e in chain):
        return "connection refused"
    if any(isinstance(e, ConnectionResetError) for e in chain):
        return "connection reset by peer"
    text = str(exc) or type(exc).__name__
    lowered = text.lower()
    if any(s in lowered for s in ("name or service", "nodename", "getaddrinfo", "name resolution")):
        return f"DNS lookup failed: {text}"
    if "reset" in lowered:
        return "connection reset by peer"
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect: {text}"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"protocol error: {text}"
    return f"{type(exc).__name__}: {text}"


class Checker:
    """Checks URLs with one shared client (one cookie jar per run), limits and in-run dedup."""

    def __init__(self, options: CheckOptions) -> None:
        self.o = options
        self.stats = Stats()
        self._global = asyncio.Semaphore(options.max_concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._tasks: dict[tuple[str, str], asyncio.Task[Verdict]] = {}
        api = apply_remaps(GITHUB_API + "/", options.remaps)
        try:
            self._api_origin: tuple[str, str, int | None] | None = origin(api)
        except Exception:  # noqa: BLE001 - a remap producing garbage disables the token, nothing else
            self._api_origin = None
        self._client = httpx.AsyncClient(
            follow_redirects=False,
            timeout=httpx.Timeout(options.timeout),
            limits=httpx.Limits(max_connections=options.max_concurrency, max_keepalive_connections=options.max_concurrency),
            headers={
                "User-Agent": options.user_agent,
                "Accept": "text/html,application/xhtml+xml,application/pdf;q=0.9,*/*;q=0.8",
            },
            trust_env=False,  # a proxy from the environment would defeat --remap to local servers
        )

    async def __aenter__(self) -> Checker:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._client.aclose()

    # --- public ---------------------------------------------------------------------------

    async def check_all(
        self, items: Sequence[tuple[str, Kind]], on_done: Callable[[str, Verdict], None] | None = None
    ) -> dict[str, Verdict]:
        async def one(url: str, kind: Kind) -> tuple[str, Verdict]:
            verdict = await self.check(url, kind)
            if on_done:
                on_done(url, verdict)
            return url, verdict

        pairs = await asyncio.gather(*(one(u, k) for u, k in items))
        return dict(pairs)

    async def check(self, url: str, kind: Kind) -> Verdict:
        """Verdict for one URL; never raises (a bug in one check must not lose the others)."""
        reason = invalid_reason(url)
        if reason:
            return Verdict("broken", None, None, reason)
        target = apply_remaps(url, self.o.remaps)
        reason = invalid_reason(target)
        if reason:
            return Verdict("broken", None, None, f"{reason} (after --remap: {target})")
        # URLs differing only by #fragment are one request; so are spellings of one repository.
        repo = github_repo(url) if kind == "github" else None
        key = (kind, "/".join(repo).lower() if repo else str(httpx.URL(target).copy_with(fragment=None)))
        task = self._tasks.get(key)
        if task is None:
            task = asyncio.ensure_future(self._check_guarded(url, target, kind))
            self._tasks[key] = task
        return await asyncio.shield(task)

    # --- one URL --------------------------------------------------------------------------

    async def _check_guarded(self, url: str, target: str, kind: Kind) -> Verdict:
        try:
            if kind == "github":
                repo = github_repo(url)
                if repo:
                    return await self._check_github(*repo)
            return await self._check_page(target, pdf=kind == "pdf")
        except Exception as exc:  # noqa: BLE001 - report, never crash the run
            return Verdict("broken", None, None, f"checker error: {type(exc).__name__}: {exc}")

    async def _check_page(self, url: str, *, pdf: bool) -> Verdict:
        hops, problem = await self._follow(url, pdf=pdf)
        last = hops[-1]
        redirected = len(hops) > 1
        final = last.url if redirected else None
        if problem:
            status: Status = "unverified" if problem.startswith("redirect to non-HTTP") else "broken"
            return Verdict(status, last.code, final, problem)
        if last.error:
            return Verdict("broken", None, final, last.error)
        base = self._judge(last, pdf=pdf)
        if not redirected:
            return base
        if base.status != "ok":
            return Verdict(base.status, base.code, last.url, f"{base.message} (after redirects from {url})")
        permanent = 0
        while permanent < len(hops) - 1 and hops[permanent].code in PERMANENT:
            permanent += 1
        if permanent:
            new = hops[permanent].url
            msg = f"moved permanently ({hops[0].code}) to {new}"
            if new != last.url:
                msg += f", which currently leads to {last.url}"
            return Verdict("redirected", hops[0].code, new, msg)
        return Verdict("ok", base.code, last.url, f"{base.message} after temporary redirect ({hops[0].code})")

    def _judge(self, hop: _Hop, *, pdf: bool) -> Verdict:
        code = hop.code
        assert code is not None
        label = f"HTTP {code}{' ' + hop.reason if hop.reason else ''}"
        if "cf-mitigated" in hop.headers:
            return Verdict("unverified", code, None, f"bot protection ({label}, cf-mitigated: {hop.headers['cf-mitigated']})")
        if 200 <= code < 300:
            if pdf and not hop.body.startswith(b"%PDF"):
                ctype = hop.headers.get("content-type", "no content type").split(";")[0].strip()
                return Verdict("broken", code, None, f"not a PDF: {ctype}")
            return Verdict("ok", code, None, "PDF" if pdf else label)
        if code in (401, 403):
            return Verdict("unverified", code, None, f"access denied ({label}); check by hand")
        if code == 429:
            return Verdict("unverified", code, None, f"rate limited ({label}) after {self.o.max_retries} retries")
        return Verdict("broken", code, None, label)

    async def _check_github(self, owner: str, repo: str) -> Verdict:
        api_url = apply_remaps(f"{GITHUB_API}/repos/{owner}/{repo}", self.o.remaps)
        hops, problem = await self._follow(api_url, pdf=False, api=True)
        last = hops[-1]
        if problem:
            return Verdict("broken", last.code, None, f"GitHub API: {problem}")
        if last.error:
            # The API being unreachable says nothing about the repository.
            return Verdict("unverified", None, None, f"GitHub API unreachable: {last.error}")
        code = last.code
        assert code is not None
        if code in (404, 410, 451):
            return Verdict("broken", code, None, f"repository not found (GitHub API {code})")
        if code in (401, 403, 429):
            if _rate_limited(last.headers):
                reset = int(last.headers["x-ratelimit-reset"])
                when = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(reset))
                return Verdict("unverified", code, None, f"GitHub API rate limit exhausted (resets at {when}); set GITHUB_TOKEN")
            return Verdict("unverified", code, None, f"GitHub API refused ({code})")
        if not 200 <= code < 300:
            return Verdict("broken", code, None, f"GitHub API answered {code}")
        try:
            info = json.loads(last.body.decode("utf-8"))
            full_name = str(info["full_name"])
        except (ValueError, KeyError, TypeError):
            return Verdict("unverified", code, None, "GitHub API answered with unexpected JSON")
        html_url = str(info.get("html_url") or f"https://github.com/{full_name}")
        archived = " (archived: read-only)" if info.get("archived") else ""
        moved = any(h.code in PERMANENT for h in hops[:-1]) or full_name.lower() != f"{owner}/{repo}".lower()
        if moved:
            first = hops[0].code if len(hops) > 1 else code
            return Verdict("redirected", first, html_url, f"repository renamed or transferred to {full_name}{archived}")
        return Verdict("ok", code, None, f"repository exists{archived}" if not archived else f"archived repository{archived}")

    # --- requests -------------------------------------------------------------------------

    async def _follow(self, url: str, *, pdf: bool, api: bool = False) -> tuple[list[_Hop], str | None]:
        """Requests `url` and its redirects; returns the hops and a problem that ended the chain."""
        hops: list[_Hop] = []
        current = url
        for _ in range(self.o.max_redirects + 1):
            hop = await self._fetch(current, pdf=pdf, api=api)
            hops.append(hop)
            if hop.error or hop.code not in REDIRECTS:
                return hops, None
            location = hop.headers.get("location")
            if not location:
                return hops, f"redirect ({hop.code}) without a Location header"
            try:
                nxt = httpx.URL(current).join(location.strip())
            except Exception:  # noqa: BLE001 - any Location httpx cannot join is reported, not raised
                return hops, f"redirect to an invalid URL: {location!r}"
            if nxt.scheme not in ("http", "https"):
                return hops, f"redirect to non-HTTP(S) URL not followed: {nxt}"
            # --remap applies to every request, redirect targets included (mirrors, local tests).
            current = apply_remaps(str(nxt), self.o.remaps)
            reason = invalid_reason(current)
            if reason:
                return hops, f"redirect to an {reason}: {current}"
        seen = [h.url for h in hops]
        if len(set(seen)) < len(seen):
            return hops, f"redirect loop (more than {self.o.max_redirects} redirects)"
        return hops, f"too many redirects (more than {self.o.max_redirects})"

    async def _fetch(self, url: str, *, pdf: bool, api: bool) -> _Hop:
        """One request with retries for 429/5xx-busy answers and transport errors."""
        attempt = 0
        while True:
            hop = await self._fetch_once(url, pdf=pdf, api=api)
            wait = self._retry_wait(hop, attempt, api=api)
            if wait is None or attempt >= self.o.max_retries:
                if hop.error and attempt:
                    hop.error += f" (after {attempt + 1} attempts)"
                return hop
            attempt += 1
            await asyncio.sleep(wait)  # outside the semaphores: waiting does not hold a slot

    def _retry_wait(self, hop: _Hop, attempt: int, *, api: bool) -> float | None:
        cap = self.o.max_retry_wait
        # Exponential backoff with jitter, so that retries of many links do not arrive together.
        backoff: float = min(cap, self.o.backoff_base * 2.0**attempt * (0.75 + random.random() / 2))
        if hop.error:
            return backoff
        if "cf-mitigated" in hop.headers:
            return None  # a bot wall does not go away by asking again
        if api and hop.code in (403, 429) and _rate_limited(hop.headers):
            # GitHub: wait for the reset only when it is near; otherwise report unverified.
            delay = float(hop.headers["x-ratelimit-reset"]) - time.time() + 0.5
            return max(0.0, delay) if delay <= cap else None
        if hop.code in RETRY_STATUSES or (api and hop.code == 403 and "retry-after" in hop.headers):
            after = _retry_after(hop.headers)
            return min(cap, after) if after is not None else backoff
        return None

    def _host_semaphore(self, key: str) -> asyncio.Semaphore:
        sem = self._hosts.get(key)
        if sem is None:
            sem = self._hosts[key] = asyncio.Semaphore(self.o.host_concurrency)
        return sem

    async def _fetch_once(self, url: str, *, pdf: bool, api: bool) -> _Hop:
        hop = _Hop(url)
        where = origin(url)
        headers: dict[str, str] = {}
        if pdf:
            headers["Range"] = f"bytes=0-{PDF_PREFIX_BYTES - 1}"
        if api:
            headers["Accept"] = "application/vnd.github+json"
            headers["X-GitHub-Api-Version"] = "2022-11-28"
        # The token goes to the API host only: never to github.com, a mirror or a redirect target.
        if self.o.github_token and where == self._api_origin:
            headers["Authorization"] = f"Bearer {self.o.github_token}"
        # Per host name (all ports and schemes of a machine together), host slot first, then a
        # global one: a busy host must not hold global slots.
        async with self._host_semaphore(where[1]), self._global:
            self.stats.requests += 1
            response: httpx.Response | None = None
            body = bytearray()
            try:
                async with asyncio.timeout(self.o.timeout):
                    request = self._client.build_request("GET", url, headers=headers)
                    response = await self._client.send(request, stream=True)
                    hop.code, hop.reason, hop.headers = response.status_code, response.reason_phrase, response.headers
                    ok = 200 <= response.status_code < 300
                    limit = PDF_PREFIX_BYTES if pdf and ok else API_BODY_LIMIT if api and ok else 0
                    if limit:
                        async for chunk in response.aiter_bytes():
                            body.extend(chunk)
                            if len(body) >= limit:
                                break  # a server ignoring Range or sending forever: stop here
            except (TimeoutError, httpx.TimeoutException, httpx.HTTPError) as exc:
                # A transfer that stalls or breaks after the PDF signature arrived still proves
                # the PDF is there; anything else is a failed request.
                if not (pdf and hop.code and bytes(body[:4]) == b"%PDF"):
                    timed_out = isinstance(exc, (TimeoutError, httpx.TimeoutException))
                    hop.error = f"timeout after {self.o.timeout:g}s" if timed_out else _transport_message(exc)
            finally:
                if response is not None:
                    self.stats.bytes_downloaded += response.num_bytes_downloaded
                    try:
                        await response.aclose()
                    except Exception:  # noqa: BLE001 - closing a broken stream may fail again
                        pass
            if hop.error:
                hop.code = None
            hop.body = bytes(body)
        return hop
