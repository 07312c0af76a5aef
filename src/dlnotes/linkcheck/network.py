"""Is there a network at all? A few seconds of TCP connects before hundreds of requests.

Without a network every request fails with a DNS or connection error, and each is retried with
backoff: a run over the site's links took minutes and called every link broken. So before
checking, the checker opens one TCP connection to each of the first few hosts it is about to ask
(in parallel, a few seconds at most). One answer is enough to go on; when none answers, the run
stops, says so once, and leaves the links unverified.

Name lookups run in daemon threads that nobody waits for: a resolver with no server to ask may
take longer than the probe's deadline, and neither the run nor the process exit must wait for it
(asyncio's default executor and concurrent.futures both join their threads).
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

__all__ = ["PROBE_HOSTS", "PROBE_SECONDS", "Unreachable", "probe"]

PROBE_HOSTS = 8  # distinct hosts tried
PROBE_SECONDS = 5.0  # for all of them together


@dataclass(frozen=True)
class Unreachable:
    """No probed host answered: what each one said."""

    failures: tuple[tuple[str, str], ...]  # (host:port, reason)

    def summary(self) -> str:
        shown = "; ".join(f"{where}: {why}" for where, why in self.failures[:3])
        more = f"; and {len(self.failures) - 3} more" if len(self.failures) > 3 else ""
        return f"no answer from {len(self.failures)} host(s) ({shown}{more})"


def _reason(exc: BaseException) -> str:
    if isinstance(exc, socket.gaierror):
        return "DNS lookup failed"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, (TimeoutError, asyncio.TimeoutError)):
        return "no answer"
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__


async def _lookup(host: str, port: int) -> list[tuple[Any, ...]]:
    loop = asyncio.get_running_loop()
    answer: asyncio.Future[list[tuple[Any, ...]]] = loop.create_future()

    def settle(result: list[tuple[Any, ...]] | None, error: BaseException | None) -> None:
        if answer.done():
            return  # the probe gave up on this host already
        if error is not None:
            answer.set_exception(error)
        else:
            answer.set_result(result or [])

    def resolve() -> None:
        infos: list[tuple[Any, ...]] | None = None
        error: OSError | None = None
        try:
            infos = list(socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM))
        except OSError as exc:
            error = exc
        try:
            loop.call_soon_threadsafe(settle, infos, error)
        except RuntimeError:
            pass  # the loop is closed: the run went on without this answer

    threading.Thread(target=resolve, name=f"linkcheck-probe-{host}", daemon=True).start()
    return await answer


async def _connect(host: str, port: int) -> None:
    loop = asyncio.get_running_loop()
    infos = await _lookup(host, port)
    last: OSError | None = None
    for family, kind, proto, _, address in infos:
        sock = socket.socket(family, kind, proto)
        sock.setblocking(False)
        try:
            await loop.sock_connect(sock, address)
            return
        except OSError as exc:
            last = exc
        finally:
            sock.close()
    raise last or OSError("no address")


async def probe(origins: Iterable[tuple[str, int]], seconds: float = PROBE_SECONDS) -> Unreachable | None:
    """None as soon as one of the first PROBE_HOSTS (host, port) accepts a connection; else why not."""
    hosts: list[tuple[str, int]] = list(dict.fromkeys(origins))[:PROBE_HOSTS]
    if not hosts:
        return None
    tasks: dict[asyncio.Future[None], tuple[str, int]] = {
        asyncio.ensure_future(_connect(host, port)): (host, port) for host, port in hosts
    }
    failures: dict[tuple[str, int], str] = {}
    try:
        pending: set[asyncio.Future[None]] = set(tasks)
        deadline = asyncio.get_running_loop().time() + seconds
        while pending:
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                break
            done, pending = await asyncio.wait(pending, timeout=left, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                exc = task.exception()
                if exc is None:
                    return None  # one answer: the network is there
                failures[tasks[task]] = _reason(exc)
        for task in pending:
            failures[tasks[task]] = f"no answer within {seconds:g}s"
    finally:
        for task in tasks:
            task.cancel()
    return Unreachable(tuple((f"{host}:{port}", failures[(host, port)]) for host, port in hosts))
