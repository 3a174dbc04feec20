"""Activation patterns ``D = diag(1[X g >= 0])`` of a data matrix: exact for rank <= 3, else sampled.

The patterns are the faces of the hyperplane arrangement ``{w : x_j . w = 0}`` in weight space.
With ``>=``, points on a hyperplane count as active, so lower-dimensional faces (a line through two
points, say) can carry patterns no open region has -- e.g. both of ``x`` and ``-x`` active. Those are
patterns of the ReLU network too, so they are returned.

Exact enumeration works in the row space of X, of dimension r = rank(X):

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

from .row_space import TIE, row_space


def _signs(Z: np.ndarray, directions: np.ndarray) -> np.ndarray:
    """``1[Z g >= 0]`` for each direction g, with near-zero products counted as zero: (k, n)."""
    prod = directions @ Z.T
    tol = TIE * np.linalg.norm(directions, axis=1)[:, None] * np.linalg.norm(Z, axis=1)[None, :]
    return prod >= -tol


def _sweep_directions(normals: np.ndarray) -> np.ndarray:
    """Unit directions hitting every face of the central line arrangement in R^2 with these normals."""
    normals = normals[np.linalg.norm(normals, axis=1) > 0]
    if len(normals) == 0:
        return np.array([[1.0, 0.0]])
    perp = np.stack([-normals[:, 1], normals[:, 0]], axis=1)
    crit = np.concatenate([perp, -perp])
    crit /= np.linalg.norm(crit, axis=1)[:, None]
    angles = np.arctan2(crit[:, 1], crit[:, 0])
    order = np.argsort(angles)
    crit, angles = crit[order], angles[order]
    nxt = np.roll(angles, -1)
    nxt[-1] += 2 * np.pi
    mid = 0.5 * (angles + nxt)
    bisectors = np.stack([np.cos(mid), np.sin(mid)], axis=1)
    return np.concatenate([crit, bisectors])


def _unique_rows(patterns: np.ndarray, keep_off: bool = False) -> np.ndarray:
    """Distinct rows (non-zero ones only unless ``keep_off``), in order of first appearance."""
    if not keep_off:
        patterns = patterns[patterns.any(axis=1)]
    if len(patterns) == 0:
        return patterns
    _, first = np.unique(patterns, axis=0, return_index=True)
    return patterns[np.sort(first)]


def _rank3_patterns(Z: np.ndarray) -> np.ndarray:
    n = Z.shape[0]
    norms = np.linalg.norm(Z, axis=1)
    i, j = np.triu_indices(n, k=1)
    rays = np.cross(Z[i], Z[j])
    ray_norm = np.linalg.norm(rays, axis=1)
    nonparallel = ray_norm > TIE * norms[i] * norms[j]
    i, j, rays = i[nonparallel], j[nonparallel], rays[nonparallel] / ray_norm[nonparallel, None]
    found = [np.ones((1, n), dtype=bool)]
    if len(rays) == 0:
        return np.concatenate(found)
    for sign in (1.0, -1.0):
        r = sign * rays
        prod = r @ Z.T
        tied = np.abs(prod) <= TIE * norms[None, :]
        base = prod > 0
        simple = tied.sum(axis=1) == 2
        # General position: the two rows through the ray take all four sign combinations.
        for a in (False, True):
            for b in (False, True):
                p = base[simple].copy()
                rows = np.arange(len(p))
                p[rows, i[simple]] = a
                p[rows, j[simple]] = b
                found.append(p)
        for k in np.flatnonzero(~simple):
            found.append(_local_faces(Z, r[k], tied[k], base[k]))
    return np.concatenate(found)


def _local_faces(Z: np.ndarray, ray: np.ndarray, tied: np.ndarray, base: np.ndarray) -> np.ndarray:
    """Patterns of every face around one ray on which three or more rows vanish."""
    # An orthonormal basis (e1, e2) of the plane perpendicular to the ray.
    helper = np.eye(3)[np.argmin(np.abs(ray))]
    e1 = np.cross(ray, helper)
    e1 /= np.linalg.norm(e1)
    e2 = np.cross(ray, e1)
    local = Z[tied] @ np.stack([e1, e2], axis=1)  # tied normals seen in that plane
    dirs = _sweep_directions(local)
    out = np.repeat(base[None, :], len(dirs) + 1, axis=0)
    out[:-1, tied] = _signs(local, dirs)
    out[-1, tied] = True  # on the ray itself
    return out


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
    if r == 0:
        found = np.ones((1, n), dtype=bool)
    elif r == 1:
        found = _signs(Z, np.array([[1.0], [-1.0], [0.0]]))
    elif r == 2:
        dirs = _sweep_directions(Z)
        found = np.concatenate([_signs(Z, dirs), np.ones((1, n), dtype=bool)])
    else:
        found = _rank3_patterns(Z)
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
