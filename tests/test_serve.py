"""`mkdocs serve` as `make serve` runs it (--dirty --no-strict): reports a mistake, keeps serving,
recovers; rebuilds only the saved page, but every page when something other pages show changed."""

from __future__ import annotations

import shutil
import signal
from pathlib import Path

from tests.support.serving import get, mkdocs_serve, wait_until

MINI = Path(__file__).parent / "fixtures" / "mini"


def test_serve_shows_the_error_keeps_serving_and_recovers(tmp_path: Path) -> None:
    site = tmp_path / "mini"
    shutil.copytree(MINI, site)
    with mkdocs_serve(site / "mkdocs.yml", dirty=True) as served:
        note_url = served.base + "note/"
        assert wait_until(lambda: "Last paragraph of the note." in (get(note_url) or "")), served.log()
        note = site / "docs" / "note.md"
        good = note.read_text(encoding="utf-8")
        note.write_text(good.replace("[@smith2020deep]", "[@smith2020dep]"), encoding="utf-8")
        mistake = "docs/note.md:11: unknown citation key 'smith2020dep'"
        assert wait_until(lambda: mistake in served.log()), served.log()
        assert wait_until(lambda: "[@smith2020dep]" in (get(note_url) or "")), "the page with the mistake is not served"
        assert served.process.poll() is None, "serve stopped on an author mistake"
        note.write_text(good.replace("Last paragraph", "Fixed last paragraph"), encoding="utf-8")
        assert wait_until(lambda: "Fixed last paragraph of the note." in (get(note_url) or "")), "did not recover"
        assert "fn:smith2020deep" in (get(note_url) or "")
        assert "Traceback" not in served.log(), served.log()


def test_a_saved_title_reaches_the_other_pages_and_a_body_edit_rebuilds_one_page(tmp_path: Path) -> None:
    site = tmp_path / "mini"
    shutil.copytree(MINI, site)
    with mkdocs_serve(site / "mkdocs.yml", dirty=True) as served:
        base = served.base
        assert wait_until(lambda: "Smith 2020" in (get(base) or "")), served.log()
        note = site / "docs" / "note.md"
        text = note.read_text(encoding="utf-8")
        note.write_text(text.replace("Last paragraph", "Edited last paragraph"), encoding="utf-8")
        assert wait_until(lambda: "Edited last paragraph" in (get(base + "note/") or ""))
        assert "rebuilding every page" not in served.log(), "a body edit rebuilt every page"
        # The title is in every page's navigation: the home page must show the new one.
        note.write_text(text.replace("# Smith 2020", "# Smith 2020 revised"), encoding="utf-8")
        assert wait_until(lambda: "Smith 2020 revised" in (get(base) or "")), served.log()
        assert "rebuilding every page" in served.log()


def test_a_preview_keeps_what_it_computed_until_it_stops(tmp_path: Path) -> None:
    """A save does not write the caches again (megabytes at a thousand notes); stopping the
    preview (Ctrl+C) writes them, so the next build starts from them."""
    site = tmp_path / "mini"
    shutil.copytree(MINI, site)
    kept = site / ".cache" / "dlnotes" / "backlinks.pickle"  # each note's mentions, by its HTML
    with mkdocs_serve(site / "mkdocs.yml", dirty=True) as served:
        note_url = served.base + "note/"
        assert wait_until(lambda: "Last paragraph of the note." in (get(note_url) or "")), served.log()
        assert wait_until(kept.exists), served.log()
        first = kept.read_bytes()
        note = site / "docs" / "note.md"
        note.write_text(note.read_text(encoding="utf-8").replace("Last paragraph", "Edited paragraph"), encoding="utf-8")
        assert wait_until(lambda: "Edited paragraph of the note." in (get(note_url) or "")), served.log()
        assert kept.read_bytes() == first
        served.process.send_signal(signal.SIGINT)
        served.process.wait(timeout=30)
    assert kept.read_bytes() != first
