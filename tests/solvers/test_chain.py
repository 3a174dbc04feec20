"""Rank-2 data in chain form: O(n) products against dense features, regions against the arrangement."""

from __future__ import annotations

from decimal import Decimal, getcontext

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from landscape import with_bias
from solvers.chain import chain_of, dual_value, projection_norms
from solvers.cones import arrangement
from solvers.dual import RayCones


def dense_features(chain):
    X1 = np.stack([chain.x, np.ones(chain.k)], axis=1)
    return np.maximum(X1 @ chain.rays.T, 0.0)


coords = st.floats(-3.0, 3.0, allow_nan=False, allow_infinity=False)
# Inputs on a 0.1 grid repeat often; at least two distinct ones make the data rank 2.
inputs = st.lists(coords, min_size=2, max_size=12).map(lambda v: np.round(np.asarray(v), 1))
inputs = inputs.filter(lambda x: len(np.unique(x)) >= 2)


@settings(max_examples=40, deadline=None)
@given(x=inputs, seed=st.integers(0, 1000))
def test_products_match_dense_features(x, seed):
    rng = np.random.default_rng(seed)
    y = rng.normal(size=len(x))
    chain = chain_of(with_bias(x), y)
    F = dense_features(chain)
    beta = rng.normal(size=2 * chain.k)
    v = rng.normal(size=chain.k)
    np.testing.assert_allclose(chain.predict(beta), F @ beta, atol=1e-12 * (1 + np.abs(F).sum() * np.abs(beta).max()))
    np.testing.assert_allclose(chain.adjoint(v), F.T @ v, atol=1e-12 * (1 + np.abs(F).sum() * np.abs(v).max()))
    np.testing.assert_allclose((chain.delta @ F), chain.ramps.toarray(), atol=1e-9 * (1 + np.abs(chain.ramps).max()))


@settings(max_examples=40, deadline=None)
@given(x=inputs, seed=st.integers(0, 1000))
def test_regions_are_the_arrangements_and_the_dual_check_agrees(x, seed):
    X = with_bias(x)
    rho = np.random.default_rng(seed).normal(size=len(x))
    chain = chain_of(X, rho)
    arr = arrangement(X)
    assert {r.tobytes() for r in chain.region_patterns()} == {r.tobytes() for r in arr.patterns}
    # The dual check through the chain equals the one over the arrangement's cones (merged rows
    # collapse to their weighted residual).
    cones = RayCones.from_arrangement(arr)
    import torch

    g = cones.gradients(torch.as_tensor(rho))
    M_dense = 2.0 * float(torch.maximum(*cones.projection_norms_pm(g)).max())
    merged_rho = np.bincount(chain.group, weights=rho, minlength=chain.k) / chain.w  # s = 1: w = sqrt(count)
    assert abs(dual_value(chain, merged_rho) - M_dense) <= 1e-10 * (1 + M_dense)


def test_projection_norms_of_a_quarter_plane():
    # rays (1, 0) and (0, 1): cos 0
    h = np.array([3.0, 4.0])
    assert projection_norms(h, np.array([0.0]))[0] == 5.0  # inside: the vector itself
    assert projection_norms(np.array([3.0, -4.0]), np.array([0.0]))[0] == 3.0  # onto the first ray
    assert projection_norms(np.array([-3.0, -4.0]), np.array([0.0]))[0] == 0.0  # polar cone


def test_rows_outside_a_half_plane_have_no_chain():
    Z = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]])
    assert chain_of(Z, np.ones(3)) is None


def exact_projection_norm(ea, eb, g):
    """``||P_K(g)||`` for the cone of two unit rays, in Decimal arithmetic."""
    ga, gb = ea[0] * g[0] + ea[1] * g[1], eb[0] * g[0] + eb[1] * g[1]
    c = ea[0] * eb[0] + ea[1] * eb[1]
    det = 1 - c * c
    if (ga - c * gb) / det >= 0 and (gb - c * ga) / det >= 0:
        return (g[0] * g[0] + g[1] * g[1]).sqrt()
    return max(ga, gb, Decimal(0))


@pytest.mark.parametrize(
    "x",
    [
        [-1.0, 0.3, 0.3 + 3e-6, 0.8],  # a narrow cone: 1 - cos^2 is 1e-11, from cos it has 5 digits
        [-1.0, 0.3, 0.3 + 1e-9, 0.8],
        [100.0, 100.001, 100.002],  # the linear region's cone within 1e-14 of a half-plane
        [-1e-4, 0.0, 1e-4],
        [-3.0, -1.0, 0.5, 2.0],
    ],
)
def test_projection_norms_of_narrow_and_nearly_flat_cones(x):
    """Against exact arithmetic, for gradients inside, on the edge of and outside every cone: the dual
    check's cancellations (rays nearly equal, or nearly opposite) are written away."""
    getcontext().prec = 60
    x = np.asarray(x)
    chain = chain_of(with_bias(x), np.ones(len(x)))
    xs = [Decimal(float(v)) for v in chain.x]
    rays = []
    for c, m in enumerate(chain.positions):
        n = (1 + xs[m] * xs[m]).sqrt()
        e = (1 / n, -xs[m] / n)
        rays.append(e if c < chain.k else (-e[0], -e[1]))
    rng = np.random.default_rng(0)
    for i in range(chain.n_regions):
        ea, eb = rays[i], rays[i + 1]
        for t in (-0.5, 0.0, 1e-3, 0.5, 1.0 - 1e-3, 1.0, 1.5, 3.0):
            # g between the rays (0 <= t <= 1), on them or outside, with a random length
            length = Decimal(float(rng.uniform(0.5, 2.0)))
            g = (
                length * ((1 - Decimal(t)) * ea[0] + Decimal(t) * eb[0]),
                length * ((1 - Decimal(t)) * ea[1] + Decimal(t) * eb[1]),
            )
            h = np.zeros(2 * chain.k, dtype=np.longdouble)
            h[i] = np.longdouble(str(ea[0] * g[0] + ea[1] * g[1]))
            h[i + 1] = np.longdouble(str(eb[0] * g[0] + eb[1] * g[1]))
            got = projection_norms(h, chain.cos, chain.vers, chain.sin)[i]
            want = float(exact_projection_norm(ea, eb, g))
            assert abs(got - want) <= 1e-12 * max(want, float(length)), (i, t)
