"""Small timing helpers shared by the benchmarks."""

from __future__ import annotations

import time
from typing import Callable


def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    """Best wall time of ``repeat`` calls, in seconds (the least disturbed by other load)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def runs_for(seconds: float, quick: float = 1.0) -> int:
    """How many runs a solve that took ``seconds`` is timed over (the best counts): 7 under 0.1 s, where one
    pause of the machine is as long as the solve, 3 under ``quick``, else 1."""
    return 7 if seconds < 0.1 else 3 if seconds < quick else 1


def print_table(rows: list[tuple], header: tuple) -> None:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    print(line.format(*header))
    print(line.format(*("-" * w for w in widths)))
    for r in rows:
        print(line.format(*r))
