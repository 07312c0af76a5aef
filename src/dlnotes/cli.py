"""The one `dlnotes` command: each subcommand is a thin wrapper around a plain module.

Subcommands register themselves here and nowhere else; the Makefile calls them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

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


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True}, add_help_option=False)
@click.pass_context
def linkcheck(ctx: click.Context) -> None:
    """Check every pdf and GitHub link of docs/ and bib/ (`dlnotes linkcheck --help`)."""
    from .linkcheck.cli import main as linkcheck_main

    sys.exit(linkcheck_main(ctx.args))


from .addpaper.cli import add as _add

main.add_command(_add)


if __name__ == "__main__":
    main()
