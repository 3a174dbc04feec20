"""The chain solver of problem (2): what its certificate guarantees, against cvxpy and the network's objective.

Only what a certificate promises is asserted (a valid bound, a reported gap that covers the distance to
the optimum, a network whose objective is the reported one); never how many steps a run takes or that
it reaches a particular tolerance.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from landscape import objective, with_bias
from solvers import SolverError, barrier, solve_convex
from solvers.barrier import STALL_RTOL, solve_chain
from solvers.chain import chain_of, dual_value
from solvers.solution import convex_objective, map_to_network

REL = 1e-6  # agreement with cvxpy (its own accuracy is about 1e-8 of ||y||^2)


def network_objective(chain, res, X, y, lam):
    """Objective (1) of the network mapped from the result, on the original rows."""
    W, alpha = map_to_network(chain.to_z(res.U), chain.to_z(res.V), prune=0.0)
    return objective(W, alpha, X, y, lam)


def cone_violation(chain, res, X):
    """Worst relative violation of ``(2 D_i - I) X u_i >= 0`` by the returned blocks (0 if none)."""
    sign = 2.0 * chain.region_patterns() - 1.0
    worst = 0.0
    for B in (chain.to_z(res.U), chain.to_z(res.V)):
        scale = np.linalg.norm(B, axis=1)[:, None] * np.linalg.norm(X, axis=1)[None, :]
        slack = sign * (B @ X.T)
        worst = min(worst, float(np.min(np.where(scale > 0, slack / np.where(scale > 0, scale, 1.0), 0.0))))
    return -worst


def rounding(y):
    """What float64 evaluation of an objective on the original rows can differ by."""
    return 1e-12 * max(float(y @ y), 1.0)


def check_certificate(X, y, lam, res, chain, ref=None):
    """What every certified result guarantees, with cvxpy's optimum as the reference when given."""
    assert np.all(np.isfinite(res.U)) and np.all(np.isfinite(res.V))
    assert res.U.shape == res.V.shape == (chain.n_regions, 2)
    assert res.lower <= res.objective and res.gap == res.objective - res.lower >= 0.0
    assert res.gap <= STALL_RTOL * res.objective  # the loosest the solver ever certifies
    # The reported objective is the objective of the returned blocks on the original rows, and of the
    # network (1) they map to.
    two = convex_objective(chain.to_z(res.U), chain.to_z(res.V), chain.region_patterns(), X, y, lam)
    assert two == pytest.approx(res.objective, rel=1e-10, abs=rounding(y))
    assert network_objective(chain, res, X, y, lam) == pytest.approx(res.objective, rel=1e-10, abs=rounding(y))
    assert cone_violation(chain, res, X) <= 1e-12
    if ref is not None:
        # The bound is below the optimum, and the reported gap covers the distance to it. cvxpy's answer
        # may violate its cones by ~1e-9 and sit a hair below the optimum, or stop ~1e-7 of ||y||^2
        # above it (Clarabel's tolerances are relative to the data): compare within REL and that.
        yy = max(float(y @ y), 1.0)
        assert res.lower <= ref + REL * abs(ref) + 1e-8 * yy
        assert res.objective - ref <= res.gap + REL * abs(ref) + 1e-8 * yy
        assert abs(res.objective - ref) <= REL * abs(ref) + 1e-7 * yy


coords = st.floats(-2.0, 2.0, allow_nan=False, allow_infinity=False)
labels = st.floats(-3.0, 3.0, allow_nan=False, allow_infinity=False)


@st.composite
def small_data(draw):
    """1-D inputs with a bias: random, rounded (repeats likely) or a few distinct values repeated."""
    n = draw(st.integers(2, 10))
    x = np.array(draw(st.lists(coords, min_size=n, max_size=n)))
    style = draw(st.sampled_from(["raw", "rounded", "repeats"]))
    if style == "rounded":
        x = np.round(x, 1)
    elif style == "repeats":
        x = np.round(x, 0)
    # Inputs a hair apart are outside what float64 certifies here (see test_inputs_a_hair_apart).
    gaps = np.diff(np.unique(x))
    assume(len(gaps) and gaps.min() >= 1e-6 and np.ptp(x) >= 0.05)
    y = np.array(draw(st.lists(labels, min_size=n, max_size=n)))
    if draw(st.booleans()):
        y = np.round(y, 1)
    lam = 10.0 ** draw(st.floats(-3.0, 0.5))
    return with_bias(x), y, lam


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_data())
def test_certified_optimum_matches_cvxpy(data):
    X, y, lam = data
    chain = chain_of(X, y)
    if chain is None:  # a single distinct input: no chain
        return
    res = solve_chain(chain, lam)
    ref = solve_convex(X, y, lam, method="cvxpy").objective
    check_certificate(X, y, lam, res, chain, ref)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(3, 40), seed=st.integers(0, 10_000), lam=st.floats(-5.0, 0.0), noisy=st.booleans())
def test_certificate_on_larger_data(n, seed, lam, noisy):
    """Beyond cvxpy's reach the certificate alone speaks: a valid, closed bracket."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, n)
    y = np.sin(3 * x) + (0.1 * rng.standard_normal(n) if noisy else 0.0)
    X = with_bias(x)
    chain = chain_of(X, y)
    res = solve_chain(chain, 10.0**lam)
    check_certificate(X, y, 10.0**lam, res, chain)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), lam=st.floats(-4.0, 0.0))
def test_collinear_rows_in_their_own_frame(seed, lam):
    """Rank-2 rows that are not ``(x, 1)``: the chain's frame and weights carry them."""
    rng = np.random.default_rng(seed)
    t = rng.uniform(-1.0, 1.0, 8)
    Z = np.stack([0.3 + 2.0 * t, 1.0 + 0.5 * t], axis=1) * rng.uniform(0.5, 2.0, 8)[:, None]
    y = rng.normal(size=8)
    chain = chain_of(Z, y)
    res = solve_chain(chain, 10.0**lam)
    check_certificate(Z, y, 10.0**lam, res, chain, solve_convex(Z, y, 10.0**lam, method="cvxpy").objective)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), lam1=st.floats(-4.0, 0.0), factor=st.floats(-1.0, 1.0))
def test_warm_start_reaches_the_same_certified_optimum(seed, lam1, factor):
    rng = np.random.default_rng(seed)
    x = np.round(rng.uniform(-1.0, 1.0, 30), 2)
    y = np.sin(3 * x) + 0.1 * rng.standard_normal(30)
    X = with_bias(x)
    chain = chain_of(X, y)
    lam2 = 10.0 ** (lam1 + factor)
    first = solve_chain(chain, 10.0**lam1)
    cold = solve_chain(chain, lam2)
    warm = solve_chain(chain, lam2, warm=first.warm)
    check_certificate(X, y, lam2, warm, chain)
    # Both are certified: each objective is within its own gap of the one optimum.
    assert abs(warm.objective - cold.objective) <= warm.gap + cold.gap + rounding(y)
    assert warm.lower <= cold.objective + rounding(y) and cold.lower <= warm.objective + rounding(y)


def test_progress_reports_certified_gaps_and_stops_without_raising():
    rng = np.random.default_rng(3)
    x = rng.uniform(-1.0, 1.0, 60)
    y = np.sin(3 * x) + 0.1 * rng.standard_normal(60)
    X = with_bias(x)
    chain = chain_of(X, y)
    seen = []

    def progress(step, gap, obj):
        seen.append((step, gap, obj))
        return step >= 2

    res = solve_chain(chain, 1e-3, progress=progress)
    assert [s for s, _, _ in seen] == [0, 1, 2]
    gaps = [g for _, g, _ in seen]
    assert all(g >= 0 for g in gaps) and gaps == sorted(gaps, reverse=True)  # best so far
    # The early answer is the best certified point: its gap is what was reported last, and valid.
    assert res.gap == pytest.approx(gaps[-1], rel=1e-12, abs=1e-15)
    assert res.objective == pytest.approx(seen[-1][2], rel=1e-12)
    full = solve_chain(chain, 1e-3)
    assert res.lower <= full.objective + rounding(y) and full.lower <= res.objective + rounding(y)
    assert network_objective(chain, res, X, y, 1e-3) == pytest.approx(res.objective, rel=1e-10, abs=rounding(y))


def test_no_neuron_when_lambda_is_large_and_zero_labels():
    x = np.linspace(-1.0, 1.0, 9)
    y = np.sin(3 * x)
    chain = chain_of(with_bias(x), y)
    lam = 1.01 * dual_value(chain, chain.y)  # y itself passes the dual check: no neuron helps
    res = solve_chain(chain, lam)
    assert not np.any(res.U) and not np.any(res.V)
    assert res.objective == pytest.approx(float(y @ y), rel=1e-12)
    assert res.gap <= 1e-8 * res.objective
    zero = solve_chain(chain_of(with_bias(x), np.zeros(9)), 0.1)
    assert zero.objective == zero.lower == 0.0 and not np.any(zero.U) and not np.any(zero.V)


def test_unused_neurons_are_exactly_zero():
    """Labels made by one ReLU: the certified network is that one neuron, every other block 0."""
    x = np.linspace(-1.0, 1.0, 25)
    y = 2.0 * np.maximum(x - 0.2, 0.0)
    X = with_bias(x)
    chain = chain_of(X, y)
    res = solve_chain(chain, 1e-3)
    check_certificate(X, y, 1e-3, res, chain)
    blocks = np.concatenate([res.U, res.V])
    used = np.flatnonzero(np.linalg.norm(blocks, axis=1))
    assert len(used) == 1
    w, b = chain.to_z(blocks[used[0]])
    # a right-facing kink between the two inputs around 0.2 (lambda moves it a little)
    assert used[0] < chain.n_regions and w > 0 and 1 / 6 < -b / w < 0.25


def test_invalid_lambda_and_uncertified_runs(monkeypatch):
    chain = chain_of(with_bias(np.array([-1.0, 0.0, 1.0])), np.array([1.0, -1.0, 2.0]))
    for lam in (0.0, -1.0, np.nan, np.inf):
        with pytest.raises(ValueError):
            solve_chain(chain, lam)
    # A run cut short before anything is certified raises -- unless a progress callback watches it,
    # which gets the best certified point and its (honest) gap.
    x = np.random.default_rng(0).uniform(-1.0, 1.0, 50)
    y = np.sin(3 * x)
    X = with_bias(x)
    chain = chain_of(X, y)
    full = solve_chain(chain, 1e-5)
    monkeypatch.setattr(barrier, "MAX_ITER", 1)
    with pytest.raises(SolverError):
        solve_chain(chain, 1e-5)
    res = solve_chain(chain, 1e-5, progress=lambda *args: False)
    assert res.gap > 1e-6 * res.objective and res.lower <= full.objective + rounding(y)
    assert network_objective(chain, res, X, y, 1e-5) == pytest.approx(res.objective, rel=1e-10, abs=rounding(y))


@pytest.mark.parametrize("gap", [1e-9, 1e-11])
@pytest.mark.parametrize("lam", [1e-3, 1.0])
def test_inputs_a_hair_apart_are_certified_or_refused(gap, lam):
    """Two inputs 1e-9 apart make the divided differences nearly singular (and a spread of 1e-8 makes
    the linear region's cone nearly a half-plane): the solver may then refuse, but never reports an
    uncertified optimum."""
    rng = np.random.default_rng(7)
    for x in (np.array([0.0, 1.0, gap, 0.5]), 0.5 + gap * rng.uniform(0.0, 1.0, 4), np.linspace(-1, 1, 12)):
        x = np.concatenate([x, x[:1] + gap])
        y = rng.normal(size=len(x))
        X = with_bias(x)
        chain = chain_of(X, y)
        try:
            res = solve_chain(chain, lam)
        except SolverError:
            continue
        check_certificate(X, y, lam, res, chain)


def test_the_newton_factorisation_refuses_a_matrix_that_is_not_positive_definite():
    """The LAPACK calls report failure through ``info``; the factorisation turns it into LinAlgError (the
    signal for its diagonal shifts) and solves through the same factors as scipy.linalg's functions."""
    from scipy.linalg import cho_factor, cho_solve
    from scipy.linalg.lapack import dpotrf, dpotrs

    with pytest.raises(np.linalg.LinAlgError):
        barrier._lapack(dpotrf(np.array([[1.0, 2.0], [2.0, 1.0]]), lower=0, clean=0))
    A = np.array([[4.0, 1.0], [1.0, 3.0]])
    rhs = np.array([1.0, 2.0])
    c = barrier._lapack(dpotrf(A, lower=0, clean=0))
    np.testing.assert_array_equal(barrier._lapack(dpotrs(c, rhs, lower=0)), cho_solve(cho_factor(A), rhs))
