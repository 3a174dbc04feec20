"""``optimality_gap``: how far a given ReLU network is from the global optimum of (1), certified.

This is the polynomial-time global-optimality check of Wang, Lacotte & Pilanci (2022): objective (1)
has the optimal value of the convex problem (2), whose dual gives lower bounds that can be checked
over every activation pattern (:mod:`solvers.dual`). The network's own residual is tried first -- for
a globally optimal network it already closes the gap, with no solve at all; otherwise (2) is solved
with :func:`solvers.fast.solve_fast` and its certified lower bound is used.
"""

from __future__ import annotations

import math

import torch

from landscape.network import as_network, objective, predict
from landscape.validation import as_data, as_nonnegative

from .cones import arrangement, row_space
from .dual import RayCones, dual_bound
from .fast import converged, solve_fast


def optimality_gap(W, alpha, X, y, lam, device=None, *, lower: float | None = None) -> float:
    """Objective (1) of the network ``(W, alpha)`` minus the certified global optimum.

    Parameters
    ----------
    W : array_like, shape (m, d)
        First-layer weights, one neuron per row (any width m, including 0).
    alpha : array_like, shape (m,)
    X : array_like, shape (n, d)
        Data with rank at most 3 (1-D or 2-D inputs, with or without the bias column).
    y : array_like, shape (n,)
    lam : float >= 0
        Weight decay of (1) (the lambda of (2)).
    device : torch device, optional
    lower : float, optional
        A certified lower bound on the global optimum for the same ``X, y, lam`` that the caller
        already holds, e.g. ``solve_convex(X, y, lam).lower`` from an exact (rank <= 3) fast solve.
        When the network's own residual does not close the gap, this bound is used instead of
        solving (2) again, which matters when many networks are checked against the same data.
        Ignored if it is NaN.

    Returns
    -------
    float
        ``objective(W, alpha) - L`` where L is a certified lower bound on the global optimum of (1),
        so the value is >= 0 and is at least the true distance to global optimality; it exceeds
        that distance by at most the solver's certified gap (about 1e-9 relative). About 0 means
        the network is globally optimal.

    Raises
    ------
    ValueError
        For invalid input, or if rank(X) > 3: the check has to cover every activation pattern,
        which is only enumerated for rank <= 3; beyond that no certificate is given.
    """
    X, y = as_data(X, y)
    lam = as_nonnegative(lam, "lam")
    W, alpha = as_network(W, alpha, X.shape[1])
    rank = row_space(X)[0].shape[1]
    if rank > 3:
        raise ValueError(
            f"X has rank {rank}: certifying global optimality needs every activation pattern, which is "
            "enumerated only for rank(X) <= 3 (1-D or 2-D inputs, with or without bias). "
            "solve_convex(X, y, lam) still gives the optimum over sampled patterns (not certified)."
        )
    value = objective(W, alpha, X, y, lam)
    yy = float(y @ y)
    arr = arrangement(X)
    if len(arr.patterns) == 0:  # X = 0: every network predicts 0, optimum ||y||^2
        return max(0.0, value - yy)
    cones = RayCones.from_arrangement(arr, device=device)
    rho = torch.as_tensor(y - predict(W, alpha, X), dtype=torch.float64, device=cones.Z.device)
    g = cones.gradients(rho)
    M = 2.0 * float(torch.maximum(*cones.projection_norms_pm(g)).max())
    bound = dual_bound(rho, torch.as_tensor(y, dtype=torch.float64, device=rho.device), lam, M)
    if not converged(value - bound, value, yy):
        known = float("nan") if lower is None else float(lower)
        if not math.isfinite(known):
            known = solve_fast(X, y, lam, device=device).lower  # merges repeated inputs, unlike arr
        bound = max(bound, known)
    return float(max(0.0, value - bound))
