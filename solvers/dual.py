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

from dataclasses import dataclass

import torch

from .cones import Arrangement


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


@dataclass
class RayCones:
    """The cones of an :class:`Arrangement` as torch tensors, ready for batched projections.

    Attributes
    ----------
    D : tensor, shape (P, n)
        Patterns as 0/1 floats.
    Z : tensor, shape (n, r)
    E : tensor, shape (P, k, r)
        Extreme rays of each cone (zero rows where padded).
    mask : tensor of bool, shape (P, k)
    """

    D: torch.Tensor
    Z: torch.Tensor
    E: torch.Tensor
    mask: torch.Tensor

    @classmethod
    def from_arrangement(cls, arr: Arrangement, device=None) -> "RayCones":
        kw = dict(dtype=torch.float64, device=device)
        members = torch.as_tensor(arr.members, device=device)
        mask = members >= 0
        rays = torch.as_tensor(arr.rays, **kw)
        E = rays[members.clamp(min=0)] * mask[..., None]
        obj = cls(torch.as_tensor(arr.patterns, **kw), torch.as_tensor(arr.Z, **kw), E, mask)
        k = E.shape[1]
        C = E @ E.transpose(1, 2)
        det = 1.0 - C * C
        upper = torch.triu(torch.ones(k, k, dtype=torch.bool, device=E.device), diagonal=1)
        # Distinct rays of one pointed cone are never (anti)parallel; the guard only skips padding.
        obj._C = C
        obj._det = torch.where(det > 1e-14, det, torch.ones_like(det))
        obj._pair = upper[None] & mask[:, :, None] & mask[:, None, :] & (det > 1e-14)
        obj._sign = 2.0 * obj.D - 1.0
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
        ge = torch.einsum("pkr,pr->pk", self.E, g)
        best = torch.where(self.mask, ge.clamp(min=0.0), torch.zeros_like(ge)).amax(dim=1) ** 2
        if self.E.shape[1] > 1:
            ga, gb = ge[:, :, None], ge[:, None, :]
            la = (ga - self._C * gb) / self._det
            lb = (gb - self._C * ga) / self._det
            ok = self._pair & (la >= 0) & (lb >= 0)
            val = torch.where(ok, la * ga + lb * gb, torch.zeros_like(la))
            best = torch.maximum(best, val.flatten(1).amax(dim=1))
        if self.Z.shape[1] == 3:
            inside = (self._sign * (g @ self.Z.T)).amin(dim=1) >= 0
            best = torch.where(inside, (g * g).sum(1), best)
        return best.clamp(min=0.0).sqrt()
