"""The one synthetic site of the benchmarks, and the project's own site, ready to build or serve.

`generate(where, SiteSpec(notes=1000))` writes a project in the project's layout: N notes in
sections of 50 (front matter with key, date, status, tags, summary; Chinese and English prose,
inline math, a figure, a pdf link, citations, code that looks like a citation), a bib with a
matching entry per note (every 97th key uses the unusual characters a key may hold), the real
roadmap files, and the generated pages (references, roadmap, timeline, tags, latest notes).

A site's `config(variant)` is the project's mkdocs.yml with one change per variant:

    ours           as it is (for a generated site: without its nav)
    plain+tags     without the dlnotes plugin (citations left as text)
    plain          without the dlnotes plugin and Material's tags plugin: the reference
    mkdocs-bibtex  plain plus stock mkdocs-bibtex, the citation plugin ours replaces

The site folder links `overrides/`, `config/` and `node_modules/` to the project's, so every
relative path in mkdocs.yml means what it means in the project.
"""

from __future__ import annotations

import random
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.sitebuild import ROOT

__all__ = ["SECTION", "VARIANTS", "Site", "SiteSpec", "generate", "project_copy"]

VARIANTS = ("ours", "plain+tags", "plain", "mkdocs-bibtex")
SECTION = 50  # notes per folder, as the roadmap's ~21 sections would hold a thousand notes
LINKED = ("overrides", "config", "node_modules")
GENERATED_PAGES = ("references.md", "roadmap.md", "timeline.md", "tags.md")
WORDS = ("deep learning neural network attention memory recurrent convolutional residual sequence "
         "translation vision speech generative adversarial reinforcement policy gradient optimization "
         "dropout normalization embedding transformer graph detection segmentation caption").split()  # fmt: skip
TAGS = ("注意力", "视觉", "语言", "优化", "生成模型", "强化学习", "综述", "语音", "图网络", "表示学习")

NOTE = """---
key: "{key}"
{date}status: {status}
tags: [{tags}]
summary: 第 {i} 篇生成的笔记,用于测量构建时间。
---

# Generated note {i}: {title}

Author {i}, Some Writer. "{title}." [pdf](https://arxiv.org/pdf/2001.{i:05d}.pdf) [@{key}]

本文讨论注意力机制与编码器-解码器结构。在时刻 $x_t$ 编码器读入输入,解码器在每一步输出 $y_t$,
注意力权重 $\\alpha_{{tj}}$ 满足 $\\sum_j \\alpha_{{tj}} = 1$,与前人的工作相比{cite0}更灵活。

## 背景

An encoder neural network reads and encodes a source sentence into a fixed-length vector. A decoder
then outputs a translation from the encoded vector. 在这种框架下,定长向量 $c$ 很难表达长句的全部信息,
所以后面的翻译任务很难有好的表现。This note {i} repeats the argument in its own words{cite1}.

<figure markdown="span">
  ![生成的示意图:编码器为每个输入词生成 annotation,加权求和得到 context](../assets/figures/rnnsearch.svg){{ width="720" }}
  <figcaption markdown="span">示意图(基准用):annotations $h_j$ 经权重 $\\alpha_{{tj}}$ 加权得到 context $c_t$。</figcaption>
</figure>

## 方法

The most important distinguishing feature of this approach from the basic encoder–decoder is that
it does not attempt to encode a whole input sentence into a single fixed-length vector. 作者把输入编码成
一个向量序列,解码时自适应地选择其中的子集{cite2}。

- 对齐模型 $a$ 是一个前馈网络,与系统的其余部分一起训练{cite3}。
- 双向 RNN 的 annotation $h_j$ 由前向与后向的隐藏状态拼接而成。Code `x[@notacitation]` stays as written.

## 结论

By letting the decoder have an attention mechanism, we relieve the encoder from the burden of having
to encode all information in the source sentence into a fixed-length vector{cite4}. 注意力让模型在长句上表现更好。
{more}"""

BIB_ENTRY = """@article{{{key},
  author        = {{{authors}}},
  title         = {{{title}}},
  journal       = {{Journal of {journal}}},
  year          = {{{year}}},
  eprint        = {{2001.{i:05d}}},
  archiveprefix = {{arXiv}},
  pdf           = {{https://arxiv.org/pdf/2001.{i:05d}}},
{extra}}}
"""


@dataclass(frozen=True)
class SiteSpec:
    notes: int
    entries: int | None = None  # bib entries; default: one per note
    cites: int = 3  # citations of other entries per note, besides the note's own paper
    seed: int = 42


@dataclass
class Site:
    """A project folder to build or serve: mkdocs.yml (ours), docs/, bib/."""

    root: Path
    generated: bool  # a synthetic site (no nav), not a copy of the project's
    notes: list[str] = field(default_factory=list)  # docs-relative paths of the notes, in order

    def config(self, variant: str = "ours") -> Path:
        """mkdocs-VARIANT.yml beside mkdocs.yml (written on first use)."""
        if variant not in VARIANTS:
            raise ValueError(f"unknown variant {variant!r}; one of {', '.join(VARIANTS)}")
        path = self.root / ("mkdocs.yml" if variant == "ours" else f"mkdocs-{variant}.yml")
        if not path.exists():
            path.write_text(
                derive_config((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), variant, nav=not self.generated),
                encoding="utf-8",
            )
        return path

    def page(self, note: str) -> str:
        """The URL path of a note ("sec00/note00001/") as MkDocs serves it."""
        return note.removesuffix(".md") + "/"


def _strip_block(text: str, start: str) -> tuple[str, int]:
    """Remove every line matching the regex `start` with the more-indented lines (and comments
    just above it) that belong to it; returns the text and how many blocks went."""
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    removed, skipping, indent = 0, False, 0
    for line in lines:
        if skipping:
            if not line.strip() or len(line) - len(line.lstrip()) > indent:
                continue
            skipping = False
        if re.match(start, line):
            skipping, indent = True, len(line) - len(line.lstrip())
            while out and out[-1].strip().startswith("#") and len(out[-1]) - len(out[-1].lstrip()) == indent:
                out.pop()  # the block's own comment
            removed += 1
            continue
        out.append(line)
    return "".join(out), removed


def derive_config(text: str, variant: str, *, nav: bool) -> str:
    """The project's mkdocs.yml as text (comments, tags and !ENV kept) for one variant."""
    if not nav:
        text, _ = _strip_block(text, r"nav:")
    if variant == "ours":
        return text
    text, n = _strip_block(text, r"\s*- dlnotes:")
    assert n == 1, "no dlnotes plugin in mkdocs.yml to remove"
    # The reference typesets math the usual way: arithmatex marks it, MathJax runs in the browser.
    text, n = re.subn(r"^  - dlnotes\.mathmd\s*$", "  - pymdownx.arithmatex:\n      generic: true", text, count=1, flags=re.M)
    assert n == 1, "no dlnotes.mathmd extension in mkdocs.yml to replace"
    if variant == "plain+tags":
        return text
    text, n = _strip_block(text, r"\s*- tags\s*$")
    assert n == 1, "no tags plugin in mkdocs.yml to remove"
    if variant == "mkdocs-bibtex":
        text, n = re.subn(
            r"^plugins:\n",
            "plugins:\n  - bibtex:\n      bib_dir: bib\n      enable_inline_citations: false\n",
            text,
            count=1,
            flags=re.M,
        )
        assert n == 1, "no plugins: in mkdocs.yml"
    return text


def _link_project_parts(where: Path) -> None:
    for name in LINKED:
        if (ROOT / name).exists():
            (where / name).symlink_to(ROOT / name, target_is_directory=True)


def _key(i: int) -> str:
    if i % 97 == 0:  # the unusual characters a key may hold; anchors must stay valid
        return f"doi:10.{i}/x+y.{i}"
    return f"author{i}{2000 + i % 24}{WORDS[i % len(WORDS)]}"


def _bib(keys: list[str], rng: random.Random) -> str:
    out = ["% generated by benchmarks/common/sites.py\n"]
    for i, key in enumerate(keys, 1):
        extra = f"  code          = {{https://github.com/example/repo{i}}},\n" if i % 3 == 0 else ""
        extra += f"  doi           = {{10.1000/bench.{i}}},\n" if i % 4 == 0 else ""
        out.append(BIB_ENTRY.format(
            key=key, i=i, year=2000 + i % 24, extra=extra,
            authors=" and ".join(f"Author{i}x{j}, First{j}" for j in range(rng.randint(1, 5))),
            title=" ".join(rng.choice(WORDS) for _ in range(6)).capitalize(),
            journal=rng.choice(WORDS).capitalize(),
        ))  # fmt: skip
    return "\n".join(out)


def generate(where: Path, spec: SiteSpec) -> Site:
    """Write a synthetic project into `where` (created; must not exist yet)."""
    rng = random.Random(spec.seed)
    entries = spec.entries if spec.entries is not None else spec.notes
    keys = [_key(i) for i in range(1, max(entries, 1) + 1)]
    where.mkdir(parents=True)
    _link_project_parts(where)
    (where / "bib").mkdir()
    (where / "bib" / "references.bib").write_text(_bib(keys, rng), encoding="utf-8")
    for name in ("roadmap.bib", "roadmap.yaml"):
        shutil.copy(ROOT / "bib" / name, where / "bib" / name)
    docs = where / "docs"
    shutil.copytree(ROOT / "docs" / "assets", docs / "assets")
    for name in GENERATED_PAGES:
        shutil.copy(ROOT / "docs" / name, docs / name)
    (docs / "index.md").write_text(
        "# Deep Learning Papers\n\n生成的笔记,用于测量构建时间。\n\n## 最新笔记\n\n<!-- dlnotes:latest-notes -->\n",
        encoding="utf-8",
    )
    site = Site(where, generated=True)
    for i in range(1, spec.notes + 1):
        cited = rng.sample(keys, min(spec.cites, len(keys)))
        marks = [f"[@{key}]" for key in cited]
        slots = marks[:5] + [""] * (5 - len(marks[:5]))
        more = "".join(f"\n另一段文字 {mark}, with more English text about representations.\n" for mark in marks[5:])
        date = f"date: 20{20 + i % 5}-{1 + i % 12:02d}-{1 + i % 28:02d}\n" if i % 7 else ""
        text = NOTE.format(
            i=i, key=keys[(i - 1) % len(keys)], date=date, status=("read", "reading", "todo")[i % 3],
            tags=", ".join(rng.sample(TAGS, 2)), title=" ".join(rng.choice(WORDS) for _ in range(4)).capitalize(),
            more=more, **{f"cite{n}": slot for n, slot in enumerate(slots)},
        )  # fmt: skip
        rel = f"sec{(i - 1) // SECTION:02d}/note{i:05d}.md"
        (docs / rel).parent.mkdir(exist_ok=True)
        (docs / rel).write_text(text, encoding="utf-8")
        site.notes.append(rel)
    site.config("ours")
    return site


def project_copy(where: Path) -> Site:
    """A copy of the project's own site (docs/, bib/), with its nav, to build or serve safely."""
    where.mkdir(parents=True)
    _link_project_parts(where)
    for part in ("docs", "bib"):
        shutil.copytree(ROOT / part, where / part)
    site = Site(where, generated=False)
    site.notes = sorted(p.relative_to(where / "docs").as_posix() for p in (where / "docs").rglob("*.md"))
    site.config("ours")
    return site
