"""The certified fast solver of problem (2), its certificate, and optimality_gap."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import solvers.barrier as barrier_module
import solvers.certificate as certificate_module
import solvers.fast as fast_module
import solvers.interior as interior_module
from landscape import gradient_descent, objective, with_bias
from solvers import (
    SolverError,
    enumerate_patterns,
    optimality_gap,
    sample_patterns,
    solve_convex,
)
from solvers.cones import arrangement, cones_of
from solvers.solution import convex_objective

REL = 1e-6  # the agreement target against cvxpy


def cone_violation(sol, X) -> float:
    """Worst relative violation of ``(2D_i - I) X u_i >= 0`` over all blocks (0 when feasible)."""
    S = 2.0 * sol.patterns - 1.0
    worst = 0.0
    scale = np.linalg.norm(X, axis=1)
    for B in (sol.U, sol.V):
        norms = np.linalg.norm(B, axis=1)
        slack = S * (X @ B.T).T  # (P, n)
        denom = norms[:, None] * scale[None, :]
        rel = np.where(denom > 0, slack / np.where(denom > 0, denom, 1.0), 0.0)
        worst = min(worst, float(rel.min(initial=0.0)))
    return -worst


def check_against_cvxpy(X, y, lam):
    fast = solve_convex(X, y, lam)
    ref = solve_convex(X, y, lam, method="cvxpy")
    yy = float(y @ y)
    # Both reach the optimum; cvxpy's own accuracy (~1e-8 of ||y||^2) dominates near zero.
    assert abs(fast.objective - ref.objective) <= REL * abs(ref.objective) + 1e-8 * max(yy, 1.0)
    # The certificate is a true lower bound and closes the gap. cvxpy's answer may violate its cones
    # by ~1e-9 and so sit a hair below the true optimum: compare within the agreement tolerance.
    assert fast.lower <= ref.objective + REL * abs(ref.objective) + 1e-8 * max(yy, 1.0)
    assert 0.0 <= fast.gap <= fast_module.RTOL * fast.objective + fast_module.ATOL * yy
    assert fast.exact and ref.exact
    assert cone_violation(fast, X) <= 1e-12
    W, alpha = fast.network()
    assert objective(W, alpha, X, y, lam) == pytest.approx(fast.objective, rel=1e-10, abs=1e-12 * max(yy, 1.0))
    return fast, ref


def dual_point_bound(dual, X, y, lam) -> float:
    """The dual lower bound of :mod:`solvers.dual` at a dual point, over every region of X."""
    import torch

    from solvers.dual import RayCones, dual_bound

    cones = RayCones.from_arrangement(arrangement(X))
    rho = torch.as_tensor(dual, dtype=torch.float64)
    M = 2.0 * float(torch.maximum(*cones.projection_norms_pm(cones.gradients(rho))).max())
    return dual_bound(rho, torch.as_tensor(y, dtype=torch.float64), lam, M)


finite = st.floats(-2.0, 2.0, allow_nan=False, allow_infinity=False)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    x=st.lists(finite, min_size=1, max_size=8),
    seed=st.integers(0, 10_000),
    lam=st.sampled_from([0.0, 0.003, 0.05, 0.5]),
)
def test_matches_cvxpy_1d_with_bias(x, seed, lam):
    x = np.round(np.asarray(x), 2)  # rounding makes duplicated points common
    y = np.random.default_rng(seed).normal(size=len(x))
    check_against_cvxpy(with_bias(x), y, lam)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(1, 7), seed=st.integers(0, 10_000), lam=st.sampled_from([0.0, 0.01, 0.2]))
def test_matches_cvxpy_2d_with_bias(n, seed, lam):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 2))
    y = np.sin(x[:, 0]) + 0.3 * rng.normal(size=n)
    check_against_cvxpy(with_bias(x), y, lam)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(2, 12), lam=st.sampled_from([0.0, 0.01, 0.3]))
def test_merging_repeated_inputs_shifts_objective_2_by_a_constant(seed, n, lam):
    rng = np.random.default_rng(seed)
    X = with_bias(rng.choice(np.round(rng.uniform(-1, 1, 4), 1), size=n))  # at most four distinct inputs
    y = rng.normal(size=n)
    merged = fast_module.merge_repeats(X, y)
    if merged is None:
        assert len(np.unique(X, axis=0)) == n
        return
    Xm, ym, inverse, constant = merged
    np.testing.assert_allclose(
        Xm[inverse] / np.linalg.norm(Xm[inverse], axis=1, keepdims=True), X / np.linalg.norm(X, axis=1, keepdims=True)
    )  # same directions: same cones
    patterns = enumerate_patterns(Xm)
    U, V = rng.normal(size=(len(patterns), 2)), rng.normal(size=(len(patterns), 2))
    full = convex_objective(U, V, patterns[:, inverse], X, y, lam)
    assert full == pytest.approx(convex_objective(U, V, patterns, Xm, ym, lam) + constant, rel=1e-12)
    sol = solve_convex(X, y, lam)
    assert sol.objective == pytest.approx(convex_objective(sol.U, sol.V, sol.patterns, X, y, lam), rel=1e-12)
    assert sol.lower >= constant - 1e-12


@pytest.mark.parametrize("lam", [0.02, 0.03])
def test_rounded_data_with_many_repeats_is_certified(lam):
    # 500 clicks on a 0.001 grid: 65 inputs repeat (merged exactly), others sit 0.001 apart. How far the
    # loop gets depends on the machine's floating point; what it returns must be certified: a gap that an
    # independent check of the network confirms, within what the solver promises when it does not raise.
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, 500).round(3)
    X, y = with_bias(x), np.sin(3 * x).round(3)
    sol = solve_convex(X, y, lam)
    assert sol.exact and 0.0 <= sol.gap <= fast_module.STALL_RTOL * sol.objective + fast_module.ATOL * float(y @ y)
    assert sol.gap == pytest.approx(sol.objective - sol.lower, abs=1e-15)
    assert sol.objective == pytest.approx(convex_objective(sol.U, sol.V, sol.patterns, X, y, lam), rel=1e-12)
    W, alpha = sol.network()
    assert optimality_gap(W, alpha, X, y, lam, lower=sol.lower) == pytest.approx(sol.gap, rel=1e-6, abs=1e-12)
    # The bound, recomputed from the reported dual point over every region of the unmerged data with the
    # dense cones, is the one the solver reported: the certificate does not depend on how it got there.
    assert dual_point_bound(sol.dual, X, y, lam) == pytest.approx(sol.lower, rel=1e-9)


def _grid():
    g = np.stack(np.meshgrid(np.arange(4.0), np.arange(3.0)), -1).reshape(-1, 2)
    return g


EDGE_CASES = {
    "lam0-interpolates": (with_bias(np.linspace(-1, 1, 9)), np.sin(3 * np.linspace(-1, 1, 9)), 0.0),
    "all-labels-zero": (with_bias(np.linspace(-1, 1, 6)), np.zeros(6), 0.05),
    "duplicated-points": (with_bias(np.array([0.1, 0.1, 0.5, 0.5, -0.3])), np.array([1.0, -1.0, 2.0, 2.0, 0.5]), 0.01),
    "duplicated-points-lam0": (with_bias(np.array([0.1, 0.1, 0.5, -0.3])), np.array([1.0, -1.0, 2.0, 0.5]), 0.0),
    "single-point": (with_bias(np.array([0.4])), np.array([-1.3]), 0.1),
    "single-point-lam0": (with_bias(np.array([0.4])), np.array([1.3]), 0.0),
    "point-at-origin": (np.array([[0.0], [1.0], [-2.0]]), np.array([1.0, 1.0, 1.0]), 0.01),
    "collinear-2d": (
        with_bias(np.c_[np.linspace(-1, 1, 7), 2 * np.linspace(-1, 1, 7) + 1]),
        np.cos(3 * np.linspace(-1, 1, 7)),
        0.01,
    ),
    "collinear-2d-lam0": (
        with_bias(np.c_[np.linspace(-1, 1, 7), 2 * np.linspace(-1, 1, 7) + 1]),
        np.cos(3 * np.linspace(-1, 1, 7)),
        0.0,
    ),
    "grid-with-bias": (with_bias(_grid()), np.sin(_grid()[:, 0]) - _grid()[:, 1], 0.02),
    "grid-with-bias-lam0": (with_bias(_grid()), np.sin(_grid()[:, 0]) - _grid()[:, 1], 0.0),
    "grid-centred-no-bias": (_grid() - [1.5, 1.0], np.cos(_grid()[:, 0]) + _grid()[:, 1], 0.02),
    "antipodal-no-bias": (
        np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0], [0.0, -1.0], [1.0, 1.0], [-1.0, -1.0]]),
        np.array([1.0, 2.0, -1.0, 0.5, 3.0, 1.0]),
        0.01,
    ),
    "poster-two-points": (np.array([[-1.0], [1.0]]), np.array([1.0, 2.0]), 0.0),
}


@pytest.mark.parametrize("name", sorted(EDGE_CASES))
def test_edge_cases_match_cvxpy(name):
    X, y, lam = EDGE_CASES[name]
    fast, _ = check_against_cvxpy(X, y, lam)
    if name in ("lam0-interpolates", "poster-two-points", "single-point-lam0", "grid-with-bias-lam0"):
        assert fast.objective <= 1e-20 * max(1.0, float(y @ y))  # any labels can be fitted exactly
    if name == "all-labels-zero":
        assert fast.objective == 0.0 and not np.any(fast.U) and not np.any(fast.V)
    if name == "duplicated-points-lam0":
        # The two copies of x = 0.1 must share one prediction: their mean, 0.
        assert fast.objective == pytest.approx(2.0, rel=1e-9)


def test_data_at_origin_only():
    X, y = np.zeros((3, 2)), np.array([1.0, -2.0, 0.5])
    sol = solve_convex(X, y, 0.1)
    assert sol.objective == pytest.approx(float(y @ y)) and sol.gap == 0.0
    assert optimality_gap(np.zeros((1, 2)), np.zeros(1), X, y, 0.1) == pytest.approx(0.0, abs=1e-12)


def test_benchmark_size_problem_certified():
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, 60)
    y = np.sin(3 * x) + 0.1 * rng.normal(size=60)
    sol = solve_convex(with_bias(x), y, 0.01)
    assert sol.exact and sol.gap <= fast_module.RTOL * sol.objective
    assert "certified" in sol.status
    W, alpha = sol.network()
    assert len(alpha) <= 61  # at most n + 1 neurons
    assert optimality_gap(W, alpha, with_bias(x), y, 0.01) <= 1e-8 * sol.objective


def test_regions_are_the_full_dimensional_patterns():
    rng = np.random.default_rng(3)
    for X in (with_bias(rng.normal(size=(9, 2))), with_bias(_grid()), with_bias(rng.uniform(-1, 1, 12))):
        arr = arrangement(X)
        every = {p.tobytes() for p in enumerate_patterns(X)}
        regions = {p.tobytes() for p in arr.patterns}
        assert regions <= every
        # Random directions land in open regions almost surely.
        G = rng.normal(size=(5000, X.shape[1]))
        hit = {p.tobytes() for p in (G @ X.T >= 0) if p.any()}
        assert hit <= regions
        # Each region's rays lie in its cone, and their sum is inside it.
        S = 2.0 * arr.patterns - 1.0
        for i in range(len(arr.patterns)):
            rays = arr.rays[arr.members[i][arr.members[i] >= 0]]
            assert np.all(S[i][:, None] * (arr.Z @ rays.T) >= -1e-9)
            assert np.array_equal(arr.Z @ rays.sum(0) >= -1e-12, arr.patterns[i])


def test_given_patterns_subset_matches_cvxpy_on_same_patterns():
    rng = np.random.default_rng(5)
    X = with_bias(rng.normal(size=(8, 2)))
    y = rng.normal(size=8)
    every = enumerate_patterns(X)
    some = every[rng.choice(len(every), size=15, replace=False)]
    fast = solve_convex(X, y, 0.05, patterns=some)
    ref = solve_convex(X, y, 0.05, patterns=some, method="cvxpy")
    assert not fast.exact
    assert "given patterns only" in fast.status
    assert fast.objective == pytest.approx(ref.objective, rel=REL)
    assert cone_violation(fast, X) <= 1e-12
    # The rays found for given patterns are those of the regions.
    arr = cones_of(X, every)
    S = 2.0 * every - 1.0
    for i in range(len(every)):
        rays = arr.rays[arr.members[i][arr.members[i] >= 0]]
        assert np.all(S[i][:, None] * (arr.Z @ rays.T) >= -1e-9)


def test_given_patterns_are_kept_when_inputs_repeat():
    # Merging repeated inputs is for the search over every region; given patterns stay the problem.
    X, y = with_bias(np.array([-0.5, -0.5, 0.2, 0.7])), np.array([1.0, 0.0, 1.0, -1.0])
    some = enumerate_patterns(X)[:2]
    fast = solve_convex(X, y, 0.01, patterns=some)
    ref = solve_convex(X, y, 0.01, patterns=some, method="cvxpy")
    np.testing.assert_array_equal(fast.patterns, ref.patterns)
    assert fast.objective == pytest.approx(ref.objective, rel=REL)
    assert fast.objective > solve_convex(X, y, 0.01).objective + 0.5  # two patterns cannot fit these labels


def test_rank_above_three_samples_and_says_so():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(10, 5))
    y = rng.normal(size=10)
    sol = solve_convex(X, y, 0.1)
    assert not sol.exact
    assert sol.n_patterns == len(sample_patterns(X, 2000, 0))
    assert "sampled" in sol.status and "not certified" in sol.status
    ref = solve_convex(X, y, 0.1, patterns=sol.patterns, method="cvxpy")
    assert sol.objective == pytest.approx(ref.objective, rel=REL)
    assert sol.gap <= 1e-6 * sol.objective
    assert cone_violation(sol, X) <= 1e-12
    W, alpha = sol.network()
    assert objective(W, alpha, X, y, 0.1) == pytest.approx(sol.objective, rel=1e-10)
    with pytest.raises(ValueError, match="rank"):
        optimality_gap(W, alpha, X, y, 0.1)


POSTER_X = np.array([[-1.0], [1.0]])
POSTER_Y = np.array([1.0, 2.0])


def test_certificate_zero_for_the_mapped_optimum():
    for lam in (0.0, 0.1):
        sol = solve_convex(POSTER_X, POSTER_Y, lam)
        W, alpha = sol.network()
        assert optimality_gap(W, alpha, POSTER_X, POSTER_Y, lam) <= 1e-10


def test_certificate_positive_for_stuck_gradient_descent():
    # Starts from which two-neuron GD (alpha fixed to 1, lambda = 0) ends in the flat valleys.
    starts = np.array([[[-0.5], [-0.7]], [[0.5], [0.8]], [[1.0], [-1.0]]])
    path = gradient_descent(POSTER_X, POSTER_Y, starts, np.ones(2), step=0.05, steps=2000, train_alpha=False)
    final = path.final_loss
    np.testing.assert_allclose(np.sort(final), [0.0, 1.0, 4.0], atol=1e-6)
    for W, loss in zip(path.final_W, final):
        gap = optimality_gap(W, np.ones(2), POSTER_X, POSTER_Y, 0.0)
        # The global optimum is 0, so the gap is the network's own loss: 1 or 4 when stuck.
        assert gap == pytest.approx(loss, abs=1e-9)


def test_certificate_bounds_true_suboptimality():
    rng = np.random.default_rng(1)
    x = rng.uniform(-1, 1, 12)
    X, y, lam = with_bias(x), np.sin(3 * x), 0.05
    best = solve_convex(X, y, lam, method="cvxpy").objective
    W, alpha = rng.normal(size=(4, 2)), rng.normal(size=4)
    gap = optimality_gap(W, alpha, X, y, lam)
    truth = objective(W, alpha, X, y, lam) - best
    assert gap >= truth - 1e-7 and gap == pytest.approx(truth, rel=1e-6, abs=1e-7)


@given(seed=st.integers(0, 1000), lam=st.sampled_from([0.01, 0.1]))
@settings(max_examples=15, deadline=None)
def test_known_lower_bound_gives_the_same_gap_without_a_solve(seed, lam):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, 8)
    X, y = with_bias(x), np.sin(3 * x)
    sol = solve_convex(X, y, lam)
    networks = [(rng.normal(size=(3, 2)), rng.normal(size=3)) for _ in range(3)]
    fresh = [optimality_gap(W, alpha, X, y, lam) for W, alpha in networks]

    def no_solve(*args, **kwargs):
        raise AssertionError("solved (2) again although a certified bound was given")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(certificate_module, "solve_fast", no_solve)
        reused = [optimality_gap(W, alpha, X, y, lam, lower=sol.lower) for W, alpha in networks]
    np.testing.assert_allclose(reused, fresh, rtol=1e-7, atol=1e-9)
    for (W, alpha), gap in zip(networks, reused):
        assert gap >= objective(W, alpha, X, y, lam) - sol.objective - 1e-9


def test_safety_nets_raise_instead_of_reporting(monkeypatch):
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (30, 2))
    monkeypatch.setattr(fast_module, "MAX_ROUNDS", 2)  # column generation (2-D inputs through the origin)
    with pytest.raises(SolverError, match="did not certify"):
        solve_convex(x, np.sin(3 * x[:, 0]), 0.01)
    monkeypatch.setattr(interior_module, "MAX_ITER", 2)  # the interior-point method over regions (2-D + bias)
    with pytest.raises(SolverError, match="certified relative gap"):
        solve_convex(with_bias(x), np.sin(3 * x[:, 0]), 0.01)
    monkeypatch.setattr(barrier_module, "MAX_ITER", 2)  # the interior-point method (1-D inputs with a bias)
    with pytest.raises(SolverError, match="certified gap"):
        solve_convex(with_bias(x[:, 0]), np.sin(3 * x[:, 0]), 0.01)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(lam=-1.0), "lam"),
        (dict(lam=float("nan")), "lam"),
        (dict(method="newton"), "method"),
        (dict(X=np.array([[np.nan, 1.0]])), "NaN"),
        (dict(y=np.ones(3)), "entries"),
        (dict(patterns=np.zeros((2, 2))), "non-zero"),
    ],
)
def test_bad_input_raises_value_error(kwargs, message):
    args = dict(X=POSTER_X, y=POSTER_Y, lam=0.1)
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        solve_convex(args.pop("X"), args.pop("y"), args.pop("lam"), **args)


def test_optimality_gap_validates_network():
    with pytest.raises(ValueError, match="columns"):
        optimality_gap(np.ones((2, 3)), np.ones(2), POSTER_X, POSTER_Y, 0.0)
    with pytest.raises(ValueError, match="alpha"):
        optimality_gap(np.ones((2, 1)), np.ones(3), POSTER_X, POSTER_Y, 0.0)
