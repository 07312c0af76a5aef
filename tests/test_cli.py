"""The one `dlnotes` command: its subcommands, and `bench` finding the benchmarks."""

from __future__ import annotations

import subprocess
import sys

from tests.support.sitebuild import ROOT


def dlnotes(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dlnotes.cli", *args], capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_every_subcommand_is_listed() -> None:
    done = dlnotes("--help")
    assert done.returncode == 0
    for name in ("note", "linkcheck", "import-roadmap", "bench"):
        assert f"  {name} " in done.stdout


def test_bench_lists_the_benchmarks_and_refuses_an_unknown_one() -> None:
    done = dlnotes("bench", "--list")
    assert done.returncode == 0 and {"build", "serve", "weight", "linkcheck"} <= set(done.stdout.split())
    assert "common" not in done.stdout.split()
    done = dlnotes("bench", "nope")
    assert done.returncode == 2 and "no benchmark 'nope'" in done.stderr


def test_bench_passes_options_to_the_benchmark() -> None:
    done = dlnotes("bench", "build", "--help")
    assert done.returncode == 0 and "--sizes" in done.stdout and "dlnotes bench build" in done.stdout
