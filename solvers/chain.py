"""Rank-2 data as weighted points on a line: the activation regions form a chain, and every product is O(n).

When the rows of ``Z`` (n, 2) lie in an open half-plane -- always the case for 1-D inputs with a bias
column, and for collinear 2-D inputs with a bias -- there is a unit ``q`` with ``s_j = z_j . q > 0``.
In the frame ``(q_perp, q)`` each row is ``s_j (x_j, 1)``, so by positive homogeneity

    relu(z_j . u) = s_j relu(x_j w + b),        (w, b) = u in that frame,

and problem (2) on Z is problem (2) for 1-D points ``x_j`` with a bias, each residual weighted by ``s_j``.
Rows with equal ``x`` always share their activation; they are merged exactly (weight
``sqrt(sum s^2)``, label ``sum s y / weight``, and a constant added to the objective).

With the distinct points sorted, ``x_0 < ... < x_{n-1}``, the extreme rays are the unit neurons with a
kink at a data point, facing right (``relu(x - x_m)``) or left (``relu(x_m - x)``), and in angular order
they form the chain

    r_{n-1}, ..., r_1, r_0, l_{n-1}, ..., l_1, l_0,

whose ``2n - 1`` consecutive pairs are exactly the cones of the non-zero activation regions: a right
kink between two points, the region holding the linear neurons (every point active), a left kink
between two points. (The pair ``l_0, r_{n-1}`` closes the circle with the all-zero pattern.)

Everything the solvers need is then O(n):

* predictions of ray coefficients are sums of ramps, ``x_j sum_{m<j} g_m - sum_{m<j} g_m x_m``, two
  prefix sums; their adjoint (the dual check's inner products) two suffix sums;
* second divided differences ``Delta`` (banded) turn each ramp into at most three non-zeros
  (``S = Delta F`` sparse), which makes the Newton systems of :mod:`solvers.barrier` banded with a
  two-wide border.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp

# Prefix sums cancel: extended precision where the platform has it keeps the dual check accurate at tiny lam.
_EXT = np.longdouble
_AXES = np.array([[0.0, 1.0], [0.0, -1.0], [1.0, 0.0], [-1.0, 0.0]])


@dataclass(frozen=True)
class Chain:
    """Rank-2 data in chain form.

    Attributes
    ----------
    x : ndarray, shape (k,)
        Distinct positions, increasing (k >= 2).
    w : ndarray, shape (k,)
        Positive weight of each position (merged rows combine as ``sqrt(sum s^2)``).
    y : ndarray, shape (k,)
        Merged labels: ``sum_j s_j y_j / w`` over the rows at that position.
    constant : float
        What the merge removes from ``||prediction - y||^2``: the objective on the original rows is
        the chain objective plus this.
    frame : ndarray, shape (2, 2)
        Orthonormal rows ``(q_perp, q)``: a weight ``u`` in Z-coordinates is ``frame @ u = (w, b)``.
    group : ndarray of int, shape (n,)
        Position of each original row, or -1 for a zero row.
    """

    x: np.ndarray
    w: np.ndarray
    y: np.ndarray
    constant: float
    frame: np.ndarray
    group: np.ndarray

    @property
    def k(self) -> int:
        return int(len(self.x))

    @property
    def n_regions(self) -> int:
        return 2 * self.k - 1

    @cached_property
    def norms(self) -> np.ndarray:
        """``||(1, -x_m)||``: the unit ray with a kink at ``x_m`` is ``(1, -x_m) / norms[m]``."""
        return np.sqrt(1.0 + self.x**2)

    @cached_property
    def _norms_ext(self) -> np.ndarray:
        return np.sqrt(1.0 + self.x.astype(_EXT) ** 2)

    @cached_property
    def rays(self) -> np.ndarray:
        """Unit rays in chain order, shape (2k, 2), in the ``(w, b)`` frame."""
        right = np.stack([np.ones(self.k), -self.x], axis=1) / self.norms[:, None]
        return np.concatenate([right[::-1], -right[::-1]])

    @cached_property
    def cos(self) -> np.ndarray:
        """Cosine of the angle of each region's cone, shape (2k - 1,); above -1 (pointed cones)."""
        r = self.rays
        return np.sum(r[:-1] * r[1:], axis=1)

    @cached_property
    def positions(self) -> np.ndarray:
        """Index of each ray's kink in ``x``, chain order, shape (2k,)."""
        k = self.k
        c = np.arange(2 * k)
        return np.where(c < k, k - 1 - c, 2 * k - 1 - c)

    @cached_property
    def sin(self) -> np.ndarray:
        """Sine of the angle of each region's cone, shape (2k - 1,), from differences of the positions.

        Rays with kinks at ``x_a`` and ``x_b`` have ``|cross| = |x_a - x_b| / (N_a N_b)``; the difference of
        two floats is exact when they are close, so narrow cones (nearby points) keep full relative
        precision, which ``sqrt(1 - cos^2)`` would lose."""
        pa, pb = self.positions[:-1], self.positions[1:]
        return np.abs(self.x[pa] - self.x[pb]) / (self.norms[pa] * self.norms[pb])

    @cached_property
    def vers(self) -> np.ndarray:
        """``1 - cos`` of each region's cone, shape (2k - 1,), to full relative precision."""
        half = 0.5 * np.arctan2(self.sin, self.cos)
        return 2.0 * np.sin(half) ** 2

    # -- products with the ray features ------------------------------------------------------------
    def predict(self, beta: np.ndarray) -> np.ndarray:
        """Unweighted predictions ``sum_c beta_c relu(ray_c . (x, 1))`` at the positions.

        Parameters
        ----------
        beta : ndarray, shape (2k,)
            Coefficients of the unit rays, chain order.

        Returns
        -------
        ndarray, shape (k,)
        """
        k, x = self.k, self.x.astype(_EXT)
        beta = np.asarray(beta, dtype=_EXT)
        right = beta[:k][::-1] / self._norms_ext
        left = beta[k:][::-1] / self._norms_ext
        c0 = np.concatenate([[0.0], np.cumsum(right)[:-1]])
        c1 = np.concatenate([[0.0], np.cumsum(right * x)[:-1]])
        s0 = np.concatenate([np.cumsum(left[::-1])[::-1][1:], [0.0]])
        s1 = np.concatenate([np.cumsum((left * x)[::-1])[::-1][1:], [0.0]])
        return ((x * c0 - c1) + (s1 - x * s0)).astype(np.float64)

    def adjoint(self, v: np.ndarray) -> np.ndarray:
        """``sum_j v_j relu(ray_c . (x_j, 1))`` for every ray, chain order: shape (2k,)."""
        return self.adjoint_ext(v).astype(np.float64)

    def adjoint_ext(self, v: np.ndarray) -> np.ndarray:
        """:meth:`adjoint` in extended precision (where the platform has it): differences of
        neighbouring entries stay accurate, which the dual check of a narrow cone needs."""
        x, v = self.x.astype(_EXT), np.asarray(v, dtype=_EXT)
        s0 = np.concatenate([np.cumsum(v[::-1])[::-1][1:], [0.0]])  # sum over j > m
        s1 = np.concatenate([np.cumsum((v * x)[::-1])[::-1][1:], [0.0]])
        c0 = np.concatenate([[0.0], np.cumsum(v)[:-1]])  # sum over j < m
        c1 = np.concatenate([[0.0], np.cumsum(v * x)[:-1]])
        right = (s1 - x * s0) / self._norms_ext
        left = (x * c0 - c1) / self._norms_ext
        return np.concatenate([right[::-1], left[::-1]])

    # -- the banded structure ----------------------------------------------------------------------
    @cached_property
    def delta(self) -> sp.csr_matrix:
        """Divided differences (k, k): rows ``p_0``, the first slope, and the slope change at each
        interior position. Invertible; it maps every ramp feature to at most three non-zeros."""
        k, h = self.k, np.diff(self.x)
        rows = [0, 1, 1]
        cols = [0, 0, 1]
        vals = [1.0, -1.0 / h[0], 1.0 / h[0]]
        if k > 2:
            m = np.arange(1, k - 1)
            rows += list(np.repeat(m + 1, 3))
            cols += list(np.stack([m - 1, m, m + 1], axis=1).reshape(-1))
            vals += list(np.stack([1.0 / h[m - 1], -1.0 / h[m] - 1.0 / h[m - 1], 1.0 / h[m]], axis=1).reshape(-1))
        return sp.csr_matrix((vals, (rows, cols)), shape=(k, k))

    @cached_property
    def ramps(self) -> sp.csr_matrix:
        """``S = delta @ F`` (k, 2k) for the unit-ray features F, chain order (sparse)."""
        k, x, N = self.k, self.x, self.norms
        rows, cols, vals = [], [], []
        for m in range(k):  # right ray at x_m, chain index k - 1 - m
            c = k - 1 - m
            if m < k - 1:  # r_{k-1} is zero on the data; r_0 shows only in the first slope
                rows.append(1 if m == 0 else m + 1)
                cols.append(c)
                vals.append(1.0 / N[m])
        for m in range(1, k):  # left ray at x_m, chain index 2k - 1 - m (l_0 is zero on the data)
            c = 2 * k - 1 - m
            rows += [0, 1]
            cols += [c, c]
            vals += [(x[m] - x[0]) / N[m], -1.0 / N[m]]
            if m < k - 1:
                rows.append(m + 1)
                cols.append(c)
                vals.append(1.0 / N[m])
        return sp.csr_matrix((vals, (rows, cols)), shape=(k, 2 * k))

    # -- regions -----------------------------------------------------------------------------------
    def region_patterns(self) -> np.ndarray:
        """Pattern of each region on the original rows, shape (2k - 1, n); zero rows are active."""
        k = self.k
        i = np.arange(2 * k - 1)[:, None]
        pos = np.arange(k)[None, :]
        on = np.where(i <= k - 2, pos >= k - 1 - i, np.where(i == k - 1, True, pos <= 2 * k - 2 - i))
        full = np.ones((2 * k - 1, len(self.group)), dtype=bool)
        live = self.group >= 0
        full[:, live] = on[:, self.group[live]]
        return full

    def expand_dual(self, rho: np.ndarray, Z: np.ndarray, y: np.ndarray) -> np.ndarray:
        """A dual point on the original rows from one on the merged positions, with the same bound.

        Row j at position g gets ``(s_j / w_g) rho_g`` -- the dual checks see ``sum_j s_j rho_j z_j``, the
        merged row's -- plus its label's deviation from what the merge kept, ``y_j - s_j ybar_g / w_g``,
        which no check sees and which adds the merge's constant to the dual objective. Zero rows keep
        their label (their prediction is always zero).

        Parameters
        ----------
        rho : ndarray, shape (k,)
        Z : ndarray, shape (n, 2)
            The rows this chain was made from.
        y : ndarray, shape (n,)
        """
        s = Z @ self.frame[1]
        out = np.asarray(y, dtype=np.float64).copy()
        live = self.group >= 0
        g = self.group[live]
        scale = s[live] / self.w[g]
        out[live] = (y[live] - scale * self.y[g]) + scale * rho[g]
        return out

    def to_z(self, u: np.ndarray) -> np.ndarray:
        """Weights from the ``(w, b)`` frame back to Z-coordinates: rows of u, shape (..., 2)."""
        return u @ self.frame


def _half_plane_axis(Z: np.ndarray) -> np.ndarray | None:
    """A unit q with ``z . q > 0`` for every non-zero row, or None if no open half-plane holds them."""
    nz = Z[np.any(Z != 0, axis=1)]
    for q in _AXES:  # an axis keeps the user's numbers exact (1-D inputs with a bias: x stays x)
        if np.all(nz @ q > 0):
            return q
    ang = np.sort(np.arctan2(nz[:, 1], nz[:, 0]))
    gaps = np.diff(np.concatenate([ang, [ang[0] + 2 * np.pi]]))
    g = int(np.argmax(gaps))
    if gaps[g] <= np.pi * (1 + 1e-12):
        return None
    # The middle of the occupied arc, which runs from just after the widest gap to just before it.
    mid = ang[(g + 1) % len(ang)] + 0.5 * (2 * np.pi - gaps[g])
    q = np.array([np.cos(mid), np.sin(mid)])
    return q if np.all(nz @ q > 0) else None


def chain_of(Z: np.ndarray, y: np.ndarray) -> Chain | None:
    """The chain form of rank-2 coordinates ``Z`` (n, 2) with labels y, or None when it does not apply
    (the rows are not in an open half-plane, or fewer than two directions remain)."""
    q = _half_plane_axis(Z)
    if q is None:
        return None
    frame = np.array([[q[1], -q[0]], [q[0], q[1]]])
    Zf = Z @ frame.T
    s = Zf[:, 1]
    live = s > 0
    x_all = np.where(live, Zf[:, 0] / np.where(live, s, 1.0), 0.0)
    xs, inverse = np.unique(x_all[live], return_inverse=True)
    if len(xs) < 2:
        return None
    group = np.full(len(Z), -1)
    group[live] = inverse.reshape(-1)
    sl, yl = s[live], y[live]
    w2 = np.bincount(group[live], weights=sl * sl, minlength=len(xs))
    w = np.sqrt(w2)
    ym = np.bincount(group[live], weights=sl * yl, minlength=len(xs)) / w
    constant = float(np.sum(yl * yl) - np.sum(ym * ym) + np.sum(y[~live] ** 2))
    return Chain(xs, w, ym, max(constant, 0.0), frame, group)


def projection_norms(
    h: np.ndarray, cos: np.ndarray, vers: np.ndarray | None = None, sin: np.ndarray | None = None
) -> np.ndarray:
    """``||P_K(g)||`` for the cone K of each region, from ``g`` on its two rays: h[i], h[i + 1].

    With ``g = l_a e_a + l_b e_b`` (``l = G^-1 (g.e_a, g.e_b)``, ``G`` the rays' Gram matrix), g is in K
    when both ``l >= 0`` and then ``||P_K(g)|| = ||g||``; otherwise the projection lies on a ray and
    its norm is the larger positive inner product. With ``ga = g.e_a``, ``gb = g.e_b`` and ``c = cos``:

        sin^2 l_a = ga - c gb,   sin^2 l_b = gb - c ga,   sin^2 ||g||^2 = ga^2 + gb^2 - 2 c ga gb.

    For a narrow cone ``ga`` and ``gb`` nearly agree and these cancel; for a cone close to a half-plane
    (c near -1) they nearly cancel each other. So they are written through ``d = ga - gb`` and
    ``1 - c`` when c >= 0,

        ga - c gb = d + (1 - c) gb,   ga^2 + gb^2 - 2 c ga gb = d^2 + 2 (1 - c) ga gb,

    and through ``p = ga + gb`` and ``1 + c`` otherwise -- sums of non-negative terms (or at worst a
    loss of a factor two) inside the cone. ``d`` and ``p`` are taken in the precision of ``h``: pass
    the extended-precision inner products (:meth:`Chain.adjoint_ext`).

    Parameters
    ----------
    h : ndarray, shape (2k,) or (m, 2k)
        Inner products of one gradient per region with the chain's rays (region i uses entries i
        and i + 1, both on its boundary, so the same vector serves two neighbours).
    cos : ndarray, shape (2k - 1,)
    vers, sin : ndarray, shape (2k - 1,), optional
        ``1 - cos`` and the sine to full relative precision (:attr:`Chain.vers`, :attr:`Chain.sin`);
        by default from ``cos``.

    Returns
    -------
    ndarray, shape (2k - 1,) or (m, 2k - 1)
    """
    ga_x, gb_x = h[..., :-1], h[..., 1:]
    ga = np.asarray(ga_x, dtype=np.float64)
    gb = np.asarray(gb_x, dtype=np.float64)
    vers = 1.0 - cos if vers is None else vers
    sin2 = vers * (1.0 + cos) if sin is None else sin * sin
    narrow = cos >= 0
    # (1 + cos) = sin^2 / (1 - cos) keeps its precision near -1
    cov = np.where(narrow, vers, sin2 / np.maximum(vers, 1e-300))
    w = np.where(narrow, 1.0, -1.0)
    e = np.asarray(ga_x - gb_x * w, dtype=np.float64)  # d (narrow) or p (wide), from extended inputs
    # narrow: (d + vers gb, -d + vers ga); wide: (p - (1 + c) gb, p - (1 + c) ga)
    na = e + w * cov * gb
    nb = -w * e + w * cov * ga
    inside = (na >= 0) & (nb >= 0)
    norm2 = (e * e + 2.0 * w * cov * ga * gb) / np.maximum(sin2, 1e-300)
    best = np.maximum(np.maximum(ga, 0.0) ** 2, np.maximum(gb, 0.0) ** 2)
    best = np.where(inside, np.maximum(best, norm2), best)
    return np.sqrt(np.maximum(best, 0.0))


def dual_value(chain: Chain, rho: np.ndarray) -> float:
    """``M = 2 max_i ||P_{K_i}(+-Z^T D_i rho)||`` over every region, for a residual ``rho`` (k,) on the
    merged positions (the original rows' ``sum s_j rho_j`` collapses to ``w rho`` per position)."""
    h = chain.adjoint_ext(chain.w * rho)
    both = projection_norms(np.stack([h, -h]), chain.cos, chain.vers, chain.sin)
    return 2.0 * float(both.max(initial=0.0))


def lower_bound(rho: np.ndarray, y: np.ndarray, lam: float, M: float) -> float:
    """Best ``2 s rho.y - s^2 ||rho||^2`` over ``0 <= s <= lam / M`` (see :mod:`solvers.dual`)."""
    ry, rr = float(rho @ y), float(rho @ rho)
    if rr == 0.0:
        return 0.0
    s_max = np.inf if M <= 0 else lam / M
    s = min(max(ry / rr, 0.0), s_max)
    return max(0.0, 2.0 * s * ry - s * s * rr)
