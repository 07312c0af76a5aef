"""A page's front matter, split exactly as MkDocs splits it, with the line of every field.

MkDocs (mkdocs.utils.meta.get_data) takes a YAML block between a first line `---` and a line
`---` or `...`, followed by a line break, and uses it only when it loads as a mapping; the body is
what follows, with leading blank lines dropped. The same expression is used here so the notes,
the link checker and the new-note command agree with the page MkDocs renders. Text is expected
normalized (see textfiles.normalize: no BOM, LF line endings).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

# MkDocs' own expression (mkdocs/utils/meta.py, YAML_RE).
_YAML_BLOCK = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.UNICODE | re.DOTALL)

# libyaml's parser when PyYAML has it (its wheels do): ten times faster on a thousand notes.
_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _TextDatesLoader(_BaseLoader):  # type: ignore[misc]
    """YAML without implicit timestamps: dates are checked by the notes, so 2021-02-31 is a clear error."""


_TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


@dataclass
class FrontMatter:
    """What a page's text holds: its fields (empty if none), the body MkDocs renders, and lines."""

    fields: dict[str, Any] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1  # 1-based line of the file where `body` starts
    field_lines: dict[str, int] = field(default_factory=dict)  # field -> 1-based line of the file
    error: tuple[int, str] | None = None  # (line, what is wrong) when a block is there but unusable
    present: bool = False  # a block MkDocs takes as front matter
    block: str | None = None  # the YAML between the delimiters, as written (also when unusable)
    block_end: int = 0  # where the text after the closing delimiter's line starts

    def line_of(self, name: str) -> int:
        return self.field_lines.get(name, 2 if self.present else 1)


def split(text: str) -> FrontMatter:
    match = _YAML_BLOCK.match(text)
    if match is None:
        if re.match(r"-{3}[ \t]*\n(?:-{3}|\.{3})[ \t]*(?:\n|\Z)", text):
            return FrontMatter(body=text, error=(1, "empty front matter: MkDocs shows the two '---' lines as rules; delete them"))
        if re.match(r"-{3}[ \t]*\n", text):
            return FrontMatter(body=text, error=(1, "front matter is not closed: add a line '---' after it"))
        return FrontMatter(body=text)
    block, end = match.group(1), match.end()
    try:
        loader = _TextDatesLoader(block)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as err:
        # The context mark points at what was left open (e.g. the "["); the problem mark is often
        # the end of the block, which tells the author less.
        mark = getattr(err, "context_mark", None) or getattr(err, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        what = getattr(err, "problem", None) or str(err).splitlines()[0]
        return FrontMatter(body=text, error=(line, f"front matter is not valid YAML: {what}"), block=block, block_end=end)
    if not isinstance(data, dict):
        if data is None:  # an empty block: MkDocs drops nothing either, but it is no error
            return FrontMatter(body=text, block=block, block_end=end)
        return FrontMatter(body=text, error=(2, "front matter must be 'field: value' lines"), block=block, block_end=end)
    lines = {str(k.value): k.start_mark.line + 2 for k, _v in node.value} if isinstance(node, yaml.MappingNode) else {}
    rest = text[match.end() :]
    body = rest.lstrip("\n")
    body_line = text.count("\n", 0, match.end()) + 1 + (len(rest) - len(body))
    return FrontMatter(fields=data, body=body, body_line=body_line, field_lines=lines, present=True, block=block, block_end=end)
