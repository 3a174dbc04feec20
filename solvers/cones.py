"""The activation regions of a rank <= 3 data matrix, each described by the extreme rays of its cone.

For ``r = rank(X) <= 3`` the data are handled in coordinates ``Z`` (n, r) of the row space of X.
Every activation region ``{u : 1[Z u >= 0] = D}`` with non-empty interior is a *pointed* polyhedral
cone ``K = {u : (2D - I) Z u >= 0}`` (the rows span R^r), so ``K = cone(e_1, ..., e_k)`` for its
extreme rays, which are rays of the arrangement:

* r = 1: ``+1`` and ``-1``;
* r = 2: the directions perpendicular to a row, ``+-perp(z_j)``;
* r = 3: the lines where two hyperplanes meet, ``+-(z_a x z_b)``.

Each region is found from its rays: around a ray the regions are the sectors of the (2-D) arrangement
of the hyperplanes through it -- four quadrants in general position, a small angular sweep where
three or more points are collinear with the origin. Generating the regions ray by ray gives, at no
extra cost, the list of rays of every region.

:func:`arrangement` lists only regions; :func:`face_patterns` adds the lower-dimensional faces (the
patterns :func:`solvers.enumerate_patterns` returns) from the same rays and sweeps. Faces are not
needed by problem (2): for ``u`` on a face, ``D_face Z u = relu(Z u) = D_region Z u`` for any region
whose closure holds ``u``, so faces add no prediction that regions lack, and the maximum of
``rho^T relu(Z u)`` over the unit sphere -- the dual check over *all* patterns -- is attained on
the closure of some region.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from .row_space import TIE, row_space

_MERGE = 4 * TIE  # critical directions closer than this (in angle) are one direction


@dataclass(frozen=True)
class Arrangement:
    """Every activation region of a rank <= 3 data matrix, with the extreme rays of its cone.

    Attributes
    ----------
    Z : ndarray, shape (n, r)
        Row-space coordinates of the data (r = rank X <= 3).
    basis : ndarray, shape (r, d)
        Maps row-space weights back to R^d (``u = u_z @ basis``).
    rays : ndarray, shape (R, r)
        Unit extreme rays of the arrangement.
    patterns : ndarray of bool, shape (P, n)
        The non-zero pattern of each region.
    members : ndarray of int, shape (P, k)
        Indices into ``rays`` of the extreme rays of each region's cone, padded with -1.
    """

    Z: np.ndarray
    basis: np.ndarray
    rays: np.ndarray
    patterns: np.ndarray
    members: np.ndarray

    @property
    def rank(self) -> int:
        return int(self.Z.shape[1])


def _angles_merged(dirs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sort unit directions of R^2 by angle and merge near-equal ones.

    Returns the kept directions (m, 2) in angular order and, for each input, the index of the
    direction it was merged into.
    """
    angles = np.arctan2(dirs[:, 1], dirs[:, 0])
    order = np.argsort(angles, kind="stable")
    a = angles[order]
    new = np.ones(len(a), dtype=bool)
    new[1:] = np.diff(a) > _MERGE
    group = np.cumsum(new) - 1
    firsts = np.flatnonzero(new)
    # The last group may wrap around to the first (angles near -pi and +pi, or -0.0 signs).
    if len(firsts) > 1 and (a[0] + 2 * np.pi - a[-1]) <= _MERGE:
        group[group == group[-1]] = 0
        firsts = firsts[:-1]
    kept = dirs[order[firsts]]
    owner = np.empty(len(dirs), dtype=np.int64)
    owner[order] = group
    return kept, owner


def _sector_signs(normals: np.ndarray, faces: bool = False) -> np.ndarray:
    """Sign patterns around the origin of a line arrangement in R^2 with these (non-zero) normals (t, 2).

    One row ``normals . b > 0`` at the bisector of every open sector; with ``faces``, first one row
    ``normals . c >= 0`` (up to the tie tolerance) at every critical direction c -- the half-lines
    between sectors -- in angular order.
    """
    norms = np.linalg.norm(normals, axis=1)
    unit = normals / norms[:, None]
    perp = np.stack([-unit[:, 1], unit[:, 0]], axis=1)
    kept, _ = _angles_merged(np.concatenate([perp, -perp]))
    ang = np.arctan2(kept[:, 1], kept[:, 0])
    nxt = np.roll(ang, -1)
    nxt[-1] += 2 * np.pi
    mid = 0.5 * (ang + nxt)
    bis = np.stack([np.cos(mid), np.sin(mid)], axis=1)
    sectors = bis @ normals.T > 0
    if not faces:
        return sectors
    return np.concatenate([kept @ normals.T >= -TIE * norms[None, :], sectors])


def _unique_patterns(pats: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of a boolean matrix via packed 64-bit keys: (unique rows, inverse)."""
    return _unique_packed(np.packbits(pats, axis=1), pats.shape[1])


def _unique_packed(packed: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of ``n`` booleans packed with :func:`numpy.packbits`: (unique rows as booleans, inverse)."""
    m = len(packed)
    width = -(-packed.shape[1] // 8) * 8
    keys = np.zeros((m, width), dtype=np.uint8)
    keys[:, : packed.shape[1]] = packed
    words = keys.view(np.uint64)
    # Rows are grouped by a 64-bit hash (a sort of numbers, not of rows: the rank-3 arrangement of 500
    # points has a million candidate rows); the grouping is then verified word by word, and the rows
    # sorted as before. A collision, however unlikely, falls back to the row sort.
    _, first, inverse = np.unique(_row_hashes(words), return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    if not np.array_equal(words[first][inverse], words):
        _, first, inverse = np.unique(words, axis=0, return_index=True, return_inverse=True)
        return _unpacked(packed[first], n), inverse.reshape(-1)
    order = np.lexsort(words[first].T[::-1])
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return _unpacked(packed[first[order]], n), rank[inverse]


def _unpacked(packed: np.ndarray, n: int) -> np.ndarray:
    return np.unpackbits(packed, axis=1, count=n).astype(bool)


_MIX = (np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB))


def _row_hashes(words: np.ndarray) -> np.ndarray:
    """A 64-bit hash per row of ``words`` (m, w), uint64, chained through splitmix64's finaliser.

    A linear hash (a weighted sum of the words) is not enough here: the regions around a ray differ in
    the two points the ray lies on, and two such rows whose differences fall on the top bit of two
    words add up to the same sum (2^63 + 2^63 = 0 mod 2^64). That happens from 121 points on.
    """
    h = np.zeros(len(words), dtype=np.uint64)
    for k in range(words.shape[1]):
        z = h + words[:, k]
        z = (z ^ (z >> np.uint64(30))) * _MIX[0]
        z = (z ^ (z >> np.uint64(27))) * _MIX[1]
        h = z ^ (z >> np.uint64(31))
    return h


def _rank1(Z: np.ndarray):
    rays = np.array([[1.0], [-1.0]])
    tol = TIE * np.abs(Z[:, 0])
    pats = np.stack([Z[:, 0] >= -tol, -Z[:, 0] >= -tol])
    return rays, pats, np.array([0, 1])


def _rank2(Z: np.ndarray):
    norms = np.linalg.norm(Z, axis=1)
    nz = norms > 0
    perp = np.stack([-Z[nz, 1], Z[nz, 0]], axis=1) / norms[nz, None]
    rays, _ = _angles_merged(np.concatenate([perp, -perp]))
    # Region k lies between rays k and k + 1 (cyclically); rank 2 gives at least four rays.
    ang = np.arctan2(rays[:, 1], rays[:, 0])
    nxt = np.roll(ang, -1)
    nxt[-1] += 2 * np.pi
    mid = 0.5 * (ang + nxt)
    bis = np.stack([np.cos(mid), np.sin(mid)], axis=1)
    pats = bis @ Z.T >= -TIE * norms[None, :]
    k = np.arange(len(rays))
    region = np.concatenate([k, k])
    ray = np.concatenate([k, (k + 1) % len(rays)])
    return rays, pats[region], ray


def _rank3_rays(Z: np.ndarray):
    """Distinct rays ``+-(z_a x z_b)``, which rows are positive on them, which vanish on them, and which
    half each comes from (the crossings in pair order, then their opposites)."""
    n = Z.shape[0]
    norms = np.linalg.norm(Z, axis=1)
    zero = norms == 0
    i, j = np.triu_indices(n, k=1)
    cross = np.cross(Z[i], Z[j])
    cn = np.linalg.norm(cross, axis=1)
    keep = cn > TIE * norms[i] * norms[j]
    rays = cross[keep] / cn[keep, None]
    half = np.repeat([0, 1], len(rays))  # 0: z_a x z_b, 1: its opposite
    pos, neg, tied = _signs(rays, Z, TIE * norms, zero)
    # A ray lies on its own pair's hyperplanes by construction. For two nearly parallel rows the computed
    # products can exceed the tie tolerance (rounding over a small cross product), which left such a ray tied
    # to fewer than two rows.
    made = np.arange(len(rays))
    tied[made, i[keep]] = True
    tied[made, j[keep]] = True
    # The opposite ray lies on the same hyperplanes, with the signs swapped.
    rays, pos, tied = np.concatenate([rays, -rays]), np.concatenate([pos, neg]), np.concatenate([tied, tied])
    count = tied.sum(axis=1)
    # A ray on exactly two hyperplanes came from one pair only; others may repeat: keep one each.
    simple = count == 2
    multi = np.flatnonzero(~simple)
    if len(multi):
        sig = np.where(tied[multi] | zero[None, :], 0, np.where(pos[multi], 1, -1)).astype(np.int8)
        _, first = np.unique(sig, axis=0, return_index=True)
        keep_rows = np.concatenate([np.flatnonzero(simple), multi[np.sort(first)]])
        keep_rows.sort()
        rays, pos, tied, half = rays[keep_rows], pos[keep_rows], tied[keep_rows], half[keep_rows]
    return rays, pos, tied, half


def _signs(rays: np.ndarray, Z: np.ndarray, tol: np.ndarray, zero: np.ndarray, chunk: int = 8192):
    """``(rays Z^T > 0, rays Z^T < 0, |rays Z^T| <= tol on non-zero rows)``, a chunk of rays at a time.

    The products themselves are never held whole: on 500 points they are 125 000 x 500 floats, and
    writing that much fresh memory took longer than all the arithmetic.
    """
    shape = (len(rays), len(Z))
    pos, neg, tied = np.empty(shape, dtype=bool), np.empty(shape, dtype=bool), np.empty(shape, dtype=bool)
    for s in range(0, len(rays), chunk):
        part = slice(s, s + chunk)
        prod = rays[part] @ Z.T
        np.greater(prod, 0.0, out=pos[part])
        np.less(prod, 0.0, out=neg[part])
        np.less_equal(np.abs(prod), tol[None, :], out=tied[part])
    tied &= ~zero[None, :]
    return pos, neg, tied


def _rank3(Z: np.ndarray, faces: bool = False):
    """Patterns around every ray of a rank-3 arrangement, with the ray each comes from.

    Around a ray on exactly two hyperplanes the four sign choices of their rows are the four regions
    (and, with ``>=``, already every face through the ray); around a ray on three or more a small
    angular sweep gives the sectors, and with ``faces`` also the half-planes between them and the ray
    itself. Patterns come ray by ray, the crossings ``z_a x z_b`` first and their opposites second, as
    :func:`numpy.packbits` rows (on 500 points there are a million of them).
    """
    zero = np.linalg.norm(Z, axis=1) == 0
    rays, pos, tied, half = _rank3_rays(Z)
    simple = tied.sum(axis=1) == 2
    base = pos | zero[None, :]
    bits = np.packbits(base, axis=1)
    out_p, out_r = [], []
    for h in (0, 1):
        s_idx = np.flatnonzero(simple & (half == h))
        if len(s_idx):
            cols = np.nonzero(tied[s_idx])[1].reshape(-1, 2)
            rows = np.arange(len(s_idx))
            where = [(cols[:, c] >> 3, (0x80 >> (cols[:, c] & 7)).astype(np.uint8)) for c in (0, 1)]
            for a in (False, True):
                for b in (False, True):
                    p = bits[s_idx]
                    for (byte, mask), on in zip(where, (a, b)):
                        p[rows, byte] = p[rows, byte] | mask if on else p[rows, byte] & ~mask
                    out_p.append(p)
                    out_r.append(s_idx)
        for k in np.flatnonzero(~simple & (half == h)):
            e = rays[k]
            helper = np.eye(3)[np.argmin(np.abs(e))]
            e1 = np.cross(e, helper)
            e1 /= np.linalg.norm(e1)
            e2 = np.cross(e, e1)
            local = Z[tied[k]] @ np.stack([e1, e2], axis=1)
            signs = _sector_signs(local, faces)
            if faces:
                signs = np.concatenate([signs, np.ones((1, signs.shape[1]), dtype=bool)])  # the ray itself
            p = np.repeat(base[k][None, :], len(signs), axis=0)
            p[:, tied[k]] = signs
            out_p.append(np.packbits(p, axis=1))
            out_r.append(np.full(len(signs), k))
    return rays, np.concatenate(out_p), np.concatenate(out_r)


def face_patterns(Z: np.ndarray) -> np.ndarray:
    """The pattern ``1[Z u >= 0]`` of every face of the arrangement, lower-dimensional faces included.

    Built from the same rays and sweeps as :func:`arrangement`. Faces matter where points on a
    hyperplane are counted as active: a line through x and -x carries a pattern with both on, which no
    region has.

    Parameters
    ----------
    Z : ndarray, shape (n, r), r <= 3
        Row-space coordinates (:func:`row_space`).

    Returns
    -------
    ndarray of bool, shape (F, n)
        With repeats, and the all-ones pattern (u = 0); rank 1 and 2 list the critical directions in
        angular order before the sectors.
    """
    n, r = Z.shape
    ones = np.ones((1, n), dtype=bool)
    if r == 0:
        return ones
    if r == 1:
        return np.concatenate([_rank1(Z)[1], ones])
    if r == 2:
        norms = np.linalg.norm(Z, axis=1)
        rays, sectors, _ = _rank2(Z)
        return np.concatenate([rays @ Z.T >= -TIE * norms[None, :], sectors, ones])
    return np.concatenate([ones, _unpacked(_rank3(Z, faces=True)[1], n)])


KEPT = 2  # arrangements kept, by their data: a page that changes lambda, or shows the same data in another
KEPT_BYTES = 64 * 2**20  # panel, lists the regions once (150 points in 2-D: 0.1 s, 6 MB); larger ones are not kept
_kept: OrderedDict[bytes, Arrangement] = OrderedDict()
_kept_lock = threading.Lock()


def _new_lock() -> None:
    """In a forked child: a lock held by another thread at the fork would never be released."""
    global _kept_lock
    _kept_lock = threading.Lock()


os.register_at_fork(after_in_child=_new_lock)


def arrangement(X: np.ndarray) -> Arrangement:
    """All activation regions of X (rank <= 3) with the extreme rays of their cones.

    The same data (equal bytes) give the same object, whose arrays are read-only: the last ``KEPT`` are kept
    (those of up to ``KEPT_BYTES``).

    Parameters
    ----------
    X : ndarray, shape (n, d)
        Validated, finite data.

    Returns
    -------
    Arrangement

    Raises
    ------
    ValueError
        If rank(X) > 3.
    """
    X = np.asarray(X)
    key = f"{X.dtype.str}{X.shape}".encode() + hashlib.blake2b(np.ascontiguousarray(X).tobytes()).digest()
    with _kept_lock:
        arr = _kept.get(key)
        if arr is not None:
            _kept.move_to_end(key)
            return arr
    arr = _listed(X)
    arrays = (arr.Z, arr.basis, arr.rays, arr.patterns, arr.members)
    for a in arrays:
        a.flags.writeable = False
    if sum(a.nbytes for a in arrays) > KEPT_BYTES:
        return arr
    with _kept_lock:
        _kept[key] = arr
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return arr


def forget_arrangements() -> None:
    """Drop the kept arrangements (a benchmark times each solve from new data)."""
    with _kept_lock:
        _kept.clear()


def _listed(X: np.ndarray) -> Arrangement:
    Z, basis = row_space(X)
    n, r = Z.shape
    if r > 3:
        raise ValueError(f"X has rank {r}; the regions are listed only for rank <= 3.")
    if r == 0:
        return Arrangement(Z, basis, np.zeros((0, 0)), np.zeros((0, n), dtype=bool), np.zeros((0, 1), dtype=np.int64))
    if r == 3:
        rays, packed, ray_of = _rank3(Z)
        patterns, region = _unique_packed(packed, n)
    else:
        rays, pats, ray_of = (_rank1, _rank2)[r - 1](Z)
        patterns, region = _unique_patterns(pats)
    nonzero = np.asarray(patterns.any(axis=1))
    renumber = np.cumsum(nonzero) - 1
    keep = nonzero[region]
    region, ray_of = renumber[region[keep]], ray_of[keep]
    patterns = patterns[nonzero]
    pairs = np.unique(region * len(rays) + ray_of)
    region, ray_of = pairs // len(rays), pairs % len(rays)
    counts = np.bincount(region, minlength=len(patterns))
    members = np.full((len(patterns), max(1, int(counts.max(initial=0)))), -1, dtype=np.int64)
    start = np.concatenate([[0], np.cumsum(counts)[:-1]])
    members[region, np.arange(len(region)) - start[region]] = ray_of
    return Arrangement(Z, basis, rays, patterns, members)


def _planar_rays(Z: np.ndarray) -> np.ndarray:
    """Every ray of the arrangement of Z of rank 1 or 2, unit length (rank 3: :func:`_rank3_rays`)."""
    if Z.shape[1] == 1:
        return np.array([[1.0], [-1.0]])
    norms = np.linalg.norm(Z, axis=1)
    nz = norms > 0
    perp = np.stack([-Z[nz, 1], Z[nz, 0]], axis=1) / norms[nz, None]
    return _angles_merged(np.concatenate([perp, -perp]))[0]


def cones_of(X: np.ndarray, patterns: np.ndarray, max_free: int = 12) -> Arrangement:
    """The extreme rays of the cones of given patterns (rank(X) <= 3).

    A ray e lies in ``K_D`` iff D agrees with ``1[Z e > 0]`` on every row not vanishing on e; the rows
    that vanish are free. So the patterns holding e are looked up by filling in the free rows in every
    way (up to ``2**max_free`` ways; a direct comparison beyond that). A pattern whose cone is {0}
    gets no ray.

    Parameters
    ----------
    X : ndarray, shape (n, d)
    patterns : ndarray of bool, shape (P, n)

    Returns
    -------
    Arrangement
        With ``patterns`` as given.
    """
    Z, basis = row_space(X)
    n, r = Z.shape
    if r > 3:
        raise ValueError(f"X has rank {r}; cones are described by rays only for rank <= 3.")
    P = len(patterns)
    if r == 0:
        return Arrangement(Z, basis, np.zeros((0, 0)), patterns, np.full((P, 1), -1, dtype=np.int64))
    norms = np.linalg.norm(Z, axis=1)
    if r == 3:
        rays, base, tied, _ = _rank3_rays(Z)
        tied = tied | (norms == 0)[None, :]  # a zero row vanishes on every ray: it is free
    else:
        rays = _planar_rays(Z)
        prod = rays @ Z.T
        tied = np.abs(prod) <= TIE * norms[None, :]
        base = prod > 0
    free = tied.sum(axis=1)
    pair_p, pair_e = [], []
    queries, owners = [], []
    for t in np.unique(free):
        idx = np.flatnonzero(free == t)
        if t > max_free:
            for e in idx:
                hit = np.flatnonzero(np.all((patterns == base[e]) | tied[e], axis=1))
                pair_p.append(hit)
                pair_e.append(np.full(len(hit), e))
            continue
        cols = np.nonzero(tied[idx])[1].reshape(len(idx), t)
        fills = ((np.arange(2**t)[:, None] >> np.arange(t)[None, :]) & 1).astype(bool)
        q = np.repeat(base[idx][:, None, :], 2**t, axis=1)
        q[np.arange(len(idx))[:, None, None], np.arange(2**t)[None, :, None], cols[:, None, :]] = fills[None]
        queries.append(q.reshape(-1, n))
        owners.append(np.repeat(idx, 2**t))
    if queries:
        q = np.concatenate(queries)
        _, inverse = _unique_patterns(np.concatenate([patterns, q]))
        first = np.full(inverse.max() + 1, -1)
        first[inverse[:P][::-1]] = np.arange(P)[::-1]
        hit = first[inverse[P:]]
        ok = hit >= 0
        pair_p.append(hit[ok])
        pair_e.append(np.concatenate(owners)[ok])
    region = np.concatenate(pair_p) if pair_p else np.zeros(0, dtype=np.int64)
    ray_of = np.concatenate(pair_e) if pair_e else np.zeros(0, dtype=np.int64)
    # Duplicate patterns: every copy gets the rays.
    _, pinv = _unique_patterns(patterns)
    groups: dict[int, list[int]] = {}
    for p, g in enumerate(pinv):
        groups.setdefault(g, []).append(p)
    rep = {grp[0]: grp for grp in groups.values()}
    full_p, full_e = [], []
    for p, e in zip(region, ray_of):
        for q in rep.get(p, [p]):
            full_p.append(q)
            full_e.append(e)
    region, ray_of = np.asarray(full_p, dtype=np.int64), np.asarray(full_e, dtype=np.int64)
    pairs = np.unique(region * len(rays) + ray_of)
    region, ray_of = pairs // len(rays), pairs % len(rays)
    counts = np.bincount(region, minlength=P)
    members = np.full((P, max(1, int(counts.max(initial=0)))), -1, dtype=np.int64)
    start = np.concatenate([[0], np.cumsum(counts)[:-1]])
    members[region, np.arange(len(region)) - start[region]] = ray_of
    return Arrangement(Z, basis, rays, patterns, members)
