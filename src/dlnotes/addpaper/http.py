"""Asking a service politely and robustly: one httpx client with timeouts, retries with
exponential backoff that honour Retry-After (httpx-retries' transport: 429, 500, 502, 503, 504,
timeouts, refused and cut connections), a minimum interval per service (arXiv: 3 s), and the
answer cache. Every failure becomes one FetchError line naming the service and the address.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Self, TypeVar

import httpx
from httpx_retries import Retry, RetryTransport

from .cache import AnswerCache
from .config import Settings
from .ratelimit import MinInterval

T = TypeVar("T")

RETRY_STATUS = (429, 500, 502, 503, 504)
SERVICE_NAMES = {"arxiv": "arXiv", "crossref": "Crossref", "dblp": "DBLP", "openreview": "OpenReview", "acl": "ACL Anthology"}


class FetchError(Exception):
    """One line: which service, which address, what went wrong."""


class NotFound(FetchError):
    """The service answered that it has no such paper."""


class BadAnswer(FetchError):
    """The service answered something we cannot read (raised by the sources' parsers)."""


def user_agent(contact: str | None) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        ours = version("dlnotes")
    except PackageNotFoundError:
        ours = "0"
    return f"dlnotes/{ours} (paper notes site tool" + (f"; mailto:{contact})" if contact else ")")


def _describe(err: httpx.HTTPError) -> str:
    if isinstance(err, httpx.TimeoutException):
        return "timed out"
    if isinstance(err, httpx.ConnectError):
        return "cannot connect (no network?)"
    if isinstance(err, httpx.RemoteProtocolError):
        return "the connection was cut"
    return str(err) or type(err).__name__


class Fetcher:
    def __init__(self, settings: Settings, transport: httpx.BaseTransport | None = None):
        self.settings = settings
        self.transport = transport
        self._client: httpx.Client | None = None  # made on first use: its TLS set-up costs ~1 s, a cached answer none
        self.cache = AnswerCache(settings.cache_dir, settings.cache_days)
        stamp = settings.cache_dir / "arxiv.last-call" if settings.cache_dir else None
        self.pace: dict[str, MinInterval] = {"arxiv": MinInterval(settings.arxiv_delay, stamp)}
        self.requests = 0  # how many went to the network (tests count them)

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            self._client = self._make_client()
        return self._client

    def _make_client(self) -> httpx.Client:
        settings = self.settings
        retry = Retry(
            total=settings.retries,
            backoff_factor=settings.backoff,
            status_forcelist=RETRY_STATUS,
            respect_retry_after_header=True,
            max_backoff_wait=max(settings.max_wait, 0.001),
        )
        return httpx.Client(
            transport=RetryTransport(transport=self.transport or httpx.HTTPTransport(), retry=retry),
            timeout=httpx.Timeout(settings.timeout),
            headers={"User-Agent": user_agent(settings.contact)},
            follow_redirects=True,
        )

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(
        self,
        service: str,
        url: str,
        parse: Callable[[str], T],
        params: Mapping[str, str] | None = None,
        missing: str | None = None,
    ) -> T:
        """GET `url`, read it with `parse`, keep the text when it parsed. `missing`: the message
        for a 404 (the paper does not exist there)."""
        full = str(httpx.URL(url, params=params)) if params else url
        name = SERVICE_NAMES.get(service, service)
        cached = self.cache.get(full)
        if cached is not None:
            try:
                return parse(cached)
            except BadAnswer:
                self.cache.drop(full)
        client = self.client  # made before the pause, so that the request leaves right after it
        pace = self.pace.get(service)
        if pace is not None:
            pace.wait()
        self.requests += 1
        try:
            response = client.get(full)
        except httpx.HTTPError as err:
            raise FetchError(f"{name}: no answer from {full}: {_describe(err)}") from None
        finally:
            if pace is not None:
                pace.mark()
        if response.status_code == 404 or (response.status_code == 400 and missing):
            raise NotFound(missing or f"{name}: not found: {full} (404)")
        if response.status_code != 200:
            raise FetchError(f"{name}: {full} answered {response.status_code} {response.reason_phrase}".rstrip())
        text = response.text
        try:
            value = parse(text)
        except BadAnswer as err:
            raise BadAnswer(f"{name}: unreadable answer from {full}: {err}") from None
        self.cache.put(full, text)
        return value
