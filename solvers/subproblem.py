"""Problem (2) restricted to a few neuron blocks, solved by Clarabel (called directly, without cvxpy).

A block is one pattern D_p with a sign (+1 for a ``u`` block, -1 for a ``v`` block). Its weight lives
in the cone ``K_p = cone(e_1, ..., e_k)`` and is written ``u = sum_j lam_j e_j`` with ``lam >= 0``,
so every returned weight is feasible by construction once the solver's tiny negative crumbs are
clipped. On its cone, ``D_p Z u = sum_j lam_j D_p Z e_j``, so each ray is one feature column.

The restricted problem is

    min ||Phi lam - y||^2 + lam_reg * sum_b ||E_b lam_b||    s.t. lam >= 0

with a second-order cone per block (a block with a single ray has ``||e lam|| = lam``: linear).
"""
from __future__ import annotations

import time

import clarabel
import numpy as np
import scipy.sparse as sp

from .solution import SolverError

_SETTINGS = dict(
    verbose=False,
    tol_gap_abs=1e-12,
    tol_gap_rel=1e-12,
    tol_feas=1e-12,
    tol_ktratio=1e-9,
    max_iter=400,
)


def _settings():
    s = clarabel.DefaultSettings()
    for k, v in _SETTINGS.items():
        setattr(s, k, v)
    return s


def solve_blocks(Phi: np.ndarray, y: np.ndarray, lam: float, blocks: list[np.ndarray], rays: list[np.ndarray]):
    """Solve the restricted problem over the given blocks.

    Parameters
    ----------
    Phi : ndarray, shape (n, N)
        Feature column of every (block, ray) pair, signs included.
    y : ndarray, shape (n,)
    lam : float >= 0
    blocks : list of int arrays
        Column indices of Phi that belong to each block.
    rays : list of ndarrays, shape (k_b, r)
        The rays of each block, in the order of its columns.

    Returns
    -------
    coef : ndarray, shape (N,)
        Non-negative ray coefficients.
    seconds : float
    """
    n, N = Phi.shape
    # Scale y to unit norm: Clarabel's tolerances are then relative to the problem's own size.
    scale = float(np.linalg.norm(y))
    if scale == 0.0:
        return np.zeros(N), 0.0
    ys, lams = y / scale, lam / scale
    soc = [b for b, rb in zip(range(len(blocks)), rays) if len(rb) > 1 and lams > 0]
    T = len(soc)
    lin = np.zeros(N)
    if lams > 0:
        for b, rb in enumerate(rays):
            if len(rb) == 1:
                lin[blocks[b]] = lams  # ||e * c|| = c for a unit ray
    G = Phi.T @ Phi
    P = sp.csc_matrix(sp.triu(sp.block_diag([2.0 * G, sp.csc_matrix((T, T))], format="csc")))
    q = np.concatenate([-2.0 * (Phi.T @ ys) + lin, np.full(T, lams)])
    rows = [sp.hstack([-sp.eye(N), sp.csc_matrix((N, T))])]
    cones = [clarabel.NonnegativeConeT(N)]
    for t, b in enumerate(soc):
        cols = blocks[b]
        Eb = rays[b]  # (k, r)
        r = Eb.shape[1]
        block = np.zeros((r + 1, N + T))
        block[0, N + t] = -1.0
        block[1:, cols] = -Eb.T
        rows.append(sp.csc_matrix(block))
        cones.append(clarabel.SecondOrderConeT(r + 1))
    A = sp.csc_matrix(sp.vstack(rows))
    b = np.zeros(A.shape[0])
    start = time.perf_counter()
    solver = clarabel.DefaultSolver(P, q, A, b, cones, _settings())
    sol = solver.solve()
    seconds = time.perf_counter() - start
    status = str(sol.status)
    if status not in ("Solved", "AlmostSolved"):
        raise SolverError(f"Clarabel stopped with status '{status}' on a restricted problem (2).")
    coef = np.clip(np.asarray(sol.x[:N], dtype=np.float64), 0.0, None) * scale
    return coef, seconds
