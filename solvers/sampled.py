"""Problem (2) over a given list of patterns in any dimension: a working-set loop around Clarabel.

Used when rank(X) > 3, where the cones ``K_i = {u : A_i u >= 0}``, ``A_i = (2D_i - I) X``, have too
many extreme rays to list. The dual check of a pattern uses Moreau's decomposition,

    ||P_K(g)|| = min_{mu >= 0} ||g + A^T mu||,

a non-negative least-squares problem: every ``mu >= 0`` gives an upper bound, so the certificate stays
valid however the NNLS ends. Patterns are added to the working set where the check fails, the
restricted problem is solved by cvxpy + Clarabel (tolerances tightened), each block is projected
exactly onto its cone (the interior-point solution is feasible only to ~1e-9) and the gap is
recomputed.

The certificate covers the given patterns only: with sampled patterns, the result is the optimum of
(2) over the sample, not the global optimum of (1).
"""

from __future__ import annotations

import time
import warnings

import cvxpy as cp
import numpy as np
import scipy.optimize
import torch

from .dual import dual_bound
from .solution import SolverError

RTOL = 1e-6  # Clarabel's own accuracy bounds what this path can certify
ATOL = 1e-12
ADD_PER_ROUND = 20
MAX_ROUNDS = 200


def cone_projection_norm(A: np.ndarray, g: np.ndarray) -> float:
    """An upper bound on ``||P_K(g)||`` for ``K = {u : A u >= 0}``, exact up to the NNLS accuracy."""
    if not np.any(g):
        return 0.0
    _, rnorm = scipy.optimize.nnls(A.T, -g, maxiter=50 * A.shape[0])
    return float(rnorm)


def project_to_cone(A: np.ndarray, u: np.ndarray) -> np.ndarray:
    """``P_K(u)`` for ``K = {u : A u >= 0}``, as ``u + A^T mu`` with ``mu`` from NNLS."""
    if np.all(A @ u >= 0):
        return u
    mu, _ = scipy.optimize.nnls(A.T, -u, maxiter=50 * A.shape[0])
    p = u + A.T @ mu
    # The tight rows are zero only up to rounding; nudge them onto the right side.
    slack = A @ p
    if np.any(slack < 0):
        tight = slack < 0
        p = p - np.linalg.lstsq(A[tight], slack[tight], rcond=None)[0]
    return p


def _solve_restricted(X: np.ndarray, y: np.ndarray, lam: float, patterns: np.ndarray):
    """Problem (2) over a few patterns in cvxpy, with Clarabel's tolerances tightened to 1e-11.

    The same formulation as :func:`solvers.reference.solve_with_cvxpy`; the certificate needs the
    restricted optimum more accurately than Clarabel's default 1e-8.
    """
    P, d = patterns.shape[0], X.shape[1]
    D = patterns.T.astype(np.float64)
    U, V = cp.Variable((P, d)), cp.Variable((P, d))
    loss = cp.sum_squares(cp.sum(cp.multiply(D, X @ (U - V).T), axis=1) - y)
    if lam > 0:
        loss = loss + lam * (cp.sum(cp.norm(U, 2, axis=1)) + cp.sum(cp.norm(V, 2, axis=1)))
    sign = 2.0 * D - 1.0
    problem = cp.Problem(cp.Minimize(loss), [cp.multiply(sign, X @ U.T) >= 0, cp.multiply(sign, X @ V.T) >= 0])
    try:
        with warnings.catch_warnings():
            # "Inaccurate" at these tight tolerances is fine: the duality gap is checked afterwards.
            warnings.simplefilter("ignore", UserWarning)
            problem.solve(solver=cp.CLARABEL, tol_gap_abs=1e-11, tol_gap_rel=1e-11, tol_feas=1e-11, max_iter=400)
    except cp.error.SolverError as exc:
        raise SolverError(f"Clarabel failed on a restricted problem (2): {exc}") from None
    if problem.status not in (cp.OPTIMAL, cp.OPTIMAL_INACCURATE):
        raise SolverError(f"Clarabel stopped with status '{problem.status}' on a restricted problem (2).")
    return np.asarray(U.value, dtype=np.float64), np.asarray(V.value, dtype=np.float64)


def _price(X, patterns, rho, lam, skip_below):
    """Upper bounds on ``||P_{K_i}(+-g_i)||``, NNLS only where the cheap bound ``||g_i||`` is not enough."""
    G = patterns.astype(np.float64) @ (X * rho[:, None])  # (P, d)
    cheap = np.linalg.norm(G, axis=1)
    vp, vn = cheap.copy(), cheap.copy()
    signs = 2.0 * patterns - 1.0
    for i in np.flatnonzero(2.0 * cheap > skip_below):
        A = signs[i][:, None] * X
        vp[i] = min(cheap[i], cone_projection_norm(A, G[i]))
        vn[i] = min(cheap[i], cone_projection_norm(A, -G[i]))
    return vp, vn


def solve_working_set(X: np.ndarray, y: np.ndarray, lam: float, patterns: np.ndarray):
    """Optimum of (2) over ``patterns`` with a certified gap (relative to those patterns).

    Parameters
    ----------
    X : ndarray, shape (n, d)
    y : ndarray, shape (n,)
    lam : float >= 0
    patterns : ndarray of bool, shape (P, n)

    Returns
    -------
    U, V : ndarray, shape (P, d)
    objective, lower : float
        Objective (2) at (U, V), and a certified lower bound on the optimum over ``patterns``.
    rounds : int
    seconds : float

    Raises
    ------
    SolverError
        If Clarabel fails or the loop stalls before the gap closes.
    """
    start = time.perf_counter()
    P, d = patterns.shape[0], X.shape[1]
    yy = float(y @ y)
    U, V = np.zeros((P, d)), np.zeros((P, d))
    working: list[int] = []
    signs = 2.0 * patterns - 1.0
    y_t = torch.as_tensor(y)

    def evaluate(U, V):
        rho = y - np.sum(patterns.T * (X @ (U - V).T), axis=1)
        obj = float(rho @ rho + lam * (np.linalg.norm(U, axis=1).sum() + np.linalg.norm(V, axis=1).sum()))
        vp, vn = _price(X, patterns, rho, lam, skip_below=lam)
        M = 2.0 * float(max(vp.max(), vn.max()))
        return obj, rho, vp, vn, dual_bound(torch.as_tensor(rho), y_t, lam, M)

    def solve_on(sub):
        Us, Vs = _solve_restricted(X, y, lam, patterns[sub])
        U, V = np.zeros((P, d)), np.zeros((P, d))
        for row, i in enumerate(sub):
            A = signs[i][:, None] * X
            U[i] = project_to_cone(A, Us[row])
            V[i] = project_to_cone(A, Vs[row])
        return U, V

    if lam == 0:
        # No shrinkage: the dual bound is 0 unless y is fitted, so solve over every pattern at once.
        U, V = solve_on(np.arange(P))
        obj, _, _, _, lower = evaluate(U, V)
        return U, V, obj, min(lower, obj), 1, time.perf_counter() - start
    for rounds in range(1, MAX_ROUNDS + 1):
        obj, rho, vp, vn, lower = evaluate(U, V)
        if obj - lower <= RTOL * obj + ATOL * yy:
            return U, V, obj, min(lower, obj), rounds, time.perf_counter() - start
        viol = 2.0 * np.maximum(vp, vn) - lam
        have = set(working)
        order = [i for i in np.argsort(-viol, kind="stable") if viol[i] > 0 and i not in have][:ADD_PER_ROUND]
        if not order:
            raise SolverError(
                f"the working-set solver stalled with a gap of {obj - lower:.3g} (objective {obj:.6g}); "
                "no optimum is reported."
            )
        working.extend(int(i) for i in order)
        U, V = solve_on(np.asarray(working))
    raise SolverError(f"the working-set solver did not certify an optimum within {MAX_ROUNDS} rounds.")
