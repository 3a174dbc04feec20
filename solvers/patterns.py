"""Activation patterns ``D = diag(1[X g >= 0])`` of a data matrix: exact for rank <= 3, else sampled.

The patterns are the faces of the hyperplane arrangement ``{w : x_j . w = 0}`` in weight space.
With ``>=``, points on a hyperplane count as active, so lower-dimensional faces (a line through two
points, say) can carry patterns no open region has -- e.g. both of ``x`` and ``-x`` active. Those are
patterns of the ReLU network too, so they are returned.

Exact enumeration works in the row space of X, of dimension r = rank(X), with the one arrangement
enumerator of :mod:`solvers.cones` (:func:`solvers.cones.face_patterns`):

* r = 1: the two half-lines.
* r = 2: an angular sweep -- every critical direction (perpendicular to a row) and every bisector
  between two consecutive ones.
* r = 3: the arrangement is essential, so every face other than the origin is a pointed cone
  whose closure contains an extreme ray ``+-(x_i x x_j)``. Around each ray the faces are found by a
  2-D sweep of the rows that vanish on it; in general position that is just the four sign choices
  of the two rows through the ray. This is O(n^3).

The all-ones pattern (``w = 0``) is always included.
"""

from __future__ import annotations

import numpy as np

from landscape.validation import as_count, as_matrix

from .cones import face_patterns
from .row_space import TIE, row_space

UNRESOLVED = 10 * TIE  # rows closer than this in angle may be one hyperplane to the enumeration (solvers/cones.py)
PARALLEL = 1e-13  # ... and closer than this, the same one (a repeated input, or a multiple of it)


def _unique_rows(patterns: np.ndarray, keep_off: bool = False) -> np.ndarray:
    """Distinct rows (non-zero ones only unless ``keep_off``), in order of first appearance."""
    if not keep_off:
        patterns = patterns[patterns.any(axis=1)]
    if len(patterns) == 0:
        return patterns
    _, first = np.unique(patterns, axis=0, return_index=True)
    return patterns[np.sort(first)]


def enumerate_patterns(X) -> np.ndarray:
    """Every distinct non-zero activation pattern ``1[X w >= 0]``, exactly.

    Parameters
    ----------
    X : array_like, shape (n, d)
        Data matrix with rank at most 3 (1-D or 2-D inputs, with or without the bias column).
        Duplicated, collinear and grid-like points are handled exactly.

    Returns
    -------
    ndarray of bool, shape (P, n)
        One row per pattern, the diagonal of D_i.

    Raises
    ------
    ValueError
        If X is not finite, is empty, or has rank above 3 (use :func:`sample_patterns`).
    """
    X = as_matrix(X)
    Z = row_space(X)[0]
    n, r = Z.shape
    if r > 3:
        raise ValueError(
            f"X has rank {r}: exact pattern enumeration is implemented for rank <= 3 (1-D or 2-D inputs "
            "with or without bias). Use solvers.sample_patterns(X, count, seed) for higher dimensions."
        )
    found = face_patterns(Z)
    return _unique_rows(found)


def sample_patterns(X, count: int, seed: int = 0, keep_off: bool = False) -> np.ndarray:
    """Patterns of ``count`` random Gaussian gates ``g``, de-duplicated (any rank).

    Parameters
    ----------
    X : array_like, shape (n, d)
    count : int
        Number of gates to draw (1 ... 10,000,000).
    seed : int
    keep_off : bool
        Keep the all-zero pattern (a gate that activates no point) when a gate hits it: it counts as
        a region of weight space, though problem (2) has no use for it.

    Returns
    -------
    ndarray of bool, shape (P, n), P <= count
        Distinct patterns in order of first appearance. Not guaranteed to be all of them.
    """
    X = as_matrix(X)
    count = as_count(count, "count", minimum=1, maximum=10_000_000)
    rng = np.random.default_rng(seed)
    G = rng.standard_normal((count, X.shape[1]))
    return _unique_rows(G @ X.T >= 0, keep_off)


def unresolved_inputs(X) -> int:
    """How many rows of X lie at an angle of 1e-13 ... 1e-9 to another row's line (or its opposite's).

    Their hyperplanes ``{w : x . w = 0}`` are distinct, but closer than the enumeration reliably resolves in
    float64 (it merges critical directions closer than 4e-10): :func:`enumerate_patterns` may treat them as
    one, losing the thin regions between them, and problem (2) is then solved as if those inputs coincided
    (at ``lam = 0`` the true infimum can be lower). Rows on exactly one line (repeated inputs, without a bias
    their multiples) are resolved exactly and not counted.

    Parameters
    ----------
    X : array_like, shape (n, d)

    Returns
    -------
    int
        The rows (after the first of each close pair) that are not resolved; 0 when all are. O(n^2 d).
    """
    X = as_matrix(X)
    norms = np.linalg.norm(X, axis=1)
    U = X[norms > 0] / norms[norms > 0, None]
    close = np.zeros(len(U), dtype=bool)
    for start in range(0, len(U), 128):
        block = U[start : start + 128]
        # The sine from the rows' difference: 1 - cos loses every digit below 1e-8 of the angle.
        diff = np.minimum(
            np.linalg.norm(block[:, None, :] - U[None, :, :], axis=2),
            np.linalg.norm(block[:, None, :] + U[None, :, :], axis=2),
        )
        sine = diff * np.sqrt(np.maximum(0.0, 1.0 - 0.25 * diff * diff))
        near = (sine > PARALLEL) & (sine <= UNRESOLVED)
        rows = start + np.arange(len(block))
        near &= np.arange(len(U))[None, :] < rows[:, None]  # counted once, at the later row
        close[rows] |= near.any(axis=1)
    return int(close.sum())
