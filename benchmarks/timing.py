"""Shared by the benchmarks: time a command the same way every time."""

from __future__ import annotations

import resource
import statistics
import subprocess
import time


def timed(command: list[str], runs: int, check: bool = True) -> tuple[float, float]:
    """(best, median) wall time of a command in milliseconds, after one warm-up run.

    On a shared machine the best of N is the steadiest figure to compare. A run
    that fails raises (``check``): it would be timed doing less than it should.
    """
    subprocess.run(command, capture_output=True, check=check)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=check)
        samples.append((time.perf_counter() - start) * 1000)
    return min(samples), statistics.median(samples)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def interleaved(
    commands: dict[str, list[str]], runs: int, cpu: bool = False, accept: tuple[int, ...] = (0,)
) -> dict[str, tuple[float, float, float]]:
    """(best, median, worst) wall time in ms of each command, their runs taken in turn.

    On a shared machine, load comes and goes: running the commands one after
    the other, round after round, lets each see the same load, so their ratio
    holds even when the absolute figures do not. With ``cpu``, the processor
    time the command and its children used (user and system) instead: steadier
    than wall time under load, but blind to waiting and to work done in parallel.
    A command that exits with a code not in ``accept`` stops the benchmark: it did
    less than it should have, and its time would say nothing.
    """
    clock = _children_cpu if cpu else time.perf_counter
    for command in commands.values():
        _run_checked(command, accept)
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            start = clock()
            _run_checked(command, accept)
            samples[name].append((clock() - start) * 1000)
    return {
        name: (min(times), statistics.median(times), max(times)) for name, times in samples.items()
    }


def _run_checked(command: list[str], accept: tuple[int, ...]) -> None:
    done = subprocess.run(command, capture_output=True, check=False)
    if done.returncode not in accept:
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise SystemExit(f"{command[:4]}... failed ({done.returncode}): " + " | ".join(tail))


def instructions(command: list[str]) -> float | None:
    """Millions of instructions a command executes (valgrind's cachegrind), or None without it.

    Worker processes count too. The same from run to run and under any load,
    where times on a shared machine swing by a third: the figure to compare two
    trees by. It counts work, not waiting, and a slow instruction as one, so it
    approximates a time ratio.
    """
    import re
    import shutil

    if shutil.which("valgrind") is None:
        return None
    tool = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--trace-children=yes"]
    tool.append("--cachegrind-out-file=/dev/null")
    done = subprocess.run([*tool, *command], capture_output=True, text=True, check=False)
    # one count per process (env execs Python; worker processes): their sum is the work
    found = re.findall(r"I\s+refs:\s+([\d,]+)", done.stderr)
    return sum(int(n.replace(",", "")) for n in found) / 1e6 if found else None


def baseline_command(source: str | None, args: list[str]) -> list[str] | None:
    """``python -m evalcli ARGS`` run from another source tree (``--baseline SRC``), or None."""
    if source is None:
        return None
    import sys

    return ["env", f"PYTHONPATH={source}", sys.executable, "-m", "evalcli", *args]
