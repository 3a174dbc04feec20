"""Neurons of problem (2) kept on one face of their activation cone, and how to find that face.

An *atom* is a neuron ``sign * u`` with ``u = M w`` confined to one face of a region's cone ``K_p``:

* a simplicial face (one ray, two rays, or a region with exactly r rays): ``M = E`` (the face's rays
  as columns) and ``w >= 0`` -- the returned weight is feasible by construction;
* a region of rank-3 data with more than three rays: ``M = I`` and ``(2D_p - I) Z w >= 0``.

On its face the prediction is linear, ``D_p Z M w = relu(Z M w)``, and the penalty is
``lam ||M w||`` -- smooth away from ``w = 0``, so a support of atoms can be optimised by Newton's
method. Neurons from several atoms in one region add up to a feasible block of (2) with a smaller or
equal penalty (triangle inequality), which is why this atom problem and (2) share their optimum.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_FACE_TOL = 1e-12  # a ray coefficient this small (relative) is on the face's boundary


@dataclass
class Atom:
    """One neuron on one face.

    Attributes
    ----------
    key : tuple
        ``(rays, sign)`` for simplicial faces, ``("region", p, sign)`` otherwise.
    sign : float
        +1 for a ``u`` block of (2), -1 for a ``v`` block.
    region : int
        A region whose cone holds the face (its pattern gives the prediction).
    rays : ndarray of int, shape (k,)
        The face's extreme rays (all of the region's rays for a non-simplicial region).
    M : ndarray, shape (r, m)
        ``u = M w``.
    C : ndarray, shape (c, m)
        Feasibility is ``C w >= 0``.
    w : ndarray, shape (m,)
    feature : ndarray, shape (n, m), optional
        Cached prediction columns (set by the solver).
    promise : float
        Decrease of the objective expected when the atom was created (set by the solver).
    last_norm : float, optional
        ``||u||`` at the previous Newton iteration (set by the solver).
    """

    key: tuple
    sign: float
    region: int
    rays: np.ndarray
    M: np.ndarray
    C: np.ndarray
    w: np.ndarray
    feature: np.ndarray | None = None
    promise: float = 0.0
    last_norm: float | None = None

    @property
    def simplicial(self) -> bool:
        return self.key[0] != "region"

    @property
    def u(self) -> np.ndarray:
        return self.M @ self.w


def simplicial_atom(rays_idx, all_rays: np.ndarray, sign: float, region: int, u: np.ndarray) -> Atom:
    """An atom on the simplicial face ``cone(all_rays[rays_idx])`` holding (about) the weight u."""
    idx = np.sort(np.asarray(rays_idx, dtype=np.int64))
    E = all_rays[idx].T  # (r, k)
    lam_coef, *_ = np.linalg.lstsq(E, u, rcond=None)
    return Atom(
        key=(tuple(int(i) for i in idx), float(sign)),
        sign=float(sign),
        region=int(region),
        rays=idx,
        M=E,
        C=np.eye(len(idx)),
        w=np.clip(lam_coef, 0.0, None),
    )


def region_atom(p: int, region_rays: np.ndarray, halfspaces: np.ndarray, sign: float, u: np.ndarray) -> Atom:
    """An atom free inside region p's (non-simplicial, rank-3) cone ``{w : halfspaces @ w >= 0}``."""
    r = len(u)
    return Atom(("region", int(p), float(sign)), float(sign), int(p), region_rays, np.eye(r), halfspaces, u.copy())


def face_of_projection(E: np.ndarray, g: np.ndarray, inside: bool) -> tuple[np.ndarray, np.ndarray]:
    """The face of ``K = cone(E)`` in whose relative interior ``P_K(g)`` lies, and ``P_K(g)``.

    Parameters
    ----------
    E : ndarray, shape (k, r)
        Unit extreme rays of a pointed cone.
    g : ndarray, shape (r,)
    inside : bool
        Whether g lies in K (decided by the caller from the cone's inequalities).

    Returns
    -------
    face : ndarray of int
        Indices into E of the face's rays; all of them when g is inside K.
    point : ndarray, shape (r,)
    """
    k = len(E)
    if inside:
        return np.arange(k), g.copy()
    best, face, point = 0.0, np.zeros(0, dtype=np.int64), np.zeros_like(g)
    ge = E @ g
    for a in range(k):
        if ge[a] > best:
            best, face, point = ge[a], np.array([a]), ge[a] * E[a]
    for a in range(k):
        for b in range(a + 1, k):
            c = E[a] @ E[b]
            det = 1.0 - c * c
            if det <= 1e-14:
                continue
            la = (ge[a] - c * ge[b]) / det
            lb = (ge[b] - c * ge[a]) / det
            if la > 0 and lb > 0:
                val = np.sqrt(max(la * ge[a] + lb * ge[b], 0.0))
                if val > best:
                    best, face, point = val, np.array([a, b]), la * E[a] + lb * E[b]
    return face, point


def shrink_to_face(atom: Atom, all_rays: np.ndarray, Zp_signed: np.ndarray) -> Atom | None:
    """The atom moved onto the smaller face its weight now lies on (None when the weight is 0).

    Called after a step stopped on the boundary of the atom's face. ``Zp_signed`` (n, r) are the rows
    ``(2D_p - I)_jj z_j`` of the atom's region (used for non-simplicial regions).
    """
    u = atom.u
    scale = np.linalg.norm(u)
    if scale == 0:
        return None
    if atom.simplicial:
        coef = np.clip(atom.w, 0.0, None)
        keep = coef > _FACE_TOL * max(coef.max(initial=0.0), 1e-300)
        if not keep.any():
            return None
        if keep.all():
            atom.w = coef
            return atom
        u = atom.M[:, keep] @ coef[keep]
        return simplicial_atom(atom.rays[keep], all_rays, atom.sign, atom.region, u)
    # A region cone: its face is spanned by the region's rays lying on every tight inequality.
    norms = np.linalg.norm(Zp_signed, axis=1)
    slack = Zp_signed @ u
    tight = (slack <= _FACE_TOL * 1e3 * norms * scale) & (norms > 0)
    if not tight.any():
        return atom
    E = all_rays[atom.rays]
    on = np.all(np.abs(Zp_signed[tight] @ E.T) <= 1e-9 * norms[tight, None], axis=0)
    if not on.any():
        return None
    face = atom.rays[on]
    return simplicial_atom(face, all_rays, atom.sign, atom.region, u)
