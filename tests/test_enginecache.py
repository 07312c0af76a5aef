"""Material's search parse kept between builds (dlnotes.enginecache) gives the index Material
gives: its own SearchIndex on pages as MkDocs hands them over, with and without the cache.

The whole site is compared too: tests/test_engines.py builds the real site a second time (with
ProperDocs, on the first build's cache) and compares every file, search index included. The
compiled templates: tests/test_bibtex_site.py (a next build, a damaged file).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from jinja2 import DictLoader, Environment
from material.plugins.search.plugin import SearchIndex

from dlnotes.enginecache import remember_search_parse, search_parse_cache, template_cache


@dataclass
class Anchor:
    id: str
    url: str
    children: list[Anchor] = field(default_factory=list)


@dataclass
class Page:
    url: str
    content: str
    title: str
    toc: list[Anchor]
    meta: dict[str, Any] = field(default_factory=dict)


PAGES = [
    Page(
        "a/",
        '<h1 id="a">注意力</h1><p>神经机器翻译 attention</p><h2 id="b">方法</h2><p>对齐</p>',
        "注意力",
        [Anchor("a", "#a", [Anchor("b", "#b")])],
    ),
    Page("b/", "<p>深度学习</p>", "B", [], {"tags": ["表示学习"], "search": {"boost": 2}}),
    Page("c/", "<p>hidden</p>", "C", [], {"search": {"exclude": True}}),
]


class Plugins(dict[str, Any]):
    """MkDocs' plugin collection, as far as it is read: plugins by name."""


class SearchPlugin:
    def __init__(self, config: dict[str, str] | None = None) -> None:
        self.config = config or {}  # Material's: jieba_dict, jieba_dict_user...
        self.search_index = SearchIndex(lang=["en"], separator=r"[\s\-]+", pipeline=[], fields={})


def index(
    pages: list[Page], cache_file: Path | None, parsed: list[str], config: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """Material's entries for `pages`, as one build makes them (a new plugin, as MkDocs makes)."""
    plugin = SearchPlugin(config)
    original = plugin.search_index.add_entry_from_context

    def counted(page: Page) -> None:
        parsed.append(page.url)
        original(page)

    plugin.search_index.add_entry_from_context = counted
    cache = search_parse_cache(cache_file) if cache_file else None
    if cache is not None:
        remember_search_parse(Plugins({"material/search": plugin, "other": object()}), cache)
    for page in pages:
        plugin.search_index.add_entry_from_context(page)
    if cache is not None:
        cache.save()
    return list(plugin.search_index.entries)


def test_unchanged_pages_get_the_sections_material_made_last_time(tmp_path: Path) -> None:
    material: list[str] = []
    plain = index(PAGES, None, material)
    assert [e["location"] for e in plain] == ["a/", "a/#b", "b/"] and material == ["a/", "b/", "c/"]
    parsed: list[str] = []
    assert index(PAGES, tmp_path / "c.pickle", parsed) == plain and parsed == ["a/", "b/", "c/"]
    parsed.clear()
    assert index(PAGES, tmp_path / "c.pickle", parsed) == plain and parsed == []  # nothing parsed again


@pytest.mark.parametrize(
    "change",
    [
        {"content": '<h1 id="a">注意力</h1><p>改了</p>'},
        {"url": "a2/"},
        {"toc": [Anchor("a", "#a")]},
        {"title": "别的"},
        {"meta": {"title": "front matter title"}},
        {"meta": {"tags": ["新"]}},
    ],
)
def test_a_page_whose_input_changed_is_parsed_again(tmp_path: Path, change: dict[str, Any]) -> None:
    index(PAGES, tmp_path / "c.pickle", [])
    changed = [Page(**{**vars(PAGES[0]), **change}), *PAGES[1:]]
    parsed: list[str] = []
    assert index(changed, tmp_path / "c.pickle", parsed) == index(changed, None, [])
    assert parsed == [changed[0].url]


def test_an_index_material_no_longer_has_is_left_alone(tmp_path: Path) -> None:
    other = type("Index", (), {"entries": None})()
    plugins = Plugins({"material/search": type("P", (), {"search_index": other})()})
    remember_search_parse(plugins, search_parse_cache(tmp_path / "c.pickle"))
    assert not hasattr(other, "add_entry_from_context")


def test_templates_compile_when_their_cache_cannot_be_written(tmp_path: Path) -> None:
    """A read-only checkout (or a cache folder gone mid-build) still builds."""
    (tmp_path / "file").write_text("not a folder", encoding="utf-8")
    assert template_cache(tmp_path / "file" / "templates") is None
    cache = template_cache(tmp_path / "templates")
    (tmp_path / "templates").rmdir()
    env = Environment(loader=DictLoader({"page.html": "{{ 1 + 1 }}"}), bytecode_cache=cache)
    assert env.get_template("page.html").render() == "2"
    again = Environment(loader=DictLoader({"page.html": "{{ 2 + 2 }}"}), bytecode_cache=template_cache(tmp_path / "t"))
    assert again.get_template("page.html").render() == "4" and len(list((tmp_path / "t").iterdir())) == 1


def test_a_changed_jieba_dictionary_parses_every_page_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Material cuts Chinese with jieba and the dictionaries its config names (read from the
    working directory): another user dictionary may cut the same page otherwise."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "user.txt").write_text("神经机器 5\n", encoding="utf-8")
    cache_file = tmp_path / "c.pickle"

    def parsed_with(config: dict[str, str]) -> list[str]:
        parsed: list[str] = []
        index(PAGES, cache_file, parsed, config)
        return parsed

    config = {"jieba_dict_user": "user.txt"}
    assert parsed_with(config) == ["a/", "b/", "c/"] and parsed_with(config) == []
    (tmp_path / "user.txt").write_text("神经机器 5\n机器翻译 9\n", encoding="utf-8")
    assert parsed_with(config) == ["a/", "b/", "c/"]
