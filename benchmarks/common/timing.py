"""The one timer of the benchmarks: ours and the reference measured in the same run, side by side.

    compare("Build, 1000 notes (CPU s)", {"plain": build_plain, "ours": build_ours},
            reference="plain", rounds=3, cold_first=True)

runs the variants one after the other in each round (so a busy moment of a shared machine hits
them alike), prints one row per round with every variant's seconds and each one's ratio to the
reference *of that round*, then the median ratio and its range. A variant is any callable that
returns seconds: `cpu_seconds(fn)` (this process and the subprocesses it waited for: the
steadier figure on a shared machine) or `wall_seconds(fn)`, or a figure it measured itself.
"""

from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Callable, Mapping

__all__ = ["compare", "cpu_seconds", "wall_seconds"]


def _cpu_now() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def cpu_seconds(fn: Callable[[], object]) -> float:
    """CPU time of `fn`, its subprocesses included (those it waited for, as subprocess.run does)."""
    start = _cpu_now()
    fn()
    return _cpu_now() - start


def wall_seconds(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def compare(
    title: str,
    variants: Mapping[str, Callable[[], float]],
    *,
    reference: str,
    rounds: int = 1,
    cold_first: bool = False,
) -> list[dict[str, float]]:
    """Measure every variant `rounds` times, interleaved; print the table; return the figures.

    cold_first: round 1 is a first run (empty caches), reported apart from the others.
    """
    if reference not in variants:
        raise ValueError(f"reference {reference!r} is not among the variants {list(variants)}")
    others = [name for name in variants if name != reference]
    width = max(8, *(len(name) for name in variants))
    print(f"\n{title}")
    header = f"{'round':>5}  " + "  ".join(f"{name:>{width}}" for name in variants)
    header += "".join(f"  {name + '/' + reference:>{width + len(reference) + 1}}" for name in others)
    print(header)
    results: list[dict[str, float]] = []
    for n in range(1, rounds + 1):
        row = {name: measure() for name, measure in variants.items()}
        results.append(row)
        line = f"{n:>5}  " + "  ".join(f"{row[name]:>{width}.2f}" for name in variants)
        line += "".join(f"  {row[name] / row[reference]:>{width + len(reference) + 1}.2f}" for name in others)
        print(line + ("   (cold)" if cold_first and n == 1 and rounds > 1 else ""), flush=True)
    warm = results[1:] if cold_first and rounds > 1 else results
    for name in others:
        ratios = sorted(row[name] / row[reference] for row in warm)
        summary = f"{name} / {reference}: median {statistics.median(ratios):.2f}"
        if len(ratios) > 1:
            summary += f" ({ratios[0]:.2f}-{ratios[-1]:.2f} over {len(ratios)} rounds)"
        if cold_first and rounds > 1:
            summary += f"; first run {results[0][name] / results[0][reference]:.2f}"
        print(summary)
    return results
