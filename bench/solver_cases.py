"""Cases of the solver benchmark (project issue 9): 1-D and 2-D inputs with a bias column, labels
smooth, noisy, or rounded as the click pad makes them, over a range of lambdas; and the solves that
run in a child process."""

from __future__ import annotations

import time

import numpy as np

from bench.timing import runs_for
from landscape import with_bias
from solvers import solve_convex
from solvers.cones import forget_arrangements

KINDS = ("smooth", "noisy", "rounded 0.01", "rounded 0.001")
LAMS = (1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0)
SIZES = {1: (20, 100, 300, 500), 2: (20, 60, 150)}
NOISE = 0.1


def smooth(inputs: np.ndarray) -> np.ndarray:
    """The smooth label: sin 3x in 1-D, sin(3 x1) cos(2 x2) in 2-D."""
    out = np.sin(3.0 * inputs[:, 0])
    return out * np.cos(2.0 * inputs[:, 1]) if inputs.shape[1] > 1 else out


def dataset(dims: int, n: int, kind: str = "noisy") -> tuple[np.ndarray, np.ndarray]:
    """One case of the grid: ``(X, y)`` with X = [x, 1].

    The inputs x ~ U(-1, 1)^dims depend only on (dims, n), so the label kinds of one size share them.
    A rounded kind rounds x and then the smooth label to the same step, as a clicked point is stored
    (many inputs repeat at 0.01).

    Parameters
    ----------
    dims : int
        1 or 2 inputs (before the bias column).
    n : int
        Number of points.
    kind : str
        One of :data:`KINDS`.
    """
    rng = np.random.default_rng([dims, n])
    inputs = rng.uniform(-1.0, 1.0, (n, dims))
    noise = NOISE * rng.standard_normal(n)
    if kind == "smooth":
        return with_bias(inputs), smooth(inputs)
    if kind == "noisy":
        return with_bias(inputs), smooth(inputs) + noise
    if kind.startswith("rounded"):
        decimals = len(kind.split()[1].split(".")[1])
        inputs = np.round(inputs, decimals)
        return with_bias(inputs), np.round(smooth(inputs), decimals)
    raise ValueError(f"Unknown label kind {kind!r}; choose one of {', '.join(KINDS)}.")


# Steps run in a child process (bench.child.run_child): module-level generators, pickled by name.


def reference_step(X: np.ndarray, y: np.ndarray, lam: float, quick: float = 1.0):
    """The generic cvxpy + Clarabel solve: yields (seconds, objective); raises SolverError if it fails.

    Timed like the fast solve it is compared with: the best of :func:`bench.timing.runs_for` runs, as many as
    the first run's time asks for, each from new data (no arrangement kept from the run before).
    """

    def once():
        forget_arrangements()
        start = time.perf_counter()
        sol = solve_convex(X, y, lam, method="cvxpy")
        return time.perf_counter() - start, sol

    first, sol = once()
    best = min([first] + [once()[0] for _ in range(runs_for(first, quick) - 1)])
    yield best, sol.objective


def fast_step(X: np.ndarray, y: np.ndarray, lam: float, budget: float):
    """The default solve with a time budget: yields (seconds, relative gap, regions, status)."""
    start = time.perf_counter()
    sol = solve_convex(X, y, lam, budget=budget)
    yield time.perf_counter() - start, sol.gap / sol.objective, sol.n_patterns, sol.status
