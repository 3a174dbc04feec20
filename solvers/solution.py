"""The result of solving the convex problem (2), and the map back to a ReLU network."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


class SolverError(RuntimeError):
    """The solver stopped without a certified optimum; no value is reported as optimal."""


def predictions(U, V, patterns, X) -> np.ndarray:
    """``sum_i D_i X (u_i - v_i)``: shape (n,), over the blocks in use, a slice at a time (a fast solution
    has few, and n x P floats at once would not fit for large data: 10 000 points have 20 000 regions)."""
    used = np.flatnonzero(np.any(U != 0, axis=1) | np.any(V != 0, axis=1))
    pred = np.zeros(X.shape[0])
    for lo in range(0, len(used), 512):
        rows = used[lo : lo + 512]
        pred += np.sum(patterns[rows].T * (X @ (U[rows] - V[rows]).T), axis=1)
    return pred


def convex_objective(U, V, patterns, X, y, lam) -> float:
    """Objective (2): ``||sum_i D_i X (u_i - v_i) - y||^2 + lam * sum_i (||u_i|| + ||v_i||)``.

    Parameters
    ----------
    U, V : ndarray, shape (P, d)
    patterns : ndarray of bool, shape (P, n)
    X : ndarray, shape (n, d)
    y : ndarray, shape (n,)
    lam : float
    """
    residual = predictions(U, V, patterns, X) - y
    return float(residual @ residual + lam * (np.linalg.norm(U, axis=1).sum() + np.linalg.norm(V, axis=1).sum()))


def map_to_network(U, V, prune: float = 1e-6) -> tuple[np.ndarray, np.ndarray]:
    """Neurons of (1) from a solution of (2).

    ``(w, alpha) = (u / sqrt||u||, sqrt||u||)`` for each non-zero ``u_i`` and
    ``(v / sqrt||v||, -sqrt||v||)`` for each non-zero ``v_i``. A block counts as zero when its norm is
    at most ``prune`` times the largest block norm: interior-point solvers leave ~1e-9 crumbs that
    are not neurons.

    Returns
    -------
    W : ndarray, shape (k, d)
    alpha : ndarray, shape (k,)
    """
    blocks = np.concatenate([U, V])
    signs = np.concatenate([np.ones(len(U)), -np.ones(len(V))])
    norms = np.linalg.norm(blocks, axis=1)
    top = norms.max(initial=0.0)
    keep = norms > prune * top if top > 0 else np.zeros(len(norms), dtype=bool)
    root = np.sqrt(norms[keep])
    return blocks[keep] / root[:, None], signs[keep] * root


@dataclass(frozen=True)
class ConvexSolution:
    """An optimal point of problem (2) over a set of activation patterns.

    Attributes
    ----------
    objective : float
        Objective (2) evaluated at (U, V); equals objective (1) of :meth:`network`.
    U, V : ndarray, shape (P, d)
        Positive and negative neuron blocks, one row per pattern.
    patterns : ndarray of bool, shape (P, n)
    exact : bool
        True iff ``patterns`` holds every activation region of X (every full-dimensional pattern;
        lower-dimensional faces add nothing to (2)), so ``objective`` is the global minimum of (1)
        for any width m >= number of non-zero neurons. False for sampled patterns (rank(X) > 3).
    solve_seconds : float
    status : str
        The solver's own status word, or for ``method="fast"`` a sentence saying what is certified.
    method : str
    gap : float
        Certified upper bound on ``objective - optimum of (2) over these patterns`` from weak
        duality (``objective - lower``); with ``exact`` it bounds the distance to the global optimum
        of (1). For ``method="cvxpy"`` it is 0: that path gives no finer bound than Clarabel's own
        tolerance.
    prune : float
        Relative threshold used by :meth:`network` (0 for ``method="fast"``, whose zero blocks
        are exactly zero, so the network's objective (1) equals ``objective``).
    lower : float
        The certified lower bound on the optimum (NaN for ``method="cvxpy"``).
    dual : ndarray, shape (n,), or None
        The dual point whose check over every pattern gives ``lower`` (for the fast method; None for
        cvxpy): with ``M = 2 max_i ||P_{K_i}(+-X^T D_i dual)||`` the bound is
        ``max_{0 <= s <= lam / M} 2 s dual.y - s^2 ||dual||^2``, so anyone can verify it.
    stopped : str
        Empty when the solver met its stopping rule. Otherwise why it ended early (a time budget, the
        caller's progress callback, a stall): the point is then within the certified ``gap`` of the
        optimum, but not claimed optimal.
    """

    objective: float
    U: np.ndarray
    V: np.ndarray
    patterns: np.ndarray
    exact: bool
    solve_seconds: float
    status: str
    method: str = "cvxpy"
    gap: float = 0.0
    prune: float = field(default=1e-6)
    lower: float = float("nan")
    stopped: str = ""
    dual: np.ndarray | None = None

    @property
    def optimal(self) -> bool:
        """Whether the solver met its stopping rule (for ``method="fast"``: a gap of at most 1e-8
        relative, or the rounding floor of float64); ``gap`` bounds the distance either way."""
        return not self.stopped

    def network(self) -> tuple[np.ndarray, np.ndarray]:
        """The optimal ReLU network ``(W (k, d), alpha (k,))``, zero neurons pruned."""
        return map_to_network(self.U, self.V, self.prune)

    @property
    def n_patterns(self) -> int:
        return int(self.patterns.shape[0])
