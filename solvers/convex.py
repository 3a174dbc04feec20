"""``solve_convex``: the global optimum of the ReLU training problem (1) through the convex problem (2)."""
from __future__ import annotations

import numpy as np

from landscape.validation import as_data, as_nonnegative

from .patterns import enumerate_patterns
from .reference import solve_with_cvxpy
from .solution import ConvexSolution, convex_objective

METHODS = ("cvxpy",)


def as_patterns(patterns, n: int) -> np.ndarray:
    """Validate user patterns: a boolean (P, n) array, all-zero rows dropped."""
    arr = np.asarray(patterns)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] != n:
        raise ValueError(f"patterns must have shape (P, {n}) (one column per data point); got {arr.shape}.")
    if arr.dtype != bool:
        if not np.all(np.isin(arr, (0, 1))):
            raise ValueError("patterns must contain only 0/1 or True/False.")
        arr = arr.astype(bool)
    arr = arr[arr.any(axis=1)]
    if len(arr) == 0:
        raise ValueError("patterns has no non-zero row: give at least one pattern that activates a point.")
    return np.unique(arr, axis=0)


def covers_all(patterns: np.ndarray, X: np.ndarray) -> bool:
    """True iff ``patterns`` includes every activation pattern of X (decidable for rank <= 3)."""
    try:
        every = enumerate_patterns(X)
    except ValueError:
        return False
    have = {row.tobytes() for row in patterns}
    return all(row.tobytes() in have for row in every)


def solve_convex(X, y, lam, patterns=None, method: str = "cvxpy") -> ConvexSolution:
    """Solve problem (2) and report the result.

    Minimises ``||sum_i D_i X (u_i - v_i) - y||^2 + lam * sum_i (||u_i||_2 + ||v_i||_2)``
    subject to ``(2 D_i - I) X u_i >= 0`` and ``(2 D_i - I) X v_i >= 0`` for every pattern D_i.

    Parameters
    ----------
    X : array_like, shape (n, d)
        Data (append a bias column with :func:`landscape.with_bias` if wanted).
    y : array_like, shape (n,)
    lam : float >= 0
        The lambda of (2); it matches the lambda/2 weight decay of (1).
    patterns : array_like of bool, shape (P, n), optional
        Activation patterns to use; defaults to :func:`enumerate_patterns` (all of them).
    method : {"cvxpy"}
        ``"cvxpy"``: cvxpy with Clarabel.

    Returns
    -------
    ConvexSolution

    Raises
    ------
    ValueError
        For invalid data, lambda or patterns.
    SolverError
        If the solver does not reach optimality.
    """
    X, y = as_data(X, y)
    lam = as_nonnegative(lam, "lam")
    if method not in METHODS:
        raise ValueError(f"Unknown method {method!r}; choose one of {', '.join(METHODS)}.")
    if patterns is None:
        patterns = enumerate_patterns(X)
        exact = True
    else:
        patterns = as_patterns(patterns, X.shape[0])
        exact = covers_all(patterns, X)
    U, V, status, seconds = solve_with_cvxpy(X, y, lam, patterns)
    return ConvexSolution(
        objective=convex_objective(U, V, patterns, X, y, lam),
        U=U,
        V=V,
        patterns=patterns,
        exact=exact,
        solve_seconds=seconds,
        status=status,
        method=method,
    )
