"""The poster's equivalent convex problem for a network whose second layer is fixed to alpha = 1.

With alpha_i = 1, a neuron whose pattern is D_i contributes ``D_i X w_i`` as long as w_i stays in its
cone K_i, so for fixed patterns the loss

    L(u_1, ..., u_k) = ||sum_i D_i X u_i - y||^2 + (lam/2) sum_i (||u_i||^2 + 1)

is convex on K_1 x ... x K_k. The global minimum of the non-convex k-neuron loss is the smallest of
these convex minima over all choices of patterns. The choices are independent problems, so they are
stacked into one separable convex program and solved together.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from itertools import combinations_with_replacement

import cvxpy as cp
import numpy as np

from landscape.validation import as_count, as_data, as_nonnegative

from .patterns import enumerate_patterns
from .reference import solve_or_raise


@dataclass(frozen=True)
class FixedAlphaSolution:
    """Global minimum of the k-neuron, alpha = 1 loss.

    Attributes
    ----------
    objective : float
        The global minimum; equals ``landscape.objective(W, ones(k), X, y, lam)``.
    W : ndarray, shape (k, d)
        A minimiser.
    choices : ndarray of int, shape (C, k)
        Every pattern choice (indices into ``patterns``, non-decreasing).
    values : ndarray, shape (C,)
        The convex minimum for each choice.
    minimisers : ndarray, shape (C, k, d)
    patterns : ndarray of bool, shape (P, n)
    solve_seconds : float
    """

    objective: float
    W: np.ndarray
    choices: np.ndarray
    values: np.ndarray
    minimisers: np.ndarray
    patterns: np.ndarray
    solve_seconds: float


def fixed_pattern_objective(U, patterns, X, y, lam) -> float:
    """``||sum_i D_i X u_i - y||^2 + (lam/2) sum_i (||u_i||^2 + 1)`` for U (k, d), patterns (k, n)."""
    pred = np.sum(patterns.T * (X @ U.T), axis=1)
    r = pred - y
    return float(r @ r + 0.5 * lam * (np.sum(U * U) + len(U)))


_PROBLEMS: OrderedDict = OrderedDict()  # recently built programs, by data and patterns


def _stacked_problem(X, y, sets):
    """The stacked program for these data and patterns, with lambda as a parameter.

    Building and canonicalising the program costs more than solving it; with lambda a parameter a
    change of lambda (the common interaction) reuses the compiled program.
    """
    key = (X.tobytes(), X.shape, y.tobytes(), sets.tobytes(), sets.shape)
    if key in _PROBLEMS:
        _PROBLEMS.move_to_end(key)
        return _PROBLEMS[key]
    C, k, _ = sets.shape
    U = [cp.Variable((C, X.shape[1])) for _ in range(k)]
    lam = cp.Parameter(nonneg=True)
    pred = 0
    constraints = []
    for i in range(k):
        D = sets[:, i, :].T.astype(np.float64)  # (n, C)
        Xu = X @ U[i].T  # (n, C)
        pred = pred + cp.multiply(D, Xu)
        constraints.append(cp.multiply(2.0 * D - 1.0, Xu) >= 0)
    # One column per problem: the sum of their losses is separable, so one solve minimises each.
    loss = cp.sum_squares(pred - y[:, None]) + 0.5 * lam * sum(cp.sum_squares(u) for u in U)
    _PROBLEMS[key] = (cp.Problem(cp.Minimize(loss), constraints), U, lam)
    if len(_PROBLEMS) > 32:
        _PROBLEMS.popitem(last=False)
    return _PROBLEMS[key]


def solve_fixed_patterns(X, y, lam, pattern_sets):
    """Minimise the alpha = 1 loss with every neuron's pattern fixed, for many pattern sets at once.

    Parameters
    ----------
    X : ndarray, shape (n, d)
    y : ndarray, shape (n,)
    lam : float >= 0
    pattern_sets : ndarray of bool, shape (C, k, n)
        For each of C problems, the pattern of each of the k neurons (all-zero rows are allowed).

    Returns
    -------
    minimisers : ndarray, shape (C, k, d)
        Each w_i lies in its cone ``(2 D_i - I) X w_i >= 0``.
    values : ndarray, shape (C,)
    seconds : float
    """
    X, y = as_data(X, y)
    lam = as_nonnegative(lam, "lam")
    raw = np.asarray(pattern_sets)
    if raw.dtype != bool and not np.all(np.isin(raw, (0, 1))):
        raise ValueError("pattern_sets must contain only 0/1 or True/False.")
    sets = raw.astype(bool)
    if sets.ndim != 3 or sets.shape[2] != X.shape[0]:
        raise ValueError(f"pattern_sets must have shape (C, k, {X.shape[0]}); got {sets.shape}.")
    problem, U, lam_param = _stacked_problem(X, y, sets)
    lam_param.value = lam
    seconds = solve_or_raise(problem, "the fixed-pattern problem")
    minimisers = np.stack([u.value for u in U], axis=1)
    values = np.array([fixed_pattern_objective(minimisers[c], sets[c], X, y, lam) for c in range(len(sets))])
    return minimisers, values, seconds


def solve_fixed_alpha(X, y, lam, neurons: int = 2) -> FixedAlphaSolution:
    """Global minimum of ``||sum_i max(0, X w_i) - y||^2 + (lam/2) sum_i (||w_i||^2 + 1)``.

    Parameters
    ----------
    X : array_like, shape (n, d), rank <= 3
    y : array_like, shape (n,)
    lam : float >= 0
    neurons : int
        Number k of neurons with alpha fixed to 1 (1 to 3).

    Returns
    -------
    FixedAlphaSolution
    """
    X, y = as_data(X, y)
    lam = as_nonnegative(lam, "lam")
    k = as_count(neurons, "neurons", minimum=1, maximum=3)
    # A dead neuron (all-zero pattern) is a valley of its own: GD stops there with zero gradient.
    patterns = np.vstack([enumerate_patterns(X), np.zeros((1, X.shape[0]), dtype=bool)])
    choices = np.array(list(combinations_with_replacement(range(len(patterns)), k)), dtype=np.int64)
    minimisers, values, seconds = solve_fixed_patterns(X, y, lam, patterns[choices])
    best = int(np.argmin(values))
    return FixedAlphaSolution(
        objective=float(values[best]),
        W=minimisers[best],
        choices=choices,
        values=values,
        minimisers=minimisers,
        patterns=patterns,
        solve_seconds=seconds,
    )
