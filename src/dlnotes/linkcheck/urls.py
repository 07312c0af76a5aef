"""URL helpers: kind of a link, GitHub repository links, validation and --remap rules."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

import httpx

Kind = Literal["pdf", "github", "other"]
Remap = tuple[re.Pattern[str], str]

# github.com/OWNER/REPO with an optional trailing slash or .git; first segments that are
# GitHub's own pages, not owners, are excluded.
_GITHUB_REPO = re.compile(
    r"^https?://(?:www\.)?github\.com/([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)/([A-Za-z0-9._-]+?)(?:\.git)?/?(?:#.*)?$",
    re.IGNORECASE,
)
_GITHUB_RESERVED = {
    "about", "collections", "enterprise", "events", "explore", "features", "issues", "login",
    "marketplace", "notifications", "orgs", "pricing", "pulls", "search", "settings", "sponsors",
    "topics", "trending", "users",
}  # fmt: skip
_HOST = re.compile(r"^(?:[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?\.)*[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?\.?$|^[0-9a-f:.]+$")

GITHUB_API = "https://api.github.com"


def github_repo(url: str) -> tuple[str, str] | None:
    """(owner, repo) when `url` is a repository's home page on github.com."""
    m = _GITHUB_REPO.match(url)
    if not m or m.group(1).lower() in _GITHUB_RESERVED or m.group(2) in (".", ".."):
        return None
    return m.group(1), m.group(2)


def classify(url: str, pdf_hint: bool = False) -> Kind:
    """pdf: a bib `pdf` field, a path ending in .pdf or an arXiv /pdf/ link; github: a repository."""
    try:
        parsed = httpx.URL(url)
        path, host = parsed.path.lower(), parsed.host.lower()
    except Exception:  # noqa: BLE001 - an invalid URL is reported by the checker, not here
        path, host = url.lower(), ""
    if pdf_hint or path.endswith(".pdf") or (host.endswith("arxiv.org") and path.startswith("/pdf/")):
        return "pdf"
    if github_repo(url):
        return "github"
    return "other"


def invalid_reason(url: str) -> str | None:
    """Why `url` cannot be requested, or None when it is a usable http(s) URL."""
    if any(ch.isspace() for ch in url):
        return "invalid URL: contains whitespace"
    try:
        parsed = httpx.URL(url)
    except Exception as exc:  # noqa: BLE001 - httpx.InvalidURL and friends
        return f"invalid URL: {exc}"
    if parsed.scheme not in ("http", "https"):
        return f"invalid URL: unsupported scheme {parsed.scheme!r}"
    try:
        host = parsed.raw_host.decode("ascii").lower()
    except UnicodeDecodeError:
        return "invalid URL: bad host name"
    if not host:
        return "invalid URL: no host"
    if not _HOST.match(host):
        return f"invalid URL: bad host name {host!r}"
    return None


def parse_remap(spec: str) -> Remap:
    """'REGEX REPLACEMENT' (split at the first whitespace) -> compiled rule; ValueError if bad."""
    parts = spec.strip().split(None, 1)
    if len(parts) != 2:
        raise ValueError(f"--remap needs 'REGEX REPLACEMENT', got {spec!r}")
    try:
        return re.compile(parts[0]), parts[1]
    except re.error as exc:
        raise ValueError(f"--remap: bad regex {parts[0]!r}: {exc}") from None


def apply_remaps(url: str, remaps: Sequence[Remap]) -> str:
    for pattern, replacement in remaps:
        url = pattern.sub(replacement, url)
    return url


def origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) with the default port made explicit: the unit of politeness."""
    parsed = httpx.URL(url)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    return parsed.scheme, parsed.host.lower(), port
