"""The dual side of problem (2): the per-pattern dual check and the certified duality gap.

With the residual ``rho = y - sum_i D_i X (u_i - v_i)``, Fenchel duality gives, for every ``s`` with
``0 <= s <= lam / M``,

    optimum of (2)  >=  2 s rho.y - s^2 ||rho||^2,
    M = 2 * max_i max(||P_{K_i}(g_i)||, ||P_{K_i}(-g_i)||),   g_i = X^T D_i rho,

because ``z = -2 s rho`` is then dual feasible (``max_{u in K, ||u|| <= 1} g.u = ||P_K(g)||`` for a
closed convex cone K). At an optimum M = lam and s = 1 closes the gap. ``M <= lam`` over all
patterns is the dual check; a pattern with ``2 ||P_{K_i}(+-g_i)|| > lam`` would lower the objective
if it were given a neuron.

For lam = 0 the bound above is 0 unless M = 0 exactly; the lam = 0 optimum is the least-squares
distance from y to the span of all ReLU features (see :mod:`solvers.fast`), a lower bound for
every lam.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from .cones import Arrangement

FACET_SIDE = 1e-12  # a pair of rays spans a facet when the cone's other rays are on one side of it, to this
FACET_TOL = 1e-12  # a vector this close (relative) outside a facet's plane counts as inside the cone


def _facets(arr: Arrangement, owner: np.ndarray, ray_idx: np.ndarray, a: np.ndarray, b: np.ndarray):
    """Which pairs of rays of one cone span a facet, and the facet's unit normal towards the cone (rank 3).

    Parameters: the incidences' cones ``owner`` and rays ``ray_idx``, and the pairs as incidence indices
    ``a``, ``b``. A pair spans a facet when every other ray of its cone lies on one side of the plane
    through it; a pair across the cone (k >= 4 rays) has rays on both sides. The pair's own rays are left
    out: on a narrow cone their products with the normal are rounding noise of either sign.
    """
    rays, members = arr.rays, arr.members
    count = (members >= 0).sum(axis=1)
    cone = owner[a]
    normal = np.cross(rays[ray_idx[a]], rays[ray_idx[b]])
    normal /= np.linalg.norm(normal, axis=1, keepdims=True)
    low, high = np.zeros(len(a)), np.zeros(len(a))
    for k in np.unique(count[cone]):
        pick = np.flatnonzero(count[cone] == k)
        m = members[cone[pick], :k]  # a cone's rays come first in its row
        side = np.einsum("ckr,cr->ck", rays[m], normal[pick])
        own = (m == ray_idx[a[pick]][:, None]) | (m == ray_idx[b[pick]][:, None])
        side[own] = 0.0
        low[pick], high[pick] = side.min(axis=1), side.max(axis=1)
    facet = (low >= -FACET_SIDE) | (high <= FACET_SIDE)
    normal[high <= FACET_SIDE] *= -1.0
    return facet, normal


def dual_bound(rho: torch.Tensor, y: torch.Tensor, lam: float, M: float) -> float:
    """Best lower bound ``max_s 2 s rho.y - s^2 ||rho||^2`` over ``0 <= s <= lam / M``.

    Parameters
    ----------
    rho : tensor, shape (n,)
        ``y - prediction`` at a feasible point of (2).
    y : tensor, shape (n,)
    lam : float
    M : float
        ``2 * max_i ||P_{K_i}(+-X^T D_i rho)||`` over the patterns the bound is to hold for.
    """
    ry = float(rho @ y)
    rr = float(rho @ rho)
    if rr == 0.0:
        return 0.0  # y is fitted exactly; the bound is the trivial 0
    s_max = float("inf") if M <= 0 else lam / M
    s = min(max(ry / rr, 0.0), s_max)
    return max(0.0, 2.0 * s * ry - s * s * rr)


def _rowdot(A: torch.Tensor, B: torch.Tensor) -> torch.Tensor:
    """Row-wise inner products of two (N, r) tensors, column by column: torch's reduction over a short last
    dimension is 4-5 times slower. Each product is rounded before it is added (no fused multiply-add, which
    torch's vector kernels use in ``addcmul`` on some CPUs only): the same bits on every machine."""
    out = A[:, 0] * B[:, 0]
    for j in range(1, A.shape[1]):
        out = out + A[:, j] * B[:, j]
    return out


@dataclass
class RayCones:
    """The cones of an :class:`Arrangement` as flat torch tensors, ready for batched projections.

    Attributes
    ----------
    D : tensor, shape (P, n)
        Patterns as 0/1 floats.
    Z : tensor, shape (n, r)
    owner : tensor of int, shape (L,)
        Region of each (region, ray) incidence.
    E : tensor, shape (L, r)
        The ray of each incidence.
    """

    D: torch.Tensor
    Z: torch.Tensor
    owner: torch.Tensor
    E: torch.Tensor
    # Set by from_arrangement: the pairs of rays of each cone (see _norms for the rest of a pair's terms); for
    # rank 3 the cones' facets (their pairs and inward normals), or where a cone shows fewer than three, the
    # patterns' signs.
    _a: torch.Tensor = field(init=False, repr=False)
    _b: torch.Tensor = field(init=False, repr=False)
    _w: torch.Tensor = field(init=False, repr=False)
    _Ew: torch.Tensor = field(init=False, repr=False)
    _cov: torch.Tensor = field(init=False, repr=False)
    _aa: torch.Tensor = field(init=False, repr=False)
    _as: torch.Tensor = field(init=False, repr=False)
    _gram: torch.Tensor = field(init=False, repr=False)
    _pair_owner: torch.Tensor = field(init=False, repr=False)
    _sign: torch.Tensor | None = field(init=False, repr=False, default=None)
    _facet: torch.Tensor | None = field(init=False, repr=False, default=None)
    _normal: torch.Tensor | None = field(init=False, repr=False, default=None)

    @classmethod
    def from_arrangement(cls, arr: Arrangement, device=None) -> "RayCones":
        kw = dict(dtype=torch.float64, device=device)
        _, k = arr.members.shape
        p_idx, slot = np.nonzero(arr.members >= 0)
        ray_idx = arr.members[p_idx, slot]
        # Every pair of rays of one cone (pointed: never (anti)parallel).
        a_list, b_list = [], []
        start = np.concatenate([[0], np.cumsum((arr.members >= 0).sum(1))[:-1]])
        for i in range(k):
            for j in range(i + 1, k):
                both = np.flatnonzero((arr.members[:, i] >= 0) & (arr.members[:, j] >= 0))
                a_list.append(start[both] + i)
                b_list.append(start[both] + j)
        rays = torch.tensor(arr.rays, **kw)  # copies: the arrangement's arrays are read-only
        obj = cls(
            torch.tensor(arr.patterns, **kw),
            torch.tensor(arr.Z, **kw),
            torch.as_tensor(p_idx, device=device),
            rays[torch.as_tensor(ray_idx, device=device)],
        )
        a_np = np.concatenate(a_list) if a_list else np.zeros(0, dtype=np.int64)
        b_np = np.concatenate(b_list) if b_list else np.zeros(0, dtype=np.int64)
        a, b = torch.as_tensor(a_np, device=device), torch.as_tensor(b_np, device=device)
        C = (obj.E[a] * obj.E[b]).sum(1)
        obj._a, obj._b = a, b
        # A narrow pair (C >= 0) through e_a - e_b, a wide one through e_a + e_b: |e_a - w e_b|^2 = 2 (1 - w C)
        # to full relative precision where 1 -+ C itself would have lost it.
        obj._w = torch.where(C >= 0, 1.0, -1.0).to(C.dtype)
        obj._Ew = obj.E[a] - obj._w[:, None] * obj.E[b]
        obj._cov = 0.5 * (obj._Ew * obj._Ew).sum(1)
        # The Gram matrix of e_a and s = e_a - w e_b, which span the pair's plane: no unit length assumed, and
        # its determinant |e_a|^2 |s|^2 - (e_a.s)^2 keeps its digits (the product is a small share of it).
        obj._aa = (obj.E[a] * obj.E[a]).sum(1)
        obj._as = (obj.E[a] * obj._Ew).sum(1)
        obj._gram = (obj._aa * 2.0 * obj._cov - obj._as * obj._as).clamp(min=1e-300)
        obj._pair_owner = obj.owner[a]
        obj._facet, obj._normal, obj._sign = None, None, None
        if arr.Z.shape[1] != 3:
            return obj  # below rank 3 no vector lies in a cone's interior: the rays and pairs decide
        facet, normal = _facets(arr, p_idx, ray_idx, a_np, b_np)
        if len(a_np) and np.all(np.bincount(p_idx[a_np[facet]], minlength=len(arr.patterns)) >= 3):
            obj._facet = torch.as_tensor(np.flatnonzero(facet), device=device)
            obj._normal = torch.as_tensor(normal[facet], **kw)
        else:
            # +-1 per row and pattern, in one byte each: on 500 points in 2-D the patterns are 250 000 x 500.
            obj._sign = torch.as_tensor(np.where(arr.patterns, 1, -1).astype(np.int8), device=device)
        return obj

    def gradients(self, rho: torch.Tensor) -> torch.Tensor:
        """``g_i = Z^T D_i rho`` for every pattern: shape (P, r)."""
        return self.D @ (self.Z * rho[:, None])

    def projection_norms(self, g: torch.Tensor) -> torch.Tensor:
        """``||P_{K_i}(g_i)||`` for every cone at once.

        The projection of g onto a pointed polyhedral cone is g itself, or its projection onto the
        cone of two extreme rays spanning a facet, or onto one extreme ray. Each such candidate is a
        point of K whose norm is at most ``||P_K(g)||`` (``||P_C g||^2 = ||g||^2 - dist(g, C)^2`` for
        a cone C), so the largest over all rays, all pairs of rays and (if g lies in K) g itself is
        exactly ``||P_K(g)||`` -- no facet list is needed.

        Parameters
        ----------
        g : tensor, shape (P, r)

        Returns
        -------
        tensor, shape (P,)
        """
        inside = self._inside_pm(g)[:1] if self.Z.shape[1] == 3 else None
        return self._norms(g, inside)[0]

    def projection_norms_pm(self, g: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``(||P_{K_i}(g_i)||, ||P_{K_i}(-g_i)||)`` in one pass: every product only changes sign for ``-g``."""
        inside = self._inside_pm(g) if self.Z.shape[1] == 3 else None
        plus, minus = self._norms(g, inside, opposite=True)
        return plus, minus

    def _inside_facets(self, g: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Whether ``+-g_i`` lie in ``K_i``, from the cone's facets only (a pointed cone in R^3 is the
        intersection of the half-spaces of its facets). A vector within ``FACET_TOL |g|`` of a facet's plane
        counts as on it: calling a vector inside when it is that close outside changes its norm by a
        second-order amount, and keeps the bound safe."""
        assert self._facet is not None and self._normal is not None
        owner = self._pair_owner[self._facet]
        v = _rowdot(self._normal, g[owner])
        tol = FACET_TOL * g.norm(dim=1)[owner]
        out = torch.zeros(len(g), dtype=g.dtype, device=g.device)
        plus = out.scatter_reduce(0, owner, (v < -tol).to(g.dtype), reduce="amax") == 0
        minus = out.scatter_reduce(0, owner, (v > tol).to(g.dtype), reduce="amax") == 0
        return plus, minus

    def _inside_pm(self, g: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Whether ``g_i`` and ``-g_i`` lie in ``K_i`` (rank 3): from the facets, or from every row."""
        return self._inside_facets(g) if self._facet is not None else self._inside_rows(g)

    def _inside_rows(self, g: torch.Tensor, chunk: int = 16384) -> tuple[torch.Tensor, torch.Tensor]:
        """Whether ``g_i`` and ``-g_i`` lie in ``K_i``: every row's sign agrees with the pattern (ties count).

        A chunk of cones at a time, in one reused buffer: on 500 points the products are 250 000 x 500, and
        allocating fresh memory for them cost more than computing them.
        """
        assert self._sign is not None
        plus = torch.empty(len(g), dtype=torch.bool, device=g.device)
        minus = torch.empty_like(plus)
        ZT = self.Z.T.contiguous()
        buf = torch.empty((min(chunk, len(g)), ZT.shape[1]), dtype=g.dtype, device=g.device)
        for s in range(0, len(g), chunk):
            part = slice(s, s + chunk)
            t = torch.mm(g[part], ZT, out=buf[: len(g[part])]).mul_(self._sign[part])
            plus[part] = t.amin(dim=1) >= 0
            minus[part] = t.amax(dim=1) <= 0
        return plus, minus

    def _norms(self, g: torch.Tensor, inside, opposite: bool = False) -> list[torch.Tensor]:
        """Projection norms of ``g`` (P, r), and with ``opposite`` of ``-g`` as well (a list of one or two).

        For ``-g`` every product with a ray and every pair's coefficients change sign and the candidate
        norms do not, so one pass serves both. ``inside`` (rank 3): whether each ``+-g_i`` lies in its cone.
        """
        ge = _rowdot(self.E, g[self.owner])
        if len(self._a):
            # With g = l_a e_a + l_b e_b + (normal part), sin^2 l_a = ga - C gb and sin^2 l_b = gb - C ga. On a
            # narrow pair ga and gb nearly agree and these cancel; near a half-plane they nearly cancel each
            # other. Written through e = g.s, s = e_a - w e_b, a product of its own, and cov = 1 - w C, both are
            # sums of non-negative terms when g is between the rays (as in :func:`solvers.chain.projection_norms`).
            # The squared norm of g's projection onto the pair's plane, in the basis (e_a, s), is
            # (|s|^2 ga^2 - 2 (e_a.s) ga e + |e_a|^2 e^2) / gram: positive terms, but for the middle one, which is
            # a small share of the rest.
            ga, gb = ge[self._a], ge[self._b]
            e = _rowdot(self._Ew, g[self._pair_owner])
            wc = self._w * self._cov
            la = e + wc * gb  # both scaled by sin^2 > 0: only their signs are used
            lb = wc * ga - self._w * e
            value = (2.0 * self._cov * ga * ga - 2.0 * self._as * ga * e + self._aa * e * e) / self._gram
        gg = _rowdot(g, g) if inside is not None else None  # the norm of a vector inside its cone
        out = []
        for k, sign in enumerate((1.0, -1.0)[: 1 + opposite]):
            best = torch.zeros(len(g), dtype=g.dtype, device=g.device)
            best = best.scatter_reduce(0, self.owner, (sign * ge).clamp(min=0.0) ** 2, reduce="amax")
            if len(self._a):
                facet = (la >= 0) & (lb >= 0) if sign > 0 else (la <= 0) & (lb <= 0)
                val = torch.where(facet, value, torch.zeros_like(value))
                best = best.scatter_reduce(0, self._pair_owner, val, reduce="amax")
            if gg is not None:
                best = torch.where(inside[k], gg, best)
            out.append(best.clamp(min=0.0).sqrt())
        return out
