"""A scriptable local HTTP/1.1 server for the link checker tests (standard library only).

It runs its own asyncio loop in a thread, binds 127.0.0.1 on port 0 (no collisions), and
records what the checker did: every request with its headers, the largest number of requests
in flight per Host name, and the body bytes sent per path. Handlers can misbehave on purpose
(stall, reset, never end) because they write to the socket themselves.
"""

from __future__ import annotations

import asyncio
import gzip
import socket
import struct
import threading
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]  # lower-case names

    @property
    def host(self) -> str:
        return self.headers.get("host", "").rsplit(":", 1)[0]


class Reply:
    """What a handler uses to answer; tracks the body bytes it sent."""

    def __init__(self, server: LocalServer, req: Request, writer: asyncio.StreamWriter) -> None:
        self.server, self.req, self.writer = server, req, writer

    async def head(self, status: int, headers: dict[str, str] | None = None, reason: str = "X") -> None:
        lines = [f"HTTP/1.1 {status} {reason}"]
        merged = {"Connection": "close"} | (headers or {})
        lines += [f"{k}: {v}" for k, v in merged.items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        await self.writer.drain()

    async def body(self, data: bytes) -> None:
        self.writer.write(data)
        self.server.bytes_sent[self.req.path] += len(data)
        await self.writer.drain()

    async def send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        base = {"Content-Type": "text/html; charset=utf-8", "Content-Length": str(len(body))}
        await self.head(status, base | (headers or {}))
        await self.body(body)

    def reset(self) -> None:
        """Abort the connection with a TCP RST (SO_LINGER 0), like a crashed server."""
        sock = self.writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.writer.transport.abort()


Handler = Callable[[Request, Reply], Awaitable[None]]

PDF = b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n" + b"0" * 4000
HTML = b"<!doctype html><title>ok</title><p>hello</p>"


def page(status: int = 200, body: bytes = HTML, headers: dict[str, str] | None = None) -> Handler:
    async def handler(req: Request, reply: Reply) -> None:
        await reply.send(status, body, headers)

    return handler


def redirect(status: int, location: str, headers: dict[str, str] | None = None) -> Handler:
    return page(status, b"", {"Location": location} | (headers or {}))


def pdf(body: bytes = PDF, honour_range: bool = True) -> Handler:
    async def handler(req: Request, reply: Reply) -> None:
        rng = req.headers.get("range", "")
        if honour_range and rng.startswith("bytes=0-"):
            end = min(int(rng.split("-")[1]), len(body) - 1)
            part = body[: end + 1]
            await reply.send(206, part, {"Content-Type": "application/pdf", "Content-Range": f"bytes 0-{end}/{len(body)}"})
        else:
            await reply.send(200, body, {"Content-Type": "application/pdf"})

    return handler


def sequence(*handlers: Handler) -> Handler:
    """Answers the n-th request with the n-th handler (the last one repeats)."""
    count = 0

    async def handler(req: Request, reply: Reply) -> None:
        nonlocal count
        current = handlers[min(count, len(handlers) - 1)]
        count += 1
        await current(req, reply)

    return handler


def gzipped(body: bytes, content_type: str) -> Handler:
    data = gzip.compress(body)
    return page(200, data, {"Content-Encoding": "gzip", "Content-Type": content_type})


class LocalServer:
    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.requests: list[Request] = []
        self.active: dict[str, int] = defaultdict(int)
        self.max_active: dict[str, int] = defaultdict(int)
        self.total_active = 0
        self.max_total_active = 0
        self.delay = 0.0  # seconds added before every answer
        self.bytes_sent: dict[str, int] = defaultdict(int)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self.port = 0

    # --- lifecycle -------------------------------------------------------------------------

    def start(self) -> LocalServer:
        self._thread.start()
        fut = asyncio.run_coroutine_threadsafe(self._start(), self._loop)
        fut.result(timeout=10)
        return self

    async def _start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    def stop(self) -> None:
        async def _stop() -> None:
            assert self._server is not None
            self._server.close()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()

        asyncio.run_coroutine_threadsafe(_stop(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    # --- helpers for tests -----------------------------------------------------------------

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def route(self, path: str, handler: Handler) -> str:
        self.routes[path] = handler
        return self.url(path)

    def hits(self, path: str) -> int:
        return sum(1 for r in self.requests if r.path == path)

    # --- protocol --------------------------------------------------------------------------

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        host = ""
        counted = False
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            headers = {}
            for line in lines[1:]:
                if ":" in line:
                    name, value = line.split(":", 1)
                    headers[name.strip().lower()] = value.strip()
            req = Request(method, target, headers)
            self.requests.append(req)
            host = req.host
            self.active[host] += 1
            self.total_active += 1
            counted = True
            self.max_active[host] = max(self.max_active[host], self.active[host])
            self.max_total_active = max(self.max_total_active, self.total_active)
            if self.delay:
                await asyncio.sleep(self.delay)
            handler = self.routes.get(target.split("?")[0]) or self._prefix_route(target)
            reply = Reply(self, req, writer)
            if handler is None:
                await reply.send(404, b"not found")
            else:
                await handler(req, reply)
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass
        finally:
            if counted:
                self.active[host] -= 1
                self.total_active -= 1
            try:
                writer.close()
            except Exception:  # noqa: BLE001 - the client may be gone already
                pass

    def _prefix_route(self, target: str) -> Handler | None:
        # Routes ending in "/*" answer a whole subtree (e.g. redirect chains).
        for path, handler in self.routes.items():
            if path.endswith("/*") and target.startswith(path[:-1]):
                return handler
        return None
