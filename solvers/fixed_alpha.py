"""The poster's equivalent convex problem for a network whose second layer is fixed to alpha = 1.

With alpha_i = 1, a neuron whose pattern is D_i contributes ``D_i X w_i`` as long as w_i stays in its
cone K_i, so for fixed patterns the loss

    L(u_1, ..., u_k) = ||sum_i D_i X u_i - y||^2 + (lam/2) sum_i (||u_i||^2 + 1)

is convex on K_1 x ... x K_k. The global minimum of the non-convex k-neuron loss is the smallest of
these convex minima over all choices of patterns. The choices are independent problems, so they are
stacked into one separable convex program and solved together.
"""

from __future__ import annotations

import time
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


def solve_fixed_patterns(X, y, lam, pattern_sets, method: str = "auto"):
    """Minimise the alpha = 1 loss with every neuron's pattern fixed, for many pattern sets at once.

    Parameters
    ----------
    X : ndarray, shape (n, d)
    y : ndarray, shape (n,)
    lam : float >= 0
    pattern_sets : ndarray of bool, shape (C, k, n)
        For each of C problems, the pattern of each of the k neurons (all-zero rows are allowed).
    method : {"auto", "cvxpy"}
        "auto" solves one neuron in the plane (k = 1, d = 2) in closed form
        (:func:`one_neuron_in_plane`) and everything else as one stacked cvxpy program;
        "cvxpy" always uses the program (the reference).

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
    if method not in ("auto", "cvxpy"):
        raise ValueError(f"method must be 'auto' or 'cvxpy'; got {method!r}.")
    if method == "auto" and sets.shape[1] == 1 and X.shape[1] == 2:
        start = time.perf_counter()
        minimisers = one_neuron_in_plane(X, y, lam, sets[:, 0])[:, None, :]
        seconds = time.perf_counter() - start
    else:
        problem, U, lam_param = _stacked_problem(X, y, sets)
        # At lam = 0 a neuron that touches no point can sit anywhere in its cone, and an interior-point
        # solver returns a far-off point of that flat set; a vanishing ridge picks the shortest one.
        # The values below are those of the returned points at the true lam.
        lam_param.value = lam if lam > 0 else TIE_BREAK * (1.0 + float(y @ y)) / (1.0 + float(np.max(X * X)))
        seconds = solve_or_raise(problem, "the fixed-pattern problem")
        minimisers = np.stack([u.value for u in U], axis=1)
    values = np.array([fixed_pattern_objective(minimisers[c], sets[c], X, y, lam) for c in range(len(sets))])
    return minimisers, values, seconds


TIE_BREAK = 1e-7  # ridge (relative to ||y||^2 / max x^2) that makes lam = 0 minimisers the shortest ones
RANK_RTOL = 1e-10  # eigenvalues of X^T D X below this fraction of the largest count as zero


def one_neuron_in_plane(X, y, lam, patterns) -> np.ndarray:
    """Exact minimisers for one neuron with weights in the plane (d = 2), every pattern at once.

    A cone ``{u : (2D - I) X u >= 0}`` in the plane is bounded by at most two rays, each orthogonal
    to some row x_j. So the convex quadratic ``||D X u - y||^2 + (lam/2)||u||^2`` has its minimum over
    the cone at the unconstrained minimiser (when it lies in the cone), on one of the rays orthogonal
    to a row, at 0, or -- when lam = 0 and D X has rank 1, so that the minimisers form a line -- where
    that line meets a boundary. Each candidate is evaluated in closed form. With 1-D data and a bias
    the rays are the neurons whose kink sits on a data point; for hundreds of points this is
    thousands of times faster than a conic solver on the stacked problems.

    Parameters
    ----------
    X : ndarray, shape (n, 2)
    y : ndarray, shape (n,)
    lam : float >= 0
    patterns : ndarray of bool, shape (C, n)

    Returns
    -------
    ndarray, shape (C, 2)
    """
    D = patterns.astype(np.float64)  # (C, n)
    C = len(D)
    yy = float(y @ y)
    scale = max(float(np.abs(X).max(initial=0.0)), 1e-300)
    tol = 1e-12 * scale
    # Directions orthogonal to each non-zero row, both ways: the possible boundary rays of every cone.
    norms = np.linalg.norm(X, axis=1)
    rows = X[norms > tol] / norms[norms > tol, None]
    perp = np.stack([-rows[:, 1], rows[:, 0]], axis=1)
    R = np.vstack([perp, -perp])  # (K, 2), unit
    M = X @ R.T  # (n, K): x_j . r_k
    M[np.abs(M) <= tol] = 0.0  # a point on the ray's line: round-off must not act as a tiny slope
    # A ray is in cone c when no active point sees it negative and no inactive one positive.
    violated = D @ (M < -tol) + (1.0 - D) @ (M > tol)  # (C, K)
    a = D @ (M * M)  # ||D X r||^2
    b = D @ (y[:, None] * M)  # y . D X r
    denom = a + 0.5 * lam
    t = np.where(denom > 0, np.maximum(b, 0.0) / np.where(denom > 0, denom, 1.0), 0.0)
    ray_value = np.where(violated == 0, yy - t * b, np.inf)
    best_ray = np.argmin(ray_value, axis=1) if R.size else np.zeros(C, dtype=int)
    best_value = ray_value[np.arange(C), best_ray] if R.size else np.full(C, np.inf)
    U = (t[np.arange(C), best_ray, None] * R[best_ray]) if R.size else np.zeros((C, 2))
    # The origin is in every cone.
    origin = yy < best_value
    U[origin], best_value[origin] = 0.0, yy
    # The unconstrained minimiser, (X^T D X + lam/2 I) u = X^T D y (least norm if singular).
    H = np.einsum("cn,ni,nj->cij", D, X, X) + 0.5 * lam * np.eye(2)
    u = np.einsum("cij,cj->ci", np.linalg.pinv(H, hermitian=True, rtol=RANK_RTOL), (D * y) @ X)
    inside = np.all((2.0 * D - 1.0) * (u @ X.T) >= -tol * (1.0 + np.linalg.norm(u, axis=1, keepdims=True)), axis=1)
    value = _plane_objective(u, D, X, y, lam)
    better = inside & (value < best_value)
    U[better], best_value[better] = u[better], value[better]
    if lam == 0.0:
        for c in np.flatnonzero(np.linalg.matrix_rank(H, hermitian=True, rtol=RANK_RTOL) == 1):
            U[c] = _minimiser_line_in_cone(X, y, D[c], u[c], U[c], best_value[c], tol)
    return U


def _plane_objective(U, D, X, y, lam) -> np.ndarray:
    """``||D X u - y||^2 + (lam/2)||u||^2`` for each row u of U (C, 2) and pattern D (C, n)."""
    r = D * (U @ X.T) - y
    return np.sum(r * r, axis=1) + 0.5 * lam * np.sum(U * U, axis=1)


def _minimiser_line_in_cone(X, y, d, u0, best, best_value, tol) -> np.ndarray:
    """With lam = 0 and rank(D X) = 1 the minimisers are the line u0 + s z; where it meets the cone,
    it does so at a boundary line x_j . u = 0 (or lies inside, when u0 was already found)."""
    active = X[d > 0]
    v = active[np.argmax(np.linalg.norm(active, axis=1))]
    z = np.array([-v[1], v[0]]) / np.linalg.norm(v)
    G = (2.0 * d - 1.0)[:, None] * X
    slope = G @ z
    for j in np.flatnonzero(np.abs(slope) > tol):
        p = u0 - (G[j] @ u0) / slope[j] * z
        if np.all(G @ p >= -tol * (1.0 + np.linalg.norm(p))):
            value = _plane_objective(p[None], d[None], X, y, 0.0)[0]
            if value < best_value:
                best, best_value = p, value
    return best


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


def solved_choice(solution: FixedAlphaSolution, patterns) -> tuple[np.ndarray, float] | None:
    """The fixed-pattern minimum for these neuron patterns, looked up among the choices already solved.

    Parameters
    ----------
    solution : FixedAlphaSolution
    patterns : ndarray of bool, shape (k, n)
        One pattern per neuron (e.g. a GD endpoint's).

    Returns
    -------
    (U, value) with U of shape (k, d), rows in the order of ``patterns``; or None when a row is not among
    the solution's patterns (every ``1[X w >= 0]``, faces included, and the all-zero one), so the caller
    has to solve it.
    """
    index = []
    for row in np.asarray(patterns, dtype=bool):
        hit = np.flatnonzero(np.all(solution.patterns == row, axis=1))
        if not len(hit):
            return None
        index.append(int(hit[0]))
    order = np.argsort(index, kind="stable")
    match = np.flatnonzero(np.all(solution.choices == np.sort(index), axis=1))
    if not len(match):
        return None
    U = np.empty_like(solution.minimisers[match[0]])
    U[order] = solution.minimisers[match[0]]  # choices list patterns in increasing order
    return U, float(solution.values[match[0]])


def fixed_pattern_surface(X, y, lam, patterns, W) -> tuple[np.ndarray, np.ndarray]:
    """The fixed-pattern loss over a grid of alpha = 1 networks, and where the patterns hold.

    Parameters
    ----------
    X : ndarray, shape (n, d)
    y : ndarray, shape (n,)
    lam : float
    patterns : ndarray of bool, shape (m, n)
        One pattern per neuron, kept fixed.
    W : ndarray, shape (..., m, d)
        The networks (alpha = 1) at which to evaluate.

    Returns
    -------
    Z : ndarray, shape (...)
        ``||sum_i D_i X w_i - y||^2 + (lam/2) sum_i (||w_i||^2 + 1)``.
    feasible : ndarray of bool, shape (...)
        Every w_i lies in the cone of its pattern (up to 1e-12), where Z is the true loss (1).
    """
    pre = W @ X.T  # (..., m, n)
    resid = np.einsum("mn,...mn->...n", patterns.astype(float), pre) - y
    Z = np.sum(resid**2, axis=-1) + 0.5 * lam * (np.sum(W**2, axis=(-1, -2)) + W.shape[-2])
    feasible = np.all((2.0 * patterns - 1.0) * pre >= -1e-12, axis=(-1, -2))
    return Z, feasible
