"""`dlnotes linkcheck [OPTIONS] [PATH ...]`: click options over the extraction, check and report.

Exit codes: 0 nothing broken, 1 something broken, 2 usage or input error, 3 the network is
unreachable (nothing was checked). Every error is one line on stderr, never a usage block.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click

from .cache import Cache, parse_duration
from .check import Checker, CheckOptions, Verdict
from .extract import InputError, Occurrence, collect_files, extract_files
from .network import Unreachable, probe
from .report import Result, render
from .urls import GITHUB_API, Kind, Remap, apply_remaps, classify, github_repo, invalid_reason, origin, parse_remap

if TYPE_CHECKING:  # the type click.progressbar returns; click defines it in a private module
    from click._termui_impl import ProgressBar

DEFAULT_PATHS = ["docs", "bib"]
IGNORE_FILE = ".linkcheckignore"
EXIT_OK, EXIT_BROKEN, EXIT_USAGE, EXIT_NO_NETWORK, EXIT_INTERRUPTED = 0, 1, 2, 3, 130

EPILOG = f"""\
Ignore file: {IGNORE_FILE} in the current folder (the repository root), one regular expression
per line, '#' starts a comment; a URL matching any of them (re.search), or any --exclude, is
reported as "excluded" and never requested.

Verdicts: ok (2xx; a PDF link must start with %PDF), redirected (a 301/308 chain leads to a
working page: final_url is the address after the leading permanent redirects, even if a 302
follows), broken (404/410 and other errors, DNS, refused, timeout after retries, too many
redirects or a loop, invalid URL, "not a PDF"), unverified (401/403, bot walls, persistent 429,
redirect to a non-http(s) URL, --offline, no network), excluded (--exclude or the ignore file). 302/303/307
are followed and take the verdict of their target. Only ok and redirected results are cached.

GitHub repository links (github.com/OWNER/REPO) are checked through the GitHub REST API; set
GITHUB_TOKEN to raise the rate limit (the token is only ever sent to the API host).

Network: before checking, one TCP connection is opened to each of the first hosts to be asked
(5 s at most). If none answers, the run says so in one line, reports every link unverified and
exits with 3, instead of retrying every link and calling it broken. --offline skips all of it.

Exit status: 0 nothing broken, 1 at least one broken link, 2 usage or input error, 3 network
unreachable (nothing checked)."""


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


def progress_bar(total: int, stream: TextIO) -> ProgressBar[int]:
    """click's progress bar on stderr when it is a terminal; silent otherwise (CI logs, pipes)."""
    return click.progressbar(length=total, label="linkcheck", file=stream, show_pos=True, hidden=not stream.isatty())


def gather(occurrences: Sequence[Occurrence]) -> list[tuple[str, Kind, list[Occurrence]]]:
    """One entry per distinct URL, in order of first appearance, with every place it appears."""
    by_url: dict[str, list[Occurrence]] = {}
    for occ in occurrences:
        by_url.setdefault(occ.url, []).append(occ)
    return [(url, classify(url, any(o.pdf_hint for o in occs)), occs) for url, occs in by_url.items()]


def probe_targets(todo: Sequence[tuple[str, Kind]], remaps: Sequence[Remap]) -> list[tuple[str, int]]:
    """(host, port) of the first request of each URL, in order: the API host for repositories."""
    targets: list[tuple[str, int]] = []
    for url, kind in todo:
        repo = github_repo(url) if kind == "github" else None
        target = apply_remaps(f"{GITHUB_API}/repos/{repo[0]}/{repo[1]}" if repo else url, remaps)
        if invalid_reason(target) is None:
            _, host, port = origin(target)
            targets.append((host, port or 80))
    return targets


async def _check(todo: list[tuple[str, Kind]], options: CheckOptions, bar: ProgressBar[int]) -> dict[str, Verdict] | Unreachable:
    down = await probe(probe_targets(todo, options.remaps))
    if down is not None:
        return down
    async with Checker(options) as checker:
        return await checker.check_all(todo, on_done=lambda *_: bar.update(1))


def _unchecked(url: str, why: str) -> Verdict:
    """A link not requested: even so, one that cannot be requested at all is known to be broken."""
    reason = invalid_reason(url)
    return Verdict("broken", None, None, reason) if reason else Verdict("unverified", None, None, f"{why}: not checked")


@dataclass
class Options:
    paths: Sequence[str] = ()
    format: str = "text"
    output: str | None = None
    force: bool = False
    remap: Sequence[Remap] = ()
    cache: str = ".cache/linkcheck.json"
    max_cache_age: float = 86400.0
    no_cache: bool = False
    timeout: float = 20.0
    max_retries: int = 3
    max_retry_wait: float = 60.0
    max_concurrency: int = 32
    host_concurrency: int = 2
    exclude: Sequence[re.Pattern[str]] = ()
    ignore_file: str = IGNORE_FILE
    offline: bool = False
    verbose: bool = False


def run(args: Options) -> int:
    # Refuse before any request: no command of the project replaces a file unasked.
    if args.output and Path(args.output).exists() and not args.force:
        raise InputError(f"{args.output}: exists; choose another file or add --force to replace it")
    files = collect_files(list(args.paths) or DEFAULT_PATHS)
    occurrences = extract_files(files)
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
            verdicts[url] = _unchecked(url, "offline")
        elif cache and (cached := cache.get(url, apply_remaps(url, args.remap))):
            cached.message += " (cached)"
            verdicts[url] = cached
        else:
            todo.append((url, kind))

    down: Unreachable | None = None
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
        with progress_bar(len(todo), sys.stderr) as bar:
            fresh = asyncio.run(_check(todo, options, bar))
        if isinstance(fresh, Unreachable):
            down = fresh
            for url, _ in todo:
                verdicts[url] = _unchecked(url, "network unreachable")
            left = sum(verdicts[url].status == "unverified" for url, _ in todo)
            click.echo(f"linkcheck: network unreachable: {down.summary()}; {left} links left unverified "
                       f"(exit {EXIT_NO_NETWORK}; --offline skips the check)", err=True)  # fmt: skip
        else:
            verdicts.update(fresh)
            if cache:
                for url, verdict in fresh.items():
                    cache.put(url, apply_remaps(url, args.remap), verdict)
                try:
                    cache.save()
                except OSError as exc:
                    click.echo(f"linkcheck: warning: cannot write cache {cache.path}: {exc}", err=True)

    results = [Result(url, kind, verdicts[url], occs) for url, kind, occs in entries]
    report = render(results, args.format, args.verbose)
    if args.output:
        try:
            Path(args.output).write_text(report, encoding="utf-8")
        except OSError as exc:
            raise InputError(f"{args.output}: cannot write report: {exc.strerror or exc}") from None
    else:
        sys.stdout.write(report)
    if down is not None:
        return EXIT_NO_NETWORK
    return EXIT_BROKEN if any(r.verdict.status == "broken" for r in results) else EXIT_OK


# --- the command line -----------------------------------------------------------------------


class LinkcheckError(click.ClickException):
    """A usage or input error: one line, `linkcheck: error: ...`, exit 2."""

    exit_code = EXIT_USAGE

    def show(self, file: Any = None) -> None:
        click.echo(f"linkcheck: error: {self.format_message()}", err=True)


class _OneLineCommand(click.Command):
    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:  # instead of click's usage block
            raise LinkcheckError(f"{exc.format_message()} (see --help)") from None


def _converter(parse: Any) -> Any:
    """A click callback applying `parse` to each value of an option; ValueError -> one-line error."""

    def convert(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        try:
            if isinstance(value, tuple):
                return tuple(parse(v) for v in value)
            return parse(value)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None

    return convert


def _regex(text: str) -> re.Pattern[str]:
    try:
        return re.compile(text)
    except re.error as exc:
        raise ValueError(f"bad regex {text!r}: {exc}") from None


POSITIVE = click.FloatRange(min=0, min_open=True)


@click.command(
    "linkcheck",
    cls=_OneLineCommand,
    epilog=EPILOG,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option(
    "--format",
    "format_",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="report format",
)
@click.option("--output", metavar="FILE", help="write the report to FILE instead of standard output (a new file, unless --force)")
@click.option("--force", is_flag=True, help="let --output replace an existing file")
@click.option("--remap", multiple=True, metavar="'REGEX REPLACEMENT'", callback=_converter(parse_remap),
              help="rewrite every URL (GitHub API requests included) before requesting it; repeatable, "
              "applied in order (REGEX and REPLACEMENT are separated by the first space)")  # fmt: skip
@click.option("--cache", metavar="FILE", default=".cache/linkcheck.json", show_default=True, help="cache file")
@click.option("--max-cache-age", metavar="DURATION", default="1d", show_default=True, callback=_converter(parse_duration),
              help="reuse cached successes younger than this: 30s, 10m, 12h, 1d, 2w")  # fmt: skip
@click.option("--no-cache", is_flag=True, help="neither read nor write the cache")
@click.option("--timeout", type=POSITIVE, default=20.0, show_default=True, metavar="SECONDS", help="per request")
@click.option("--max-retries", type=click.IntRange(min=0), default=3, show_default=True, metavar="N",
              help="retries after a timeout, a connection error, 429 or 503")  # fmt: skip
@click.option("--max-retry-wait", type=POSITIVE, default=60.0, show_default=True, metavar="SECONDS",
              help="longest wait before a retry (Retry-After, backoff, GitHub rate-limit reset)")  # fmt: skip
@click.option(
    "--max-concurrency",
    type=click.IntRange(min=1),
    default=32,
    show_default=True,
    metavar="N",
    help="requests in flight in total",
)
@click.option("--host-concurrency", type=click.IntRange(min=1), default=2, show_default=True, metavar="N",
              help="requests in flight per host, never exceeded")  # fmt: skip
@click.option(
    "--exclude", multiple=True, metavar="REGEX", callback=_converter(_regex), help="do not check URLs matching REGEX (repeatable)"
)
@click.option(
    "--ignore-file", default=IGNORE_FILE, show_default=True, metavar="FILE", help="file of regexes to exclude (missing is fine)"
)
@click.option(
    "--offline", is_flag=True, help="make no request at all: extract and report, links unverified (invalid URLs still broken)"
)
@click.option("--verbose", "-v", is_flag=True, help="text format: list ok links too")
@click.pass_context
def command(ctx: click.Context, /, format_: str, **values: Any) -> None:
    """Check the http(s) links of the Markdown notes and BibTeX files: PDFs must be PDFs, GitHub
    repositories must exist, pages must answer. PATHs are files or folders (walked for *.md and
    *.bib); default: docs bib."""
    try:
        code = run(Options(format=format_, **values))
    except InputError as exc:
        raise LinkcheckError(str(exc)) from None
    except KeyboardInterrupt:
        click.echo("linkcheck: interrupted", err=True)
        code = EXIT_INTERRUPTED
    ctx.exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    """Run `dlnotes linkcheck` in this process (tests, benchmarks); returns the exit code."""
    try:
        return int(command.main(list(argv or []), prog_name="linkcheck", standalone_mode=False) or 0)
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
