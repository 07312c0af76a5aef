"""The citation layer: finds `[@key]` citations in a note and turns them into footnotes.

Only real citations are touched. A citation is a bracketed group in prose (never in code, math,
links, HTML or after a backslash) made only of items `prefix @key, locator` separated by ";".
Anything else in brackets is left exactly as written. A bracket that looks like a citation but
is not well formed, or names an unknown key, is reported and left visible, never dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from .keys import KEY_PATTERN, KEY_RULE
from .markdown_spans import Unclosed, line_of, line_offsets, scan

_ITEM = re.compile(
    r"\s*(?P<prefix>[^@;\[\]]*?)(?:(?<=\s)|^)@(?P<key>" + KEY_PATTERN + r")"
    r"(?:\s*,\s*(?P<locator>[^;@\[\]]*?))?\s*$"
)
# A bracket is a citation attempt when an "@" starts a word inside it (not an e-mail address).
_LOOKS_LIKE_CITATION = re.compile(r"(?:^|[\s;])@[^\s@]")

FOOTNOTES_MARKER = "///Footnotes Go Here///"
REFERENCES_HEADING = "## 参考文献 {#references}"


@dataclass(frozen=True)
class CiteItem:
    key: str
    prefix: str = ""
    locator: str = ""


@dataclass(frozen=True)
class CitationGroup:
    start: int
    end: int
    line: int
    items: tuple[CiteItem, ...]

    @property
    def text(self) -> str:
        return "; ".join(" ".join(p for p in (i.prefix, "@" + i.key) if p) + (f", {i.locator}" if i.locator else "") for i in self.items)


@dataclass
class CitationIssue:
    line: int
    message: str
    severity: str = "error"


@dataclass
class CitedPage:
    markdown: str
    cited: list[str] = field(default_factory=list)          # keys in order of first citation
    issues: list[CitationIssue] = field(default_factory=list)
    citation_lines: dict[str, list[int]] = field(default_factory=dict)


def find_citations(markdown: str) -> tuple[list[CitationGroup], list[CitationIssue], list[Unclosed]]:
    groups, issues, unclosed = _find_citations(markdown)
    return list(groups), list(issues), list(unclosed)


@lru_cache(maxsize=4096)  # the cited-in scan (before rendering) and the page itself ask for the same text
def _find_citations(markdown: str) -> tuple[tuple[CitationGroup, ...], tuple[CitationIssue, ...], tuple[Unclosed, ...]]:
    spans = scan(markdown)
    offsets = line_offsets(markdown)
    protected = spans.protected
    groups: list[CitationGroup] = []
    issues: list[CitationIssue] = []
    for start, end in spans.brackets:
        body = markdown[start + 1: end - 1]
        if not _LOOKS_LIKE_CITATION.search(body) or _overlaps(protected, start, end):
            continue
        line = line_of(offsets, start)
        items = []
        for part in body.split(";"):
            m = _ITEM.match(part)
            if not m:
                items = []
                break
            items.append(CiteItem(m.group("key"), " ".join(m.group("prefix").split()), " ".join((m.group("locator") or "").split())))
        if not items:
            issues.append(CitationIssue(line, f"malformed citation '[{body}]': write [@key], [@a; @b] or [see @key, p. 3]; a key may contain {KEY_RULE}"))
            continue
        groups.append(CitationGroup(start, end, line, tuple(items)))
    # Nested brackets: keep the innermost citation only.
    groups = [g for g in groups if not any(o is not g and o.start <= g.start and g.end <= o.end for o in groups)]
    return tuple(groups), tuple(issues), tuple(spans.unclosed_math)


def _overlaps(protected: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in protected)


def cite_page(
    markdown: str,
    known: Callable[[str], bool],
    reference_text: Callable[[str], str],
    suggest: Callable[[str], str | None] = lambda key: None,
    references_heading: str = REFERENCES_HEADING,
    reported: Callable[[str], bool] = lambda key: False,
) -> CitedPage:
    """Replace citations by footnote references and append one footnote per cited entry.

    Footnotes are numbered in order of first citation; the list goes under a references heading
    at the end of the page (or where the author put the footnotes marker).
    """
    groups, issues, unclosed = find_citations(markdown)
    offsets = line_offsets(markdown)
    for u in unclosed:
        hint = " (or write \\$ for a dollar sign)" if u.delimiter == "$" else ""
        issues.append(CitationIssue(line_of(offsets, u.offset), f"unclosed math '{u.delimiter}': add the closing delimiter{hint}"))
    result = CitedPage(markdown, issues=issues)
    own_footnotes = set(re.findall(r"^[ ]{0,3}\[\^([^\]]+)\]:", markdown, re.M))
    out: list[str] = []
    last = 0
    for group in groups:
        out.append(markdown[last:group.start])
        last = group.end
        unknown = [item.key for item in group.items if not known(item.key)]
        if unknown:
            for key in unknown:
                if reported(key):  # its bib entry is broken and was reported there
                    continue
                hint = suggest(key)
                issues.append(CitationIssue(group.line, f"unknown citation key '{key}'" + (f" (did you mean '{hint}'?)" if hint else " (not in any bib file)")))
            # Keep the text visible as written, escaped so that it renders literally.
            out.append("\\[" + markdown[group.start + 1: group.end - 1] + "\\]")
            continue
        rendered = []
        for item in group.items:
            if item.key in own_footnotes:
                issues.append(CitationIssue(group.line, f"footnote label '[^{item.key}]' is also a citation key: rename the footnote"))
            if item.key not in result.citation_lines:
                result.cited.append(item.key)
            result.citation_lines.setdefault(item.key, []).append(group.line)
            ref = f"[^{item.key}]"
            rendered.append(" ".join(p for p in (item.prefix, ref) if p) + (f", {item.locator}" if item.locator else ""))
        decorated = any(item.prefix or item.locator for item in group.items)
        out.append(("(" + "; ".join(rendered) + ")") if decorated else "".join(rendered))
    out.append(markdown[last:])
    text = "".join(out)
    if result.cited:
        definitions = "\n\n".join(f"[^{key}]: {reference_text(key)}" for key in result.cited)
        if FOOTNOTES_MARKER not in text:
            text = text.rstrip("\n") + f"\n\n{references_heading}\n\n{FOOTNOTES_MARKER}\n"
        text = text.rstrip("\n") + "\n\n" + definitions + "\n"
    result.markdown = text
    return result
