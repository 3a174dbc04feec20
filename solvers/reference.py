"""Problem (2) written directly in cvxpy and solved by Clarabel: the reference path."""

from __future__ import annotations

import time
import warnings

import cvxpy as cp
import numpy as np

from .solution import SolverError


def solve_or_raise(problem: cp.Problem, what: str) -> float:
    """Solve with Clarabel; raise SolverError unless it reports an optimum. Returns the seconds taken."""
    start = time.perf_counter()
    try:
        with warnings.catch_warnings():
            # cvxpy warns of an inaccurate solution; the status check below turns it into a SolverError that says so
            warnings.filterwarnings("ignore", message="Solution may be inaccurate", category=UserWarning)
            problem.solve(solver=cp.CLARABEL)
    except cp.error.SolverError as exc:
        raise SolverError(f"Clarabel failed on {what}: {exc}") from None
    if problem.status != cp.OPTIMAL:
        raise SolverError(
            f"Clarabel stopped with status '{problem.status}' on {what}; no optimum is reported. "
            "Rescaling the data or raising lambda may help."
        )
    return time.perf_counter() - start


def solve_with_cvxpy(X: np.ndarray, y: np.ndarray, lam: float, patterns: np.ndarray):
    """Solve (2) over ``patterns`` with one vectorised cone constraint per variable block.

    Returns
    -------
    U, V : ndarray, shape (P, d)
    status : str
    seconds : float
    """
    P, d = patterns.shape[0], X.shape[1]
    D = patterns.T.astype(np.float64)  # (n, P)
    sign = 2.0 * D - 1.0
    U = cp.Variable((P, d))
    V = cp.Variable((P, d))
    pred = cp.sum(cp.multiply(D, X @ (U - V).T), axis=1)
    loss = cp.sum_squares(pred - y)
    if lam > 0:
        loss = loss + lam * (cp.sum(cp.norm(U, 2, axis=1)) + cp.sum(cp.norm(V, 2, axis=1)))
    constraints = [cp.multiply(sign, X @ U.T) >= 0, cp.multiply(sign, X @ V.T) >= 0]
    problem = cp.Problem(cp.Minimize(loss), constraints)
    seconds = solve_or_raise(problem, "problem (2)")
    return np.asarray(U.value, dtype=np.float64), np.asarray(V.value, dtype=np.float64), problem.status, seconds
