#!/usr/bin/env python3
"""Budgets of the site: build time, edit-to-reload time under `mkdocs serve`, page weight.

Not a test: it prints figures (see README "Performance"). `make bench` runs it.

  build    generated sites of 10, 133 and 1000 notes (each cites its paper and two others with
           [@key], has inline math and a figure; a bib of matching size), built with our
           mkdocs.yml minus its nav ("full") and the same without the dlnotes plugin, citations
           left as text ("plain"). Per-note time 133 -> 1000 must not grow (linear or better).
  serve    `mkdocs serve` on a free port for the real site and the 133- and 1000-note sites:
           append a unique marker to one note and time until the served page contains it;
           the same with `--dirty` (rebuilds only changed pages).
  weight   the real site in Chromium (Debian's, as in the browser tests), served with
           Cache-Control: max-age=3600: bytes transferred as Chrome reports them for a note on
           a cold cache and for a second note with a warm cache; time from navigation start until
           MathJax is done (data-math="done"); the home page (no math) loads no MathJax.

Usage: scripts/bench_site.py [--sizes 10,133,1000] [--repeat 2] [--only build,serve,weight]
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "mkdocs.yml"
FIGURE = ROOT / "docs" / "assets" / "figures" / "rnnsearch.svg"
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "NO_COLOR": "1"}
MKDOCS = [sys.executable, "-m", "mkdocs"]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
RELOAD_TARGET_S = 1.0


# --- sites ------------------------------------------------------------------------------------

def site_config(*, keep_nav: bool, dlnotes: bool, prune: bool = False) -> str:
    """Our mkdocs.yml, usable from another directory: project paths made absolute."""
    text = CONFIG.read_text(encoding="utf-8")
    if prune:  # Material renders only the navigation a page shows, not every page's link
        text, n = re.subn(r"^(\s*)- navigation\.instant\n", r"\g<0>\g<1>- navigation.prune\n", text, count=1, flags=re.M)
        assert n == 1, "no navigation.instant in mkdocs.yml to put navigation.prune after"
    text = re.sub(r"^(\s*custom_dir:\s*)overrides\s*$", rf"\g<1>{ROOT / 'overrides'}", text, flags=re.M)
    text = re.sub(r"^(\s*jieba_dict_user:\s*)(\S+)\s*$", lambda m: f"{m.group(1)}{ROOT / m.group(2)}", text, flags=re.M)
    text = re.sub(r"^(\s*mathjax_dir:\s*)(\S+)\s*$", lambda m: f"{m.group(1)}{ROOT / m.group(2)}", text, flags=re.M)
    if not keep_nav:
        text = re.sub(r"^nav:\n(?:[ \t]+.*\n?|\n)*", "", text, flags=re.M)
    if not dlnotes:
        text, n = re.subn(r"^[ \t]*#[^\n]*\n(?=[ \t]*- dlnotes:)|^[ \t]*- dlnotes:\n(?:[ \t]{4,}\S.*\n)*", "", text, flags=re.M)
        assert n >= 1 and "dlnotes:" not in text, "could not remove the dlnotes plugin from mkdocs.yml"
    return text


NOTE = """---
key: {key}
status: read
tags: [注意力, 编码器, 基准]
summary: 第 {i} 篇生成的笔记,用于测量构建时间。
---

# Generated note {i}: attention over encoder states

Author {i}, Some Writer. "Generated paper number {i} on attention." [pdf](https://arxiv.org/pdf/2001.{i:05d}.pdf) [@{key}]

本文讨论注意力机制与编码器-解码器结构。在时刻 $x_t$ 编码器读入输入,解码器在每一步输出 $y_t$,
注意力权重 $\\alpha_{{tj}}$ 满足 $\\sum_j \\alpha_{{tj}} = 1$,与前人的工作相比[@{other}]更灵活。

## 背景

An encoder neural network reads and encodes a source sentence into a fixed-length vector. A decoder
then outputs a translation from the encoded vector. 在这种框架下,定长向量 $c$ 很难表达长句的全部信息,
所以后面的翻译任务很难有好的表现。This note {i} repeats the argument in its own words.

<figure markdown="span">
  ![生成的示意图:编码器为每个输入词生成 annotation,注意力权重加权求和得到 context,送入解码器](../assets/figures/rnnsearch.svg){{ width="720" }}
  <figcaption markdown="span">示意图(基准用):annotations $h_j$ 经权重 $\\alpha_{{tj}}$ 加权得到 context $c_t$。</figcaption>
</figure>

## 方法

The most important distinguishing feature of this approach from the basic encoder–decoder is that
it does not attempt to encode a whole input sentence into a single fixed-length vector. 作者把输入编码成
一个向量序列,解码时自适应地选择其中的子集[@{third}]。

- 对齐模型 $a$ 是一个前馈网络,与系统的其余部分一起训练。
- 双向 RNN 的 annotation $h_j$ 由前向与后向的隐藏状态拼接而成。

## 结论

By letting the decoder have an attention mechanism, we relieve the encoder from the burden of having
to encode all information in the source sentence into a fixed-length vector. 注意力让模型在长句上表现更好。
"""

BIB_ENTRY = """@article{{{key},
  author  = {{Author{i}, Gen and Writer, Some}},
  title   = {{Generated paper number {i} on attention}},
  journal = {{arXiv preprint arXiv:2001.{i:05d}}},
  year    = {{2020}},
  url     = {{https://arxiv.org/abs/2001.{i:05d}}},
  pdf     = {{https://arxiv.org/pdf/2001.{i:05d}.pdf}}
}}
"""


SECTION = 50  # notes per section folder, as the roadmap's ~21 sections would hold a thousand notes


def note_path(i: int) -> str:
    return f"sec{(i - 1) // SECTION:02d}/gen{i:05d}.md"


def generate_site(where: Path, notes: int) -> Path:
    """A project of `notes` generated notes in sections; returns its mkdocs.yml (full), beside
    mkdocs-plain.yml (no dlnotes plugin) and mkdocs-prune.yml (full + navigation.prune)."""
    docs = where / "docs"
    docs.mkdir(parents=True)
    shutil.copytree(ROOT / "docs" / "assets", docs / "assets")
    shutil.copy(ROOT / "docs" / "index.md", docs / "index.md")
    # The home page links to the real notes; here it is just a page without math.
    (docs / "index.md").write_text("# Deep Learning Papers\n\n生成的笔记,用于测量构建时间。\n", encoding="utf-8")
    keys = [f"gen{i:05d}" for i in range(1, notes + 1)]
    for i, key in enumerate(keys, 1):
        text = NOTE.format(i=i, key=key, other=keys[i % notes], third=keys[(i + 1) % notes])
        path = docs / note_path(i)
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (where / "bib").mkdir()
    (where / "bib" / "references.bib").write_text(
        "\n".join(BIB_ENTRY.format(key=k, i=i) for i, k in enumerate(keys, 1)), encoding="utf-8")
    (where / "mkdocs.yml").write_text(site_config(keep_nav=False, dlnotes=True), encoding="utf-8")
    (where / "mkdocs-plain.yml").write_text(site_config(keep_nav=False, dlnotes=False), encoding="utf-8")
    return where / "mkdocs.yml"


def copy_real_site(where: Path) -> Path:
    for part in ("docs", "bib", "config"):
        shutil.copytree(ROOT / part, where / part)
    (where / "mkdocs.yml").write_text(site_config(keep_nav=True, dlnotes=True), encoding="utf-8")
    return where / "mkdocs.yml"


# --- build ------------------------------------------------------------------------------------

def build(config: Path, site: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run([*MKDOCS, "build", "--quiet", "--config-file", str(config), "--site-dir", str(site)],
                            capture_output=True, text=True, env=ENV, cwd=config.parent)
    elapsed = time.perf_counter() - start
    if result.returncode:
        sys.exit(f"build of {config} failed:\n{result.stderr[-3000:]}")
    return elapsed


def bench_build(sizes: list[int], repeat: int, work: Path) -> dict[int, Path]:
    print(f"\nBuild: `mkdocs build --strict`, best of {repeat}. full = our mkdocs.yml minus nav (navigation.prune on); "
          "plain = the same without the dlnotes plugin (citations left as text)")
    print(f"{'notes':>6} {'full s':>8} {'plain s':>8} {'full/plain':>10} {'full ms/note':>13} {'plain ms/note':>14} {'note KB':>8}")
    configs: dict[int, Path] = {}
    per_note: dict[str, dict[int, float]] = {"full": {}, "plain": {}}
    for n in sizes:
        config = generate_site(work / f"site{n}", n)
        configs[n] = config
        times, html = {}, {}
        runs: dict[str, list[float]] = {"full": [], "plain": []}
        for r in range(repeat):  # interleaved, so a busy moment of the machine hits both alike
            for variant, name in (("full", "mkdocs.yml"), ("plain", "mkdocs-plain.yml")):
                out = work / f"out{n}-{variant}-{r}"
                runs[variant].append(build(config.with_name(name), out))
                html[variant] = (out / note_path(1).removesuffix(".md") / "index.html").stat().st_size
                shutil.rmtree(out, ignore_errors=True)
        for variant in runs:
            times[variant] = min(runs[variant])
            per_note[variant][n] = times[variant] / n
        print(f"{n:>6} {times['full']:>8.2f} {times['plain']:>8.2f} {times['full'] / times['plain']:>10.2f} "
              f"{1000 * times['full'] / n:>13.1f} {1000 * times['plain'] / n:>14.1f} {html['full'] / 1024:>8.0f}")
    if 133 in sizes and 1000 in sizes:
        for variant, times in per_note.items():
            ratio = times[1000] / times[133]
            verdict = "linear or better" if ratio <= 1.05 else "WORSE THAN LINEAR"
            print(f"per-note time 133 -> 1000 notes, {variant:<5}: {1000 * times[133]:5.1f} -> {1000 * times[1000]:5.1f} ms, "
                  f"ratio {ratio:.2f} ({verdict})")
    return configs


# --- serve ------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8", errors="replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(url: str, marker: str | None, timeout: float, server: subprocess.Popen, poll: float = 0.01) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if server.poll() is not None:
            raise TimeoutError(f"mkdocs serve exited with code {server.returncode}")
        body = fetch(url)
        if body is not None and (marker is None or marker in body):
            return time.perf_counter() - start
        time.sleep(poll)
    raise TimeoutError(f"{url} did not show {marker!r} within {timeout:.0f} s")


def edit_to_reload(config: Path, note: Path, page: str, dirty: bool, edits: int = 5) -> list[float]:
    """Serve, then append a marker to `note` `edits` times; seconds until the page shows each."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/{page}"  # served at the root, as `make serve` does (SITE_URL)
    args = [*MKDOCS, "serve", "--config-file", str(config), "--dev-addr", f"127.0.0.1:{port}"]
    if dirty:  # a dirty build always warns that links may be stale: strict mode would abort it
        args += ["--dirty", "--no-strict"]
    log = tempfile.TemporaryFile()
    env = {**ENV, "SITE_URL": f"http://127.0.0.1:{port}/"}
    server = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=config.parent)
    original = note.read_text(encoding="utf-8")
    times = []
    try:
        wait_for(url, None, timeout=600, server=server, poll=0.2)
        for _ in range(edits):
            marker = f"bench-marker-{uuid.uuid4().hex}"
            start = time.perf_counter()
            with note.open("a", encoding="utf-8") as f:
                f.write(f"\n\n{marker}\n")
            wait_for(url, marker, timeout=600, server=server)
            times.append(time.perf_counter() - start)
            time.sleep(0.3)  # let the watcher settle before the next edit
    except TimeoutError:
        log.seek(0)
        sys.stderr.write(log.read().decode("utf-8", errors="replace")[-3000:])
        raise
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        note.write_text(original, encoding="utf-8")
    return times


def bench_serve(configs: dict[int, Path], work: Path) -> None:
    print("\nEdit -> reload under `mkdocs serve` (append a marker to a note, poll the page over HTTP; "
          f"median of 5; the watcher polls every 0.5 s; target <= {RELOAD_TARGET_S:.0f} s)")
    print(f"{'site':>12} {'make serve s':>13} {'serve-full s':>13}   (make serve = --dirty with dlnotes' cross-page check)")
    real = copy_real_site(work / "real")
    sites = [("real site", real, real.parent / "docs" / "attention" / "bahdanau2014neural.md", "attention/bahdanau2014neural/")]
    for n in (133, 1000):
        if n in configs:
            sites.append((f"{n} notes", configs[n], configs[n].parent / "docs" / note_path(1), note_path(1).removesuffix(".md") + "/"))
    for name, config, note, page in sites:
        full = statistics.median(edit_to_reload(config, note, page, dirty=False))
        dirty = statistics.median(edit_to_reload(config, note, page, dirty=True))
        flag = "" if dirty <= RELOAD_TARGET_S else "  over target"
        print(f"{name:>12} {dirty:>13.2f} {full:>13.2f}{flag}")


# --- page weight ------------------------------------------------------------------------------

class _CachingHandler(http.server.SimpleHTTPRequestHandler):
    def end_headers(self) -> None:
        self.send_header("Cache-Control", "max-age=3600")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", "/")

MATH_DONE_AT = """
new MutationObserver((_, observer) => {
  if (document.documentElement.getAttribute("data-math") === "done" && !window.__mathDoneAt) {
    window.__mathDoneAt = performance.now();  // ms since this document's navigation start
    observer.disconnect();
  }
}).observe(document, {attributes: true, subtree: true, attributeFilter: ["data-math"]});
"""


def bench_weight(work: Path) -> None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("\nPage weight: skipped (playwright not installed: make setup-dev)")
        return
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not os.access(chromium, os.X_OK):
        print(f"\nPage weight: skipped (no Chromium at {chromium}: apt-get install chromium)")
        return
    site = work / "weight-site"
    build(CONFIG, site)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_CachingHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"

    def gzip_size(url: str) -> int:
        path = site / urlparse(url).path.lstrip("/")
        path = path / "index.html" if path.is_dir() else path
        if not path.is_file():
            return 0
        data = path.read_bytes()
        return len(gzip.compress(data, 6)) if url.endswith(COMPRESSIBLE) or path.suffix in COMPRESSIBLE else len(data)

    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)

        def visit(context, url: str, label: str) -> None:
            page = context.new_page()
            page.add_init_script(MATH_DONE_AT)
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            urls, sizes, cached = {}, {}, set()
            cdp.on("Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))
            cdp.on("Network.requestServedFromCache", lambda e: cached.add(e["requestId"]))
            cdp.on("Network.responseReceived", lambda e: e["response"].get("fromDiskCache") and cached.add(e["requestId"]))
            cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
            page.goto(url, wait_until="load")
            # Math is typeset at build time now (no data-math state); benchmarks/math.py measures it.
            page.wait_for_function("document.readyState === 'complete'")
            page.wait_for_load_state("networkidle")
            state = page.evaluate("document.documentElement.getAttribute('data-math')")
            done = page.evaluate("window.__mathDoneAt || null")
            network = [rid for rid in sizes if rid not in cached and urls.get(rid, "").startswith("http")]
            transferred = sum(sizes[rid] for rid in network)
            gz = sum(gzip_size(urls[rid]) for rid in network)
            mathjax = any("tex-mml-chtml.js" in u for u in urls.values())
            rows.append((label, len(urls), len(network), transferred, gz, state, done, mathjax))
            page.close()

        cold = browser.new_context(viewport={"width": 1280, "height": 900})
        visit(cold, base + "attention/bahdanau2014neural/", "note, cold cache")
        visit(cold, base + "attention/mnih2014recurrent/", "2nd note, warm cache")
        cold.close()
        home = browser.new_context(viewport={"width": 1280, "height": 900})
        visit(home, base, "home (no math), cold")
        home.close()
        browser.close()
    server.shutdown()

    print("\nPage weight (Chromium; served with Cache-Control: max-age=3600, no compression; "
          "gzip = the same files gzipped, roughly what GitHub Pages sends)")
    print(f"{'page':<22} {'requests':>8} {'from net':>8} {'transferred KB':>15} {'gzip KB':>8} {'math':>5} {'MathJax done ms':>16} {'MathJax loaded':>15}")
    for label, requests, network, transferred, gz, state, done, mathjax in rows:
        done_text = f"{done:.0f}" if done is not None else "-"
        print(f"{label:<22} {requests:>8} {network:>8} {transferred / 1024:>15.1f} {gz / 1024:>8.1f} {state:>5} {done_text:>16} {'yes' if mathjax else 'no':>15}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,133,1000", help="numbers of generated notes (default 10,133,1000)")
    parser.add_argument("--repeat", type=int, default=2, help="builds per size; the best counts (default 2)")
    parser.add_argument("--only", default="build,serve,weight", help="which parts to run (default all)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    parts = set(args.only.split(","))
    print(f"bench_site: Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="bench-site-") as tmp:
        work = Path(tmp)
        configs = {}
        if "build" in parts or "serve" in parts:
            if "build" in parts:
                configs = bench_build(sizes, args.repeat, work)
            else:
                configs = {n: generate_site(work / f"site{n}", n) for n in sizes if n in (133, 1000)}
        if "serve" in parts:
            bench_serve(configs, work)
        if "weight" in parts:
            bench_weight(work)


if __name__ == "__main__":
    main()
