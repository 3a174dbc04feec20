"""The general case as plain functions: m neurons with bias on 1-D or 2-D inputs, GD against problem (2).

Nothing here knows about Streamlit; the views cache these results by their (hashable) inputs.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

import landscape as L
import solvers as S
from solvers import SolverError

from . import solving

# --- data -------------------------------------------------------------------------------------------


def data(points, points2d, dims: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inputs (n, dims), the design matrix with a bias column (n, dims + 1) and labels (n,)."""
    rows = np.asarray(points if dims == 1 else points2d, dtype=np.float64).reshape(-1, dims + 1)
    inputs, y = rows[:, :dims], rows[:, dims]
    return inputs, L.with_bias(inputs), y


# --- the two solutions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Optimum:
    """The global optimum of (1) from problem (2), or why there is none."""

    objective: float = math.nan
    W: np.ndarray = field(default_factory=lambda: np.zeros((0, 1)))
    alpha: np.ndarray = field(default_factory=lambda: np.zeros(0))
    seconds: float = math.nan  # wall time of the whole solve (patterns and solver)
    certified_gap: float | None = None
    lower: float = math.nan  # a certified lower bound on the optimum (NaN without a certificate)
    exact: bool = False
    n_patterns: int = 0
    method: str = ""
    error: str | None = None
    stopped: str = ""  # why the solve ended before its stopping rule (then within certified_gap, not optimal)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def neurons(self) -> int:
        return int(self.W.shape[0])


def convex_optimum(X: np.ndarray, y: np.ndarray, lam: float) -> Optimum:
    """Solve (2) over every activation region with the library's fallback; an Optimum says why not if it fails."""
    start = time.perf_counter()
    try:
        sol = solving.solve(X, y, lam)
    except (SolverError, ValueError) as exc:
        return Optimum(error=str(exc) or "the convex solver failed")
    seconds = time.perf_counter() - start
    certified = S.SOLVERS[sol.method].certified
    W, alpha = sol.network()
    return Optimum(
        objective=float(L.objective(W, alpha, X, y, lam)) if len(W) else float(y @ y),
        W=W,
        alpha=alpha,
        seconds=seconds,
        certified_gap=sol.gap if certified else None,
        lower=float(sol.lower) if certified and sol.exact else math.nan,
        exact=bool(sol.exact),
        n_patterns=int(sol.n_patterns),
        method=sol.method,
        stopped=sol.stopped,
    )


def initial_network(m: int, d: int, scale: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian start with standard deviation ``scale`` for both layers: (1, m, d), (1, m)."""
    return L.initial_weights(1, m, d, scale=scale, seed=seed)


SNAPSHOTS = 200  # about this many weight snapshots per run


def descend(
    X, y, m, scale, seed, lam, step, steps, train_alpha=True, progress: Callable[[int, int], None] | None = None
) -> L.DescentPath:
    """One gradient-descent run of width m from a seeded Gaussian start, loss and time kept at every step."""
    W0, a0 = initial_network(m, X.shape[1], scale, seed)
    return train(X, y, W0, a0, lam=lam, step=step, steps=steps, train_alpha=train_alpha, progress=progress)


def train(X, y, W0, a0, *, lam, step, steps, train_alpha=True, snapshots=SNAPSHOTS, progress=None) -> L.DescentPath:
    """Full-batch GD as the m-neuron views run it: closed-form gradient, no early stop, every step timed."""
    return L.gradient_descent(
        X,
        y,
        W0,
        a0,
        lam=lam,
        step=step,
        steps=steps,
        train_alpha=train_alpha,
        gradient="closed_form",
        grad_tol=0.0,
        record_every=-(-int(steps) // snapshots),
        history=True,
        record_patterns=False,
        progress=progress,
    )


# --- comparing them ---------------------------------------------------------------------------------


def certified_gap(W, alpha, X, y, lam, lower: float = math.nan) -> float | None:
    """Objective (1) of (W, alpha) minus a certified lower bound on the global optimum (None if unavailable).

    ``lower``: the bound the page's solve of (2) already certified (:attr:`Optimum.lower`); without it the
    check solves (2) again, with no budget.
    """
    try:
        return float(S.optimality_gap(W, alpha, X, y, lam, lower=None if math.isnan(lower) else lower))
    except (ValueError, SolverError):
        return None


# --- drawing material -------------------------------------------------------------------------------
