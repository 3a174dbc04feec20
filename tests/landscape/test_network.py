"""Objective (1), the poster's two-neuron landscape and boundary validation."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import landscape as L
import solvers as S

POSTER_X = np.array([-1.0, 1.0])
POSTER_Y = np.array([1.0, 2.0])


def test_with_bias_appends_ones():
    X = L.with_bias([0.5, -2.0])
    np.testing.assert_array_equal(X, [[0.5, 1.0], [-2.0, 1.0]])
    assert X.dtype == np.float64
    assert L.with_bias([[1.0, 2.0]]).shape == (1, 3)


def test_objective_by_hand():
    X = np.array([[1.0, 1.0], [-1.0, 1.0]])
    y = np.array([2.0, 0.0])
    W = np.array([[1.0, 0.5], [-1.0, 0.0]])
    alpha = np.array([1.0, -2.0])
    # f(x1) = 1.5 - 0 = 1.5, f(x2) = 0 - 2*1 = -2 -> residuals -0.5, -2 -> 4.25
    # weights: ||W||^2 = 2.25, ||alpha||^2 = 5 -> lam/2 * 7.25
    assert L.objective(W, alpha, X, y, 0.4) == pytest.approx(4.25 + 0.2 * 7.25, rel=1e-15)


def test_poster_global_minima_have_zero_loss():
    X = POSTER_X[:, None]
    for w1, w2 in [(-1.0, 2.0), (2.0, -1.0)]:
        assert L.objective([[w1], [w2]], [1.0, 1.0], X, POSTER_Y, 0.0) == 0.0
    grid = L.loss_grid(POSTER_X, POSTER_Y, np.linspace(-3, 3, 61), np.linspace(-3, 3, 61))
    assert grid.min() == pytest.approx(0.0, abs=1e-12)
    zeros = np.argwhere(grid < 1e-12)
    w = np.linspace(-3, 3, 61)
    assert {(w[j], w[i]) for i, j in zeros} == {(-1.0, 2.0), (2.0, -1.0)}


@given(
    w1=arrays(np.float64, 7, elements=st.floats(-4, 4)),
    w2=arrays(np.float64, 5, elements=st.floats(-4, 4)),
    lam=st.floats(0, 2),
)
def test_loss_grid_matches_objective_pointwise(w1, w2, lam):
    grid = L.loss_grid(POSTER_X, POSTER_Y, w1, w2, lam)
    assert grid.shape == (5, 7)
    for i in range(5):
        for j in range(7):
            expected = L.objective([[w1[j]], [w2[i]]], [1.0, 1.0], POSTER_X[:, None], POSTER_Y, lam)
            assert grid[i, j] == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_one_neuron_curve_has_the_blog_two_local_minima():
    x, y = np.array([-1.0, 1.0]), np.array([1.0, 0.5])
    w = np.linspace(-3, 3, 601)
    curve = L.loss_curve(x, y, w)
    interior = (curve[1:-1] < curve[:-2]) & (curve[1:-1] < curve[2:])
    minima = w[1:-1][interior]
    np.testing.assert_allclose(minima, [-1.0, 0.5], atol=1e-12)
    np.testing.assert_allclose(curve[1:-1][interior], [0.25, 1.0], atol=1e-12)


BAD_DATA = [
    ([[np.nan]], [1.0], "NaN"),
    ([[np.inf]], [1.0], "NaN or infinite"),
    ([[1.0], [2.0]], [1.0], "entries"),
    (np.zeros((0, 1)), np.zeros(0), "empty"),
]


@pytest.mark.parametrize("X, y, message", BAD_DATA)
def test_bad_data_is_rejected_everywhere(X, y, message):
    calls = [
        lambda: L.objective([[1.0]], [1.0], X, y, 0.1),
        lambda: L.gradient_descent(X, y, [[1.0]], steps=3),
        lambda: S.solve_convex(X, y, 0.1),
    ]
    for call in calls:
        with pytest.raises(ValueError, match=message):
            call()


@pytest.mark.parametrize("lam", [-0.1, np.nan, np.inf, "abc"])
def test_bad_lambda_is_rejected(lam):
    X, y = POSTER_X[:, None], POSTER_Y
    for call in (
        lambda: L.objective([[1.0]], [1.0], X, y, lam),
        lambda: L.loss_grid(POSTER_X, POSTER_Y, [0.0], [0.0], lam),
        lambda: L.loss_curve(POSTER_X, POSTER_Y, [0.0], lam),
        lambda: L.gradient_descent(X, y, [[1.0]], lam=lam, steps=2),
        lambda: S.solve_convex(X, y, lam),
    ):
        with pytest.raises(ValueError, match="lam"):
            call()


def test_network_shape_mismatch_is_explained():
    X = L.with_bias([0.0, 1.0])
    with pytest.raises(ValueError, match="columns"):
        L.objective([[1.0]], [1.0], X, [0.0, 1.0], 0.0)
    with pytest.raises(ValueError, match="alpha has 1 entries but W has 2"):
        L.objective([[1.0, 0.0], [0.0, 1.0]], [1.0], X, [0.0, 1.0], 0.0)


def test_patterns_input_is_validated():
    with pytest.raises(ValueError, match="sample_patterns"):
        S.enumerate_patterns(np.eye(5))
    with pytest.raises(ValueError, match="count"):
        S.sample_patterns(np.eye(2), 0)
    with pytest.raises(ValueError, match="shape"):
        S.solve_convex(POSTER_X[:, None], POSTER_Y, 0.1, patterns=[[True, False, True]])


def test_loss_grid_accepts_reversed_axes():
    w = np.linspace(-2, 2, 9)
    np.testing.assert_array_equal(
        L.loss_grid(POSTER_X, POSTER_Y, w[::-1], w[::-1]), L.loss_grid(POSTER_X, POSTER_Y, w, w)[::-1, ::-1]
    )
