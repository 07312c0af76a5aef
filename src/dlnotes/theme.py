"""A fix to the theme's own script, applied to the copy in the built site.

Material 9.8 finds the target of a link preview and of a footnote tooltip by the link's
`URL.hash`, which the browser percent-encodes: a link to a Chinese heading (`#为什么有效`) looks
for `[id="%E4%B8%BA…"]`, finds nothing and shows no preview (mkdocs-material issue 8544). The
lookups are made to decode the hash first. The site's copy of the bundle is patched, never the
installed package; when the expected code is not there (another Material version), nothing is
changed and a warning says so.
"""

from __future__ import annotations

from pathlib import Path

from .atomic import write_atomic
from .problems import Problem

# (what Material writes, what it becomes): the preview's selector, the footnote tooltip's id.
_LOOKUPS = (
    ('`article [id="${e.hash.slice(1)}"]`', '`article [id="${decodeURIComponent(e.hash.slice(1))}"]`'),
    ("a=new URL(i.href).hash.slice(1)", "a=decodeURIComponent(new URL(i.href).hash.slice(1))"),
)


def decode_anchor_lookups(javascripts: Path) -> list[Problem]:
    """Patch the built site's Material bundle (assets/javascripts/bundle.*.min.js)."""
    bundles = sorted(javascripts.glob("bundle.*.min.js"))
    if not bundles:
        return []
    text = bundles[0].read_text(encoding="utf-8")
    if all(new in text for _, new in _LOOKUPS):
        return []  # patched already (a preview rebuild)
    missing = [old for old, _ in _LOOKUPS if old not in text]
    if missing:
        return [
            Problem(bundles[0].name, None, "theme script changed: previews of links to non-ASCII anchors stay off", "warning")
        ]
    for old, new in _LOOKUPS:
        text = text.replace(old, new)
    write_atomic(bundles[0], text)
    return []
