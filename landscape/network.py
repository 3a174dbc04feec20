"""The two-layer ReLU network and its regularised training objective (1), in float64 numpy.

Conventions (used everywhere in this project)
---------------------------------------------
* ``X`` has shape (n, d), one data point per row; ``y`` has shape (n,).
* A bias is a column of ones appended to ``X`` (:func:`with_bias`), so it is one coordinate of each
  ``w_i`` and is regularised with it.
* The network is ``f(x) = sum_i alpha_i * max(0, w_i . x)`` with ``W`` of shape (m, d), ``alpha`` (m,).
* Objective (1) is a *sum* of squares with weight decay lambda/2::

      ||f(X) - y||^2 + (lambda / 2) * sum_i (||w_i||^2 + alpha_i^2)

  The poster writes lambda instead of lambda/2; with lambda/2, (1) and the convex problem (2) have the
  same optimal value, because at an optimum ||w_i||^2 = alpha_i^2 = ||u_i|| (AM-GM on the rescaling).
"""

from __future__ import annotations

import numpy as np

from .validation import as_data, as_matrix, as_nonnegative


def with_bias(x) -> np.ndarray:
    """Append a column of ones to the inputs.

    Parameters
    ----------
    x : array_like, shape (n,) or (n, d)
        Inputs; a 1-D array is read as n scalar inputs.

    Returns
    -------
    ndarray, shape (n, d + 1)
        ``[x, 1]`` in float64.
    """
    X = as_matrix(x, "x")
    return np.hstack([X, np.ones((X.shape[0], 1))])


def as_network(W, alpha, d: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Validate a network: ``W`` (m, d) and ``alpha`` (m,). An empty network (m = 0) is allowed."""
    try:
        W = np.asarray(W, dtype=np.float64)
        alpha = np.asarray(alpha, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise ValueError("W and alpha must be numeric arrays of shapes (m, d) and (m,).") from None
    if W.ndim == 1 and d is not None and W.size % d == 0:
        W = W.reshape(-1, d)
    if W.ndim != 2:
        raise ValueError(f"W must have shape (m, d); got shape {W.shape}.")
    if d is not None and W.shape[1] != d:
        raise ValueError(f"W has {W.shape[1]} columns but the data have d = {d} coordinates per point.")
    if alpha.shape[0] != W.shape[0]:
        raise ValueError(f"alpha has {alpha.shape[0]} entries but W has {W.shape[0]} neurons (rows).")
    if not (np.all(np.isfinite(W)) and np.all(np.isfinite(alpha))):
        raise ValueError("The network contains NaN or infinite weights.")
    return W, alpha


def predict(W, alpha, X) -> np.ndarray:
    """Network output ``f(X) = max(0, X W^T) alpha``.

    Parameters
    ----------
    W : array_like, shape (m, d)
    alpha : array_like, shape (m,)
    X : array_like, shape (n, d)

    Returns
    -------
    ndarray, shape (n,)
    """
    X = as_matrix(X)
    W, alpha = as_network(W, alpha, X.shape[1])
    return np.maximum(X @ W.T, 0.0) @ alpha


def objective(W, alpha, X, y, lam) -> float:
    """Objective (1): ``||f(X) - y||^2 + (lam/2) * sum_i (||w_i||^2 + alpha_i^2)``.

    Parameters
    ----------
    W : array_like, shape (m, d)
        First-layer weights, one neuron per row.
    alpha : array_like, shape (m,)
        Second-layer weights.
    X : array_like, shape (n, d)
    y : array_like, shape (n,)
    lam : float >= 0
        Weight-decay strength (the lambda of the convex problem (2)).

    Returns
    -------
    float
    """
    X, y = as_data(X, y)
    lam = as_nonnegative(lam, "lam")
    W, alpha = as_network(W, alpha, X.shape[1])
    residual = np.maximum(X @ W.T, 0.0) @ alpha - y
    return float(residual @ residual + 0.5 * lam * (np.sum(W * W) + alpha @ alpha))


def activation_patterns(W, X) -> np.ndarray:
    """Which points each neuron activates: ``1[X w_i >= 0]``.

    Returns
    -------
    ndarray of bool, shape (m, n)
    """
    X = as_matrix(X)
    W = as_matrix(W, "W")
    if W.shape[1] != X.shape[1]:
        raise ValueError(f"W has {W.shape[1]} columns but X has {X.shape[1]}.")
    return (W @ X.T) >= 0


__all__ = ["with_bias", "predict", "objective", "activation_patterns", "as_network"]
