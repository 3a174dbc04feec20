"""``solve_convex``: the global optimum of the ReLU training problem (1) through the convex problem (2)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from landscape.threads import one_blas_thread
from landscape.validation import as_data, as_nonnegative

from . import barrier, interior
from .barrier import solve_chain
from .chain import chain_of
from .cones import Arrangement, arrangement, cones_of, row_space
from .fast import solve_fast
from .interior import every_block_fits, solve_rank3
from .patterns import enumerate_patterns, sample_patterns
from .reference import solve_with_cvxpy
from .sampled import solve_working_set
from .solution import ConvexSolution, SolverError, convex_objective, predictions

# Beyond rank 3 the patterns are sampled: this many Gaussian gates, with this seed.
SAMPLED_GATES = 2000
SAMPLED_SEED = 0
# Rank-3 data with at most this many rows go to the interior-point method over regions (about n^2 of them).
REGIONS_ROWS = 300


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


@dataclass(frozen=True)
class Problem:
    """Problem (2) on validated data, with the patterns it runs over.

    Attributes
    ----------
    X : ndarray, shape (n, d)
    y : ndarray, shape (n,)
    lam : float >= 0
    patterns : ndarray of bool, shape (P, n), or None
        None: every activation region of X (rank <= 3), which a solver may enumerate its own way.
    rank : int
        rank(X).
    exact : bool
        The patterns hold every activation region, so the optimum is the global optimum of (1).
    sampled : bool
        The patterns were sampled because rank(X) > 3.
    """

    X: np.ndarray
    y: np.ndarray
    lam: float
    patterns: np.ndarray | None
    rank: int
    exact: bool
    sampled: bool

    def every_pattern(self) -> np.ndarray:
        """The patterns, every face of the arrangement when none were given."""
        return enumerate_patterns(self.X) if self.patterns is None else self.patterns


class Solver(Protocol):
    """A method for problem (2): one entry of :data:`SOLVERS` and the code that solves.

    ``certified`` says whether its solutions carry a duality-gap certificate (``gap``, ``lower``);
    keyword options given to :func:`solve_convex` (a device, and whatever else a method takes) are
    passed through to it.
    """

    @property
    def name(self) -> str: ...

    @property
    def certified(self) -> bool: ...

    def __call__(self, problem: Problem, **options) -> ConvexSolution: ...


@dataclass(frozen=True)
class FastSolver:
    """The certified methods: an O(n) interior-point method for rank-2 data on a line (:mod:`solvers.barrier`:
    1-D inputs with a bias, collinear 2-D inputs), an interior-point method over working sets of regions for
    rank-3 data (:mod:`solvers.interior`: 2-D inputs with a bias), column generation for the rest of rank <= 3
    (lambda = 0, given patterns, other rank-2 data; :mod:`solvers.fast`), a working set over sampled patterns
    above (:mod:`solvers.sampled`)."""

    name: str = "fast"
    certified: bool = True

    def __call__(self, problem: Problem, *, device=None, warm=None, **options) -> ConvexSolution:
        X, y, lam, patterns = problem.X, problem.y, problem.lam, problem.patterns
        stopped = ""
        chain = _chain(problem)
        regions = None if chain is not None else _regions(problem)
        dual = None
        if chain is not None:
            U, V, patterns, obj, lower, seconds, stopped, dual = _solve_on_chain(chain, problem, **options)
        elif regions is not None:
            U, V, patterns, obj, lower, seconds, stopped, dual = _solve_on_regions(
                regions, problem, warm=warm, **options
            )
        elif problem.rank <= 3:
            # Given patterns are solved over their own cones; without them the solver finds every region.
            arr = None if patterns is None else cones_of(X, patterns)
            start = None if warm is None else (warm.U, warm.V, warm.patterns)
            res = solve_fast(X, y, lam, device=device, arr=arr, warm=start, **options)
            U, V, obj, lower, seconds, stopped = res.U, res.V, res.objective, res.lower, res.seconds, res.stopped
            patterns = res.patterns  # in the solver's order (merging repeated inputs may reorder regions)
            if len(patterns) == 0:  # X = 0: only w = 0, whose pattern activates every point
                patterns = np.ones((1, X.shape[0]), dtype=bool)
                U = V = np.zeros((1, X.shape[1]))
        else:
            assert patterns is not None  # sampled or given above rank 3
            # Sampled patterns: the working-set loop around Clarabel takes no warm start or budget.
            U, V, obj, lower, _, seconds = solve_working_set(X, y, lam, patterns)
        # The gap of the objective as reported (evaluated once more on the original data).
        objective = convex_objective(U, V, patterns, X, y, lam)
        gap = max(0.0, objective - lower)
        if dual is None:
            # Column generation certifies with its network's own residual.
            dual = y - predictions(U, V, patterns, X)
        if problem.exact:
            scope = f"all {len(patterns)} activation regions"
        elif problem.rank > 3 and problem.sampled:
            scope = f"the {len(patterns)} sampled patterns only (rank(X) = {problem.rank} > 3)"
        else:
            scope = f"the {len(patterns)} given patterns only"
        if stopped:
            status = f"stopped early ({stopped}): within a certified gap of {gap:.3g} of the optimum over {scope}"
        else:
            status = f"optimal within a certified gap of {gap:.3g} over {scope}"
        if not problem.exact:
            status += "; not certified as the global optimum of (1)"
        return _solution(
            problem,
            U,
            V,
            patterns,
            seconds,
            status,
            self.name,
            objective,
            gap=gap,
            prune=0.0,
            lower=lower,
            stopped=stopped,
            dual=dual,
        )


def _chain(problem: Problem):
    """The chain form of the data, with its row-space coordinates and basis, when the O(n) method applies:
    every region of rank-2 data whose rows lie in an open half-plane, lambda > 0 (lambda = 0 is a
    least-squares fit, solved directly)."""
    if problem.rank != 2 or problem.patterns is not None or not problem.lam > 0:
        return None
    Z, basis = row_space(problem.X)
    chain = chain_of(Z, problem.y)
    return None if chain is None else (chain, Z, basis)


def _stop_rule(progress, budget: float | None):
    """The interior-point methods' callback for the fast method's ``progress`` and ``budget``, and the list
    that says why a solve was ended (empty while it runs). No callback when neither was asked for: the methods
    then raise instead of returning a point they could not certify as optimal."""
    if progress is None and budget is None:
        return None, []
    start = time.perf_counter()
    why: list[str] = []

    def report(step: int, gap: float, objective: float) -> bool:
        if budget is not None and time.perf_counter() - start > budget:
            why.append(f"time budget of {budget:g} s")
        elif progress is not None and progress(step, gap, objective):
            why.append("stopped by the caller")
        return bool(why)

    return report, why


def _solve_on_chain(found, problem: Problem, *, progress=None, budget: float | None = None):
    """:func:`solvers.barrier.solve_chain` with the fast method's options, its blocks mapped back to R^d."""
    chain, Z, basis = found
    report, why = _stop_rule(progress, budget)
    res = solve_chain(chain, problem.lam, progress=report)
    stopped = why[0] if why else ("stalled" if res.gap > barrier.STALL_RTOL * res.objective else "")
    U, V = chain.to_z(res.U) @ basis, chain.to_z(res.V) @ basis
    dual = None if res.dual is None else chain.expand_dual(res.dual, Z, problem.y)
    return U, V, chain.region_patterns(), res.objective, res.lower, res.seconds, stopped, dual


def _regions(problem: Problem) -> Arrangement | None:
    """Every region of rank-3 data when the interior-point method over regions applies: no given
    patterns, lambda > 0 (lambda = 0 is a least-squares fit, solved directly by column generation), and
    every block fits in its first working set (up to about 250 points; beyond, column generation)."""
    if problem.rank != 3 or problem.patterns is not None or not problem.lam > 0 or len(problem.y) > REGIONS_ROWS:
        return None
    arr = arrangement(problem.X)
    return arr if every_block_fits(arr) else None


def _solve_on_regions(arr: Arrangement, problem: Problem, *, warm=None, progress=None, budget: float | None = None):
    """:func:`solvers.interior.solve_rank3` with the fast method's options, its blocks mapped back to R^d.

    A warm start passes its dual point: the blocks it makes nearly tight start the working set."""
    report, why = _stop_rule(progress, budget)
    dual = getattr(warm, "dual", None)
    # One BLAS thread: the steps are many mid-sized products, and two threads on two shared cores lose.
    with one_blas_thread():
        res = solve_rank3(arr, problem.y, problem.lam, warm=dual, progress=report)
    stopped = why[0] if why else ("stalled" if res.gap > interior.STALL_RTOL * res.objective else "")
    return res.U @ arr.basis, res.V @ arr.basis, arr.patterns, res.objective, res.lower, res.seconds, stopped, res.dual


@dataclass(frozen=True)
class CvxpySolver:
    """The whole problem in cvxpy with Clarabel: the reference the fast solver is tested against."""

    name: str = "cvxpy"
    certified: bool = False

    def __call__(self, problem: Problem, *, device=None, warm=None, progress=None, budget=None, **options):
        # The conic solver runs where cvxpy runs, from its own start, to the end: those options are the
        # fast method's.
        del device, warm, progress, budget
        patterns = problem.every_pattern()
        U, V, status, seconds = solve_with_cvxpy(problem.X, problem.y, problem.lam, patterns, **options)
        # Clarabel's tolerance is the only bound: gap 0, lower NaN (the defaults).
        return _solution(problem, U, V, patterns, seconds, status, self.name)


def _solution(problem: Problem, U, V, patterns, seconds, status, method, objective=None, **certified) -> ConvexSolution:
    if objective is None:
        objective = convex_objective(U, V, patterns, problem.X, problem.y, problem.lam)
    return ConvexSolution(
        objective=objective,
        U=U,
        V=V,
        patterns=patterns,
        exact=problem.exact,
        solve_seconds=seconds,
        status=status,
        method=method,
        **certified,
    )


#: Every method of :func:`solve_convex`, by name. A new method is one entry here and its Solver.
SOLVERS: dict[str, Solver] = {s.name: s for s in (FastSolver(), CvxpySolver())}
METHODS = tuple(SOLVERS)
#: What the page tries, in order: the certified solver, then the reference where it gives up.
FALLBACK = ("fast", "cvxpy")


def solve_convex(X, y, lam, patterns=None, method: str = "fast", device=None, **options) -> ConvexSolution:
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
    method : str
        A name in :data:`SOLVERS`. ``"fast"``: column generation with a duality-gap certificate
        (:mod:`solvers.fast` for rank <= 3, :mod:`solvers.sampled` above); the result carries
        ``gap`` and ``lower``. ``"cvxpy"``: the whole problem in cvxpy with Clarabel (the reference).
    device : torch device, optional
        Where the fast method's batched pricing runs.
    **options
        Passed to the method. The fast method takes ``warm`` (a :class:`ConvexSolution` on the same data
        at another lambda: its neurons start the search, so a lambda sweep costs a few rounds per value),
        ``progress`` (``progress(round, certified_gap, objective)`` after each round; a true return ends
        the solve) and ``budget`` (seconds). A solve ended early keeps its certified gap, and its
        ``status`` says so.

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
    if method not in SOLVERS:
        raise ValueError(f"Unknown method {method!r}; choose one of {', '.join(SOLVERS)}.")
    return SOLVERS[method](problem_of(X, y, lam, patterns), device=device, **options)


def problem_of(X, y, lam, patterns=None) -> Problem:
    """Validate the data and settle the patterns (every region, sampled, or the given ones)."""
    X, y = as_data(X, y)
    lam = as_nonnegative(lam, "lam")
    rank = row_space(X)[0].shape[1]
    sampled = patterns is None and rank > 3
    if patterns is None:
        exact = rank <= 3
        if not exact:
            patterns = sample_patterns(X, SAMPLED_GATES, SAMPLED_SEED)
    else:
        patterns = as_patterns(patterns, X.shape[0])
        exact = covers_all(patterns, X)
    return Problem(X, y, lam, patterns, rank, exact, sampled)


def solve_with_fallback(X, y, lam, patterns=None, methods=FALLBACK, **options) -> ConvexSolution:
    """Solve (2) with the first method of ``methods`` that reaches an optimum.

    Nearly coincident inputs with a tiny lambda can stall the fast solver's certificate; Clarabel
    still solves them. ``solution.method`` says which method answered. With a ``budget`` or a
    ``progress`` callback the fast method does not give up: it returns its best point with a certified
    gap and ``stopped`` set, and that answer is kept (the reference would only take longer).

    Raises
    ------
    ValueError
        For invalid data (no method is tried).
    SolverError
        If every method fails; the message holds each one's reason.
    """
    problem = problem_of(X, y, lam, patterns)
    reasons = []
    for method in methods:
        if method not in SOLVERS:
            raise ValueError(f"Unknown method {method!r}; choose from {', '.join(SOLVERS)}.")
        try:
            return SOLVERS[method](problem, **options)
        except SolverError as exc:
            reasons.append(f"{method}: {exc}")
    raise SolverError("; ".join(reasons) or "no method was given")
