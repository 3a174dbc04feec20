"""What the neurons do during gradient descent: distinct patterns, kink movement, plateau and drop.

Each neuron [w, b] of a network on 1-D inputs with bias has an activation point (kink) at x = -b/w and
faces right (w > 0) or left (w < 0). With a small start the output is negligible for a while: the
neurons grow slowly while they *turn* towards a few directions (a plateau of the loss), then the loss
drops fast and most of the weight sits in a few kinks. With a large start the network is close to its
linearisation (the lazy regime): the kinks hardly move and the fit interpolates with many of them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .neurons import kinks, strong


def distinct_patterns(W: np.ndarray, alpha: np.ndarray, X: np.ndarray, share: float | None = None) -> np.ndarray:
    """Number of distinct activation patterns among the neurons at each snapshot: (T,).

    With ``share``, only neurons with ``|alpha_i| ||w_i||`` at least that share of the largest count
    (the neurons that make the output); without, every neuron counts, however small.
    """
    counts = []
    for Wt, at in zip(W, alpha):
        pats = Wt @ X.T >= 0  # (m, n)
        if share is not None:
            pats = pats[strong(Wt, at, share)]
        counts.append(len(np.unique(pats, axis=0)) if len(pats) else 0)
    return np.asarray(counts)


def kink_movement(W: np.ndarray, alpha: np.ndarray, box: tuple[float, float]) -> float:
    """Median distance the activation points of the neurons that matter travel, start to end.

    Only neurons that matter at the end and whose kink lies inside ``box`` at the start or at the
    end are counted (a kink far outside the data moves a lot for no effect).
    """
    k0, k1 = kinks(W[0]), kinks(W[-1])
    lo, hi = box
    inside = ((k0 >= lo) & (k0 <= hi)) | ((k1 >= lo) & (k1 <= hi))
    keep = inside & strong(W[-1], alpha[-1]) & np.isfinite(k0) & np.isfinite(k1)
    if not keep.any():
        return float("nan")
    return float(np.median(np.abs(np.clip(k1[keep], lo, hi) - np.clip(k0[keep], lo, hi))))


@dataclass(frozen=True)
class Phases:
    """The shape of a loss curve: how long it stays flat and how fast it then falls."""

    plateau: int  # last step with the loss still within 10% of its start
    drop: int | None  # first step where it is 100 times below its start (None: never)

    @property
    def drop_steps(self) -> int | None:
        return None if self.drop is None else self.drop - self.plateau


def phases(loss: np.ndarray) -> Phases:
    loss = np.asarray(loss, dtype=np.float64)
    below = np.flatnonzero(loss < 0.9 * loss[0])
    plateau = int(below[0]) - 1 if len(below) else len(loss) - 1
    fallen = np.flatnonzero(loss < 0.01 * loss[0])
    return Phases(plateau=max(plateau, 0), drop=int(fallen[0]) if len(fallen) else None)
