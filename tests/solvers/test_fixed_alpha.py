"""The poster's fixed-alpha convex route: every choice of patterns is a convex bowl, the best is global."""

from __future__ import annotations

from unittest import mock

import cvxpy as cp
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import landscape as L
from solvers.fixed_alpha import fixed_pattern_objective, solve_fixed_alpha, solve_fixed_patterns, solved_choice
from solvers.patterns import enumerate_patterns
from solvers.solution import SolverError

POSTER_X = np.array([[-1.0], [1.0]])
POSTER_Y = np.array([1.0, 2.0])


def _data(seed: int, n: int, bias: bool):
    rng = np.random.default_rng(seed)
    x = np.round(rng.uniform(-1, 1, n), 2)
    X = L.with_bias(x) if bias else x[:, None]
    return X, rng.normal(size=n)


def test_poster_global_minimum_is_zero_at_the_two_stars():
    sol = solve_fixed_alpha(POSTER_X, POSTER_Y, 0.0, neurons=2)
    assert sol.objective == pytest.approx(0.0, abs=1e-7)
    assert sorted(sol.W[:, 0].round(4).tolist()) == [-1.0, 2.0]
    # Patterns 1[x w >= 0] of x = -1, 1: (0,1), (1,0), (1,1) at w = 0, and the dead neuron (0,0) of the
    # convention alpha = 1 with a non-negative kink; 10 unordered pairs of the four.
    assert len(sol.patterns) == 4 and len(sol.choices) == 10
    # The poster's valleys: 0 (one neuron per point), 1 and 4 (one point left unfitted).
    assert {0.0, 1.0, 4.0} <= set(np.round(sol.values, 6).tolist())


def test_minimisers_at_lambda_zero_are_the_shortest_ones():
    # One point: a neuron that fits it alone needs |w| = |y / x| = 8.39; a neuron on the other side of
    # the kink does nothing and could be anywhere in its cone, but is returned at (almost) 0.
    x, y = np.array([[-0.147]]), np.array([1.234])
    sol = solve_fixed_alpha(x, y, 0.0)
    assert sol.objective == pytest.approx(0.0, abs=1e-9)
    assert np.abs(sol.minimisers).max() <= 1.234 / 0.147 + 1e-6
    # The shortest: an even split, shrunk by the vanishing ridge (about TIE_BREAK / x^2 = 1e-5).
    np.testing.assert_allclose(sol.W[:, 0], [-1.234 / 0.147 / 2] * 2, rtol=1e-4)


@given(seed=st.integers(0, 5000), n=st.integers(1, 5), bias=st.booleans(), lam=st.sampled_from([0.0, 0.05, 0.5]))
@settings(max_examples=25, deadline=None)
def test_every_choice_is_feasible_and_no_gd_endpoint_beats_the_best(seed, n, bias, lam):
    X, y = _data(seed, n, bias)
    k = 1 if bias else 2
    sol = solve_fixed_alpha(X, y, lam, neurons=k)
    tol = 1e-6 * (1.0 + float(y @ y))
    for c, choice in enumerate(sol.choices):
        D = sol.patterns[choice]  # (k, n)
        U = sol.minimisers[c]
        assert np.all((2.0 * D - 1.0) * (U @ X.T) >= -1e-6)  # each u_i in its cone
        assert sol.values[c] == pytest.approx(fixed_pattern_objective(U, D, X, y, lam), rel=1e-9, abs=1e-12)
    # In its cones a minimiser is an ordinary network with alpha = 1 and the same loss.
    assert L.objective(sol.W, np.ones(k), X, y, lam) == pytest.approx(sol.objective, rel=1e-6, abs=tol)
    rng = np.random.default_rng(seed)
    starts = rng.uniform(-3, 3, size=(40, k, X.shape[1]))
    path = L.gradient_descent(
        X, y, starts, None, lam=lam, step=0.02, steps=400, train_alpha=False, gradient="closed_form"
    )
    assert np.all(path.loss >= sol.objective - tol)


@given(seed=st.integers(0, 5000), n=st.integers(2, 5), lam=st.sampled_from([0.0, 0.1]))
@settings(max_examples=20, deadline=None)
def test_lookup_of_an_endpoint_equals_solving_its_patterns(seed, n, lam):
    X, y = _data(seed, n, bias=False)
    sol = solve_fixed_alpha(X, y, lam, neurons=2)
    starts = np.random.default_rng(seed).uniform(-3, 3, size=(12, 2, 1))
    path = L.gradient_descent(X, y, starts, None, lam=lam, step=0.02, steps=300, train_alpha=False)
    looked_up = 0
    for patterns in path.patterns[-1]:
        known = solved_choice(sol, patterns)
        assert known is not None  # every 1[X w >= 0], faces included, and the dead pattern are choices
        looked_up += 1
        U, value = known
        _, values, _ = solve_fixed_patterns(X, y, lam, patterns[None])
        assert value == pytest.approx(values[0], rel=1e-6, abs=1e-7)
        assert np.all((2.0 * patterns - 1.0) * (U @ X.T) >= -1e-6)  # rows follow the neurons' order
        assert fixed_pattern_objective(U, patterns, X, y, lam) == pytest.approx(value, rel=1e-9, abs=1e-12)
    assert looked_up == len(path.patterns[-1])


def _plane_data(seed: int, n: int, kind: int):
    rng = np.random.default_rng(seed)
    if kind == 0:  # 1-D inputs with a bias, on a coarse grid so that points repeat
        X = L.with_bias(np.round(rng.uniform(-1, 1, n), 1))
    elif kind == 1:  # 2-D inputs, no bias, some on common lines through 0 or at 0
        X = np.round(rng.normal(size=(n, 2)), 1)
        X[rng.random(n) < 0.2] = 0.0
        if n > 1:
            X[-1] = -2.0 * X[0]
    else:  # one input repeated: every cone is a half-plane, lam = 0 leaves a line of minimisers
        X = L.with_bias(np.full(n, np.round(rng.uniform(-1, 1), 1)))
    return X, np.round(rng.normal(size=n), 2)


def _solve_by_scs(problem: cp.Problem, what: str) -> float:
    problem.solve(solver=cp.SCS, eps=1e-11, max_iters=200_000)
    if problem.status != cp.OPTIMAL:
        raise SolverError(f"SCS stopped with status '{problem.status}' on {what}.")
    return 0.0


def _conic_values(X, y, lam, patterns) -> np.ndarray:
    """The stacked program's minima, by Clarabel; by SCS where Clarabel fails: a cone without interior (inputs
    on one line through 0, facing opposite ways, make some cones a single ray) can defeat an interior-point
    method."""
    try:
        return solve_fixed_patterns(X, y, lam, patterns, method="cvxpy")[1]
    except SolverError:
        with mock.patch("solvers.fixed_alpha.solve_or_raise", _solve_by_scs):
            return solve_fixed_patterns(X, y, lam, patterns, method="cvxpy")[1]


@given(seed=st.integers(0, 10_000), n=st.integers(1, 7), kind=st.integers(0, 2), lam=st.sampled_from([0.0, 0.01, 0.5]))
@settings(max_examples=60, deadline=None)
@example(seed=1302, n=6, kind=1, lam=0.5)  # Clarabel fails on this program
def test_one_neuron_in_the_plane_in_closed_form_matches_the_conic_solver(seed, n, kind, lam):
    X, y = _plane_data(seed, n, kind)
    patterns = np.vstack([enumerate_patterns(X), np.zeros((1, n), dtype=bool)])[:, None, :]
    U, values, _ = solve_fixed_patterns(X, y, lam, patterns)
    reference = _conic_values(X, y, lam, patterns)
    scale = 1.0 + np.abs(reference)
    # Exact minima: never above Clarabel's (which may sit a hair outside the cone and below).
    assert np.all(values <= reference + 1e-8 * scale)
    assert np.all(values >= reference - 1e-6 * scale)
    assert np.all((2.0 * patterns[:, 0] - 1.0) * (U[:, 0] @ X.T) >= -1e-9)


def test_one_neuron_with_bias_on_300_points_covers_every_pattern_and_beats_gd():
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, 300)
    X, y = L.with_bias(x), np.sin(3 * x)
    sol = solve_fixed_alpha(X, y, 0.01, neurons=1)
    # A kink in one of the 301 gaps, facing either way: 602, of which the empty and the all-active
    # patterns come twice. So 599 non-zero patterns, and the dead neuron.
    assert len(sol.choices) == 2 * 300
    # The best single neuron beats every GD endpoint from 64 starts.
    starts = rng.uniform(-3, 3, size=(64, 1, 2))
    path = L.gradient_descent(
        X, y, starts, None, lam=0.01, step=0.002, steps=500, train_alpha=False, gradient="closed_form"
    )
    assert path.final_loss.min() >= sol.objective - 1e-9


def test_unknown_method_is_refused():
    with pytest.raises(ValueError, match="method"):
        solve_fixed_patterns(POSTER_X, POSTER_Y, 0.0, np.ones((1, 2, 2), dtype=bool), method="newton")


def test_an_unknown_pattern_is_not_looked_up():
    sol = solve_fixed_alpha(POSTER_X, POSTER_Y, 0.0)
    assert solved_choice(sol, np.array([[True, True], [True, True]])) is not None
    X3 = np.array([[-1.0], [0.0], [1.0]])
    sol3 = solve_fixed_alpha(X3, np.ones(3), 0.0)
    # 1[x w >= 0] always activates x = 0, so (1,0,1) is no neuron's pattern.
    assert solved_choice(sol3, np.array([[True, False, True], [False, False, False]])) is None


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: solve_fixed_alpha(POSTER_X, POSTER_Y, -1.0), "lam"),
        (lambda: solve_fixed_alpha(POSTER_X, POSTER_Y, 0.0, neurons=4), "neurons"),
        (lambda: solve_fixed_patterns(POSTER_X, POSTER_Y, 0.0, np.full((1, 2, 2), 2)), "0/1"),
        (lambda: solve_fixed_patterns(POSTER_X, POSTER_Y, 0.0, np.ones((1, 2, 3), dtype=bool)), "shape"),
    ],
)
def test_bad_input_raises_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()
