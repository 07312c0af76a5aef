"""The network probe: one answering host is enough; none answering is said with each one's reason."""

from __future__ import annotations

import asyncio
import socket
import time

from dlnotes.linkcheck.network import Unreachable, probe
from tests.linkcheck.linkcheck_server import LocalServer


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_one_answering_host_is_enough(server: LocalServer) -> None:
    hosts = [("no-such-host.invalid", 443), ("127.0.0.1", closed_port()), ("127.0.0.1", server.port)]
    assert asyncio.run(probe(hosts)) is None
    assert asyncio.run(probe([])) is None  # nothing to ask: nothing to say


def test_no_answer_lists_the_reasons_quickly() -> None:
    refused = closed_port()
    started = time.monotonic()
    down = asyncio.run(probe([("no-such-host.invalid", 443), ("127.0.0.1", refused), ("127.0.0.1", refused)]))
    assert time.monotonic() - started < 6
    assert isinstance(down, Unreachable)
    assert down.failures == (("no-such-host.invalid:443", "DNS lookup failed"), (f"127.0.0.1:{refused}", "connection refused"))
    assert down.summary().startswith("no answer from 2 host(s) (no-such-host.invalid:443: DNS lookup failed; ")
