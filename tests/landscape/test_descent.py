"""Full-batch gradient descent: gradients, the poster's valleys, divergence, recording."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import landscape as L
from landscape.descent import batched_objective, objective_and_gradient

POSTER_X = np.array([[-1.0], [1.0]])
POSTER_Y = np.array([1.0, 2.0])


@given(seed=st.integers(0, 10_000), m=st.integers(1, 4), n=st.integers(1, 6), lam=st.floats(0, 1))
def test_autograd_gradient_matches_finite_differences(seed, m, n, lam):
    rng = np.random.default_rng(seed)
    X = L.with_bias(rng.uniform(-1, 1, n))
    y = rng.normal(size=n)
    W = rng.normal(size=(m, 2))
    alpha = rng.normal(size=m)
    # Stay away from kinks, where the ReLU has no derivative.
    if np.min(np.abs(X @ W.T)) < 1e-3:
        return
    Wt = torch.tensor(W[None], requires_grad=True)
    at = torch.tensor(alpha[None], requires_grad=True)
    loss = batched_objective(Wt, at, torch.tensor(X), torch.tensor(y), lam)
    gW, ga = torch.autograd.grad(loss.sum(), [Wt, at])
    h = 1e-6

    def f(Wp, ap):
        return L.objective(Wp, ap, X, y, lam)

    for idx in np.ndindex(W.shape):
        E = np.zeros_like(W)
        E[idx] = h
        fd = (f(W + E, alpha) - f(W - E, alpha)) / (2 * h)
        assert gW[0][idx].item() == pytest.approx(fd, rel=1e-5, abs=1e-6)
    for k in range(m):
        e = np.zeros(m)
        e[k] = h
        fd = (f(W, alpha + e) - f(W, alpha - e)) / (2 * h)
        assert ga[0, k].item() == pytest.approx(fd, rel=1e-5, abs=1e-6)


@given(
    seed=st.integers(0, 10_000),
    B=st.integers(1, 3),
    m=st.integers(1, 5),
    n=st.integers(1, 8),
    lam=st.sampled_from([0.0, 1e-3, 0.7]),
    train_alpha=st.booleans(),
)
def test_closed_form_gradient_equals_autograd(seed, B, m, n, lam, train_alpha):
    rng = np.random.default_rng(seed)
    X = torch.tensor(L.with_bias(np.round(rng.uniform(-1, 1, n), 1)))  # rounding puts some points on kinks
    y = torch.tensor(rng.normal(size=n))
    W = torch.tensor(np.round(rng.normal(size=(B, m, 2)), 1))
    alpha = torch.tensor(rng.normal(size=(B, m)))
    Wg, ag = W.clone().requires_grad_(True), alpha.clone().requires_grad_(True)
    loss_ref = batched_objective(Wg, ag, X, y, lam)
    gW_ref, ga_ref = torch.autograd.grad(loss_ref.sum(), [Wg, ag])
    loss, gW, ga = objective_and_gradient(W, alpha, X, y, lam, train_alpha)
    torch.testing.assert_close(loss, loss_ref.detach(), rtol=1e-13, atol=1e-13)
    torch.testing.assert_close(gW, gW_ref, rtol=1e-12, atol=1e-12)
    if train_alpha:
        torch.testing.assert_close(ga, ga_ref, rtol=1e-12, atol=1e-12)
    else:
        assert ga is None


@settings(max_examples=200, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    m=st.integers(1, 4),
    n=st.integers(1, 6),
    lam=st.sampled_from([0.0, 0.01]),
    train_alpha=st.booleans(),
)
def test_closed_form_descent_follows_the_autograd_path(seed, m, n, lam, train_alpha):
    """Same iterates, stopping steps and flags (runs on one or two points often converge and stop early).

    The two sum in different orders, so their iterates differ in the last bits, and GD multiplies such
    differences by up to |1 - step * curvature| per step: where a step is large for the curvature, the
    two drift apart exponentially (both are then valid paths). So the test keeps step * curvature
    below 1 (weights of scale 0.5, inputs in [-1, 1], at most 4 neurons and 6 points, step 0.01);
    divergence and stopping are tested below.
    """
    rng = np.random.default_rng(seed)
    X = L.with_bias(rng.uniform(-1, 1, n))
    y = rng.normal(size=n)
    W0, a0 = L.initial_weights(4, m, 2, scale=0.5, seed=seed)
    kw = dict(lam=lam, step=0.01, steps=300, train_alpha=train_alpha, record_every=3, grad_tol=1e-6)
    ref = L.gradient_descent(X, y, W0, a0, **kw)
    ours = L.gradient_descent(X, y, W0, a0, gradient="closed_form", **kw)
    np.testing.assert_array_equal(ours.steps, ref.steps)
    np.testing.assert_array_equal(ours.stopped_at, ref.stopped_at)
    np.testing.assert_array_equal(ours.converged, ref.converged)
    np.testing.assert_array_equal(ours.diverged, ref.diverged)
    scale = 1.0 + np.abs(ref.W).max()
    np.testing.assert_allclose(ours.W, ref.W, rtol=1e-9, atol=1e-9 * scale)
    np.testing.assert_allclose(ours.alpha, ref.alpha, rtol=1e-9, atol=1e-9 * scale)
    np.testing.assert_allclose(ours.loss, ref.loss, rtol=1e-9, atol=1e-9)
    assert np.all(np.isfinite(ours.loss))


def test_closed_form_descent_stops_and_freezes_like_autograd():
    starts = [[[0.5], [0.3]], [[0.1], [0.2]], [[-1.0], [2.0]]]  # two blow up at this step, one sits at 0
    for gradient in ("autograd", "closed_form"):
        path = L.gradient_descent(
            POSTER_X, POSTER_Y, starts, step=10.0, steps=100, train_alpha=False, gradient=gradient
        )
        assert path.diverged.tolist() == [True, True, False]
        assert path.converged.tolist() == [False, False, True]
        assert path.stopped_at[2] == 0
        assert np.all(np.isfinite(path.W))


def test_unknown_gradient_is_refused():
    with pytest.raises(ValueError, match="gradient must be one of"):
        L.gradient_descent(POSTER_X, POSTER_Y, [[0.5], [0.4]], gradient="numeric")


def test_poster_gd_ends_only_in_the_three_flat_valleys():
    rng = np.random.default_rng(0)
    starts = rng.uniform(-3, 3, size=(200, 2, 1))
    path = L.gradient_descent(POSTER_X, POSTER_Y, starts, lam=0.0, step=0.05, steps=3000, train_alpha=False)
    assert not path.diverged.any()
    finals = np.round(path.final_loss, 6)
    assert set(finals) == {0.0, 1.0, 4.0}
    # alpha stayed fixed at one
    assert np.all(path.alpha == 1.0)
    # A start in the global basin ends at one of the two global minima.
    at_zero = path.final_W[finals == 0.0][:, :, 0]
    near = np.minimum(np.linalg.norm(at_zero - [-1.0, 2.0], axis=1), np.linalg.norm(at_zero - [2.0, -1.0], axis=1))
    assert near.max() < 1e-4


def test_divergence_is_flagged_and_never_nan():
    path = L.gradient_descent(POSTER_X, POSTER_Y, [[[0.5], [0.3]], [[0.1], [0.2]]], step=10.0, steps=100)
    assert path.diverged.all()
    assert np.all(np.isfinite(path.loss)) and np.all(np.isfinite(path.W)) and np.all(np.isfinite(path.alpha))
    assert path.stopped_at.max() < 100


def test_mixed_batch_only_flags_the_exploding_runs():
    # One neuron on x = +-1: with step 2 every update maps w to -3w -+ 4, so |w| triples and the
    # neuron flips side each step without ever dying; a start at w = 1 is stationary.
    X = np.array([[1.0], [-1.0]])
    y = np.array([1.0, 1.0])
    path = L.gradient_descent(X, y, [[[1.0]], [[3.0]]], step=2.0, steps=500, train_alpha=False)
    assert path.diverged.tolist() == [False, True]
    assert path.converged.tolist() == [True, False]
    assert path.final_loss[0] == 1.0
    assert np.all(np.isfinite(path.loss))
    # w: 3, -5, 11, -29, ..., -19685 (step 9); step 10 (59051) passes the explosion ceiling.
    assert path.stopped_at[1] == 9
    assert path.final_W[1, 0, 0] == -19685.0


def test_converged_runs_stop_early_and_keep_their_values():
    # At w = 0 both neurons output zero and their gradient vanishes: the loss-5 plateau of the poster.
    path = L.gradient_descent(POSTER_X, POSTER_Y, [[[0.0], [0.0]], [[0.5], [0.5]]], step=0.05, steps=5000)
    assert path.converged[0]
    assert path.stopped_at[0] == 0
    assert path.loss[-1, 0] == path.loss[0, 0]


def test_recording_shapes_and_steps():
    X = L.with_bias(np.linspace(-1, 1, 5))
    y = np.sin(X[:, 0])
    W0, a0 = L.initial_weights(3, 4, 2, scale=0.5, seed=1)
    path = L.gradient_descent(X, y, W0, a0, lam=0.01, step=0.05, steps=95, record_every=10)
    assert path.steps.tolist() == [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95]
    assert path.W.shape == (11, 3, 4, 2)
    assert path.alpha.shape == (11, 3, 4)
    assert path.loss.shape == (11, 3)
    assert path.patterns.shape == (11, 3, 4, 5)
    np.testing.assert_array_equal(path.patterns[3], path.W[3] @ X.T >= 0)
    for b in range(3):
        assert path.loss[0, b] == pytest.approx(L.objective(W0[b], a0[b], X, y, 0.01), rel=1e-14)
        assert path.loss[-1, b] == pytest.approx(L.objective(path.W[-1, b], path.alpha[-1, b], X, y, 0.01))
    # GD with a small step decreases the loss
    assert np.all(path.loss[-1] < path.loss[0])


def test_single_start_without_batch_dimension():
    path = L.gradient_descent(POSTER_X, POSTER_Y, [[0.5], [0.4]], step=0.05, steps=10)
    assert path.W.shape[1:] == (1, 2, 1)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(step=0.0), "step size"),
        (dict(step=-1.0), "step size"),
        (dict(steps=0), "steps"),
        (dict(W0=[[np.nan], [1.0]]), "W0"),
        (dict(W0=[[1.0, 2.0]]), "W0"),
        (dict(alpha0=[1.0, 2.0, 3.0]), "alpha0"),
    ],
)
def test_bad_descent_arguments(kwargs, message):
    args = dict(W0=[[0.5], [0.4]])
    args.update(kwargs)
    W0 = args.pop("W0")
    with pytest.raises(ValueError, match=message):
        L.gradient_descent(POSTER_X, POSTER_Y, W0, **args)


# --- every step kept: the m-neuron views' runs ------------------------------------------------------


@pytest.mark.parametrize("train_alpha", [True, False])
@pytest.mark.parametrize("gradient", ["closed_form", "autograd"])
def test_history_is_the_loss_of_every_step(train_alpha, gradient):
    rng = np.random.default_rng(3)
    X = L.with_bias(rng.uniform(-1, 1, (12, 2)))
    y = rng.normal(size=12)
    W0, a0 = L.initial_weights(2, 7, 3, scale=0.7, seed=5)
    kw = dict(lam=0.03, step=0.01, steps=60, train_alpha=train_alpha, grad_tol=0.0, gradient=gradient)
    every = L.gradient_descent(X, y, W0, a0, record_every=1, **kw)
    sparse = L.gradient_descent(X, y, W0, a0, record_every=7, history=True, record_patterns=False, **kw)
    np.testing.assert_allclose(sparse.history, every.loss, rtol=1e-12, atol=1e-12)
    assert list(sparse.steps) == [*range(0, 61, 7), 60]
    np.testing.assert_allclose(sparse.W, every.W[sparse.steps], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(sparse.loss, every.loss[sparse.steps], rtol=1e-12, atol=1e-12)
    assert sparse.patterns is None and every.history is None and every.seconds is None
    if not train_alpha:
        assert np.all(sparse.alpha == a0)
    assert sparse.seconds.shape == (61,) and np.all(np.diff(sparse.seconds) >= 0)
    assert sparse.total_seconds == sparse.seconds[-1]


def test_history_rows_are_objective_one():
    X = L.with_bias(np.array([-0.5, 0.2, 0.9]))
    y = np.array([0.3, -0.1, 0.8])
    W0, a0 = L.initial_weights(1, 4, 2, scale=0.5, seed=1)
    run = L.gradient_descent(X, y, W0, a0, lam=0.1, step=0.05, steps=30, record_every=3, history=True)
    for k, t in enumerate(run.steps):
        assert run.history[t, 0] == pytest.approx(L.objective(run.W[k, 0], run.alpha[k, 0], X, y, 0.1), rel=1e-12)
    assert run.steps[0] == 0 and run.steps[-1] == 30


def test_diverged_runs_keep_a_finite_history_to_the_last_step():
    X = L.with_bias(np.linspace(-1, 1, 6))
    y = np.sin(3 * X[:, 0])
    W0, a0 = L.initial_weights(2, 20, 2, scale=1.0, seed=0)
    run = L.gradient_descent(X, y, W0, a0, lam=0.0, step=5.0, steps=400, grad_tol=0.0, history=True)
    assert run.diverged.all() and np.all(run.diverged_at >= 1)
    assert np.all(run.diverged_at == run.stopped_at + 1)
    assert np.all(np.isfinite(run.history)) and np.all(np.isfinite(run.W)) and np.all(np.isfinite(run.alpha))
    assert run.steps[-1] == 400 and run.history.shape == (401, 2) and run.seconds.shape == (401,)
    # The history after the blow-up repeats the frozen loss.
    last = int(run.stopped_at.max()) + 1
    assert np.all(run.history[last:] == run.history[last])
    calm = L.gradient_descent(X, y, W0[:1], a0[:1], lam=0.0, step=1e-3, steps=50, history=True)
    assert np.all(calm.diverged_at == -1)


def test_progress_is_reported_and_left_out_of_the_timing():
    import time

    X = L.with_bias(np.linspace(-1, 1, 5))
    y = X[:, 0] ** 2
    W0, a0 = L.initial_weights(1, 3, 2, scale=0.5, seed=0)
    calls = []

    def slow(done, total):
        calls.append((done, total))
        time.sleep(0.3)

    start = time.perf_counter()
    run = L.gradient_descent(
        X,
        y,
        W0,
        a0,
        lam=0.0,
        step=0.01,
        steps=200,
        grad_tol=0.0,
        history=True,
        progress=slow,
        progress_every=50,
        gradient="closed_form",
    )
    wall = time.perf_counter() - start
    assert calls == [(50, 200), (100, 200), (150, 200), (200, 200)]
    assert wall >= 1.2 and run.total_seconds < wall - 1.1


def test_history_timing_needs_history():
    run = L.gradient_descent(np.ones((2, 1)), np.ones(2), np.ones((1, 1)), steps=3)
    with pytest.raises(ValueError, match="history=True"):
        run.total_seconds
