"""Benchmark: the certified fast solver of problem (2) against the generic cvxpy + Clarabel formulation,
and the batched basin-of-attraction map.

Both solvers are timed end to end through ``solvers.solve_convex`` (pattern enumeration included),
on the same data in the same run; the fast time is the best of a few runs, the cvxpy time one run.
Run with ``python bench/bench_fast_solver.py`` or through the project's bench runner (``main()``).
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from landscape import basin_map, with_bias  # noqa: E402
from solvers import solve_convex  # noqa: E402

LAM = 0.01
CVXPY_SKIP_N = 1000  # measured: cvxpy takes minutes at n = 1000 (1-D), beyond the 60 s budget

TARGETS = {
    ("1-D + bias", 200): (0.2, 20.0),
    ("1-D + bias", 1000): (3.0, None),
    ("2-D + bias", 50): (1.0, 15.0),
}


def data_1d(n: int, seed: int = 0):
    """x ~ U(-1, 1), y = sin(3x) + 0.1 noise, with a bias column."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, n)
    return with_bias(x), np.sin(3.0 * x) + 0.1 * rng.standard_normal(n)


def data_2d(n: int, seed: int = 0):
    """x ~ N(0, I_2), y = sin(x1) cos(x2) + 0.05 noise, with a bias column."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 2))
    return with_bias(x), np.sin(x[:, 0]) * np.cos(x[:, 1]) + 0.05 * rng.standard_normal(n)


def _best_time(fn, repeats: int):
    best, out = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def solver_rows(repeats: int = 3) -> list[dict]:
    rows = []
    for label, n, make in [
        ("1-D + bias", 100, data_1d),
        ("1-D + bias", 200, data_1d),
        ("1-D + bias", 1000, data_1d),
        ("2-D + bias", 50, data_2d),
    ]:
        X, y = make(n)
        t_fast, fast = _best_time(lambda: solve_convex(X, y, LAM), repeats)
        row = dict(case=label, n=n, patterns=fast.n_patterns, fast_s=t_fast, gap=fast.gap, objective=fast.objective)
        if n >= CVXPY_SKIP_N:
            row.update(cvxpy_s=None, ratio=None, rel_diff=None)
        else:
            t_cvx, ref = _best_time(lambda: solve_convex(X, y, LAM, method="cvxpy"), 1)
            row.update(
                cvxpy_s=t_cvx,
                ratio=t_cvx / t_fast,
                rel_diff=abs(fast.objective - ref.objective) / abs(ref.objective),
            )
        rows.append(row)
    return rows


def basin_row(repeats: int = 3) -> dict:
    w = np.linspace(-3.0, 3.0, 200)
    x, y = np.array([-1.0, 1.0]), np.array([1.0, 2.0])
    t, L = _best_time(lambda: basin_map(x, y, w, w, lam=0.0, step=0.05, steps=300), repeats)
    values, counts = np.unique(np.round(L, 6), return_counts=True)
    return dict(seconds=t, valleys={float(v): int(c) for v, c in zip(values, counts)})


def _fmt(v, spec):
    return "-" if v is None else format(v, spec)


def main() -> None:
    rows = solver_rows()
    print(f"Problem (2), lambda = {LAM}: fast (certified) vs generic cvxpy + Clarabel, end to end")
    header = (
        f"{'case':<12}{'n':>6}{'patterns':>10}{'fast s':>10}{'cvxpy s':>10}{'ratio':>8}{'rel diff':>10}{'gap':>10}"
        "  target"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        target = TARGETS.get((r["case"], r["n"]))
        if target is None:
            verdict = ""
        else:
            limit, ratio = target
            ok = r["fast_s"] <= limit and (ratio is None or r["ratio"] is None or r["ratio"] >= ratio)
            verdict = f"<= {limit:g} s" + (f", >= {ratio:g}x" if ratio else "") + (" ok" if ok else " MISSED")
        print(
            f"{r['case']:<12}{r['n']:>6}{r['patterns']:>10}{r['fast_s']:>10.3f}{_fmt(r['cvxpy_s'], '10.3f'):>10}"
            f"{_fmt(r['ratio'], '7.1f') + ('x' if r['ratio'] else ''):>8}{_fmt(r['rel_diff'], '10.1e'):>10}"
            f"{r['gap']:>10.1e}  {verdict}"
        )
    if any(r["cvxpy_s"] is None for r in rows):
        print(f"cvxpy skipped at n >= {CVXPY_SKIP_N}: it takes longer than 60 s there.")
    b = basin_row()
    ok = "ok" if b["seconds"] <= 1.0 else "MISSED"
    print(f"\nBasin map, 200 x 200 starts x 300 steps, points (-1, 1), (1, 2): {b['seconds']:.3f} s (<= 1 s {ok})")
    print("  final loss -> number of starts: " + ", ".join(f"{v:g}: {c}" for v, c in b["valleys"].items()))


if __name__ == "__main__":
    main()
