"""Fixes to the theme's own script, applied to the copy in the built site.

Material 9.8 finds the target of a link preview and of a footnote tooltip by the link's
`URL.hash`, which the browser percent-encodes: a link to a Chinese heading (`#为什么有效`) looks
for `[id="%E4%B8%BA…"]`, finds nothing and shows no preview (mkdocs-material issue 8544). The
lookups are made to decode the hash first.

Material's instant navigation records the reader's scroll offset in the current history entry
100 ms after the last scroll (a debounced `history.replaceState`). A click on a link (a citation
marker, a table-of-contents entry, another page) pushes a new entry with no state, and once the
page is (re)fetched Material reads that state: none means "jump to the anchor", an offset means
"back/forward: restore it". When the click comes less than 100 ms after a scroll, the pending
offset lands in the NEW entry, and the reader is kept where they were: the address says
`#fn:KEY` but the page never moved (the first anchor click after a page load, and every link to
another page, wait for the fetch, so the timer fires in between). The recorder is made to write
only into the entry the scroll happened in (same address, same history length).

The site's copy of the bundle is patched, never the installed package; when the expected code is
not there (another Material version), that fix is left out and a warning says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .atomic import write_atomic
from .problems import Problem


@dataclass(frozen=True)
class _Fix:
    lost: str  # what a reader loses when the fix cannot be applied (the warning)
    replacements: tuple[tuple[str, str], ...]  # (what Material writes, what it becomes)


# Material's recorder, and the same recorder writing only when the scroll happened in the current
# history entry (k: the address and history length at the scroll; `r` is the viewport observable).
_RECORDER = 'r.pipe(ne("offset"),Ae(100)).subscribe(({offset:a})=>{history.replaceState(a,"")})'
_RECORDER_SAME_ENTRY = (
    '(()=>{let k;r.pipe(ne("offset")).subscribe(()=>{k=location.href+" "+history.length});'
    'return r.pipe(ne("offset"),Ae(100)).subscribe(({offset:a})=>{'
    'k===location.href+" "+history.length&&history.replaceState(a,"")})})()'
)

FIXES = (
    _Fix(
        "previews of links to non-ASCII anchors stay off",
        (  # the preview's selector, the footnote tooltip's id
            ('`article [id="${e.hash.slice(1)}"]`', '`article [id="${decodeURIComponent(e.hash.slice(1))}"]`'),
            ("a=new URL(i.href).hash.slice(1)", "a=decodeURIComponent(new URL(i.href).hash.slice(1))"),
        ),
    ),
    _Fix(
        "a click right after scrolling may change the address without jumping to the anchor",
        ((_RECORDER, _RECORDER_SAME_ENTRY),),
    ),
)


def patch_theme_script(javascripts: Path) -> list[Problem]:
    """Apply FIXES to the built site's Material bundle (assets/javascripts/bundle.*.min.js)."""
    bundles = sorted(javascripts.glob("bundle.*.min.js"))
    if not bundles:
        return []
    original = text = bundles[0].read_text(encoding="utf-8")
    problems: list[Problem] = []
    for fix in FIXES:
        if all(new in text for _, new in fix.replacements):
            continue  # patched already (a preview rebuild)
        if any(old not in text for old, _ in fix.replacements):
            problems.append(Problem(bundles[0].name, None, f"theme script changed: {fix.lost}", "warning"))
            continue
        for old, new in fix.replacements:
            text = text.replace(old, new)
    if text != original:
        write_atomic(bundles[0], text)
    return problems
