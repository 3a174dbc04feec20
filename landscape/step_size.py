"""A step size gradient descent can take from a given network without blowing up."""

from __future__ import annotations

import numpy as np


def stable_step(X: np.ndarray, W: np.ndarray, alpha: np.ndarray, lam: float) -> float:
    """A step size that does not blow up near (W, alpha): 1 / (largest curvature of the fit term).

    The Gauss–Newton curvature of ``||f(X) - y||^2`` is ``2 J J^T`` with J the Jacobian of the outputs;
    ``J J^T = relu(XW^T) relu(XW^T)^T + (1[XW^T > 0] diag(alpha^2) 1[XW^T > 0]^T) * (X X^T)`` is n x n.
    """
    P = X @ W.T
    H = np.maximum(P, 0.0)
    M = (P > 0).astype(np.float64)
    K = H @ H.T + ((M * alpha**2) @ M.T) * (X @ X.T)
    top = float(np.linalg.eigvalsh(K)[-1]) if len(K) else 0.0
    return 1.0 / (2.0 * top + lam + 1e-12)
