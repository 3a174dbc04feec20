"""The maths behind the m-neuron views: the landscape slice, matching, patterns and dynamics."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import landscape as L
from explorer import dynamics as D
from explorer import general as G
from explorer.figures.ranges import axis_1d
from explorer.presets import PRESETS
from landscape import plane
from solvers import plane_regions as PP

BLOG = PRESETS["init_dynamics"].settings


# --- comparing with the optimum -------------------------------------------------------------------


def test_optimum_is_a_lower_bound_and_first_within():
    inputs, X, y = G.data(PRESETS["ten_neurons"].settings["points"], (), 1)
    opt = G.convex_optimum(X, y, 0.01)
    assert opt.ok and opt.exact and opt.neurons >= 1
    assert opt.objective == pytest.approx(L.objective(opt.W, opt.alpha, X, y, 0.01), rel=1e-9)
    run = G.descend(X, y, 10, 0.5, 0, 0.01, 0.02, 2000)
    assert np.all(run.history[:, 0] >= opt.objective * (1 - 1e-9))
    loss = np.array([5.0, 1.0, 0.1001, 0.10001, 0.1])
    assert L.first_within(loss, 0.1, 1e-3) == 2
    assert L.first_within(loss, 0.01, 1e-3) is None
    assert L.relative_gap([0.0], 0.0)[0] == 0.0  # absolute gap when the optimum is 0


def test_kinks_and_lines():
    W = np.array([[2.0, -1.0], [0.0, 1.0], [-1.0, -0.5]])
    k = L.kinks(W)
    assert k[0] == 0.5 and np.isnan(k[1]) and k[2] == -0.5
    box = ((-1.0, 1.0), (-2.0, 2.0))
    W2 = np.array([[1.0, 1.0, 0.5], [0.0, 1.0, -1.0], [1.0, 0.0, 5.0]])  # the last misses the box
    xs, ys = L.lines_2d(W2, box)
    segs = [(xs[i : i + 2], ys[i : i + 2]) for i in range(0, len(xs), 3)]
    assert len(segs) == 2
    for (sx, sy), w in zip(segs, W2):
        assert np.allclose(w[0] * sx + w[1] * sy + w[2], 0.0)
        assert np.all((sx >= -1 - 1e-12) & (sx <= 1 + 1e-12) & (sy >= -2 - 1e-12) & (sy <= 2 + 1e-12))


def test_degeneracies():
    assert L.degeneracies(np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])) == L.Degeneracies(0, 0, False)
    d = L.degeneracies(np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0], [0.0, 1.0], [0.0, 0.0]]))
    assert d.duplicates == 1 and d.collinear == 1 and not d.all_collinear
    assert L.degeneracies(np.array([[0.0, 0.0], [1.0, 1.0], [3.0, 3.0]])).all_collinear


# --- the window onto the landscape ----------------------------------------------------------------


def _slice(m=30, dims=1, seed=0, steps=400):
    rng = np.random.default_rng(seed)
    inputs = rng.uniform(-1, 1, (9, dims))
    X = L.with_bias(inputs)
    y = np.sin(3 * inputs[:, 0])
    lam = 0.01
    W0, a0 = G.initial_network(m, X.shape[1], 0.5, seed)
    run = G.descend(X, y, m, 0.5, seed, lam, 0.02, steps)
    opt = G.convex_optimum(X, y, lam)
    sl = plane.landscape_slice(
        X, y, lam, (W0[0], a0[0]), (run.final_W[0], run.final_alpha[0]), (opt.W, opt.alpha), resolution=21
    )
    return sl, X, y, lam, (W0[0], a0[0]), (run.final_W[0], run.final_alpha[0]), opt


@pytest.mark.parametrize("m, dims", [(30, 1), (4, 1), (25, 2)])
def test_slice_passes_through_the_three_networks(m, dims):
    sl, X, y, lam, start, end, opt = _slice(m, dims)
    networks = {"start": start, "end": end, "optimum": (opt.W, opt.alpha)}
    for k, name in enumerate(sl.names):
        expected = L.objective(*networks[name], X, y, lam)
        a, b = sl.coords[k]
        # The plane's own evaluation at the claimed coordinates ...
        got = plane.plane_losses(X, y, lam, sl.origin, sl.e1, sl.e2, sl.m, sl.d, np.array([a]), np.array([b]))[0]
        assert got == pytest.approx(expected, rel=1e-9, abs=1e-12)
        assert sl.losses[k] == pytest.approx(expected, rel=1e-12)
        # ... the drawn grid, which contains those coordinates ...
        i, j = np.flatnonzero(sl.b == b)[0], np.flatnonzero(sl.a == a)[0]
        assert sl.Z[i, j] == pytest.approx(expected, rel=1e-9, abs=1e-12)
        # ... and the network it stands for computes the same function.
        Wp, ap = sl.network(a, b)
        grid = L.with_bias(np.random.default_rng(1).uniform(-1.5, 1.5, (40, X.shape[1] - 1)))
        np.testing.assert_allclose(L.predict(Wp, ap, grid), L.predict(*networks[name], grid), atol=1e-9)
    # The straight path runs from the endpoint to the optimum.
    assert sl.path[0] == pytest.approx(sl.losses[1], rel=1e-9)
    assert sl.path[-1] == pytest.approx(sl.losses[2], rel=1e-9)
    assert abs(sl.e1 @ sl.e2) < 1e-12 and np.linalg.norm(sl.e1) == pytest.approx(1.0)


def test_slice_when_gd_reached_the_optimum_exactly():
    X = L.with_bias(np.array([-1.0, 0.0, 1.0]))
    y = np.array([0.0, 0.0, 1.0])
    W = np.array([[1.0, 0.0]])
    a = np.array([1.0])
    sl = plane.landscape_slice(X, y, 0.0, (W * 0.3, a * 0.3), (W, a), (W, a), resolution=11)
    assert np.all(np.isfinite(sl.Z))
    assert sl.losses[1] == sl.losses[2] == 0.0


def test_padding_and_matching_keep_the_network():
    rng = np.random.default_rng(0)
    X = L.with_bias(rng.uniform(-1, 1, (8, 2)))
    y = rng.normal(size=8)
    W, a = rng.normal(size=(5, 3)), rng.normal(size=5)
    Wp, ap = plane.pad(W, a, 9)
    assert L.objective(Wp, ap, X, y, 0.3) == pytest.approx(L.objective(W, a, X, y, 0.3), rel=1e-14)
    perm = rng.permutation(9)
    Wm, am = plane.match(Wp[perm], ap[perm], Wp, ap)
    np.testing.assert_array_equal(Wm, Wp[perm])
    np.testing.assert_array_equal(am, ap[perm])
    with pytest.raises(ValueError):
        plane.pad(W, a, 3)


# --- 2-D activation patterns ----------------------------------------------------------------------


@given(n=st.integers(1, 14), seed=st.integers(0, 10_000))
def test_regions_meet_covers_bound_in_general_position(n, seed):
    inputs = np.random.default_rng(seed).uniform(-1, 1, (n, 2))
    reg = PP.regions(inputs)
    X = L.with_bias(inputs)
    assert reg.count == PP.cover_bound(n)
    # Each representative neuron has exactly its region's pattern, with no point on its line.
    prod = reg.neurons @ X.T
    assert np.all(np.abs(prod) > 1e-12)
    np.testing.assert_array_equal(prod > 0, reg.patterns)
    assert len(np.unique(reg.patterns, axis=0)) == reg.count


def test_collinear_and_duplicated_points_make_fewer_regions():
    line = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0], [0.0, 1.0]])
    assert PP.regions(line).count < PP.cover_bound(4)
    dup = np.array([[0.0, 0.0], [0.0, 0.0], [1.0, 0.0]])
    assert PP.regions(dup).count == PP.regions(dup[1:]).count
    assert PP.cover_bound(1) == 2 and PP.cover_bound(3) == 8 and PP.cover_bound(7) == 44


def test_sampling_finds_at_most_every_region():
    inputs = np.array(PRESETS["plane_patterns"].settings["points2d"])[:, :2]
    exact = PP.regions(inputs).count
    few, many = PP.sampled_count(inputs, 50, 0), PP.sampled_count(inputs, 100_000, 0)
    assert few < exact and many <= exact


def test_hemispheres_colour_every_pixel_by_a_true_region():
    inputs = np.array(PRESETS["plane_patterns"].settings["points2d"])[:, :2]
    reg = PP.regions(inputs)
    axis, index = PP.hemispheres(inputs, reg.patterns, resolution=121)
    X = L.with_bias(inputs)
    P, Q = np.meshgrid(axis, axis)
    for h, sign in enumerate((1.0, -1.0)):
        inside = (P * P + Q * Q < 1.0) & (index[h] >= 0)
        w = np.stack([P[inside], Q[inside], sign * np.sqrt(1 - P[inside] ** 2 - Q[inside] ** 2)], axis=1)
        np.testing.assert_array_equal(w @ X.T > 0, reg.patterns[index[h][inside]])
    assert len(np.unique(index[index >= 0])) > 0.9 * reg.count


# --- initialisation dynamics (the blog's set-up, fixed seeds) --------------------------------------


@pytest.fixture(scope="module")
def blog_pair():
    inputs, X, y = D.data_1d(BLOG["points"])
    small, large = D.pair(X, y, 1000, BLOG["small_scale"], BLOG["large_scale"], BLOG["step"], 500, BLOG["lam"], 0)
    return inputs, X, y, small, large


def test_small_start_plateau_precedes_a_fast_drop(blog_pair):
    _, _, _, small, large = blog_pair
    ph = L.dynamics.phases(small.run.history[:, 0])
    assert ph.plateau >= 30, "the loss should stay flat while the neurons align"
    assert ph.drop is not None and ph.drop_steps < ph.plateau, "then fall a hundredfold faster than it waited"
    assert small.run.history[-1, 0] < 1e-3 * small.run.history[0, 0]
    assert L.dynamics.phases(large.run.history[:, 0]).plateau == 0  # a large start fits from the first step


def test_small_start_ends_with_few_patterns(blog_pair):
    _, X, _, small, large = blog_pair
    W, a = small.run.W[:, 0], small.run.alpha[:, 0]
    counts = L.dynamics.distinct_patterns(W, a, X, share=L.STRONG_SHARE)
    assert counts[0] >= 6 and counts[-1] <= 2 and counts[-1] < counts[0]
    everyone = L.dynamics.distinct_patterns(W, a, X)
    assert everyone[-1] < everyone[0]
    big = L.dynamics.distinct_patterns(large.run.W[:, 0], large.run.alpha[:, 0], X, share=L.STRONG_SHARE)
    assert big[-1] >= 5


def test_large_start_kinks_move_less(blog_pair):
    inputs, _, _, small, large = blog_pair
    grid = axis_1d(inputs, pad=0.5)
    box = (float(grid[0]), float(grid[-1]))
    moved_small = L.dynamics.kink_movement(small.run.W[:, 0], small.run.alpha[:, 0], box)
    moved_large = L.dynamics.kink_movement(large.run.W[:, 0], large.run.alpha[:, 0], box)
    assert moved_large < 0.1 * moved_small
    assert large.capped and large.step < small.step and not large.run.diverged.any()
    # Lazy: the large start's fit is far from the straight line through the (linear) data.
    f = L.outputs(large.run.final_W[0], large.run.final_alpha[0], L.with_bias(grid))
    g = L.outputs(small.run.final_W[0], small.run.final_alpha[0], L.with_bias(grid))
    line = np.polyval(np.polyfit(inputs[:, 0], BLOG_Y, 1), grid)
    assert np.max(np.abs(f - line)) > 10 * np.max(np.abs(g - line))


BLOG_Y = np.array(BLOG["points"])[:, 1]


def test_frame_indices_are_dense_early():
    idx = D.frame_indices(np.arange(251) * 4, 36)
    assert idx[0] == 0 and idx[-1] == 250 and np.all(np.diff(idx) > 0)
    assert np.sum(idx < 63) > np.sum(idx >= 188)
