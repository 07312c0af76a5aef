"""Reports: text for a terminal, JSON for tools, Markdown for a GitHub issue."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .check import Verdict
from .extract import Occurrence
from .urls import Kind

STATUSES = ("ok", "redirected", "broken", "unverified", "excluded")
# Most actionable first in the human-readable reports.
_ORDER = {"broken": 0, "redirected": 1, "unverified": 2, "excluded": 3, "ok": 4}


@dataclass
class Result:
    url: str
    kind: Kind
    verdict: Verdict
    sources: list[Occurrence] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "kind": self.kind,
            "status": self.verdict.status,
            "code": self.verdict.code,
            "final_url": self.verdict.final_url,
            "message": self.verdict.message,
            "sources": [{"file": o.file, "line": o.line} for o in self.sources],
        }


def summary(results: list[Result]) -> dict[str, int]:
    counts = {"total": len(results)} | {s: 0 for s in STATUSES}
    for r in results:
        counts[r.verdict.status] += 1
    return counts


def to_json(results: list[Result]) -> str:
    return json.dumps({"summary": summary(results), "results": [r.to_json() for r in results]}, indent=2) + "\n"


def _sorted(results: list[Result]) -> list[Result]:
    return sorted(results, key=lambda r: (_ORDER[r.verdict.status], r.url))


def _where(r: Result) -> str:
    return ", ".join(f"{o.file}:{o.line}" for o in r.sources)


def _summary_line(results: list[Result]) -> str:
    s = summary(results)
    return f"{s['total']} URLs: " + ", ".join(f"{s[k]} {k}" for k in STATUSES)


def to_text(results: list[Result], verbose: bool = False) -> str:
    lines = []
    for r in _sorted(results):
        if r.verdict.status == "ok" and not verbose:
            continue
        code = f" {r.verdict.code}" if r.verdict.code is not None else ""
        lines.append(f"{r.verdict.status.upper():10} {r.url}{code}: {r.verdict.message}")
        if r.verdict.final_url and r.verdict.status == "redirected":
            lines.append(f"{'':10} -> {r.verdict.final_url}")
        lines.append(f"{'':10} in {_where(r)}")
    lines.append(_summary_line(results))
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    # Pipes would split the table cell; newlines would end the row.
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("\r", " ")


def to_markdown(results: list[Result]) -> str:
    """A table to paste into an issue; ok links are left out to keep it readable."""
    out = ["## Link check", "", _summary_line(results), ""]
    shown = [r for r in _sorted(results) if r.verdict.status != "ok"]
    if not shown:
        out.append("Nothing to report: every link is ok.")
        return "\n".join(out) + "\n"
    out += ["| Status | URL | Kind | Code | Message | Final URL | Found in |", "|---|---|---|---|---|---|---|"]
    for r in shown:
        code = "" if r.verdict.code is None else str(r.verdict.code)
        cells = [r.verdict.status, r.url, r.kind, code,
                 r.verdict.message, r.verdict.final_url or "", "<br>".join(f"{o.file}:{o.line}" for o in r.sources)]  # fmt: skip
        out.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(out) + "\n"


def render(results: list[Result], fmt: str, verbose: bool = False) -> str:
    if fmt == "json":
        return to_json(results)
    if fmt == "markdown":
        return to_markdown(results)
    return to_text(results, verbose)
