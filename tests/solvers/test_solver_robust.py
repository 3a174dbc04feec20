"""The fast solver where users go: noisy, clicked and tiny-lambda data, warm starts, budgets, threads.

Every assertion is one the certificate guarantees -- a gap that an independent evaluation of the returned
network confirms, a lower bound below the reference optimum, agreement within the gaps -- never that a
particular iteration path reached a particular tolerance (that depends on the machine's floating point).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from threadpoolctl import threadpool_limits

import solvers.fast as fast_module
from landscape import objective, with_bias
from solvers import SolverError, WarmStarts, solve_convex
from solvers.cones import arrangement
from solvers.dual import RayCones, dual_bound


def bound_at(dual, X, y, lam) -> float:
    """The dual lower bound of :mod:`solvers.dual` at a dual point, checked over every region of X with the
    dense cones -- a different code path from the solvers' own."""
    cones = RayCones.from_arrangement(arrangement(X))
    rho = torch.as_tensor(dual, dtype=torch.float64)
    M = 2.0 * float(torch.maximum(*cones.projection_norms_pm(cones.gradients(rho))).max())
    return dual_bound(rho, torch.as_tensor(y, dtype=torch.float64), lam, M)


def assert_certified(sol, X, y, lam):
    """What a returned solution promises, checked from the outside."""
    yy = float(y @ y)
    W, alpha = sol.network()
    assert objective(W, alpha, X, y, lam) == pytest.approx(sol.objective, rel=1e-9, abs=1e-12 * max(yy, 1.0))
    assert 0.0 <= sol.gap == pytest.approx(sol.objective - sol.lower, abs=1e-12 * max(yy, 1.0))
    # The reported bound is the one its dual point gives, however the solver found that point.
    assert bound_at(sol.dual, X, y, lam) == pytest.approx(sol.lower, rel=1e-8, abs=1e-12 * max(yy, 1.0))
    if sol.optimal:
        assert sol.gap <= fast_module.STALL_RTOL * sol.objective + fast_module.ATOL * yy


def data_1d(n, kind, seed):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, n)
    y = np.sin(3.0 * x)
    if kind == "noisy":
        y = y + 0.1 * rng.standard_normal(n)
    elif kind == "rounded":
        x = x.round(2)
        y = (np.sin(3.0 * x) + 0.1 * rng.standard_normal(n)).round(2)
    return with_bias(x), y


def data_2d(n, kind, seed):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, (n, 2))
    y = np.sin(2.0 * x[:, 0]) * np.cos(2.0 * x[:, 1])
    if kind == "noisy":
        y = y + 0.1 * rng.standard_normal(n)
    elif kind == "rounded":
        x = x.round(1)
        y = (np.sin(2.0 * x[:, 0]) * np.cos(2.0 * x[:, 1]) + 0.1 * rng.standard_normal(n)).round(2)
    return with_bias(x), y


@pytest.mark.parametrize("kind", ["smooth", "noisy", "rounded"])
@pytest.mark.parametrize("lam", [1e-5, 1e-3, 1e-1])
def test_one_dimensional_cases_are_certified_and_agree_with_the_reference(kind, lam):
    X, y = data_1d(24, kind, seed=3)
    sol = solve_convex(X, y, lam)
    assert sol.exact
    assert_certified(sol, X, y, lam)
    try:
        ref = solve_convex(X, y, lam, method="cvxpy")
    except SolverError:
        return  # the reference fails ("inaccurate") on some tiny-lambda cases; the certificate stands alone
    # The certified lower bound cannot exceed the reference optimum (beyond the reference's tolerance).
    assert sol.lower <= ref.objective + 1e-7 * max(abs(ref.objective), 1.0)
    assert sol.objective >= ref.objective - 1e-7 * max(abs(ref.objective), 1.0)


@pytest.mark.parametrize("kind", ["noisy", "rounded"])
@pytest.mark.parametrize("lam", [1e-4, 1e-2])
def test_two_dimensional_cases_are_certified(kind, lam):
    X, y = data_2d(14, kind, seed=5)
    sol = solve_convex(X, y, lam)
    assert sol.exact
    assert_certified(sol, X, y, lam)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), n=st.integers(2, 30), lam=st.sampled_from([1e-5, 1e-4, 1e-2, 1.0]))
def test_clicked_points_with_repeats_are_certified(seed, n, lam):
    # Clicks land on a coarse grid: repeated inputs, equal labels, points a hair apart.
    rng = np.random.default_rng(seed)
    x = rng.choice(np.round(np.linspace(-1, 1, 9), 3), size=n)
    y = np.round(rng.normal(size=n), 1)
    X = with_bias(x)
    sol = solve_convex(X, y, lam)
    assert_certified(sol, X, y, lam)


def test_a_warm_start_reaches_the_same_certified_optimum():
    X, y = data_1d(60, "noisy", seed=1)
    earlier = solve_convex(X, y, 1e-2)
    cold = solve_convex(X, y, 1e-3)
    warm = solve_convex(X, y, 1e-3, warm=earlier)
    assert_certified(warm, X, y, 1e-3)
    assert abs(warm.objective - cold.objective) <= warm.gap + cold.gap + 1e-12


def test_a_warm_start_from_other_data_is_only_a_start():
    X, y = data_1d(30, "noisy", seed=1)
    X2, y2 = data_1d(30, "smooth", seed=2)
    other = solve_convex(X2, y2, 1e-2)
    sol = solve_convex(X, y, 1e-2, warm=other)
    assert_certified(sol, X, y, 1e-2)
    assert abs(sol.objective - solve_convex(X, y, 1e-2).objective) <= 2 * sol.gap + 1e-9


@pytest.mark.parametrize("data", [data_1d(120, "noisy", seed=4), data_2d(40, "noisy", seed=4)])
def test_a_budget_ends_the_solve_with_a_certified_gap_instead_of_an_answer_claimed_optimal(data):
    X, y = data
    sol = solve_convex(X, y, 1e-4, budget=0.0)
    assert not sol.optimal and "budget" in sol.stopped and "stopped early" in sol.status
    assert_certified(sol, X, y, 1e-4)
    assert sol.gap > 0


@pytest.mark.parametrize("data", [data_1d(80, "noisy", seed=6), data_2d(30, "noisy", seed=6)])
def test_progress_is_reported_and_can_stop_the_solve(data):
    X, y = data
    seen = []

    def progress(rounds, gap, objective):
        seen.append((rounds, gap, objective))
        return len(seen) >= 2

    sol = solve_convex(X, y, 1e-4, progress=progress)
    assert len(seen) == 2 and seen[0][0] < seen[1][0]  # asked twice, then stopped
    assert all(g >= 0 and o > 0 for _, g, o in seen)
    assert sol.stopped == "stopped by the caller"
    assert_certified(sol, X, y, 1e-4)


@pytest.mark.parametrize("threads", [1, 2])
def test_the_callers_thread_settings_do_not_change_the_answer(threads):
    # The solver runs its loops on one thread whatever the caller set, so the result is the same bits.
    X, y = data_1d(40, "rounded", seed=7)
    reference = solve_convex(X, y, 1e-3)
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        with threadpool_limits(threads):
            sol = solve_convex(X, y, 1e-3)
    finally:
        torch.set_num_threads(before)
    assert sol.objective == reference.objective and sol.lower == reference.lower
    assert sol.status == reference.status


def test_warm_starts_store_finds_the_nearest_lambda_of_the_same_data():
    X, y = data_1d(40, "noisy", seed=8)
    calls = []

    def solve(X, y, lam, warm=None, **options):
        calls.append((lam, None if warm is None else warm))
        return solve_convex(X, y, lam, warm=warm, **options)

    store = WarmStarts(solve=solve)
    a = store.solve(X, y, 1e-1)
    b = store.solve(X, y, 1e-3)
    store.solve(X, y, 2e-3)
    assert calls[0][1] is None and calls[1][1] is a and calls[2][1] is b
    X2, y2 = data_1d(40, "smooth", seed=8)
    store.solve(X2, y2, 1e-3)
    assert calls[3][1] is None  # other data: no start borrowed
    assert store.nearest(X, y, 0.0) is None
