"""LaTeX in bib fields as a reader sees it: Unicode text, with CSL's rich-text markup and math kept.

A bib value like `{\\em Deep} {OGA-UCT} search in Mart\\'{\\i}nez --- $\\beta$-VAE` becomes the
string a CSL processor expects (citeproc-js reads `<i>`, `<b>`, `<span class="nocase">`):
accents and symbols are decoded by pylatexenc (a maintained LaTeX-to-Unicode converter),
protective braces become `nocase` spans (so sentence-case styles keep "OGA-UCT"), emphasis
becomes `<i>`, `\\url{…}` its address, and math is kept as TeX inside an opaque token that no
case change can touch; `math_to_html` turns the tokens of the formatted HTML into the spans the
page's math renderer typesets (pymdownx.arithmatex's generic output, `\\(...\\)`).

Hand-written only where pylatexenc has no switch for it: the walk over its nodes that maps
groups, emphasis and math to CSL markup (pylatexenc renders them to plain text).
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from pylatexenc.latex2text import LatexNodes2Text
from pylatexenc.latexwalker import (
    LatexCharsNode,
    LatexGroupNode,
    LatexMacroNode,
    LatexMathNode,
    LatexNode,
    LatexWalker,
    LatexWalkerError,
)

_to_text = LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True)

_ITALIC = {"emph", "textit", "textsl", "mkbibemph"}
_BOLD = {"textbf", "mkbibbold"}
_SMALLCAPS = {"textsc"}
_ITALIC_SWITCH = {"em", "it", "itshape", "sl"}
_BOLD_SWITCH = {"bf", "bfseries"}
_URL = {"url", "href"}
_NOCASE = ('<span class="nocase">', "</span>")

# Math travels through the CSL processor as an opaque token: its UTF-8 bytes as private-use
# characters, which no case change, escaping or punctuation rule alters.
_MATH_OPEN, _MATH_CLOSE, _HEX0 = "\ue000", "\ue001", 0xE010
_MATH_TOKEN = re.compile(f"{_MATH_OPEN}([\ue010-\ue01f]*){_MATH_CLOSE}")
_PLAIN = re.compile(r"[\\$]")


def _math_token(tex: str) -> str:
    return _MATH_OPEN + "".join(chr(_HEX0 + int(h, 16)) for h in tex.encode().hex()) + _MATH_CLOSE


def _tex(match: re.Match[str]) -> str:
    return bytes.fromhex("".join(f"{ord(c) - _HEX0:x}" for c in match.group(1))).decode()


def _math_from_token(match: re.Match[str]) -> str:
    tex = _tex(match)
    return f'<span class="arithmatex">\\({html.escape(tex, quote=False)}\\)</span>'


def math_to_html(formatted_html: str) -> str:
    """The math tokens of formatted HTML as `<span class="arithmatex">\\(…\\)</span>`."""
    return _MATH_TOKEN.sub(_math_from_token, formatted_html) if _MATH_OPEN in formatted_html else formatted_html


def math_to_text(text: str) -> str:
    """The math tokens of a plain string as `$…$` (for search text, titles in plain contexts)."""
    return _MATH_TOKEN.sub(lambda m: "$" + _tex(m) + "$", text) if _MATH_OPEN in text else text


def _dashes(text: str) -> str:
    return text.replace("---", "\u2014").replace("--", "\u2013").replace("~", "\u00a0")


# Accents and letters written the common ways (`\"u`, `\"{u}`, `{\"u}`, `{\'\i}`, `\c{c}`,
# `{\ss}`, `\&`): decoded one by one (pylatexenc on the accent alone, cached), so that a name
# like `M{\"u}ller` needs no parse of the whole value. Anything else goes through pylatexenc.
_ACCENT = re.compile(
    r"\{\\(?:['\"`^~=.][ ]?|[uvHckrbdt] )(?:[A-Za-z]|\\[ij]|\{[A-Za-z]\}|\{\\[ij]\})\}"
    r"|\\(?:['\"`^~=.]|[uvHckrbdt](?=\{))(?:\{[A-Za-z]\}|\{\\[ij]\})"
    r"|\\['\"`^~=.](?:[A-Za-z]|\\[ij](?![A-Za-z]))"
    r"|\{\\(?:ss|o|O|l|L|ae|AE|oe|OE|aa|AA)\}"
    r"|\\[&%#_]"
)


@lru_cache(maxsize=4096)
def _accent(latex: str) -> str:
    return str(_to_text.latex_to_text(latex))


@lru_cache(maxsize=65536)
def to_csl(value: str, protect: bool = True) -> str:
    """A bib value as CSL rich text. `protect`: braces become nocase spans (titles); otherwise
    they are dropped (names, places, numbers)."""
    if "\\" in value and "$" not in value:
        simpler = _ACCENT.sub(lambda m: _accent(m.group()), value)
        if "\\" not in simpler:
            value = simpler
    if not _PLAIN.search(value):
        # The common case needs no LaTeX parser: only braces, dashes and ties.
        text = _dashes(value)
        if protect:
            return _protect_braces(text)
        return text.replace("{", "").replace("}", "")
    try:
        nodes = LatexWalker(value, tolerant_parsing=True).get_latex_nodes()[0]
    except LatexWalkerError:  # pylatexenc's tolerant mode still raises on a few inputs: keep the text
        return str(_to_text.latex_to_text(value))
    return _walk(nodes, protect, top=True).strip()


def to_text(value: str) -> str:
    """A bib value as plain Unicode (no markup, math kept as `$…$`): for keys of sorting and
    language detection, and places that show plain text."""
    return math_to_text(re.sub(r"<[^>]+>", "", to_csl(value, protect=False)))


def _protect_braces(text: str) -> str:
    out: list[str] = []
    depth = 0
    for ch in text:
        if ch == "{":
            if depth == 0:
                out.append(_NOCASE[0])
            depth += 1
        elif ch == "}":
            if depth == 0:
                continue  # unbalanced: BibTeX would have refused the entry; drop the brace
            depth -= 1
            if depth == 0:
                out.append(_NOCASE[1])
        else:
            out.append(ch)
    if depth > 0:
        out.append(_NOCASE[1])
    return "".join(out)


def _walk(nodes: list[LatexNode] | None, protect: bool, top: bool = False) -> str:
    out: list[str] = []
    wrap: tuple[str, str] | None = None  # a switch like \em applies to the rest of the group
    rest: list[str] = []
    target = out
    for node in nodes or []:
        if isinstance(node, LatexCharsNode):
            target.append(_dashes(node.chars))
        elif isinstance(node, LatexMathNode):
            target.append(_math_token(node.latex_verbatim()[len(node.delimiters[0]) : -len(node.delimiters[1]) or None]))
        elif isinstance(node, LatexGroupNode):
            inner = _walk(node.nodelist, protect)
            # {\"o} and {\i} are accents, not protection; a top-level group is protection.
            first = node.nodelist[0] if node.nodelist else None
            is_accent = isinstance(first, LatexMacroNode) and (not first.macroname.isalpha() or len(first.macroname) <= 2)
            if protect and top and not is_accent and inner and not inner.startswith(("<i>", "<b>")):
                inner = _NOCASE[0] + inner + _NOCASE[1]
            target.append(inner)
        elif isinstance(node, LatexMacroNode):
            name = node.macroname
            args = [a for a in (node.nodeargd.argnlist if node.nodeargd else []) if a is not None]
            if name in _URL and args:
                target.append(args[0].latex_verbatim().strip("{}"))
            elif name in _ITALIC | _BOLD | _SMALLCAPS and args:
                tag = "i" if name in _ITALIC else "b" if name in _BOLD else None
                inner = _walk(args[-1].nodelist if isinstance(args[-1], LatexGroupNode) else [args[-1]], protect)
                target.append(f"<{tag}>{inner}</{tag}>" if tag else f'<span style="font-variant:small-caps;">{inner}</span>')
            elif name in _ITALIC_SWITCH | _BOLD_SWITCH and wrap is None:
                wrap = ("<i>", "</i>") if name in _ITALIC_SWITCH else ("<b>", "</b>")
                target = rest
            else:
                target.append(_to_text.nodelist_to_text([node]))
        else:
            target.append(_to_text.nodelist_to_text([node]))
    if wrap is not None:
        out.append(wrap[0] + "".join(rest).lstrip() + wrap[1])
    return "".join(out)
