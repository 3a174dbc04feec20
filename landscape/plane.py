"""A window onto the high-dimensional landscape: objective (1) on the plane through three networks.

The parameters of a width-m network form one vector theta = (W, alpha) in R^{m(d+1)}. Three of them
-- the GD start, the GD endpoint and the convex optimum mapped to a network -- span a plane (an affine
2-D subspace), and the loss restricted to it is a function of two numbers that can be drawn. The
convex optimum has its own, usually smaller, number of neurons: it is padded with zero neurons (which
change neither the output nor the weight decay) and its neurons are put in the order that best
matches the GD endpoint (a linear assignment on the weights), so that the straight segment between
the two moves each neuron to its nearest counterpart rather than to an arbitrary one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from .network import objective


def pad(W: np.ndarray, alpha: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Append zero neurons up to ``width``."""
    extra = width - len(W)
    if extra < 0:
        raise ValueError(f"cannot pad {len(W)} neurons down to {width}")
    return (np.vstack([W, np.zeros((extra, W.shape[1]))]), np.concatenate([alpha, np.zeros(extra)]))


def match(W_ref: np.ndarray, a_ref: np.ndarray, W: np.ndarray, alpha: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Reorder the neurons of (W, alpha), padded to the width of the reference, to sit closest to it.

    Minimises ``sum_i ||(w_ref_i, a_ref_i) - (w_pi(i), a_pi(i))||^2`` over permutations pi.
    Both networks must have the same width (pad first).
    """
    A = np.column_stack([W_ref, a_ref])
    B = np.column_stack([W, alpha])
    cost = np.sum(A * A, axis=1)[:, None] + np.sum(B * B, axis=1)[None, :] - 2.0 * A @ B.T
    rows, cols = linear_sum_assignment(cost)
    order = cols[np.argsort(rows)]
    return W[order], alpha[order]


def flatten(W: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    return np.concatenate([W.ravel(), alpha])


def unflatten(theta: np.ndarray, m: int, d: int) -> tuple[np.ndarray, np.ndarray]:
    return theta[: m * d].reshape(m, d), theta[m * d :]


@dataclass(frozen=True)
class Slice:
    """Objective (1) on the plane ``theta(a, b) = origin + a e1 + b e2``.

    Attributes
    ----------
    origin, e1, e2 : ndarray (m (d + 1),)
        The GD endpoint and an orthonormal basis of the plane.
    m, d : int
    names : tuple of str
        The three networks: "start", "end", "optimum".
    coords : ndarray (3, 2)
        Their plane coordinates (the endpoint is at (0, 0), the optimum on the positive a-axis).
    losses : ndarray (3,)
        Their objective (1).
    a, b : ndarray
        Grid axes; they include the three networks' coordinates, so the grid passes through them.
    Z : ndarray (len(b), len(a))
        Loss on the grid, ``Z[i, j]`` at ``(a[j], b[i])``.
    t, path : ndarray
        The straight segment from the GD endpoint (t = 0) to the optimum (t = 1) and the loss along it.
    """

    origin: np.ndarray
    e1: np.ndarray
    e2: np.ndarray
    m: int
    d: int
    names: tuple
    coords: np.ndarray
    losses: np.ndarray
    a: np.ndarray
    b: np.ndarray
    Z: np.ndarray
    t: np.ndarray
    path: np.ndarray

    def network(self, a: float, b: float) -> tuple[np.ndarray, np.ndarray]:
        """The network at plane coordinates (a, b)."""
        return unflatten(self.origin + a * self.e1 + b * self.e2, self.m, self.d)

    @property
    def barrier(self) -> float:
        """Highest loss on the straight segment above the larger of its two ends (0: no hill to climb)."""
        return float(max(0.0, self.path.max() - max(self.path[0], self.path[-1])))


def _basis(origin, towards, third, rng) -> tuple[np.ndarray, np.ndarray]:
    """Orthonormal e1 (towards ``towards``) and e2 (towards ``third``); any direction when degenerate."""
    dim = len(origin)
    u = towards - origin
    scale = max(float(np.linalg.norm(towards)), float(np.linalg.norm(origin)), float(np.linalg.norm(third)), 1.0)
    if np.linalg.norm(u) <= 1e-12 * scale:
        u = third - origin
    if np.linalg.norm(u) <= 1e-12 * scale:
        u = rng.standard_normal(dim)
    e1 = u / np.linalg.norm(u)
    v = third - origin
    v = v - (v @ e1) * e1
    if np.linalg.norm(v) <= 1e-9 * scale:
        v = rng.standard_normal(dim)
        v -= (v @ e1) * e1
    e2 = v / np.linalg.norm(v)
    return e1, e2


def plane_losses(X, y, lam, origin, e1, e2, m, d, A, B) -> np.ndarray:
    """Objective (1) at plane coordinates A, B (same shape), evaluated exactly.

    Pre-activations and weights are affine in (a, b), so ``X W(a, b)^T = P0 + a Pa + b Pb``.
    """
    W0, a0 = unflatten(origin, m, d)
    W1, a1 = unflatten(e1, m, d)
    W2, a2 = unflatten(e2, m, d)
    P0, P1, P2 = X @ W0.T, X @ W1.T, X @ W2.T  # (n, m)
    A = np.asarray(A, dtype=np.float64)
    B = np.asarray(B, dtype=np.float64)
    flat_a, flat_b = A.ravel(), B.ravel()
    out = np.empty(flat_a.shape)
    chunk = max(1, 2_000_000 // max(1, P0.size))  # keeps each (k, n, m) block near 16 MB
    for s in range(0, len(flat_a), chunk):
        ca = flat_a[s : s + chunk, None, None]
        cb = flat_b[s : s + chunk, None, None]
        H = np.maximum(P0 + ca * P1 + cb * P2, 0.0)  # (k, n, m)
        alpha = a0 + ca[:, 0] * a1 + cb[:, 0] * a2  # (k, m)
        r = np.einsum("knm,km->kn", H, alpha) - y
        theta = origin + ca[:, 0] * e1 + cb[:, 0] * e2  # (k, P)
        out[s : s + chunk] = np.sum(r * r, axis=1) + 0.5 * lam * np.sum(theta * theta, axis=1)
    return out.reshape(A.shape)


def resolution_for(n: int, m: int, budget: float = 1.2e8) -> int:
    """Grid side so that the slice costs about ``budget`` multiply-adds (31 to 81)."""
    return int(np.clip(np.sqrt(budget / max(1, n * m)), 31, 81))


def landscape_slice(
    X, y, lam, start, end, optimum, resolution: int | None = None, margin: float = 0.35, path_points: int = 201
) -> Slice:
    """The plane through the GD start, the GD endpoint and the (matched) convex optimum.

    Parameters
    ----------
    X, y, lam : the problem
    start, end : (W (m, d), alpha (m,))
        GD start and endpoint.
    optimum : (W (k, d), alpha (k,))
        The network of the convex solution; padded with zero neurons to the common width and matched.
    """
    (Ws, as_), (We, ae), (Wo, ao) = start, end, optimum
    d = X.shape[1]
    m = max(len(We), len(Wo))
    Ws, as_ = pad(np.asarray(Ws, float), np.asarray(as_, float), m)
    We, ae = pad(np.asarray(We, float), np.asarray(ae, float), m)
    Wo, ao = pad(np.asarray(Wo, float).reshape(-1, d), np.asarray(ao, float), m)
    Wo, ao = match(We, ae, Wo, ao)
    t_start, t_end, t_opt = flatten(Ws, as_), flatten(We, ae), flatten(Wo, ao)
    e1, e2 = _basis(t_end, t_opt, t_start, np.random.default_rng(0))
    thetas = np.stack([t_start, t_end, t_opt])
    if resolution is None:
        resolution = resolution_for(X.shape[0], m)
    coords = np.stack([(thetas - t_end) @ e1, (thetas - t_end) @ e2], axis=1)
    coords[1] = 0.0  # the endpoint is the origin, and the optimum lies on the a-axis, exactly
    coords[2, 1] = 0.0
    losses = np.array([objective(*unflatten(th, m, d), X, y, lam) for th in thetas])

    lo, hi = coords.min(axis=0), coords.max(axis=0)
    span = np.maximum(hi - lo, 1e-3 * max(1.0, float(np.abs(coords).max())))
    span = np.maximum(span, 0.2 * span.max())
    lo, hi = lo - margin * span, hi + margin * span
    a = np.unique(np.concatenate([np.linspace(lo[0], hi[0], resolution), coords[:, 0]]))
    b = np.unique(np.concatenate([np.linspace(lo[1], hi[1], resolution), coords[:, 1]]))
    Agrid, Bgrid = np.meshgrid(a, b)
    Z = plane_losses(X, y, lam, t_end, e1, e2, m, d, Agrid, Bgrid)

    t = np.linspace(0.0, 1.0, path_points)
    path = plane_losses(X, y, lam, t_end, e1, e2, m, d, t * coords[2, 0], t * coords[2, 1])
    return Slice(
        origin=t_end,
        e1=e1,
        e2=e2,
        m=m,
        d=d,
        names=("start", "end", "optimum"),
        coords=coords,
        losses=losses,
        a=a,
        b=b,
        Z=Z,
        t=t,
        path=path,
    )
