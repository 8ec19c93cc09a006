"""Timing a call, in this process or in a fresh interpreter, and taking medians.

Each timed call starts after a full garbage collection and runs with the
collector switched off, so a collection that earlier work made due does
not land in one round and not the next.  What the call returns is freed
after the clock stops: tearing down a result is not part of making it.
"""

from __future__ import annotations

import gc
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "Pair",
    "run_command",
    "run_python",
    "time_call",
    "time_pair",
    "time_process",
]

# A fresh interpreter that takes longer than this has hung.
PROCESS_TIMEOUT = 120.0

# How much of a failed command's error output to show.
_ERROR_LINES = 12


def time_call(call: Callable[[], Any]) -> float:
    """Seconds that one ``call()`` takes, collector off, result freed afterwards."""
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        result = call()
        elapsed = time.perf_counter() - start
    finally:
        gc.enable()
    del result
    return elapsed


class Pair:
    """The times of our code and of its baseline, round by round."""

    def __init__(self) -> None:
        self.ours: list[float] = []
        self.baseline: list[float] = []

    @property
    def ours_median(self) -> float:
        """The median of our rounds."""
        return statistics.median(self.ours)

    @property
    def baseline_median(self) -> float:
        """The median of the baseline's rounds."""
        return statistics.median(self.baseline)


def time_pair(
    ours: Callable[[], Any], baseline: Callable[[], Any], rounds: int
) -> Pair:
    """Time ``ours`` and ``baseline`` ``rounds`` times each, taking turns.

    Taking turns spreads any drift of the machine (another process, a
    change of clock speed) over both sides instead of one.
    """
    pair = Pair()
    for _ in range(rounds):
        pair.baseline.append(time_call(baseline))
        pair.ours.append(time_call(ours))
    return pair


def run_python(code: str) -> str:
    """Run ``code`` in a fresh isolated interpreter and return what it printed.

    ``-I`` keeps the environment, the user's site folder and the current
    folder out of ``sys.path``, so the code sees only what it puts there.
    """
    command = [sys.executable, "-I", "-c", code]
    return run_command(command, what="a fresh interpreter")


def run_command(command: Sequence[str], *, what: str, cwd: Path | None = None) -> str:
    """Run ``command`` and return its output; fail with the end of its errors."""
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=PROCESS_TIMEOUT,
        check=False,
        cwd=cwd,
    )
    if result.returncode != 0:
        errors = (result.stderr or result.stdout).strip().splitlines()
        tail = "\n".join(errors[-_ERROR_LINES:])
        raise RuntimeError(f"{what} failed (exit status {result.returncode}):\n{tail}")
    return result.stdout


def time_process(argv: Sequence[str]) -> float:
    """Seconds from starting ``python argv`` to its exit, as a caller sees it."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, *argv],
        capture_output=True,
        timeout=PROCESS_TIMEOUT,
        check=True,
    )
    return time.perf_counter() - start
