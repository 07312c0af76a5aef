"""What readers search for: on the real site, the note each query must find (None: no note); on
the search fixture site (tests/fixtures/search), the query set and a copy of that site to build.

One table for the search-index test, the browser's search test and any search benchmark: a
query that finds its note in the index must also find it in the browser.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from tests.support.sitebuild import ROOT

QUERIES: list[tuple[str, str | None]] = [
    ("注意力", "attention/bahdanau2014neural/"),
    ("编码器", "attention/bahdanau2014neural/"),
    ("表示学习", "papers/lecun2015deep/"),
    ("attention", "attention/bahdanau2014neural/"),
    ("encoder", "attention/bahdanau2014neural/"),
    ("representation", "papers/lecun2015deep/"),
    ("zyxwvut", None),  # no note has it: search must not match everything (a stem of "transformer" is found)
]
FOUND = [(query, page) for query, page in QUERIES if page is not None]
NOT_FOUND = [query for query, page in QUERIES if page is None]

# What readers reported search missing (Chinese sub-words, mixed scripts, plurals, typos, an
# author): the browser query set must pass all of them; the search benchmarks time them.
REPORTED = {
    "无监督学习",
    "无监督",
    "双向RNN",
    "attention机制",
    "RNN编码器",
    "学习",
    "glimpses",
    "attentions",
    "atention",
    "bahdanu",
    "Mnih",
    "alignment model",
}


# The fixture site the query set runs on, and the search worker it is built with (the site's own).
FIXTURE = ROOT / "tests" / "fixtures" / "search"
WORKER = Path("docs/assets/javascripts/workers/search.js")


def copy_search_fixture(where: Path) -> Path:
    """The fixture site copied to `where` with today's overrides/ and search worker, ready to build."""
    shutil.copytree(FIXTURE, where, dirs_exist_ok=True)
    shutil.copytree(ROOT / "overrides", where / "overrides")
    (where / WORKER).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / WORKER, where / WORKER)
    return where


def read_query_set(path: Path) -> list[tuple[str, list[str], str | None]]:
    """(query, pages that must be among the first three, section that must come first or None)
    for each query of `path` (its comment says how they are written)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    pages: dict[str, str] = data["pages"]
    out: list[tuple[str, list[str], str | None]] = []
    for query, *wanted in data["queries"]:
        split = [str(w).partition("#") for w in wanted]
        sections = [f"{pages[name]}#{anchor}" for name, _, anchor in split if anchor]
        assert isinstance(query, str) and wanted and len(sections) <= 1, f"{path.name}: {query!r}"
        out.append((query, [pages[name] for name, _, _ in split], sections[0] if sections else None))
    assert len({query for query, _, _ in out}) == len(out), f"{path.name}: a query is listed twice"
    return out


QUERY_SET = read_query_set(FIXTURE / "queries.yml")
