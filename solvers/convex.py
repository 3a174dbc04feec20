"""``solve_convex``: the global optimum of the ReLU training problem (1) through the convex problem (2)."""
from __future__ import annotations

import numpy as np

from landscape.validation import as_data, as_nonnegative

from .cones import arrangement, cones_of, row_space
from .fast import solve_fast
from .patterns import enumerate_patterns, sample_patterns
from .reference import solve_with_cvxpy
from .sampled import solve_working_set
from .solution import ConvexSolution, convex_objective

METHODS = ("fast", "cvxpy")

# Beyond rank 3 the patterns are sampled: this many Gaussian gates, with this seed.
SAMPLED_GATES = 2000
SAMPLED_SEED = 0


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
    """True iff ``patterns`` includes every activation region of X (decidable for rank <= 3).

    Regions suffice: a lower-dimensional face's prediction is also a region's (see :mod:`solvers.cones`).
    """
    try:
        every = arrangement(X).patterns
    except ValueError:
        return False
    have = {row.tobytes() for row in patterns}
    return all(row.tobytes() in have for row in every)


def solve_convex(X, y, lam, patterns=None, method: str = "fast", device=None, *, warm=None, progress=None,
                 budget: float | None = None) -> ConvexSolution:
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
        Activation patterns to use. By default, for rank(X) <= 3, every activation region (exact);
        for rank(X) > 3, ``sample_patterns(X, SAMPLED_GATES, SAMPLED_SEED)`` (2000 Gaussian gates,
        seed 0) -- then ``exact`` is False and ``n_patterns`` says how many were used.
    method : {"fast", "cvxpy"}
        ``"fast"``: column generation with a duality-gap certificate (:mod:`solvers.fast` for
        rank <= 3, :mod:`solvers.sampled` above); the result carries ``gap`` and ``lower``.
        ``"cvxpy"``: the whole problem in cvxpy with Clarabel (the reference).
    device : torch device, optional
        Where the fast method's batched pricing runs.
    warm : ConvexSolution, optional
        A solution on the same data at another lambda (``method="fast"``): its neurons start the
        search, which makes a sweep over lambda (a slider being dragged) a few rounds per value.
    progress : callable, optional
        ``progress(round, certified_gap, objective)`` after each round of the fast method; a true return
        ends the solve with the point reached, its gap still certified.
    budget : float, optional
        Seconds after which the fast method ends the same way. Such a result's ``status`` says that it
        stopped early and how close to optimal it is certified to be.

    Returns
    -------
    ConvexSolution

    Raises
    ------
    ValueError
        For invalid data, lambda, method or patterns.
    SolverError
        If the solver does not reach (certified) optimality.
    """
    X, y = as_data(X, y)
    lam = as_nonnegative(lam, "lam")
    if method not in METHODS:
        raise ValueError(f"Unknown method {method!r}; choose one of {', '.join(METHODS)}.")
    rank = row_space(X)[0].shape[1]
    sampled = patterns is None and rank > 3
    arr = None  # given patterns' cones for the rank <= 3 fast solver; without them it finds every region
    if patterns is None:
        exact = rank <= 3
        if not exact:
            patterns = sample_patterns(X, SAMPLED_GATES, SAMPLED_SEED)
        elif method == "cvxpy":
            patterns = enumerate_patterns(X)
    else:
        patterns = as_patterns(patterns, X.shape[0])
        exact = covers_all(patterns, X)
        arr = cones_of(X, patterns) if method == "fast" and rank <= 3 else None

    if method == "cvxpy":
        U, V, status, seconds = solve_with_cvxpy(X, y, lam, patterns)
        certified = {}  # Clarabel's tolerance is the only bound: gap 0, lower NaN (the defaults)
    else:
        U, V, patterns, seconds, status, certified = _solve_certified(X, y, lam, patterns, arr, rank, exact,
                                                                      sampled, device, warm, progress, budget)
    return ConvexSolution(
        objective=convex_objective(U, V, patterns, X, y, lam),
        U=U,
        V=V,
        patterns=patterns,
        exact=exact,
        solve_seconds=seconds,
        status=status,
        method=method,
        **certified,
    )


def _solve_certified(X, y, lam, patterns, arr, rank, exact, sampled, device, warm=None, progress=None, budget=None):
    """The fast method: blocks, patterns, time, a status sentence and the certified gap and bound."""
    stopped = ""
    if rank <= 3:
        start = None if warm is None else (warm.U, warm.V, warm.patterns)
        res = solve_fast(X, y, lam, device=device, arr=arr, warm=start, progress=progress, budget=budget)
        stopped = res.stopped
        U, V, obj, lower, seconds = res.U, res.V, res.objective, res.lower, res.seconds
        patterns = res.patterns  # in the solver's order (merging repeated inputs may reorder regions)
        if len(patterns) == 0:  # X = 0: only w = 0, whose pattern activates every point
            patterns = np.ones((1, X.shape[0]), dtype=bool)
            U = V = np.zeros((1, X.shape[1]))
    else:
        U, V, obj, lower, _, seconds = solve_working_set(X, y, lam, patterns)
    gap = max(0.0, obj - lower)
    if exact:
        scope = f"all {len(patterns)} activation regions"
    elif rank > 3 and sampled:
        scope = f"the {len(patterns)} sampled patterns only (rank(X) = {rank} > 3)"
    else:
        scope = f"the {len(patterns)} given patterns only"
    if stopped:
        status = f"stopped early ({stopped}): within a certified gap of {gap:.3g} of the optimum over {scope}"
    else:
        status = f"optimal within a certified gap of {gap:.3g} over {scope}"
    if not exact:
        status += "; not certified as the global optimum of (1)"
    return U, V, patterns, seconds, status, dict(gap=gap, prune=0.0, lower=lower)
