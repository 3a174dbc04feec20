"""The general case as plain functions: m neurons with bias on 1-D or 2-D inputs, GD against problem (2).

Nothing here knows about Streamlit; the views cache these results by their (hashable) inputs.
"""
from __future__ import annotations

import inspect
import math
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

import landscape as L
import solvers as S
from solvers import SolverError

from .trainer import Run, train

REACHED = 1e-3  # GD "reached" the optimum when within this relative gap
OUTPUT_GRID_1D = 241
OUTPUT_GRID_2D = 61
STRONG_SHARE = 0.01  # a neuron "matters" when |alpha_i| ||w_i|| is at least this share of the largest


# --- data -------------------------------------------------------------------------------------------


def data(points, points2d, dims: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inputs (n, dims), the design matrix with a bias column (n, dims + 1) and labels (n,)."""
    rows = np.asarray(points if dims == 1 else points2d, dtype=np.float64).reshape(-1, dims + 1)
    inputs, y = rows[:, :dims], rows[:, dims]
    return inputs, L.with_bias(inputs), y


def degeneracies(inputs: np.ndarray) -> dict:
    """Duplicated inputs and collinear triples of 2-D inputs (both shrink the pattern count).

    Returns ``{"duplicates": int, "collinear": int, "all_collinear": bool}``: the number of inputs that
    repeat an earlier one, and of triples of distinct inputs on one line.
    """
    pts = np.asarray(inputs, dtype=np.float64)
    uniq = np.unique(pts, axis=0)
    out = {"duplicates": len(pts) - len(uniq), "collinear": 0, "all_collinear": False}
    if pts.shape[1] != 2 or len(uniq) < 3:
        out["all_collinear"] = pts.shape[1] == 2 and len(uniq) >= 2
        return out
    span = max(float(np.ptp(uniq, axis=0).max()), 1e-12)
    if len(uniq) <= 120:
        i, j, k = np.array([c for c in _triples(len(uniq))]).T
        a, b, c = uniq[i], uniq[j], uniq[k]
        cross = (b[:, 0] - a[:, 0]) * (c[:, 1] - a[:, 1]) - (b[:, 1] - a[:, 1]) * (c[:, 0] - a[:, 0])
        out["collinear"] = int(np.sum(np.abs(cross) <= 1e-9 * span * span))
    centred = uniq - uniq.mean(axis=0)
    s = np.linalg.svd(centred, compute_uv=False)
    out["all_collinear"] = bool(s[1] <= 1e-9 * max(s[0], 1e-300))
    return out


def _triples(n: int):
    for i in range(n):
        for j in range(i + 1, n):
            for k in range(j + 1, n):
                yield i, j, k


# --- the two solutions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Optimum:
    """The global optimum of (1) from problem (2), or why there is none."""

    objective: float = math.nan
    W: np.ndarray = field(default_factory=lambda: np.zeros((0, 1)))
    alpha: np.ndarray = field(default_factory=lambda: np.zeros(0))
    seconds: float = math.nan  # wall time of the whole solve (patterns and solver)
    certified_gap: float | None = None
    exact: bool = False
    n_patterns: int = 0
    method: str = ""
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def neurons(self) -> int:
        return int(self.W.shape[0])


def convex_optimum(X: np.ndarray, y: np.ndarray, lam: float) -> Optimum:
    """Solve (2) over every activation region; fall back to cvxpy if the fast solver gives up."""
    notes = []
    methods = ("fast", "cvxpy") if "method" in inspect.signature(S.solve_convex).parameters else (None,)
    for method in methods:
        start = time.perf_counter()
        try:
            sol = S.solve_convex(X, y, lam) if method is None else S.solve_convex(X, y, lam, method=method)
        except (SolverError, ValueError) as exc:
            notes.append(str(exc))
            continue
        seconds = time.perf_counter() - start
        W, alpha = sol.network()
        gap = getattr(sol, "gap", None)
        return Optimum(objective=float(L.objective(W, alpha, X, y, lam)) if len(W) else float(y @ y),
                       W=W, alpha=alpha, seconds=seconds, certified_gap=None if method == "cvxpy" else gap,
                       exact=bool(sol.exact), n_patterns=int(sol.n_patterns), method=method or sol.method)
    return Optimum(error="; ".join(notes) or "the convex solver failed")


def initial_network(m: int, d: int, scale: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian start with standard deviation ``scale`` for both layers: (1, m, d), (1, m)."""
    return L.initial_weights(1, m, d, scale=scale, seed=seed)


def descend(X, y, m, scale, seed, lam, step, steps, train_alpha=True,
            progress: Callable[[int, int], None] | None = None) -> Run:
    """One gradient-descent run of width m from a seeded Gaussian start."""
    W0, a0 = initial_network(m, X.shape[1], scale, seed)
    return train(X, y, W0, a0, lam=lam, step=step, steps=steps, train_alpha=train_alpha, progress=progress)


def stable_step(X: np.ndarray, W: np.ndarray, alpha: np.ndarray, lam: float) -> float:
    """A step size that does not blow up near (W, alpha): 1 / (largest curvature of the fit term).

    The Gauss–Newton curvature of ``||f(X) - y||^2`` is ``2 J J^T`` with J the Jacobian of the outputs;
    ``J J^T = relu(XW^T) relu(XW^T)^T + (1[XW^T > 0] diag(alpha^2) 1[XW^T > 0]^T) * (X X^T)`` is n x n.
    """
    P = X @ W.T
    H = np.maximum(P, 0.0)
    M = (P > 0).astype(np.float64)
    K = H @ H.T + ((M * alpha**2) @ M.T) * (X @ X.T)
    top = float(np.linalg.eigvalsh(K)[-1]) if len(K) else 0.0
    return 1.0 / (2.0 * top + lam + 1e-12)


# --- comparing them ---------------------------------------------------------------------------------


def relative_gap(loss, optimum: float) -> np.ndarray:
    """``(loss - optimum) / optimum`` (absolute when the optimum is about 0)."""
    loss = np.asarray(loss, dtype=np.float64)
    scale = abs(optimum) if abs(optimum) > 1e-12 else 1.0
    return (loss - optimum) / scale


def first_within(loss, optimum: float, rel: float = REACHED) -> int | None:
    """First step whose loss is within ``rel`` (relative) of the optimum, or None."""
    hit = np.flatnonzero(relative_gap(loss, optimum) <= rel)
    return int(hit[0]) if len(hit) else None


def certified_gap(W, alpha, X, y, lam) -> float | None:
    """Objective (1) of (W, alpha) minus a certified lower bound on the global optimum (None if unavailable)."""
    if not hasattr(S, "optimality_gap"):
        return None
    try:
        return float(S.optimality_gap(W, alpha, X, y, lam))
    except (ValueError, SolverError):
        return None


def strengths(W: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """How much each neuron contributes: ``|alpha_i| ||w_i||`` (..., m)."""
    return np.abs(alpha) * np.linalg.norm(W, axis=-1)


def strong(W: np.ndarray, alpha: np.ndarray, share: float = STRONG_SHARE) -> np.ndarray:
    """Neurons whose ``|alpha_i| ||w_i||`` is at least ``share`` of the largest one (m,)."""
    s = strengths(W, alpha)
    top = float(s.max(initial=0.0))
    return s >= share * top if top > 0 else np.zeros(len(s), dtype=bool)


# --- drawing material -------------------------------------------------------------------------------


def axis_1d(inputs: np.ndarray, pad: float = 0.25, count: int = OUTPUT_GRID_1D) -> np.ndarray:
    x = inputs[:, 0]
    lo, hi = float(x.min()), float(x.max())
    span = max(hi - lo, 1.0)
    return np.linspace(lo - pad * span, hi + pad * span, count)


def box_2d(inputs: np.ndarray, pad: float = 0.25) -> tuple[tuple[float, float], tuple[float, float]]:
    lo, hi = inputs.min(axis=0), inputs.max(axis=0)
    span = np.maximum(hi - lo, 1.0)
    lo, hi = lo - pad * span, hi + pad * span
    return (float(lo[0]), float(hi[0])), (float(lo[1]), float(hi[1]))


def outputs(W: np.ndarray, alpha: np.ndarray, inputs: np.ndarray) -> np.ndarray:
    """Network output at inputs (G, dims) with bias: (G,)."""
    if len(W) == 0:
        return np.zeros(len(inputs))
    return np.maximum(L.with_bias(inputs) @ W.T, 0.0) @ alpha


def surface_2d(W, alpha, box, count: int = OUTPUT_GRID_2D):
    """Output over a grid of the input plane: (g1 (G,), g2 (G,), F (G, G)) with F[i, j] at (g1[j], g2[i])."""
    g1 = np.linspace(*box[0], count)
    g2 = np.linspace(*box[1], count)
    A, B = np.meshgrid(g1, g2)
    F = outputs(W, alpha, np.column_stack([A.ravel(), B.ravel()])).reshape(A.shape)
    return g1, g2, F


def kinks(W: np.ndarray) -> np.ndarray:
    """Activation points ``-b / w`` of 1-D neurons [w, b] (NaN for w = 0): (..., m)."""
    w, b = W[..., 0], W[..., 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        out = -b / w
    return np.where(np.abs(w) > 1e-12, out, np.nan)


def lines_2d(W: np.ndarray, box) -> tuple[np.ndarray, np.ndarray]:
    """Each neuron's line {x : w1 x1 + w2 x2 + b = 0} clipped to the box, as x/y arrays with NaN gaps.

    Neurons whose line misses the box are left out.
    """
    (x0, x1), (y0, y1) = box
    xs, ys = [], []
    for w1, w2, b in np.asarray(W, dtype=np.float64):
        seg = clip_line(w1, w2, b, x0, x1, y0, y1)
        if seg is not None:
            xs += [seg[0][0], seg[1][0], np.nan]
            ys += [seg[0][1], seg[1][1], np.nan]
    return np.asarray(xs), np.asarray(ys)


def clip_line(w1, w2, b, x0, x1, y0, y1):
    """Endpoints of the segment of w1 x + w2 y + b = 0 inside the rectangle, or None."""
    norm = math.hypot(w1, w2)
    if norm <= 1e-12 * max(1.0, abs(b)):
        return None
    hits = []
    if abs(w2) > 1e-15:
        for x in (x0, x1):
            y = -(w1 * x + b) / w2
            if y0 - 1e-12 <= y <= y1 + 1e-12:
                hits.append((x, y))
    if abs(w1) > 1e-15:
        for y in (y0, y1):
            x = -(w2 * y + b) / w1
            if x0 - 1e-12 <= x <= x1 + 1e-12:
                hits.append((x, y))
    if len(hits) < 2:
        return None
    hits.sort()
    return hits[0], hits[-1]
