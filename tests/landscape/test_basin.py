"""The batched basin-of-attraction map of the two-neuron landscape."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from landscape import basin_map, gradient_descent, loss_grid

X2 = np.array([-1.0, 1.0])
Y2 = np.array([1.0, 2.0])


def one_at_a_time(x, y, w1, w2, lam, step, steps):
    """The slow reference: landscape.gradient_descent from each start separately."""
    out = np.empty((len(w2), len(w1)))
    for i, b in enumerate(w2):
        for j, a in enumerate(w1):
            path = gradient_descent(
                np.asarray(x)[:, None],
                y,
                np.array([[a], [b]]),
                np.ones(2),
                lam=lam,
                step=step,
                steps=steps,
                train_alpha=False,
            )
            out[i, j] = path.final_loss[0]
    return out


@pytest.mark.parametrize("lam", [0.0, 0.1])
def test_matches_gradient_descent_start_by_start(lam):
    w1 = np.linspace(-2.0, 2.0, 6)
    w2 = np.linspace(-1.5, 2.5, 5)  # non-square: orientation matters
    fast = basin_map(X2, Y2, w1, w2, lam=lam, step=0.05, steps=150)
    slow = one_at_a_time(X2, Y2, w1, w2, lam, 0.05, 150)
    assert fast.shape == (5, 6)
    np.testing.assert_allclose(fast, slow, rtol=1e-12, atol=1e-13)
    assert fast.sum() == pytest.approx(slow.sum(), rel=1e-12)


@settings(max_examples=10, deadline=None)
@given(
    x=st.lists(st.floats(-2, 2, allow_nan=False), min_size=1, max_size=5),
    seed=st.integers(0, 1000),
    lam=st.sampled_from([0.0, 0.2]),
)
def test_matches_gradient_descent_on_random_data(x, seed, lam):
    x = np.asarray(x)
    y = np.random.default_rng(seed).normal(size=len(x))
    w = np.array([-1.0, 0.0, 0.7])
    fast = basin_map(x, y, w, w[:2], lam=lam, step=0.02, steps=40)
    slow = one_at_a_time(x, y, w, w[:2], lam, 0.02, 40)
    np.testing.assert_allclose(fast, slow, rtol=1e-10, atol=1e-12)


def test_orientation_matches_loss_grid():
    w1 = np.linspace(-2.0, 3.0, 7)
    w2 = np.linspace(-1.0, 1.0, 4)
    # A negligible step leaves every start where it is: the map is then the loss surface itself.
    L = basin_map(X2, Y2, w1, w2, lam=0.3, step=1e-300, steps=1)
    np.testing.assert_allclose(L, loss_grid(X2, Y2, w1, w2, lam=0.3), rtol=1e-14)


def test_poster_valleys():
    w = np.linspace(-3.0, 3.0, 41)
    L = basin_map(X2, Y2, w, w, lam=0.0, step=0.05, steps=600)
    valleys = np.unique(np.round(L, 6))
    # The three outcomes of the poster: global minimum 0, and the flat valleys at 1 and 4 -- plus
    # the start (0, 0), where relu'(0) = 0 makes the gradient vanish: it never moves (loss 1 + 4).
    assert set(valleys) == {0.0, 1.0, 4.0, 5.0}
    zero = np.flatnonzero(w == 0.0)[0]
    assert L[zero, zero] == 5.0 and np.sum(np.round(L, 6) == 5.0) == 1
    # From (-1.5, -1.5) both neurons stay facing left (they meet at -0.5 each): x = -1 is fitted,
    # x = 1 never is, so the run ends in the valley at 4.
    k = np.flatnonzero(np.isclose(w, -1.5))[0]
    assert L[k, k] == pytest.approx(4.0, abs=1e-9)


def test_divergent_starts_are_frozen_like_gradient_descent():
    w = np.array([-5.0, 5.0])
    fast = basin_map(X2, Y2, w, w, step=3.0, steps=30)
    slow = one_at_a_time(X2, Y2, w, w, 0.0, 3.0, 30)
    assert np.all(np.isfinite(fast))
    np.testing.assert_allclose(fast, slow, rtol=1e-12)


def test_reversed_axes_are_accepted():
    w = np.linspace(-1.0, 1.0, 5)
    np.testing.assert_allclose(basin_map(X2, Y2, w[::-1], w, steps=3), basin_map(X2, Y2, w, w, steps=3)[:, ::-1])


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(step=0.0), "step"),
        (dict(steps=0), "steps"),
        (dict(lam=-1.0), "lam"),
        (dict(y=np.ones(3)), "entries"),
        (dict(w1=np.array([np.inf])), "NaN or infinite"),
    ],
)
def test_bad_input(kwargs, message):
    args = dict(x=X2, y=Y2, w1=np.zeros(2), w2=np.zeros(2))
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        basin_map(**args)
