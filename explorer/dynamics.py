"""Small versus large initialisation on the same 1-D data: what the neurons do during gradient descent.

Each neuron [w, b] of a network on 1-D inputs with bias has an activation point (kink) at x = -b/w and
faces right (w > 0) or left (w < 0). With a small start the output is negligible for a while: the
neurons grow slowly while they *turn* towards a few directions (a plateau of the loss), then the loss
drops fast and most of the weight sits in a few kinks. With a large start the network is close to its
linearisation (the lazy regime): the kinks hardly move and the fit interpolates with many of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

import landscape as L

from . import general as G


@dataclass(frozen=True)
class Regime:
    """One of the two runs."""

    name: str
    scale: float
    step: float  # the step size used (the large start may use a smaller one than asked for)
    capped: bool  # True when ``step`` was lowered to keep this start from diverging
    run: L.DescentPath


def pair(
    X, y, m, small, large, step, steps, lam, seed, progress: Callable[[int, int], None] | None = None
) -> tuple[Regime, Regime]:
    """Train from the same Gaussian draw scaled to ``small`` and to ``large``.

    The small start uses the step size ``step``; the large one uses ``min(step, stable_step)`` where
    the stable step is 1 / (curvature of the fit at its start): a large start has a curvature about
    (large / small)^2 times higher, and with the same step it would diverge at once.
    """
    W1, a1 = G.initial_network(m, X.shape[1], 1.0, seed)
    out = []
    for k, (name, scale) in enumerate((("small", small), ("large", large))):
        W0, a0 = W1 * scale, a1 * scale
        safe = L.stable_step(X, W0[0], a0[0], lam)
        used = min(step, safe) if name == "large" else step
        report = None if progress is None else _offset(progress, k)
        run = G.train(X, y, W0, a0, lam=lam, step=used, steps=steps, snapshots=250, progress=report)
        out.append(Regime(name, scale, used, used < step, run))
    return out[0], out[1]


def _offset(progress: Callable[[int, int], None], k: int) -> Callable[[int, int], None]:
    """Report the k-th of two runs as part of one bar."""
    return lambda done, total: progress(k * total + done, 2 * total)


def frame_indices(snap_steps: np.ndarray, count: int = 36) -> np.ndarray:
    """Snapshot indices for an animation: denser early, where a small start does its turning."""
    T = len(snap_steps)
    if T <= count:
        return np.arange(T)
    q = np.linspace(0.0, 1.0, count) ** 2
    idx = np.unique(np.round(q * (T - 1)).astype(int))
    return idx


def data_1d(points) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inputs (n, 1), design with bias (n, 2) and labels for (x, y) pairs."""
    arr = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    return arr[:, :1], L.with_bias(arr[:, :1]), arr[:, 1]
