"""The row space of a data matrix, where activation patterns are enumerated, and when a point is on a hyperplane."""

from __future__ import annotations

import numpy as np

TIE = 1e-10  # relative tolerance for "this point lies on the hyperplane"


def row_space(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row-space coordinates of X and the basis that maps them back.

    A full-rank X with d <= 3 is used as it is (ties on grids stay exact), otherwise an SVD basis of
    the row space. Both pattern enumerators work in these coordinates.

    Returns
    -------
    Z : ndarray, shape (n, r)
    basis : ndarray, shape (r, d)
        Orthonormal rows; a weight ``u_z`` in R^r is ``u_z @ basis`` in R^d, with the same norm
        and ``X (u_z @ basis) = Z u_z``.
    """
    n, d = X.shape
    if np.abs(X).max() == 0:
        return np.zeros((n, 0)), np.zeros((0, d))
    if d <= 3 and np.linalg.matrix_rank(X) == d:
        return X.copy(), np.eye(d)
    _, s, Vt = np.linalg.svd(X, full_matrices=False)
    r = int(np.sum(s > s[0] * max(n, d) * np.finfo(float).eps * 16))
    return X @ Vt[:r].T, Vt[:r].copy()
