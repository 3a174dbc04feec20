"""What the neurons of a network on inputs with a bias do: outputs, kinks, lines, and which ones matter."""

from __future__ import annotations

import math

import numpy as np

from .network import with_bias

OUTPUT_GRID_2D = 61  # side of the grid of outputs over the input plane
STRONG_SHARE = 0.01  # a neuron "matters" when |alpha_i| ||w_i|| is at least this share of the largest


def strengths(W: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """How much each neuron contributes: ``|alpha_i| ||w_i||`` (..., m)."""
    return np.abs(alpha) * np.linalg.norm(W, axis=-1)


def strong(W: np.ndarray, alpha: np.ndarray, share: float = STRONG_SHARE) -> np.ndarray:
    """Neurons whose ``|alpha_i| ||w_i||`` is at least ``share`` of the largest one (m,)."""
    s = strengths(W, alpha)
    top = float(s.max(initial=0.0))
    return s >= share * top if top > 0 else np.zeros(len(s), dtype=bool)


def outputs(W: np.ndarray, alpha: np.ndarray, X: np.ndarray) -> np.ndarray:
    """Outputs of a network, or of a batch, at the rows of a design matrix.

    Parameters
    ----------
    W : ndarray, shape (..., m, d)
    alpha : ndarray, shape (..., m)
    X : ndarray, shape (G, d)
        Inputs with their bias column if the network has one (:func:`landscape.with_bias`).

    Returns
    -------
    ndarray, shape (..., G)
    """
    return np.einsum("...m,...mg->...g", alpha, np.maximum(W @ X.T, 0.0))


def surface_2d(W, alpha, box, count: int = OUTPUT_GRID_2D):
    """Output over a grid of the input plane: (g1 (G,), g2 (G,), F (G, G)) with F[i, j] at (g1[j], g2[i])."""
    (lo1, hi1), (lo2, hi2) = box
    g1 = np.linspace(lo1, hi1, count)
    g2 = np.linspace(lo2, hi2, count)
    A, B = np.meshgrid(g1, g2)
    F = outputs(W, alpha, with_bias(np.column_stack([A.ravel(), B.ravel()]))).reshape(A.shape)
    return g1, g2, F


def kinks(W: np.ndarray) -> np.ndarray:
    """Activation points ``-b / w`` of 1-D neurons [w, b] (NaN for w = 0): (..., m)."""
    w, b = W[..., 0], W[..., 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        out = -b / w
    return np.where(np.abs(w) > 1e-12, out, np.nan)


def lines_2d(W: np.ndarray, box) -> tuple[np.ndarray, np.ndarray]:
    """Each neuron's line {x : w1 x1 + w2 x2 + b = 0} clipped to the box, as x/y arrays with NaN gaps.

    Neurons whose line misses the box are left out.
    """
    (x0, x1), (y0, y1) = box
    xs, ys = [], []
    for w1, w2, b in np.asarray(W, dtype=np.float64):
        seg = clip_line(w1, w2, b, x0, x1, y0, y1)
        if seg is not None:
            xs += [seg[0][0], seg[1][0], np.nan]
            ys += [seg[0][1], seg[1][1], np.nan]
    return np.asarray(xs), np.asarray(ys)


def clip_line(w1, w2, b, x0, x1, y0, y1):
    """Endpoints of the segment of w1 x + w2 y + b = 0 inside the rectangle, or None."""
    norm = math.hypot(w1, w2)
    if norm <= 1e-12 * max(1.0, abs(b)):
        return None
    hits = []
    if abs(w2) > 1e-15:
        for x in (x0, x1):
            y = -(w1 * x + b) / w2
            if y0 - 1e-12 <= y <= y1 + 1e-12:
                hits.append((x, y))
    if abs(w1) > 1e-15:
        for y in (y0, y1):
            x = -(w2 * y + b) / w1
            if x0 - 1e-12 <= x <= x1 + 1e-12:
                hits.append((x, y))
    if len(hits) < 2:
        return None
    hits.sort()
    return hits[0], hits[-1]
