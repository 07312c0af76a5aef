"""`dlnotes add PAPER`: the click command, a thin wrapper over `add.add_paper` and
`newnote.create_note` (registered in dlnotes.cli)."""

from __future__ import annotations

import os
from pathlib import Path

import click


@click.command("add")
@click.argument("paper")
@click.option("--no-note", is_flag=True, help="only add the BibTeX entry; do not start a note")
@click.option("--section", help="folder under docs/ for the note (as for `dlnotes note`)")
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    help="the project folder (default: the current folder)",
)
def add(paper: str, no_note: bool, section: str | None, root: Path) -> None:
    """Add PAPER to bib/references.bib and start its note.

    PAPER: an arXiv id (1706.03762, cs/0112017v2) or arXiv address, a DOI or doi.org address,
    an OpenReview forum, ACL Anthology or DBLP record address, a BibTeX entry or a .bib file.
    """
    from ..bibliography import BibEntry
    from ..newnote import NewNoteError, check_section, create_note, plan_note
    from .add import AddError, add_paper
    from .config import ConfigError, settings_from

    try:
        if section is not None and not no_note:  # refused before anything is asked or written
            check_section(root / "docs", section)
    except NewNoteError as err:
        raise click.ClickException(str(err)) from None

    def note_possible(entry: BibEntry) -> None:
        try:
            plan_note(root, entry, section)
        except NewNoteError as err:
            raise AddError(f"its note could not be started: {err}; nothing written (--no-note adds only the entry)") from None

    try:
        settings = settings_from(os.environ, root)
        result = add_paper(root, paper, settings, check_note=None if no_note else note_possible)
    except (AddError, ConfigError) as err:
        raise click.ClickException(str(err)) from None
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    for item in result.papers:
        if item.new:
            click.echo(f"added {item.key} to {result.bib_file}:")
            click.echo(item.text.rstrip("\n"))
        else:
            click.echo(f"already in bib/ as {item.key} ({item.why}): nothing written; its note: make note KEY={item.key}")
    new = [item for item in result.papers if item.new]
    if no_note or len(result.papers) != 1 or not new:
        if len(new) > 1 and not no_note:
            click.echo(f"{len(new)} entries added: start their notes one by one with make note KEY=...")
        return
    try:
        made = create_note(root, new[0].key, section)
    except NewNoteError as err:
        raise click.ClickException(f"{new[0].key} was added to {result.bib_file}, but its note was not started: {err}") from None
    base = root.resolve()
    where = made.path.relative_to(base) if made.path.is_relative_to(base) else made.path
    click.echo(f"created {where.as_posix()}" + (" and added it to the nav in mkdocs.yml" if made.nav_added else ""))
