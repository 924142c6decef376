"""Shared by the benchmarks: time a command the same way every time."""

from __future__ import annotations

import statistics
import subprocess
import time


def timed(command: list[str], runs: int, check: bool = False) -> tuple[float, float]:
    """(best, median) wall time of a command in milliseconds, after one warm-up run.

    On a shared machine the best of N is the steadiest figure to compare.
    """
    subprocess.run(command, capture_output=True, check=check)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=check)
        samples.append((time.perf_counter() - start) * 1000)
    return min(samples), statistics.median(samples)
