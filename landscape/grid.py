"""The poster's low-dimensional landscapes: scalar inputs, no bias, second layer fixed to alpha = 1.

``L(w1, w2) = sum_j (max(0, x_j w1) + max(0, x_j w2) - y_j)^2 + (lam/2)(w1^2 + w2^2 + 2)``

The constant ``lam`` (from alpha_i^2 = 1) keeps these values identical to :func:`landscape.objective`
with ``alpha = (1, 1)``, so a point read off the surface is the same number shown everywhere else.
"""

from __future__ import annotations

import numpy as np
import torch

from .validation import as_nonnegative, as_vector


def _scalar_data(x, y) -> tuple[torch.Tensor, torch.Tensor]:
    xv = as_vector(x, name="x")
    yv = as_vector(y, len(xv), "y")
    return torch.from_numpy(np.ascontiguousarray(xv)), torch.from_numpy(np.ascontiguousarray(yv))


def _axis(values, name: str) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(as_vector(values, name=name)))


def loss_grid(x, y, w1, w2, lam: float = 0.0) -> np.ndarray:
    """Two-neuron loss ``L(w1, w2)`` on the grid ``w1 x w2``, all grid points at once.

    Parameters
    ----------
    x, y : array_like, shape (n,)
        Scalar inputs and labels.
    w1 : array_like, shape (a,)
        Values of the first neuron's weight (the horizontal axis).
    w2 : array_like, shape (b,)
        Values of the second neuron's weight (the vertical axis).
    lam : float >= 0
        Weight decay of objective (1).

    Returns
    -------
    ndarray, shape (b, a)
        ``L[i, j] = L(w1[j], w2[i])`` -- rows follow w2, as plotting libraries expect for ``z``.
    """
    xt, yt = _scalar_data(x, y)
    lam = as_nonnegative(lam, "lam")
    a, b = _axis(w1, "w1"), _axis(w2, "w2")
    # Expanding the square turns the sum over points into one matrix product (b, n) @ (n, a):
    # ||h1 + h2 - y||^2 = ||h1 - y||^2 + ||h2||^2 + 2 h2 . (h1 - y).
    h1 = torch.relu(a[:, None] * xt[None, :])  # (a, n)
    h2 = torch.relu(b[:, None] * xt[None, :])  # (b, n)
    r1 = h1 - yt
    data = (r1 * r1).sum(-1)[None, :] + (h2 * h2).sum(-1)[:, None] + 2.0 * (h2 @ r1.T)
    # Rounding in the expansion can leave -1e-16 where the true value is 0.
    data = data.clamp_min(0.0)
    reg = 0.5 * lam * (a[None, :] ** 2 + b[:, None] ** 2 + 2.0)
    return (data + reg).numpy()


def loss_curve(x, y, w, lam: float = 0.0) -> np.ndarray:
    """One-neuron loss ``L(w) = sum_j (max(0, x_j w) - y_j)^2 + (lam/2)(w^2 + 1)`` with alpha = 1.

    Parameters
    ----------
    x, y : array_like, shape (n,)
    w : array_like, shape (a,)
    lam : float >= 0

    Returns
    -------
    ndarray, shape (a,)
    """
    xt, yt = _scalar_data(x, y)
    lam = as_nonnegative(lam, "lam")
    wt = _axis(w, "w")
    residual = torch.relu(wt[:, None] * xt[None, :]) - yt
    return ((residual * residual).sum(-1) + 0.5 * lam * (wt**2 + 1.0)).numpy()
