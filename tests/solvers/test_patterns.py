"""Activation patterns: exact counts, realisability and completeness against LP feasibility."""

from itertools import product
from math import comb

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from scipy.optimize import linprog

import landscape as L
import solvers as S


def realisable(X: np.ndarray, pattern: np.ndarray) -> bool:
    """Is there a w with x_j.w >= 0 on the pattern and x_j.w <= -1 off it? (LP feasibility)."""
    sign = np.where(pattern, -1.0, 1.0)  # -x.w <= 0 on, x.w <= -1 off
    b = np.where(pattern, 0.0, -1.0)
    res = linprog(np.zeros(X.shape[1]), A_ub=sign[:, None] * X, b_ub=b, bounds=[(None, None)] * X.shape[1])
    return res.status == 0


def all_realisable_patterns(X: np.ndarray) -> set[bytes]:
    """Every non-zero pattern, by testing all 2^n subsets with an LP (independent of the library)."""
    n = X.shape[0]
    found = set()
    for bits in product([False, True], repeat=n):
        p = np.array(bits)
        if p.any() and realisable(X, p):
            found.add(p.tobytes())
    return found


def as_set(patterns: np.ndarray) -> set[bytes]:
    return {row.tobytes() for row in patterns}


def test_one_d_with_bias_count_counts_distinct_inputs():
    x = np.array([0.3, -1.0, 0.3, 2.0, 5.0, 5.0, -1.0])
    P = S.enumerate_patterns(L.with_bias(x))
    assert len(P) == 2 * 4 - 1
    assert len(as_set(P)) == len(P)
    assert P.dtype == bool and P.shape[1] == 7


@given(n=st.integers(1, 40), seed=st.integers(0, 10_000))
def test_one_d_with_bias_count(n, seed):
    x = np.random.default_rng(seed).normal(size=n)
    assert len(S.enumerate_patterns(L.with_bias(x))) == 2 * len(np.unique(x)) - 1


@given(n=st.integers(1, 25), seed=st.integers(0, 10_000))
def test_two_d_general_position_gives_covers_count(n, seed):
    X = np.random.default_rng(seed).normal(size=(n, 2))
    cover = 2 * sum(comb(n - 1, k) for k in range(3)) - 1
    assert len(S.enumerate_patterns(L.with_bias(X))) == cover


DEGENERATE = {
    "poster, no bias": np.array([[-1.0], [1.0]]),
    "opposite points, no bias": np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0]]),
    "duplicated 2-D points": L.with_bias(np.array([[0.0, 0.0], [1.0, 1.0], [1.0, 1.0], [2.0, -1.0], [0.0, 0.0]])),
    "collinear 2-D points": L.with_bias(np.array([[t, 2 * t + 1] for t in (-1.0, 0.0, 0.5, 2.0, 3.0)])),
    "3x3 grid": L.with_bias(np.array([[a, b] for a in range(3) for b in range(3)], dtype=float)),
    "three concurrent lines": L.with_bias(np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0], [0.0, -1.0]])),
    "zero row": np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]),
    "rank one in 3-D": np.array([[1.0, 2.0, 3.0], [-2.0, -4.0, -6.0], [0.5, 1.0, 1.5]]),
    "2-D, no bias": np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0], [1.0, 1.0]]),
    "3-D, no bias": np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 1.0, 1.0], [-1.0, 0.0, 0.0]]),
    "all zero": np.zeros((3, 2)),
}


@pytest.mark.parametrize("name", DEGENERATE)
def test_exact_on_degenerate_data(name):
    X = DEGENERATE[name]
    assert as_set(S.enumerate_patterns(X)) == all_realisable_patterns(X)


@given(n=st.integers(1, 7), seed=st.integers(0, 10_000), grid=st.booleans())
def test_exact_against_lp_on_random_two_d(n, seed, grid):
    rng = np.random.default_rng(seed)
    # Small integer grids make many points collinear and some duplicated.
    pts = rng.integers(-2, 3, size=(n, 2)).astype(float) if grid else rng.normal(size=(n, 2))
    X = L.with_bias(pts)
    assert as_set(S.enumerate_patterns(X)) == all_realisable_patterns(X)


def test_dense_sampling_finds_nothing_new_on_a_larger_grid():
    X = L.with_bias(np.array([[a, b] for a in range(5) for b in range(5)], dtype=float))
    exact = as_set(S.enumerate_patterns(X))
    sampled = as_set(S.sample_patterns(X, 200_000, seed=3))
    assert sampled <= exact
    # Random gates reach every open region here with overwhelming probability.
    assert len(sampled) >= 0.95 * len(exact)


def test_rank_above_three_points_to_sampling():
    X = np.random.default_rng(0).normal(size=(10, 4))
    with pytest.raises(ValueError, match="sample_patterns"):
        S.enumerate_patterns(X)
    P = S.sample_patterns(X, 500, seed=0)
    assert P.ndim == 2 and P.shape[1] == 10 and 0 < len(P) <= 500
    assert len(as_set(P)) == len(P)
    assert all(realisable(X, p) for p in P[:20])


def test_sampling_is_reproducible():
    X = L.with_bias(np.random.default_rng(1).normal(size=(15, 2)))
    np.testing.assert_array_equal(S.sample_patterns(X, 300, seed=5), S.sample_patterns(X, 300, seed=5))


def test_row_hashes_tell_apart_rows_that_differ_in_the_top_bits_of_two_words():
    # The regions on either side of a ray on the hyperplanes of points 56 and 120 differ in exactly those
    # two bits, the top bits of the first two 64-bit words: a weighted sum of the words cannot tell them apart.
    from solvers.cones import _row_hashes

    pats = np.zeros((2, 128), dtype=bool)
    pats[0, 56] = pats[1, 120] = True
    words = np.packbits(pats, axis=1).view(np.uint64)
    assert words[0, 0] - words[1, 0] == words[1, 1] - words[0, 1] == np.uint64(2**63)
    assert _row_hashes(words)[0] != _row_hashes(words)[1]


def test_two_d_general_position_count_beyond_two_words_of_points():
    # 130 points: patterns span three 64-bit words, the regime where a weak hash would collide.
    X = np.random.default_rng(3).normal(size=(130, 2))
    assert len(S.enumerate_patterns(L.with_bias(X))) == 2 * sum(comb(129, k) for k in range(3)) - 1


@given(
    st.floats(-100, 100, allow_nan=False),
    st.floats(1e-11, 9e-10),
    st.lists(st.floats(-100, 100, allow_nan=False), min_size=0, max_size=8),
)
def test_inputs_too_close_for_the_enumeration_are_counted(x, gap, others):
    # 1-D inputs with a bias: rows (x, 1) at an angle of about gap / (1 + x^2) to each other.
    xs = np.array([x, x + gap * (1 + x * x), *others])
    apart = np.abs(xs[:, None] - xs[None, :]) + np.eye(len(xs))
    apart[0, 1] = apart[1, 0] = 1.0
    assume(apart.min() >= 1e-6)  # no other pair close together: the count is about this one
    assert S.unresolved_inputs(L.with_bias(xs)) == (1 if abs(xs[1] - xs[0]) > 0 else 0)


def test_the_enumeration_merges_inputs_counted_as_unresolved():
    # Rows 5e-11 apart in angle, away from x = 0: no enumerated pattern separates them.
    X = L.with_bias(np.array([1.0, 1.0 + 1e-10, -0.5]))
    assert S.unresolved_inputs(X) == 1
    P = S.enumerate_patterns(X)
    assert np.array_equal(P[:, 0], P[:, 1])


def test_repeated_and_parallel_inputs_are_resolved_exactly():
    assert S.unresolved_inputs(L.with_bias(np.array([1.0, 1.0, 2.0, -0.5]))) == 0
    assert S.unresolved_inputs(np.array([[1.0, 1.0], [3.0, 3.0], [-2.0, -2.0], [1.0, 0.0]])) == 0
    assert S.unresolved_inputs(L.with_bias(np.array([0.0, 1e-4, 2e-4]))) == 0
    rng = np.random.default_rng(0)
    assert S.unresolved_inputs(L.with_bias(rng.uniform(-1, 1, (300, 2)))) == 0
