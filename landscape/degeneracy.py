"""Data that shrink the number of activation patterns: repeated inputs and inputs on one line."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Degeneracies:
    """What is degenerate about a set of inputs.

    Attributes
    ----------
    duplicates : int
        Inputs that repeat an earlier one.
    collinear : int
        Triples of distinct 2-D inputs on one line (counted up to 120 distinct inputs).
    all_collinear : bool
        Every 2-D input lies on one line.
    """

    duplicates: int
    collinear: int
    all_collinear: bool


def degeneracies(inputs: np.ndarray) -> Degeneracies:
    """Duplicated inputs and collinear triples of 2-D inputs (both shrink the pattern count).

    Parameters
    ----------
    inputs : ndarray, shape (n, k)
        The inputs without the bias column; collinearity is looked for only when k = 2.
    """
    pts = np.asarray(inputs, dtype=np.float64)
    uniq = np.unique(pts, axis=0)
    duplicates = len(pts) - len(uniq)
    if pts.shape[1] != 2 or len(uniq) < 3:
        return Degeneracies(duplicates, 0, pts.shape[1] == 2 and len(uniq) >= 2)
    span = max(float(np.ptp(uniq, axis=0).max()), 1e-12)
    collinear = 0
    if len(uniq) <= 120:
        i, j, k = np.array([c for c in _triples(len(uniq))]).T
        a, b, c = uniq[i], uniq[j], uniq[k]
        cross = (b[:, 0] - a[:, 0]) * (c[:, 1] - a[:, 1]) - (b[:, 1] - a[:, 1]) * (c[:, 0] - a[:, 0])
        collinear = int(np.sum(np.abs(cross) <= 1e-9 * span * span))
    centred = uniq - uniq.mean(axis=0)
    s = np.linalg.svd(centred, compute_uv=False)
    return Degeneracies(duplicates, collinear, bool(s[1] <= 1e-9 * max(s[0], 1e-300)))


def _triples(n: int):
    for i in range(n):
        for j in range(i + 1, n):
            for k in range(j + 1, n):
                yield i, j, k
