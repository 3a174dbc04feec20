"""pyscnn, the published solver of problem (2) over given gates, as a peer of the fast solver.

Its ``ConvexReLU`` model with the augmented-Lagrangian solver ``AL`` solves

    ||sum_i D_i X (u_i - v_i) - y||^2 / (2n) + lam_s sum_i (||u_i|| + ||v_i||)
    subject to (2 D_i - I) X u_i >= 0, (2 D_i - I) X v_i >= 0,

with D_i = diag(1[X g_i > 0]) for the given gates g_i. That is our problem (2) divided by 2n when
lam_s = lam / (2n); :func:`scnn_ladder` checks it on every run by comparing pyscnn's own
regularised loss (times 2n) with our objective (2) at its weights. The data are given as they are:
our explicit column of ones is the bias (``bias=False``) and ``unitize_data=False``, since pyscnn's
default rescales every column to unit norm and then regularises the rescaled weights -- a
different problem.
"""

from __future__ import annotations

import threading
import time

import numpy as np

from landscape.threads import one_blas_thread, single_thread
from solvers import convex_objective
from solvers.cones import arrangement

# AL's own default tolerance, then a tighter one: pyscnn has no time budget, so accuracy is bought
# by its tolerances (gradient norm and constraint violation alike).
TOLERANCES = (1e-6, 1e-8)


def missing() -> str:
    """Why pyscnn cannot be used here ("" when it can): its import fails, not only when it is absent
    (a torchvision built for another torch raises at import)."""
    try:
        import scnn.optimize  # noqa: F401
    except Exception as exc:  # noqa: BLE001 -- any failure means: skip the peer and say why
        return f"{type(exc).__name__}: {exc}"
    return ""


def region_gates(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One gate per activation region of X: an interior direction of the region's cone.

    The sum of a pointed cone's unit extreme rays lies in its interior; mapped back with the
    arrangement's basis it gives, for every point, a strict sign -- pyscnn activates with ``> 0``,
    our patterns use ``>= 0``, and a strict sign makes both the region's pattern.

    Returns
    -------
    G : ndarray, shape (d, P)
        Unit gates, one column per region (pyscnn's layout).
    patterns : ndarray of bool, shape (P, n)
        The regions' patterns, in the order of G's columns.
    """
    arr = arrangement(X)
    present = arr.members >= 0
    inner = (arr.rays[np.where(present, arr.members, 0)] * present[..., None]).sum(axis=1)
    gates = inner @ arr.basis
    gates /= np.linalg.norm(gates, axis=1, keepdims=True)
    scores = X @ gates.T
    if not (np.array_equal((scores >= 0).T, arr.patterns) and np.all(scores != 0)):
        raise AssertionError("an interior gate does not reproduce its region's pattern strictly")
    return gates.T, arr.patterns


def _blocks(model, X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Our (U, V, patterns) from a fitted ``ConvexReLU``.

    pyscnn predicts ``sum_i D_i X (w0_i - w1_i)`` with parameters ``[w0, w1]`` of shape (c, P, d), so
    U = w0 and V = w1. It drops duplicate and all-zero patterns and re-sorts its gates, so the
    patterns are recomputed from the gates it returns, with its own ``> 0`` rule.
    """
    U, V = (np.asarray(p, dtype=np.float64)[0] for p in model.parameters)
    return U, V, (X @ model.G > 0).T


def scnn_ladder(X: np.ndarray, y: np.ndarray, lam: float, optimum: float):
    """Solve (2) with pyscnn's AL at each of :data:`TOLERANCES`, each run cold, on one thread.

    Yields, per run, a dict: ``tol``, ``seconds`` (wall time of ``optimize_model``), ``rel`` (our
    objective (2) at its weights relative to ``optimum``, signed), ``violation`` (largest violation of
    our cone constraints by its weights), ``scale`` (relative difference of 2n x its own regularised
    loss and our objective at the same weights: ~1e-16 iff lam_s = lam / (2n) is the right
    conversion) and ``patterns`` (whether its patterns are exactly our regions).
    """
    from scnn.metrics import Metrics
    from scnn.models import ConvexReLU
    from scnn.optimize import optimize_model
    from scnn.regularizers import NeuronGL1
    from scnn.solvers import AL
    from tqdm import tqdm

    # pyscnn's loops create tqdm bars (disabled), whose default lock is a multiprocessing semaphore
    # that a run stopped at its time limit would leave behind; a thread lock serves one process.
    tqdm.set_lock(threading.RLock())
    G, ours = region_gates(X)
    n = len(y)
    for tol in TOLERANCES:
        model = ConvexReLU(G, c=1, bias=False)
        start = time.perf_counter()
        with single_thread(), one_blas_thread():  # as our solver runs: the comparison is of the code
            model, metrics = optimize_model(
                model,
                AL(model, tol=tol, constraint_tol=tol),
                Metrics(model_loss=True),
                X,
                y,
                regularizer=NeuronGL1(lam / (2 * n)),
                return_convex=True,
                unitize_data=False,
                dtype="float64",
            )
        seconds = time.perf_counter() - start
        U, V, D = _blocks(model, X)
        value = convex_objective(U, V, D, X, y, lam)
        signs = 2.0 * D.T - 1.0  # (n, P)
        violation = max(0.0, float(-(signs * (X @ U.T)).min()), float(-(signs * (X @ V.T)).min()))
        same = {p.tobytes() for p in D} == {p.tobytes() for p in ours}
        yield {
            "tol": tol,
            "seconds": seconds,
            "rel": (value - optimum) / optimum,
            "violation": violation,
            "scale": abs(2 * n * float(metrics.model_loss[-1]) - value) / value,
            "patterns": same,
        }
