"""Problem (2) against problem (1): equal optima, the mapping back, and GD never beating it."""

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import landscape as L
import solvers as S


def small_problem(seed: int, n: int, two_d: bool):
    rng = np.random.default_rng(seed)
    if two_d:
        X = L.with_bias(rng.normal(size=(n, 2)))
    else:
        x = rng.uniform(-1, 1, n)
        X = L.with_bias(x)
    return X, rng.uniform(-1, 1, n)


def test_poster_two_points_have_zero_optimum():
    X, y = np.array([[-1.0], [1.0]]), np.array([1.0, 2.0])
    sol = S.solve_convex(X, y, 0.0, method="cvxpy")
    assert sol.exact and sol.status == "optimal"
    assert sol.objective == pytest.approx(0.0, abs=1e-8)
    W, alpha = sol.network()
    assert L.objective(W, alpha, X, y, 0.0) == pytest.approx(0.0, abs=1e-8)


def test_poster_two_points_with_weight_decay_by_hand():
    # Separate neurons for x = -1 and x = +1: min_u (u - y)^2 + lam |u| gives u = y - lam/2 each.
    X, y, lam = np.array([[-1.0], [1.0]]), np.array([1.0, 2.0]), 0.4
    sol = S.solve_convex(X, y, lam, method="cvxpy")
    expected = 2 * (lam / 2) ** 2 + lam * ((1 - lam / 2) + (2 - lam / 2))
    assert sol.objective == pytest.approx(expected, rel=1e-7)
    W, alpha = sol.network()
    assert len(alpha) == 2
    assert L.objective(W, alpha, X, y, lam) == pytest.approx(expected, rel=1e-7)


@given(seed=st.integers(0, 10_000), n=st.integers(1, 8), two_d=st.booleans(), lam=st.floats(1e-3, 1.0))
@settings(max_examples=15)
def test_mapped_network_objective_equals_convex_objective(seed, n, two_d, lam):
    X, y = small_problem(seed, n, two_d)
    sol = S.solve_convex(X, y, lam, method="cvxpy")
    W, alpha = sol.network()
    assert L.objective(W, alpha, X, y, lam) == pytest.approx(sol.objective, rel=1e-6, abs=1e-9)
    assert W.shape[0] == alpha.shape[0]


@given(seed=st.integers(0, 10_000), n=st.integers(1, 6), two_d=st.booleans(), lam=st.floats(0.0, 1.0))
@settings(max_examples=15)
def test_no_gradient_descent_iterate_beats_the_convex_optimum(seed, n, two_d, lam):
    X, y = small_problem(seed, n, two_d)
    sol = S.solve_convex(X, y, lam, method="cvxpy")
    W0, a0 = L.initial_weights(16, 3, X.shape[1], scale=1.0, seed=seed)
    path = L.gradient_descent(X, y, W0, a0, lam=lam, step=0.02, steps=600, record_every=20)
    solver_accuracy = 1e-6 * max(1.0, sol.objective)
    assert path.loss.min() >= sol.objective - solver_accuracy


def separated_points(rng, n, gap=0.1):
    while True:
        x = rng.uniform(-1, 1, n)
        if n == 1 or np.min(np.diff(np.sort(x))) > gap:
            return x


def _wide_descent(seed, n, lam, steps=40000):
    rng = np.random.default_rng(seed)
    X = L.with_bias(separated_points(rng, n))
    y = rng.uniform(-1, 1, n)
    W0, a0 = L.initial_weights(4, 50, 2, scale=0.1, seed=seed)  # m = 50 >= n + 1
    # A small step (larger ones make GD hover above the optimum near the kinks) and many of them.
    path = L.gradient_descent(
        X, y, W0, a0, lam=lam, step=0.005, steps=steps, record_every=steps, gradient="closed_form"
    )
    return X, y, path


@pytest.mark.parametrize("seed, n, lam", [(95, 4, 0.0625), (0, 3, 0.2), (7, 5, 0.05)])
def test_wide_gradient_descent_reaches_the_convex_optimum(seed, n, lam):
    X, y, path = _wide_descent(seed, n, lam)
    optimum = S.solve_convex(X, y, lam, method="cvxpy").objective
    assert path.final_loss.min() <= 1.01 * optimum


@given(seed=st.integers(0, 10_000), n=st.integers(2, 5), lam=st.floats(0.05, 0.5))
@example(seed=3, n=5, lam=0.05)  # every run stalls 6 % above the optimum, even after 160 000 steps
@settings(max_examples=5, deadline=None)
def test_wide_gradient_descent_ends_at_the_optimum_or_the_certificate_says_how_far(seed, n, lam):
    """Width does not make GD global (a run can stall above the optimum); the certificate sees it."""
    X, y, path = _wide_descent(seed, n, lam, steps=20000)
    sol = S.solve_convex(X, y, lam)
    for W, alpha, loss in zip(path.final_W, path.final_alpha, path.final_loss):
        gap = S.optimality_gap(W, alpha, X, y, lam, lower=sol.lower)
        assert gap == pytest.approx(loss - sol.objective, rel=1e-6, abs=1e-7)
        assert loss >= sol.objective - 1e-7


def test_interpolation_without_weight_decay():
    x = np.array([-1.0, -0.3, 0.2, 0.9])
    y = np.array([1.0, -1.0, 0.5, 2.0])
    sol = S.solve_convex(L.with_bias(x), y, 0.0, method="cvxpy")
    assert sol.objective == pytest.approx(0.0, abs=1e-7)
    W, alpha = sol.network()
    np.testing.assert_allclose(L.predict(W, alpha, L.with_bias(x)), y, atol=1e-4)


def test_partial_patterns_are_not_exact_and_cannot_do_better():
    X, y = small_problem(3, 6, two_d=True)
    full = S.solve_convex(X, y, 0.1, method="cvxpy")
    part = S.solve_convex(X, y, 0.1, patterns=full.patterns[::3], method="cvxpy")
    assert full.exact and not part.exact
    assert part.n_patterns == len(full.patterns[::3])
    assert part.objective >= full.objective - 1e-7
    again = S.solve_convex(X, y, 0.1, patterns=full.patterns[::-1], method="cvxpy")
    assert again.exact
    assert again.objective == pytest.approx(full.objective, rel=1e-6)


def test_all_zero_labels_give_the_empty_network():
    X = L.with_bias([-1.0, 0.0, 2.0])
    sol = S.solve_convex(X, np.zeros(3), 0.1, method="cvxpy")
    assert sol.objective == pytest.approx(0.0, abs=1e-8)
    W, alpha = sol.network()
    assert L.objective(W, alpha, X, np.zeros(3), 0.1) == pytest.approx(0.0, abs=1e-8)


def test_unknown_method_is_rejected():
    with pytest.raises(ValueError, match="method"):
        S.solve_convex([[1.0]], [1.0], 0.1, method="magic")


# --- the registry of methods and the one fallback ---------------------------------------------------


def _data():
    x = np.array([-1.0, -0.3, 0.4, 1.0])
    return L.with_bias(x), np.array([0.5, -0.2, 0.3, 1.0])


def test_every_method_is_registered_with_its_certificate_flag():
    from solvers.convex import METHODS, SOLVERS

    assert METHODS == ("fast", "cvxpy") and SOLVERS["fast"].certified and not SOLVERS["cvxpy"].certified
    X, y = _data()
    for name, solver in SOLVERS.items():
        sol = S.solve_convex(X, y, 0.1, method=name)
        assert sol.method == name
        assert np.isfinite(sol.lower) == solver.certified


def test_fallback_answers_with_the_next_method_when_one_gives_up(monkeypatch):
    from solvers import convex

    def gives_up(problem, **options):
        raise S.SolverError("stalled")

    X, y = _data()
    want = S.solve_convex(X, y, 0.1, method="cvxpy")
    monkeypatch.setitem(convex.SOLVERS, "fast", gives_up)
    sol = S.solve_with_fallback(X, y, 0.1)
    assert sol.method == "cvxpy" and sol.objective == pytest.approx(want.objective, rel=1e-6)
    monkeypatch.setitem(convex.SOLVERS, "cvxpy", gives_up)
    with pytest.raises(S.SolverError, match="fast: stalled; cvxpy: stalled"):
        S.solve_with_fallback(X, y, 0.1)
    with pytest.raises(ValueError, match="lam"):
        S.solve_with_fallback(X, y, -1.0)


def test_options_reach_the_method(monkeypatch):
    from solvers import convex

    seen = {}

    def records(problem, **options):
        seen.update(options)
        return convex.SOLVERS["cvxpy"](problem)

    monkeypatch.setitem(convex.SOLVERS, "recording", records)
    X, y = _data()
    S.solve_convex(X, y, 0.1, method="recording", warm_start=3, budget=1.5)
    assert seen == {"device": None, "warm_start": 3, "budget": 1.5}
    with pytest.raises(ValueError, match="Unknown method"):
        S.solve_convex(X, y, 0.1, method="nope")
