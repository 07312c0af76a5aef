"""Command line: `dlnotes linkcheck [OPTIONS] [PATH ...]` (see --help).

Exit codes: 0 nothing broken, 1 something broken, 2 usage or input error.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
import time
from pathlib import Path
from typing import NoReturn, Sequence, TextIO

from .cache import Cache, parse_duration
from .check import Checker, CheckOptions, Verdict
from .extract import InputError, Occurrence, collect_files, extract_file
from .report import Result, render
from .urls import Kind, Remap, apply_remaps, classify, invalid_reason, parse_remap

DEFAULT_PATHS = ["docs", "bib"]
IGNORE_FILE = ".linkcheckignore"

EPILOG = f"""\
Ignore file: {IGNORE_FILE} in the current folder (the repository root), one regular expression
per line, '#' starts a comment; a URL matching any of them (re.search), or any --exclude, is
reported as "excluded" and never requested.

Verdicts: ok (2xx; a PDF link must start with %PDF), redirected (a 301/308 chain leads to a
working page: final_url is the address after the leading permanent redirects, even if a 302
follows), broken (404/410 and other errors, DNS, refused, timeout after retries, too many
redirects or a loop, invalid URL, "not a PDF"), unverified (401/403, bot walls, persistent 429,
redirect to a non-http(s) URL, --offline), excluded (--exclude or the ignore file). 302/303/307
are followed and take the verdict of their target. Only ok and redirected results are cached.

GitHub repository links (github.com/OWNER/REPO) are checked through the GitHub REST API; set
GITHUB_TOKEN to raise the rate limit (the token is only ever sent to the API host).

Exit status: 0 nothing broken, 1 at least one broken link, 2 usage or input error."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One clear line instead of argparse's usage block.
        self.exit(2, f"linkcheck: error: {message} (see --help)\n")


def _number(text: str, kind: type[int] | type[float], minimum: float, what: str) -> float:
    try:
        value = kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < minimum or value != value:
        raise argparse.ArgumentTypeError(f"must be {what}, got {text}")
    return value


def _positive_int(text: str) -> int:
    return int(_number(text, int, 1, "at least 1"))


def _non_negative_int(text: str) -> int:
    return int(_number(text, int, 0, "0 or more"))


def _positive_float(text: str) -> float:
    value = _number(text, float, 0, "positive")
    if value == 0:
        raise argparse.ArgumentTypeError("must be positive, got 0")
    return value


def _duration(text: str) -> float:
    try:
        return parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _remap(text: str) -> Remap:
    try:
        return parse_remap(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _regex(text: str) -> re.Pattern[str]:
    try:
        return re.compile(text)
    except re.error as exc:
        raise argparse.ArgumentTypeError(f"bad regex {text!r}: {exc}") from None


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="linkcheck",
        description="Check the http(s) links of the Markdown notes and BibTeX files: PDFs must be PDFs, "
        "GitHub repositories must exist, pages must answer.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (walked for *.md and *.bib); default: docs bib")
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text", help="report format (default: text)")
    p.add_argument("--output", metavar="FILE", help="write the report to FILE instead of standard output (a new file, unless --force)")
    p.add_argument("--force", action="store_true", help="let --output replace an existing file")
    p.add_argument("--remap", action="append", type=_remap, default=[], metavar="'REGEX REPLACEMENT'",
                   help="rewrite every URL (GitHub API requests included) before requesting it; repeatable, "
                   "applied in order (REGEX and REPLACEMENT are separated by the first space)")  # fmt: skip
    p.add_argument("--cache", metavar="FILE", default=".cache/linkcheck.json", help="cache file (default: .cache/linkcheck.json)")
    p.add_argument("--max-cache-age", type=_duration, default=parse_duration("1d"), metavar="DURATION",
                   help="reuse cached successes younger than this: 30s, 10m, 12h, 1d, 2w (default: 1d)")  # fmt: skip
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    p.add_argument("--timeout", type=_positive_float, default=20.0, metavar="SECONDS", help="per request (default: 20)")
    p.add_argument("--max-retries", type=_non_negative_int, default=3, metavar="N", help="retries after a timeout, a connection error, 429 or 503 (default: 3)")
    p.add_argument("--max-retry-wait", type=_positive_float, default=60.0, metavar="SECONDS",
                   help="longest wait before a retry (Retry-After, backoff, GitHub rate-limit reset; default: 60)")  # fmt: skip
    p.add_argument("--max-concurrency", type=_positive_int, default=32, metavar="N", help="requests in flight in total (default: 32)")
    p.add_argument("--host-concurrency", type=_positive_int, default=2, metavar="N", help="requests in flight per host, never exceeded (default: 2)")
    p.add_argument("--exclude", action="append", type=_regex, default=[], metavar="REGEX", help="do not check URLs matching REGEX (repeatable)")
    p.add_argument("--ignore-file", default=IGNORE_FILE, metavar="FILE", help=f"file of regexes to exclude (default: {IGNORE_FILE}; missing is fine)")
    p.add_argument("--offline", action="store_true", help="extract and report, make no request")
    p.add_argument("--verbose", "-v", action="store_true", help="text format: list ok links too")
    return p


def read_ignore_file(path: Path) -> list[re.Pattern[str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from None
    patterns = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            patterns.append(re.compile(line))
        except re.error as exc:
            raise InputError(f"{path}:{number}: bad regex {line!r}: {exc}") from None
    return patterns


class Progress:
    """A one-line progress bar on stderr when it is a terminal; silent otherwise."""

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total, self.done, self.stream = total, 0, stream
        self.enabled = stream.isatty() and total > 0
        self.last = 0.0

    def update(self, *_: object) -> None:
        self.done += 1
        now = time.monotonic()
        if self.enabled and (now - self.last > 0.1 or self.done == self.total):
            self.last = now
            width = 30
            filled = width * self.done // self.total
            self.stream.write(f"\rlinkcheck [{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total}")
            self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r" + " " * 60 + "\r")
            self.stream.flush()


def gather(occurrences: Sequence[Occurrence]) -> list[tuple[str, Kind, list[Occurrence]]]:
    """One entry per distinct URL, in order of first appearance, with every place it appears."""
    by_url: dict[str, list[Occurrence]] = {}
    for occ in occurrences:
        by_url.setdefault(occ.url, []).append(occ)
    return [(url, classify(url, any(o.pdf_hint for o in occs)), occs) for url, occs in by_url.items()]


async def _run_checks(
    todo: list[tuple[str, Kind]], options: CheckOptions, progress: Progress
) -> dict[str, Verdict]:
    async with Checker(options) as checker:
        return await checker.check_all(todo, on_done=progress.update)


def run(args: argparse.Namespace) -> int:
    # Refuse before any request: no command of the project replaces a file unasked.
    if args.output and Path(args.output).exists() and not args.force:
        raise InputError(f"{args.output}: exists; choose another file or add --force to replace it")
    files = collect_files(args.paths or DEFAULT_PATHS)
    occurrences: list[Occurrence] = []
    for path in files:
        occurrences.extend(extract_file(path))
    excludes = list(args.exclude) + read_ignore_file(Path(args.ignore_file))
    entries = gather(occurrences)

    verdicts: dict[str, Verdict] = {}
    todo: list[tuple[str, Kind]] = []
    cache = None if args.no_cache or args.offline else Cache(Path(args.cache), args.max_cache_age)
    if cache:
        cache.load()
    for url, kind, _ in entries:
        hit = next((p.pattern for p in excludes if p.search(url)), None)
        if hit is not None:
            verdicts[url] = Verdict("excluded", None, None, f"excluded by {hit!r}")
        elif args.offline:
            # Even offline, a URL that cannot be requested at all is known to be broken.
            reason = invalid_reason(url)
            verdicts[url] = Verdict("broken", None, None, reason) if reason else Verdict("unverified", None, None, "offline: not checked")
        elif cache and (cached := cache.get(url, apply_remaps(url, args.remap))):
            cached.message += " (cached)"
            verdicts[url] = cached
        else:
            todo.append((url, kind))

    if todo:
        options = CheckOptions(
            timeout=args.timeout,
            max_retries=args.max_retries,
            max_concurrency=args.max_concurrency,
            host_concurrency=args.host_concurrency,
            max_retry_wait=args.max_retry_wait,
            backoff_base=min(1.0, args.max_retry_wait),
            remaps=args.remap,
            github_token=os.environ.get("GITHUB_TOKEN") or None,
        )
        progress = Progress(len(todo), sys.stderr)
        try:
            fresh = asyncio.run(_run_checks(todo, options, progress))
        finally:
            progress.close()
        verdicts.update(fresh)
        if cache:
            for url, verdict in fresh.items():
                cache.put(url, apply_remaps(url, args.remap), verdict)
            try:
                cache.save()
            except OSError as exc:
                print(f"linkcheck: warning: cannot write cache {cache.path}: {exc}", file=sys.stderr)

    results = [Result(url, kind, verdicts[url], occs) for url, kind, occs in entries]
    report = render(results, args.format, args.verbose)
    if args.output:
        try:
            Path(args.output).write_text(report, encoding="utf-8")
        except OSError as exc:
            raise InputError(f"{args.output}: cannot write report: {exc.strerror or exc}") from None
    else:
        sys.stdout.write(report)
    return 1 if any(r.verdict.status == "broken" for r in results) else 0


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error already printed in one line
        return exc.code if isinstance(exc.code, int) else 2
    try:
        return run(args)
    except InputError as exc:
        print(f"linkcheck: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("linkcheck: interrupted", file=sys.stderr)
        return 130
