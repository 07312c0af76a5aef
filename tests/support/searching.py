"""What a reader searches the real site for, and the note each query must find (None: no note).

One table for the search-index test, the browser's search test and any search benchmark: a
query that finds its note in the index must also find it in the browser.
"""

from __future__ import annotations

QUERIES: list[tuple[str, str | None]] = [
    ("注意力", "attention/bahdanau2014neural/"),
    ("编码器", "attention/bahdanau2014neural/"),
    ("表示学习", "papers/lecun2015deep/"),
    ("attention", "attention/bahdanau2014neural/"),
    ("encoder", "attention/bahdanau2014neural/"),
    ("representation", "papers/lecun2015deep/"),
    ("zyxwvut", None),  # no note has it: search must not match everything (a stem of "transformer" is found)
]
FOUND = [(query, page) for query, page in QUERIES if page is not None]
NOT_FOUND = [query for query, page in QUERIES if page is None]

# What readers reported search missing (Chinese sub-words, mixed scripts, plurals, typos, an
# author): the browser query set must pass all of them; the search benchmarks time them.
REPORTED = {
    "无监督学习",
    "无监督",
    "双向RNN",
    "attention机制",
    "RNN编码器",
    "学习",
    "glimpses",
    "attentions",
    "atention",
    "bahdanu",
    "Mnih",
    "alignment model",
}
