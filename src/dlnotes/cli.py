"""The one `dlnotes` command: each subcommand is a thin wrapper around a plain module.

Subcommands register themselves here and nowhere else; the Makefile calls them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click

from .addpaper.cli import add as _add
from .linkcheck.cli import command as linkcheck_command

ROOT_HELP = "the project folder (default: the current folder)"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Notes on the Deep Learning Papers Reading Roadmap: the site's tools."""


@main.command()
@click.argument("key")
@click.option("--section", help="folder under docs/ (default: attention if the title mentions attention, else papers)")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."), help=ROOT_HELP)
def note(key: str, section: str | None, root: Path) -> None:
    """Start a note for a BibTeX or roadmap KEY (front matter, heading, citation; added to the nav)."""
    from .newnote import NewNoteError, create_note

    try:
        made = create_note(root, key, section)
    except NewNoteError as err:
        raise click.ClickException(str(err)) from None
    base = root.resolve()
    where = made.path.relative_to(base) if made.path.is_relative_to(base) else made.path
    click.echo(f"created {where.as_posix()}" + (" and added it to the nav in mkdocs.yml" if made.nav_added else ""))


main.add_command(linkcheck_command)


@main.command("import-roadmap")
@click.argument("papers", type=click.Path(dir_okay=False, path_type=Path), default=Path("../shared/roadmap/papers.json"))
@click.option("--out-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("bib"), show_default=True,
              help="where roadmap.bib and roadmap.yaml go")  # fmt: skip
@click.option("--force", is_flag=True, help="overwrite existing outputs")
def import_roadmap(papers: Path, out_dir: Path, force: bool) -> None:
    """Import the reading roadmap once: PAPERS (papers.json; default ../shared/roadmap/papers.json)
    -> bib/roadmap.bib + bib/roadmap.yaml. Exit 1 when an output exists (give --force), 2 on bad input."""
    from .roadmap_import import ImportFailed
    from .roadmap_import import import_roadmap as run_import

    try:
        click.echo(run_import(papers, out_dir, force))
    except ImportFailed as err:
        click.echo(f"import-roadmap: {err}", err=True)
        raise SystemExit(err.code) from None


DEFAULT_BENCHMARKS = ("build", "serve", "weight")


def _benchmarks(root: Path) -> list[str]:
    """The benchmarks of a project: every module of benchmarks/ (the package's own files and
    benchmarks/common/, what they share, aside)."""
    folder = root / "benchmarks"
    return sorted(p.stem for p in folder.glob("*.py") if not p.stem.startswith("_")) if folder.is_dir() else []


@main.command(context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
@click.argument("name", required=False)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."), help=ROOT_HELP)
@click.option("--list", "list_only", is_flag=True, help="list the benchmarks and stop")
def bench(name: str | None, args: tuple[str, ...], root: Path, list_only: bool) -> None:
    """Run benchmark NAME (`python -m benchmarks.NAME ARGS` in the project folder): figures, ours
    and the reference side by side. Without NAME: build, serve and weight, as `make bench` does.
    `dlnotes bench NAME --help` lists a benchmark's options."""
    known = _benchmarks(root)
    if list_only:
        click.echo("\n".join(known))
        return
    if name is not None and name not in known:
        raise click.UsageError(f"no benchmark {name!r} in {root / 'benchmarks'}; there are: {', '.join(known) or 'none'}")
    for each in [name] if name else [n for n in DEFAULT_BENCHMARKS if n in known]:
        done = subprocess.run([sys.executable, "-m", f"benchmarks.{each}", *args], cwd=root)
        if done.returncode:
            raise SystemExit(done.returncode)


@main.command()
@click.option(
    "--config-file",
    "-f",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("mkdocs.yml"),
    show_default=True,
    help="the site's mkdocs.yml",
)
@click.option("--warnings/--no-warnings", default=True, show_default=True, help="also list warnings (never a failure)")
def check(config_file: Path, warnings: bool) -> None:
    """Report every problem of the notes and bib files, as the build does, without building.

    One line per problem, `file:line: problem`. Exit status 1 when there is an error.
    """
    from .check import check as check_site
    from .siteconfig import ConfigError

    try:
        problems = check_site(config_file)
    except ConfigError as err:
        raise click.ClickException(str(err)) from None
    errors = [p for p in problems if p.severity == "error"]
    for problem in problems:
        if problem.severity == "error" or warnings:
            click.echo(str(problem), err=problem.severity == "error")
    click.echo(f"{len(errors)} error(s), {len(problems) - len(errors)} warning(s)", err=True)
    sys.exit(1 if errors else 0)


main.add_command(_add)


if __name__ == "__main__":
    main()
