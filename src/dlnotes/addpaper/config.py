"""Where the services are and how politely to ask them.

Base URLs come from environment variables (DLNOTES_ARXIV_API, DLNOTES_CROSSREF_API,
DLNOTES_DBLP_API, DLNOTES_OPENREVIEW_API, DLNOTES_ACL_API) so that tests and mirrors can point
them elsewhere. The contact address sent to Crossref (its "polite pool") is `extra.dlnotes.contact`
in mkdocs.yml, or DLNOTES_CONTACT. mkdocs.yml's `extra` is chosen because MkDocs passes it through
unvalidated, so the site's plugin needs no new option; it is read here with PyYAML (unknown tags
such as !ENV ignored), never with MkDocs. The pace (3 s between arXiv calls), timeouts and
retries can be set by DLNOTES_ARXIV_DELAY, DLNOTES_HTTP_TIMEOUT, DLNOTES_HTTP_RETRIES and
DLNOTES_HTTP_BACKOFF (tests set them small).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

DEFAULT_APIS = {
    "arxiv": "https://export.arxiv.org/api",
    "crossref": "https://api.crossref.org",
    "dblp": "https://dblp.org",
    "openreview": "https://api2.openreview.net",
    "acl": "https://aclanthology.org",
}


@dataclass(frozen=True)
class Settings:
    arxiv_api: str = DEFAULT_APIS["arxiv"]
    crossref_api: str = DEFAULT_APIS["crossref"]
    dblp_api: str = DEFAULT_APIS["dblp"]
    openreview_api: str = DEFAULT_APIS["openreview"]
    acl_api: str = DEFAULT_APIS["acl"]
    contact: str | None = None  # e-mail address for Crossref's polite pool
    arxiv_delay: float = 3.0  # seconds between two calls to arXiv (its terms ask for 3)
    timeout: float = 20.0  # seconds for connecting and for each read
    retries: int = 3  # retries after the first try (429, 5xx, timeouts, cut connections)
    backoff: float = 1.0  # exponential backoff factor in seconds (1, 2, 4 ...)
    max_wait: float = 60.0  # longest single wait, Retry-After included
    cache_dir: Path | None = None  # answers kept here; None: nothing kept
    cache_days: float = 30.0  # how long a kept answer is used

    def api(self, service: str) -> str:
        return str(getattr(self, f"{service}_api")).rstrip("/")


class ConfigError(ValueError):
    pass


def _number(env: Mapping[str, str], name: str, kind: type[float | int]) -> float | int | None:
    value = env.get(name)
    if value is None or value == "":
        return None
    try:
        number = kind(value)
    except ValueError:
        raise ConfigError(f"{name}={value!r} is not a number") from None
    if number < 0:
        raise ConfigError(f"{name}={value!r} must not be negative")
    return number


class _IgnoreTags(yaml.SafeLoader):
    """mkdocs.yml holds !ENV and !!python tags: read the rest, those as None."""


_IgnoreTags.add_multi_constructor("", lambda loader, suffix, node: None)
_IgnoreTags.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def contact_from_config(config_file: Path) -> str | None:
    try:
        data: Any = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_IgnoreTags)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    extra = data.get("extra") if isinstance(data, dict) else None
    ours = extra.get("dlnotes") if isinstance(extra, dict) else None
    contact = ours.get("contact") if isinstance(ours, dict) else None
    return contact.strip() if isinstance(contact, str) and "@" in contact else None


def settings_from(env: Mapping[str, str], root: Path, config_file: str = "mkdocs.yml", **overrides: Any) -> Settings:
    values: dict[str, Any] = {"cache_dir": root / ".cache" / "dlnotes" / "addpaper"}
    for service in DEFAULT_APIS:
        url = env.get(f"DLNOTES_{service.upper()}_API")
        if url:
            values[f"{service}_api"] = url
    values["contact"] = env.get("DLNOTES_CONTACT") or contact_from_config(root / config_file)
    for field, name, kind in (
        ("arxiv_delay", "DLNOTES_ARXIV_DELAY", float),
        ("timeout", "DLNOTES_HTTP_TIMEOUT", float),
        ("retries", "DLNOTES_HTTP_RETRIES", int),
        ("backoff", "DLNOTES_HTTP_BACKOFF", float),
    ):
        number = _number(env, name, kind)
        if number is not None:
            values[field] = number
    values.update(overrides)
    return dataclasses.replace(Settings(), **values)
