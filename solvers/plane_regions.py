"""Activation patterns of 2-D inputs with bias: the arrangement, one neuron per region, Cover's count.

A neuron w = (w1, w2, b) activates the points on one side of its line {x : w1 x1 + w2 x2 + b = 0}, so
its activation pattern is a way of splitting the data by a line. In weight space each data point
x_j gives a plane {w : [x_j, 1] . w = 0} through the origin; these n planes cut R^3 into the activation
regions. Only directions matter (scaling w keeps the pattern), so the regions are drawn on the unit
sphere of directions: two disks, the hemisphere b > 0 and the hemisphere b < 0, each seen from above,
where every data point cuts a great circle. Cover (1965): n planes through the origin of R^3 in
general position make exactly ``2 * sum_{k=0}^{2} C(n - 1, k)`` regions; coincident or collinear
inputs make fewer.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import comb

import numpy as np

from landscape.network import with_bias

from .cones import arrangement
from .patterns import sample_patterns


def cover_bound(n: int, rank: int = 3) -> int:
    """``2 * sum_{k < rank} C(n - 1, k)``: regions of n central hyperplanes in general position in R^rank."""
    if n <= 0:
        return 1
    return 2 * sum(comb(n - 1, k) for k in range(rank))


@dataclass(frozen=True)
class Regions:
    """Every activation region of 2-D inputs with bias.

    Attributes
    ----------
    patterns : ndarray of bool (R, n)
        One row per region; the all-off region (it always exists: w = (0, 0, -1)) comes last.
    neurons : ndarray (R, 3)
        A unit neuron (w1, w2, b) inside each region: its pattern is exactly that row, with no point
        on the neuron's line.
    """

    patterns: np.ndarray
    neurons: np.ndarray

    @property
    def count(self) -> int:
        return int(len(self.patterns))


def regions(inputs: np.ndarray) -> Regions:
    """The activation regions of ``[inputs, 1]`` with a representative neuron in each."""
    X = with_bias(inputs)
    n = X.shape[0]
    arr = arrangement(X)
    inside = []
    for members in arr.members:
        rays = arr.rays[members[members >= 0]]
        inside.append(rays.sum(axis=0) @ arr.basis)  # inside the cone: a positive mix of its extreme rays
    reps = np.asarray(inside, dtype=np.float64).reshape(-1, X.shape[1])
    off = np.array([[0.0, 0.0, -1.0]])
    neurons = np.vstack([reps, off])
    neurons /= np.linalg.norm(neurons, axis=1, keepdims=True)
    patterns = np.vstack([arr.patterns, np.zeros((1, n), dtype=bool)])
    return Regions(patterns=patterns, neurons=neurons)


def sampled_count(inputs: np.ndarray, gates: int, seed: int = 0) -> int:
    """Regions hit by ``gates`` random Gaussian neurons (how sampling-based solvers pick patterns).

    Counted like :func:`regions`, the all-off region included; the gates are those of
    :func:`solvers.sample_patterns` with the same seed.
    """
    return len(sample_patterns(with_bias(inputs), gates, seed, keep_off=True))


def hemispheres(inputs: np.ndarray, patterns: np.ndarray, resolution: int = 181):
    """Region index on the two hemispheres of neuron directions, seen from above.

    A point (p, q) of the unit disk is the direction ``(p, q, +-sqrt(1 - p^2 - q^2))``.

    Returns
    -------
    axis : ndarray (G,)
        The p and q axis.
    index : ndarray of int (2, G, G)
        Region of each pixel for b > 0 (index 0) and b < 0 (index 1); -1 outside the disk or on a
        boundary (a pattern that belongs to no open region).
    """
    X = with_bias(inputs)
    axis = np.linspace(-1.0, 1.0, resolution)
    P, Q = np.meshgrid(axis, axis)
    R2 = P * P + Q * Q
    inside = R2 < 1.0
    lookup = {row.tobytes(): i for i, row in enumerate(np.asarray(patterns, dtype=bool))}
    out = np.full((2, resolution, resolution), -1, dtype=np.int64)
    for h, sign in enumerate((1.0, -1.0)):
        Wd = np.stack([P[inside], Q[inside], sign * np.sqrt(1.0 - R2[inside])], axis=1)
        prod = Wd @ X.T
        tol = 1e-12 * np.linalg.norm(X, axis=1)
        pats = prod > tol
        boundary = np.any(np.abs(prod) <= tol, axis=1)
        idx = np.array([lookup.get(p.tobytes(), -1) for p in pats])
        idx[boundary] = -1
        out[h][inside] = idx
    return axis, out


def great_circles(inputs: np.ndarray, samples: int = 361) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """For each data point, its great circle {w : [x, 1] . w = 0} split by hemisphere.

    Returns one ``(p, q, upper)`` per point: disk coordinates and whether each sample has b >= 0.
    """
    X = with_bias(inputs)
    out = []
    theta = np.linspace(0.0, 2.0 * np.pi, samples)
    for x in X:
        nrm = x / np.linalg.norm(x)
        helper = np.eye(3)[np.argmin(np.abs(nrm))]
        e1 = np.cross(nrm, helper)
        e1 /= np.linalg.norm(e1)
        e2 = np.cross(nrm, e1)
        pts = np.cos(theta)[:, None] * e1 + np.sin(theta)[:, None] * e2
        out.append((pts[:, 0], pts[:, 1], pts[:, 2] >= 0))
    return out


def disk_position(w: np.ndarray) -> tuple[int, float, float]:
    """Where a neuron direction appears: (hemisphere 0 for b >= 0 else 1, p, q)."""
    u = np.asarray(w, dtype=np.float64)
    u = u / np.linalg.norm(u)
    return (0 if u[2] >= 0 else 1), float(u[0]), float(u[1])
