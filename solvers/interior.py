"""Problem (2) for rank(X) <= 3: a primal-dual interior-point method on the lifted dual, over a working set.

The dual
--------
With ``r = lambda / 2`` (labels scaled to ``||y|| = 1``, lambda with them), the dual of (2) is the projection
of y onto the residuals that pass every region's check,

    min_rho  ||rho||^2 - 2 rho.y   subject to  ||P_{K_i}(+-Z^T D_i rho)|| <= r  for every region i and sign.

For the rays e of a region's cone, ``(Z^T D_i rho).e = rho.relu(Z e) = h_e``: the inner product depends on the
ray only (the feature ``f_e = relu(Z e)``), not on the region. Each check is lifted as in
:mod:`solvers.barrier`: ``||P_K(g)|| <= r`` iff ``g = b + c`` with ``||b|| <= r`` and c in the polar cone, so
one ``b`` in R^r per region and sign (a *block*) with

    b.e - s h_e >= 0   for every ray e of the region,      r^2 - ||b||^2 >= 0.

The multipliers ``alpha_e`` of the linear constraints are the neuron's coefficients on its cone's rays: at the
optimum the block's neuron is ``sum_e alpha_e e / 2`` and ``rho = y - prediction``. Every primal iterate is a
network in the cones by construction and every dual iterate a residual: both give certified bounds.

The method
----------
Mehrotra's predictor-corrector, as in :mod:`solvers.barrier`, and one of Gondzio's centrality correctors
where the step falls short of 1 (at n = 150 it saves a sixth of the steps; the slowest cases gain most).
Eliminating a block's multipliers and then its ``b`` leaves, with ``T = (D^-1 + E^T B^-1 E)^-1`` per block
(``D`` the linear constraints' scaling ``alpha / slack``, ``B`` the ball's, ``E`` the block's rays; the inverse
form adds positive terms only and does not cancel when ``D`` is huge), one dense system in rho,

    (2 I + F T F^T) drho = rhs,     F = [f_e] the features of the rays in use, T summed over blocks,

an n x n Cholesky factorisation per step. The new multipliers come out of the block equations, never as
``(target - ...) / slack``. Forming ``F T F^T`` is most of a step's work (the rays number ~n^2 however many
blocks are in use): it is split in two halves of the rays, the second in another thread, and the rays are
numbered so that those of neighbouring regions are close (:attr:`Regions.ray_order`), which keeps the sparse
product's reads of F in the cache. The work block by block (each block's T, and T applied to a vector) is
split likewise, each group of blocks in two halves; a block's numbers are the same in either half.

The working set
---------------
Regions number ~n^2 and the optimum's dual is tight on a few n of them (every region around a ray that
carries a neuron). Up to ``ALL_BLOCKS`` incidences (about 250 points) the method starts from every block;
once the iterate is central enough, blocks whose value is below half the largest are dropped (the iterate
stays strictly feasible for the rest, and the block algebra gets cheaper); blocks whose neurons are sizeable
stay as well when dropping them would throw the iterate's network far off. Every region is priced at each of
the next few steps; if a dropped block turns violated (then, or at a later pricing), or the narrowed set stalls
without coming back below the gap it started from, the round goes back to the iterate before the shrink
(feasible for every block of that set) with a wider set, watched again, instead of restarting cold. Each
wider set (``KEEPS``) keeps the one before it, the blocks violated now and those within a fraction of the
largest value now (at the iterate that went back): half, then 0.15; the last is every block of the set
before the (latest) shrink. The dual iterate is checked against *every* region
(:class:`Regions`, the closed-form projections of :mod:`solvers.dual`); blocks outside the set that are
violated by more than the set's own gap join the running iterate, and if that stalls the round restarts cold
on the larger set. Beyond ``ALL_BLOCKS`` the first set is the blocks most violated at ``rho = y`` (or at a
warm start's dual point) and grows the same way; on large data that takes many rounds (the dual bound stays
near 0 until the set holds the whole support), so the fast solver only routes data to this method where every
block fits.

Certificate and the returned network
------------------------------------
Every priced dual iterate rho gives the bound of :mod:`solvers.dual` with M over every region (outside the
working set rho may violate a check: the bound scales it); it is priced whenever the set's own gap has
dropped tenfold. The primal iterate's coefficients are all positive; at the end they are dropped in the
order of how far their constraints are from tight, as many as the certificate allows
(:meth:`_Driver.sparsify`), and neurons on one ray shared by the regions around it are merged
(:func:`_merge_rays`): unused neurons are exact zeros. The loop stops on the certified gap only.
"""

from __future__ import annotations

import contextvars
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

import numpy as np
import scipy.linalg
import scipy.sparse as sp
import torch

from .barrier import max_step
from .chain import lower_bound
from .cones import Arrangement
from .dual import RayCones
from .solution import SolverError

RTOL = 1e-8  # stop when the certified gap is at most RTOL * objective (+ ATOL * ||y||^2)
ATOL = 1e-13
STALL_RTOL = 1e-6  # a run that stops improving returns if its certified relative gap is below this
MAX_ITER = 80  # interior-point steps per round (typical: 15-30)
MAX_ROUNDS = 30
STALL_STEPS = 8
BOUNDARY = 0.99
PRUNE_FROM = 1e3
PRUNE_STEPS = 3
ALL_BLOCKS = 600_000  # incidences (block, ray) up to which every block starts in the working set (n = 250 or so)
FACTOR_SHIFTS = (0.0, 1e-14, 1e-12, 1e-10, 1e-8)
SMALL_BLOCK = 5  # blocks with up to this many rays are inverted by the vectorised Cholesky (_spd_inverse) ...
SPD_PIVOT = 1e-10  # ... unless a pivot of the unit-diagonal matrix falls below this
# Steps towards each block's inner direction: a start needs one positive on the rays, not the exact min-norm
# point (40 steps gave the same step counts at n = 150, for 0.15 s more).
GILBERT_STEPS = 12
# Gondzio's centrality corrector after Mehrotra's: it aims at this step (times Mehrotra's, plus) ...
CORRECT_AIM, CORRECT_ADD = 1.5, 0.1
CENTRE_LOW, CENTRE_HIGH = 0.1, 10.0  # ... with the products pulled into this band around the target ...
CORRECT_GAIN = 0.1  # ... and is taken if the step grows by at least this fraction of the aim
SPLIT_FROM = 50_000  # incidences from which a step's work block by block is split between two threads


KEPT_BYTES = 128 * 2**20  # the regions of the last arrangement solved are kept up to this size (about 200 points)
_last_regions: "Regions | None" = None


# -- every region: the dual check ----------------------------------------------------------------------------
class Regions:
    """Every region of an arrangement with its dual check ``||P_{K_i}(+-Z^T D_i rho)||`` for all i, as the
    certificate computes it (:class:`solvers.dual.RayCones`)."""

    def __init__(self, arr: Arrangement):
        self.arr = arr
        self.Z = arr.Z
        self.n, self.r = arr.Z.shape
        self.P = len(arr.patterns)
        self.k = (arr.members >= 0).sum(1)
        self.cones = RayCones.from_arrangement(arr)

    @classmethod
    def of(cls, arr: Arrangement) -> "Regions":
        """The regions of ``arr``; those of the last arrangement solved are kept (if their features take at most
        ``KEPT_BYTES``), so that a solve at another lambda on the same data (the same arrangement: see
        :func:`solvers.cones.arrangement`) reuses what is derived once (the checks' tensors, the features,
        ray pairs and inner directions: ~0.3 s at 150 points)."""
        global _last_regions
        last = _last_regions
        if last is not None and last.arr is arr:
            return last
        geo = cls(arr)
        # features and their transposed copy, n numbers per ray each
        if 2 * 8 * len(arr.rays) * len(arr.Z) <= KEPT_BYTES:
            _last_regions = geo
        return geo

    def norms_pm(self, rho: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(||P_{K_i}(g_i)||, ||P_{K_i}(-g_i)||)`` for every region, with ``g_i = Z^T D_i rho``."""
        plus, minus = self.cones.projection_norms_pm(self.cones.gradients(torch.as_tensor(rho, dtype=torch.float64)))
        return plus.numpy(), minus.numpy()

    def check(self, rho: np.ndarray) -> tuple[float, np.ndarray]:
        """``M = 2 max ||P(+-g)||`` and every block's value ``2 ||P_{K_i}(s g_i)||`` (2P,: signs +, then -)."""
        vp, vn = self.norms_pm(rho)
        vals = 2.0 * np.concatenate([vp, vn])
        return float(vals.max(initial=0.0)), vals

    # What every working set of one solve shares, computed once: a shrink, a grow or a rollback builds a new
    # set from these by gathers (no sort, no product over the data).
    # The working sets number the rays by their place in ``ray_order``, in which rays of neighbouring regions are
    # close: the sparse product of the Newton matrix (rows of T times rows of F^T) then finds F's rows in the
    # cache (2.4 times faster at n = 150 than the rays' own numbering).
    @cached_property
    def _region_pairs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The rays (e, e') of each region's k x k pairs, row-major, region after region, and each region's
        first pair."""
        first = np.concatenate([[0], np.cumsum(self.k * self.k)[:-1]]).astype(np.int64)
        rows = np.empty(int((self.k * self.k).sum()), dtype=np.int64)
        cols = np.empty_like(rows)
        for kk in np.unique(self.k[self.k > 0]):
            idx = np.flatnonzero(self.k == kk)
            m = self.arr.members[idx, :kk]
            at = first[idx][:, None] + np.arange(kk * kk)
            rows[at] = np.repeat(m, kk, axis=1)
            cols[at] = np.tile(m, (1, kk))
        return rows, cols, first

    @cached_property
    def ray_order(self) -> tuple[np.ndarray, np.ndarray]:
        """``(order, place)``: the rays ordered by the first region that holds them (then by ray), and each
        ray's place in that order.

        The arrangement lists its regions by pattern, so neighbouring regions mostly come near each other, and
        so do their rays: as close on average as a reverse Cuthill-McKee order (and as fast in the product),
        but made of sorts of distinct keys only, so the same on every machine (that order breaks ties between
        rays of equal degree by an unstable sort, whose result depends on the CPU's vector instructions)."""
        members = self.arr.members
        R = len(self.arr.rays)
        live = members >= 0
        region = np.broadcast_to(np.arange(len(members))[:, None], members.shape)[live]
        ray = members[live]
        first = np.full(R, len(members), dtype=np.int64)
        np.minimum.at(first, ray, region)
        order = np.argsort(first * R + np.arange(R))  # distinct keys: any sort gives this order
        place = np.empty(R, dtype=np.int64)
        place[order] = np.arange(R)
        return order, place

    @cached_property
    def features_t(self) -> np.ndarray:
        """``relu(Z e)`` of every ray e, in ``ray_order``, one ray per row: shape (R, n)."""
        return self.features_of(np.arange(len(self.arr.rays)))

    @cached_property
    def features(self) -> np.ndarray:
        """The same, one ray per column (n, R), an exact transposed copy: a step's products use both layouts,
        and a transposed view is slower in them."""
        return np.ascontiguousarray(self.features_t.T)

    def features_of(self, places: np.ndarray) -> np.ndarray:
        """``relu(Z e)`` of the rays at ``places`` of ``ray_order``, one per row: shape (len(places), n)."""
        # in place: at 150 points the features are 27 MB, and a second array is as much fresh memory to fault in
        out = self.arr.rays[self.ray_order[0][places]] @ self.Z.T
        return np.maximum(out, 0.0, out=out)

    @cached_property
    def ray_pairs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The sparse pattern of ``T`` over every region: the ray pairs (e, e') of each region's cone.

        Returns ``(slot, first, rows, cols)``: the pattern's entry of each region's k x k pairs (row-major,
        region after region), each region's first pair, and the entries' rays by their places in
        ``ray_order``, sorted by (row, col)."""
        rows, cols, first = self._region_pairs
        place = self.ray_order[1]
        R = len(place)
        uniq, slot = np.unique(place[rows] * R + place[cols], return_inverse=True)
        return slot.reshape(-1), first, uniq // R, uniq % R

    @cached_property
    def inner(self) -> np.ndarray:
        """A unit direction c per region with ``c.e > 0`` for every ray e of its cone: the min-norm point of
        the convex hull of its rays (Gilbert's steps), which is positive on every ray of a pointed cone.
        Shape (P, r); zero for a region without rays."""
        k = self.k
        live = np.flatnonzero(k > 0)
        kl = k[live]
        start = np.concatenate([[0], np.cumsum(kl)[:-1]]).astype(np.int64)
        owner = np.repeat(np.arange(len(live)), kl)
        E = self.arr.rays[self.arr.members[live[owner], np.arange(len(owner)) - start[owner]]]
        p = np.add.reduceat(E, start, axis=0) / kl[:, None]
        for _ in range(GILBERT_STEPS):
            d = np.einsum("ij,ij->i", p[owner], E)
            low = np.minimum.reduceat(d, start)
            hit = np.zeros(len(live), dtype=np.int64)
            at = np.flatnonzero(d == low[owner])
            hit[owner[at]] = at
            diff = p - E[hit]
            dd = np.einsum("ij,ij->i", diff, diff)
            t = np.clip(np.einsum("ij,ij->i", p, diff) / np.maximum(dd, 1e-300), 0.0, 1.0)
            p = p - t[:, None] * diff
        norm = np.linalg.norm(p, axis=1)
        out = np.zeros((self.P, self.r))
        out[live] = p / np.where(norm > 0, norm, 1.0)[:, None]
        return out


# -- the lifted dual over a set of blocks --------------------------------------------------------------------
class _Lifted:
    """The lifted dual restricted to some blocks (region, sign), in normalised units.

    Incidences (block, ray) are stored flat, each block's contiguous; ``F`` holds the features of the rays in
    use. Blocks with the same number of rays are grouped for the batched k x k algebra of the elimination.
    """

    def __init__(self, geo: Regions, blocks: np.ndarray, y: np.ndarray, r: float):
        self.geo, self.y, self.r = geo, y, r
        P = geo.P
        blocks = np.asarray(blocks, dtype=np.int64)
        # blocks without rays (a cone {0}) carry nothing
        blocks = blocks[geo.k[blocks % P] > 0]
        # Blocks with the same number of rays side by side: each group's incidences are one slice, which the
        # batched k x k algebra reads as a (m, k) view instead of gathering it.
        blocks = blocks[np.argsort(geo.k[blocks % P], kind="stable")]
        self.blocks = blocks
        self.region = blocks % P
        self.sign = np.where(blocks < P, 1.0, -1.0)
        k = geo.k[self.region]
        self.nb = len(blocks)
        self.kb = k
        self.start = np.concatenate([[0], np.cumsum(k)[:-1]]).astype(np.int64)
        self.inc_blk = np.repeat(np.arange(self.nb), k)
        slot = np.arange(len(self.inc_blk)) - self.start[self.inc_blk]
        self.inc_ray = geo.arr.members[self.region[self.inc_blk], slot]
        self.L = len(self.inc_ray)
        self.rays, self.inc_w = np.unique(geo.ray_order[1][self.inc_ray], return_inverse=True)  # places
        self.inc_w = self.inc_w.reshape(-1)
        self.Rw = len(self.rays)
        self.E = geo.arr.rays[self.inc_ray]
        self.ET = np.ascontiguousarray(self.E.T)
        every_ray = self.Rw == len(geo.arr.rays)  # the rays are sorted: then they are all, in order
        # A set of only some rays (beyond ALL_BLOCKS) computes their features alone: every ray's would be
        # n x ~n^2 numbers.
        self.FT = geo.features_t if every_ray else geo.features_of(self.rays)
        self.F = geo.features if every_ray else np.ascontiguousarray(self.FT.T)
        self.f2 = np.maximum(np.einsum("ij,ij->i", self.FT, self.FT), 1e-300)
        self.s_inc = self.sign[self.inc_blk]
        self.groups: list[tuple[int, slice, slice]] = []  # (k, its blocks, their incidences)
        for kk in np.unique(k):
            b0, b1 = np.searchsorted(k, [kk, kk + 1])
            i0 = int(self.start[b0]) if b1 > b0 else 0
            self.groups.append((int(kk), slice(int(b0), int(b1)), slice(i0, i0 + int(b1 - b0) * int(kk))))
        # The sparse pattern of T summed over blocks (rays of one block couple): CSR built once, each step only
        # sums the blocks' entries into it. It is every region's pattern restricted to these blocks' regions;
        # both orders are (row, col), so the restriction keeps the CSR sorted.
        slot, first, rows, cols = geo.ray_pairs
        mine = np.concatenate(
            [slot[first[self.region[blk]][:, None] + np.arange(kk * kk)].reshape(-1) for kk, blk, _ in self.groups]
        )
        used = np.zeros(len(rows), dtype=bool)
        used[mine] = True
        self._slot = (np.cumsum(used) - 1)[mine]
        entries = np.flatnonzero(used)
        self._nnz = len(entries)
        local = np.full(len(geo.arr.rays), -1)
        local[self.rays] = np.arange(self.Rw)
        self._indices = local[cols[entries]].astype(np.int32)
        self._indptr = np.searchsorted(local[rows[entries]], np.arange(self.Rw + 1)).astype(np.int32)

    # -- elementwise helpers ---------------------------------------------------------------------------------
    def seg_sum(self, v):
        """Sum over each block's incidences, v of shape (L,)."""
        return np.add.reduceat(v, self.start)

    def incidences(self, blocks):
        """The incidences of ``blocks`` (indices into this set), block after block, each in its rays' order."""
        k = self.kb[blocks]
        return np.repeat(self.start[blocks] - (np.cumsum(k) - k), k) + np.arange(int(k.sum()))

    def per_incidence(self, v):
        """A value per block (v of shape (nb,) or (nb, m)) at each of its incidences: a block's incidences
        are contiguous, so a repeat, 3 times faster than the gather ``v[inc_blk]``."""
        return np.repeat(v, self.kb, axis=0)

    def slacks(self, rho, b):
        """``(h, pa, q, |b|)``: feature products, ``b.e`` per incidence and ``r^2 - |b|^2`` per block."""
        h = self.F.T @ rho
        pa = np.einsum("ij,ij->i", self.per_incidence(b), self.E)
        nb = np.sqrt(np.einsum("ij,ij->i", b, b))
        return h, pa, (self.r - nb) * (self.r + nb), nb

    def prediction(self, coef):
        """``sum_blocks s sum_e coef_e f_e`` for coefficients per incidence."""
        beta = np.bincount(self.inc_w, weights=self.s_inc * coef, minlength=self.Rw)
        return self.F @ beta

    def neurons(self, coef):
        """Each block's neuron ``sum_e coef_e e``: shape (nb, r)."""
        # A weighted count per coordinate over the rays stored coordinate-major: 3-5 times faster than a
        # reduceat over the (L, r) rows, in the same order of summation.
        return np.stack([np.bincount(self.inc_blk, weights=coef * e, minlength=self.nb) for e in self.ET], axis=1)

    def fit(self, coef, lam) -> tuple[float, np.ndarray]:
        """The objective of the network with these coefficients, and its neurons (nb, r)."""
        res = self.y - self.prediction(coef)
        u = self.neurons(coef)
        return float(res @ res + lam * np.sqrt(np.einsum("ij,ij->i", u, u)).sum()), u

    def objective(self, coef, lam) -> float:
        return self.fit(coef, lam)[0]

    def newton_matrix(self, vals):
        """``F T F^T`` for T (summed over blocks) with the entries ``vals`` in the CSR pattern: two halves of
        the rays, each ``F_h (T_h F^T)``, the second in a worker thread (sparse and BLAS products release the
        GIL). The split is fixed, so the sum is the same on any machine and number of cores."""
        cut = self.Rw // 2
        mid = int(self._indptr[cut])
        upper = sp.csr_matrix((vals[:mid], self._indices[:mid], self._indptr[: cut + 1]), shape=(cut, self.Rw))
        lower = sp.csr_matrix(
            (vals[mid:], self._indices[mid:], self._indptr[cut:] - mid), shape=(self.Rw - cut, self.Rw)
        )
        second = _in_worker(lambda: self.F[:, cut:] @ (lower @ self.FT))
        first = self.F[:, :cut] @ (upper @ self.FT)
        return first + second()

    # -- starting points -------------------------------------------------------------------------------------
    def start_blocks(self, state, blocks, mu):
        """Fill in the variables of ``blocks`` (indices into this set) at the state's rho: b at half the radius
        along an inner direction, slacks ``b.e - s h`` (a floor where the block is violated: the residual is
        what the infeasible steps remove), multipliers on the central path of ``mu``."""
        if len(blocks) == 0:
            return
        owner = np.repeat(blocks, self.kb[blocks])
        inc = self.incidences(blocks)
        state.b[blocks] = 0.5 * self.r * self.geo.inner[self.region[blocks]]
        h = self.F.T @ state.rho
        pa = np.einsum("ij,ij->i", state.b[owner], self.E[inc])
        sa = pa - self.s_inc[inc] * h[self.inc_w[inc]]
        sa = np.maximum(sa, 0.1 * np.maximum(pa, 1e-3 * self.r))
        state.sa[inc] = sa
        state.al[inc] = mu / sa
        q = 0.75 * self.r * self.r
        state.th[blocks] = mu / q

    # -- the Newton step -------------------------------------------------------------------------------------
    def step(self, st: "_State", h, pa, q, nb, mu):
        """One predictor-corrector step; returns the next state. The linear slacks are variables of their own:
        ``b.e - s h - sa`` is a residual that a full step removes (zero but for rounding, except on blocks that
        joined violated)."""
        rho, b, al, sa, th = st.rho, st.b, st.al, st.sa, st.th
        r = self.E.shape[1]
        ra = pa - self.s_inc * h[self.inc_w] - sa
        safe = np.where(nb > 0, nb, 1.0)
        u = np.where((nb > 0)[:, None], b / safe[:, None], np.eye(r)[0][None, :])
        c = q / (q + 2.0 * nb * nb)
        ui = self.per_incidence(u)
        w = np.einsum("ij,ij->i", ui, self.E)  # rays along the unit b
        Ep = self.E - w[:, None] * ui  # ... and perpendicular to it
        i2t = 0.5 / th
        dinv = sa / al

        # T = (D^-1 + E^T B^-1 E)^-1 per block, Jacobi-scaled; each group's two halves on the two cores (on small
        # sets handing work to the other thread costs more than it saves)
        split = self.L >= SPLIT_FROM

        def invert(half):
            """T of the blocks in ``half`` (0 or 1) of every group."""
            out = []
            for kk, blk, inc in self.groups:
                h0, h1 = _half(blk, half, split)
                Epk = Ep[inc].reshape(-1, kk, r)[h0:h1]
                wk = w[inc].reshape(-1, kk)[h0:h1]
                bl = slice(blk.start + h0, blk.start + h1)
                A = (Epk @ Epk.transpose(0, 2, 1) + c[bl, None, None] * wk[:, :, None] * wk[:, None, :]) * i2t[
                    bl, None, None
                ]
                diag = np.arange(kk)
                A[:, diag, diag] += dinv[inc].reshape(-1, kk)[h0:h1]
                dg = 1.0 / np.sqrt(A[:, diag, diag])
                out.append(_spd_inverse(A * dg[:, :, None] * dg[:, None, :]) * dg[:, :, None] * dg[:, None, :])
            return out

        Th = _both_halves(invert, split)  # per half, each group's T
        # each group's blocks in order: its first half, then its second
        data = [T.reshape(-1) for parts in zip(*Th) for T in parts]
        n = len(self.y)
        vals = np.bincount(self._slot, weights=np.concatenate(data), minlength=self._nnz)
        Q = self.newton_matrix(vals)
        Q[np.diag_indices(n)] += 2.0
        fac = _factor(Q)
        base = 2.0 * (self.y - rho)

        def apply_T(x):
            def products(half):
                out = []
                for (kk, blk, inc), T in zip(self.groups, Th[half]):
                    h0, h1 = _half(blk, half, split)
                    out.append(np.einsum("mij,mj->mi", T, x[inc].reshape(-1, kk)[h0:h1]).reshape(-1))
                return out

            # the groups, each as its two halves, cover the incidences in order
            return np.concatenate([part for parts in zip(*_both_halves(products, split)) for part in parts])

        def direction(ta, tq):
            kap = tq * c / (th * q)
            o = ta / al - ra + self.per_incidence(kap) * pa
            To = apply_T(o)
            rhs = base - self.F @ np.bincount(self.inc_w, weights=self.s_inc * To, minlength=self.Rw)
            drho = scipy.linalg.cho_solve(fac, rhs, check_finite=False)
            dh = self.F.T @ drho
            x = o + self.s_inc * dh[self.inc_w]
            anew = apply_T(x)
            Ea = self.neurons(anew)
            # B^-1 v = (v - (1 - c)(u.v) u) / (2 theta)
            uv = np.einsum("ij,ij->i", u, Ea)
            db = (Ea - ((1.0 - c) * uv)[:, None] * u) * i2t[:, None] - kap[:, None] * b
            dsa = (ta - sa * anew) / al
            dq = -2.0 * np.einsum("ij,ij->i", b, db)
            dbb = np.einsum("ij,ij->i", db, db)
            th_new = (tq + self.seg_sum(pa * anew)) / (q + 2.0 * nb * nb)
            return drho, db, dsa, dq, dbb, anew - al, th_new - th

        def longest(d):
            _, _, dsa, dq, dbb, dal, dth = d
            t = min(max_step(sa, dsa), max_step(al, dal), max_step(th, dth))
            root = (dq + np.sqrt(dq * dq + 4.0 * dbb * q)) / np.maximum(2.0 * dbb, 1e-300)
            root = np.where(dbb > 0, root, np.where(dq < 0, -q / np.minimum(dq, -1e-300), np.inf))
            return min(t, float(root.min(initial=np.inf)))

        aff = direction(np.zeros_like(sa), np.zeros_like(q))
        t = min(1.0, longest(aff))
        _, _, dsa, dq, dbb, dal, dth = aff
        pairs = self.L + self.nb
        mu_aff = (
            float(((al + t * dal) * (sa + t * dsa)).sum()) + float(((th + t * dth) * (q + t * dq - t * t * dbb)).sum())
        ) / pairs
        smu = min(1.0, (max(mu_aff, 0.0) / mu) ** 3) * mu
        ta, tq = smu - dal * dsa, smu - dth * dq + th * dbb
        cor = direction(ta, tq)
        reach = longest(cor)
        if reach < 1.0:
            # Gondzio's centrality corrector: aim at a longer step, and pull the products that step would leave
            # far from the target back into [CENTRE_LOW, CENTRE_HIGH] * smu (one more solve, no factorisation).
            goal = min(1.0, CORRECT_AIM * reach + CORRECT_ADD)
            _, _, dsa, dq, dbb, dal, dth = cor
            va = (al + goal * dal) * (sa + goal * dsa)
            vq = (th + goal * dth) * (q + goal * dq - goal * goal * dbb)
            lo, hi = CENTRE_LOW * smu, CENTRE_HIGH * smu
            more = direction(
                ta + np.maximum(np.clip(va, lo, hi) - va, -hi), tq + np.maximum(np.clip(vq, lo, hi) - vq, -hi)
            )
            further = longest(more)
            if further >= reach + CORRECT_GAIN * (goal - reach):
                cor, reach = more, further
        t = min(1.0, BOUNDARY * reach)
        drho, db, dsa, _, _, dal, dth = cor
        return _State(rho + t * drho, b + t * db, al + t * dal, sa + t * dsa, th + t * dth)


@dataclass
class _State:
    """An iterate: rho (n,), and per block of a :class:`_Lifted` b (nb, r), per incidence alpha and the slack, per
    block the ball's multiplier theta."""

    rho: np.ndarray
    b: np.ndarray
    al: np.ndarray
    sa: np.ndarray
    th: np.ndarray

    @classmethod
    def empty(cls, lift: "_Lifted", rho):
        return cls(rho, np.zeros((lift.nb, lift.E.shape[1])), np.zeros(lift.L), np.zeros(lift.L), np.zeros(lift.nb))

    def grown(self, old: "_Lifted", new: "_Lifted", keep=None) -> tuple["_State", np.ndarray]:
        """The variables of ``old``'s blocks (those in ``keep``, all of them in ``new``) at their places in
        ``new``; and ``new``'s further blocks, still to be started."""
        keep = np.ones(old.nb, dtype=bool) if keep is None else keep
        st = _State.empty(new, self.rho)
        at = np.full(2 * new.geo.P, -1)
        at[new.blocks] = np.arange(new.nb)
        src = np.flatnonzero(keep)
        dst = at[old.blocks[src]]
        assert np.all(dst >= 0), "every kept block must be in the new set"
        st.b[dst], st.th[dst] = self.b[src], self.th[src]
        # A block's rays are its region's, in the same order in both sets.
        si, di = old.incidences(src), new.incidences(dst)
        st.al[di], st.sa[di] = self.al[si], self.sa[si]
        fresh = np.ones(new.nb, dtype=bool)
        fresh[dst] = False
        return st, np.flatnonzero(fresh)


class _Shrink(NamedTuple):
    """Where a narrowed set goes back to: the set before the shrink and its iterate, the blocks kept since,
    the step of the shrink (or of the last going back) and the set's own gap just before the shrink."""

    lift: _Lifted
    state: _State
    kept: np.ndarray
    step: int
    own: float


_WORKER: ThreadPoolExecutor | None = None
_WORKER_LOCK = threading.Lock()


def _forget_worker() -> None:
    """In a forked child: the executor was copied but its thread was not, so start afresh."""
    global _WORKER, _WORKER_LOCK
    _WORKER, _WORKER_LOCK = None, threading.Lock()


os.register_at_fork(after_in_child=_forget_worker)


def _in_worker(fn):
    """Start ``fn()`` in the worker thread (one, made on first use, shared by every solve) and return a callable
    that waits for its result. It runs in a copy of this thread's context, which carries numpy's error state
    (the solve ignores overflow at rounding level; the certificate decides). Where no thread can start (the
    interpreter is shutting down) it runs here."""
    global _WORKER
    with _WORKER_LOCK:
        if _WORKER is None:
            _WORKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="interior-half")
        worker = _WORKER
    try:
        future = worker.submit(contextvars.copy_context().run, fn)
    except RuntimeError:
        value = fn()
        return lambda: value
    return future.result


def _half(blk: slice, half: int, split: bool = True) -> tuple[int, int]:
    """The first (0) or second (1) half of a group of blocks, as offsets into the group; unsplit, the first is
    the whole group."""
    m = blk.stop - blk.start
    cut = m // 2 if split else m
    return (0, cut) if half == 0 else (cut, m)


def _both_halves(fn, split: bool = True) -> tuple:
    """``(fn(0), fn(1))``, the second computed in the worker thread; unsplit, ``(fn(0),)``. For work block by
    block: each block's numbers are the same whichever half computes them, and numpy releases the GIL inside
    each operation, so the two halves run on two cores."""
    if not split:
        return (fn(0),)
    second = _in_worker(lambda: fn(1))
    first = fn(0)
    return first, second()


def _spd_inverse(A: np.ndarray) -> np.ndarray:
    """Inverses of a stack of symmetric positive definite matrices with unit diagonal, shape (m, k, k).

    Up to ``SMALL_BLOCK`` rays a Cholesky factorisation written out entry by entry, each entry one operation
    over the whole stack (numpy's inverse loops over the matrices one by one: 4-6 times slower at these
    sizes). A matrix whose pivot falls below ``SPD_PIVOT`` (nearly singular to rounding) is inverted by LAPACK
    instead, as are larger blocks."""
    m, k, _ = A.shape
    if k > SMALL_BLOCK or m == 0:
        return np.linalg.inv(A)
    L: list[list[np.ndarray]] = [[np.empty(0)] * k for _ in range(k)]
    low = np.full(m, np.inf)
    for j in range(k):
        pivot = A[:, j, j] - sum((L[j][p] * L[j][p] for p in range(j)), np.zeros(m))
        low = np.minimum(low, pivot)
        L[j][j] = np.sqrt(np.maximum(pivot, SPD_PIVOT))
        for i in range(j + 1, k):
            L[i][j] = (A[:, i, j] - sum((L[i][p] * L[j][p] for p in range(j)), np.zeros(m))) / L[j][j]
    W: list[list[np.ndarray]] = [[np.empty(0)] * k for _ in range(k)]  # L^-1, lower triangular
    for i in range(k):
        W[i][i] = 1.0 / L[i][i]
        for j in range(i):
            W[i][j] = -W[i][i] * sum((L[i][p] * W[p][j] for p in range(j, i)), np.zeros(m))
    out = np.empty_like(A)
    for i in range(k):
        for j in range(i + 1):
            out[:, i, j] = out[:, j, i] = sum((W[p][i] * W[p][j] for p in range(i, k)), np.zeros(m))
    weak = np.flatnonzero(low < SPD_PIVOT)
    if len(weak):
        out[weak] = np.linalg.inv(A[weak])
    return out


def _factor(Q):
    for shift in FACTOR_SHIFTS:
        try:
            A = Q if not shift else Q + shift * np.diag(np.diag(Q))
            return scipy.linalg.cho_factor(A, check_finite=False)
        except np.linalg.LinAlgError:
            continue
    raise np.linalg.LinAlgError("the Newton system is not positive definite to working precision")


def every_block_fits(arr: Arrangement) -> bool:
    """Whether the method starts from every block (its proven regime); beyond, the working set starts from
    the most violated blocks and grows, which can take many rounds on large data."""
    return 2 * int((arr.members >= 0).sum()) <= ALL_BLOCKS


# -- the driver ----------------------------------------------------------------------------------------------
@dataclass
class Rank3Result:
    """Certified solution of problem (2) over every region of an arrangement of rank <= 3.

    Attributes
    ----------
    U, V : ndarray, shape (P, r)
        Positive and negative neuron of each region, in the arrangement's row-space coordinates and the
        original units; unused neurons are exactly 0.
    objective : float
        Objective (2) of (U, V).
    lower : float
        Certified lower bound on the optimum: the bound of ``dual``.
    iterations : int
        Interior-point steps taken, over every round.
    rounds : int
        Working sets solved.
    seconds : float
    dual : ndarray, shape (n,)
        The residual-like point whose dual check over every region gives ``lower``.
    stopped : bool
        The progress callback asked to stop.
    """

    U: np.ndarray
    V: np.ndarray
    objective: float
    lower: float
    iterations: int
    rounds: int
    seconds: float
    dual: np.ndarray
    stopped: bool = False

    @property
    def gap(self) -> float:
        """Certified bound on ``objective - optimum``."""
        return max(0.0, self.objective - self.lower)


GROW_MIN = 64  # blocks added to a working set per round, at least (as many as it holds once it is larger)
FIRST_BLOCKS = 8  # the first working set: this many blocks per data point, the most violated at rho = y
PRICE_DROP = 0.1  # price every region again once the working set's own gap has dropped this much
OUTSIDE = 4.0  # a round ends when the regions outside cost more than this times the working set's own gap
TINY = 1e-300
WARM_GROWS = 6  # times a round adds blocks to its running iterate before it restarts cold
SHRINK_FROM = 1500  # working sets larger than this many blocks shrink ...
SHRINK_AFTER = 5  # ... from this step on, at each pricing ...
# ... to the blocks whose value is at least the first of these fractions of the largest; a shrink that drops a
# block the path needs goes back to the iterate before it with the next (the last keeps every block). At n = 150
# half the largest keeps about 11 000 of 44 700 blocks (0.15 kept 20 000); where that is too few, the watch
# catches it within a few steps, and on the bench's grid going back cost less than the cheaper steps saved. Going
# back, each further fraction is taken of the values where a block turned violated: the blocks the path moves
# towards have risen by then, so half of the largest again (about 12 000 blocks, where 0.15 keeps 20 500) is
# enough in every case of that grid.
KEEPS = (0.5, 0.5, 0.15, 0.0)
SHRINK_RATIO = 0.8  # ... when that drops at least a fifth of them, and the regions outside cost the dual
SHRINK_LOST = 0.1  # point at most this fraction of the set's own gap
SHRINK_JUMP = 1e4  # a shrink that would raise the set's own gap this many times over ...
COEF_KEEP = 0.003  # ... keeps the blocks whose neuron is at least this fraction of the largest
WATCH_STEPS = 6  # after a shrink, every region is priced at each of this many steps


def solve_rank3(
    arr: Arrangement, y: np.ndarray, lam: float, *, warm: np.ndarray | None = None, rtol: float = RTOL, progress=None
) -> Rank3Result:
    """Certified optimum of problem (2) over every region of an arrangement of rank <= 3.

    Parameters
    ----------
    arr : Arrangement
        Every region of the data (:func:`solvers.cones.arrangement`).
    y : ndarray, shape (n,)
    lam : float > 0
    warm : ndarray, shape (n,), optional
        The dual point of a solve on the same data at another lambda: the blocks it makes nearly tight
        join the first working set (it only chooses where to start).
    rtol : float
        Stop when the certified gap is at most ``rtol * objective + ATOL * ||y||^2``.
    progress : callable, optional
        Called after every step with ``(step, certified_gap, objective)`` in original units for the best
        point so far; a true return stops the solve and returns that point. With a callback the solve
        never raises SolverError.

    Returns
    -------
    Rank3Result

    Raises
    ------
    ValueError
        For ``lam <= 0`` (the dual has no interior).
    SolverError
        If no point is certified within the target (or within ``STALL_RTOL`` when the steps stop
        improving) and no ``progress`` callback is given.
    """
    if not lam > 0 or not np.isfinite(lam):
        raise ValueError(f"the rank-3 interior-point solver needs a finite lam > 0; got {lam}.")
    with np.errstate(all="ignore"):  # a step at rounding level may overflow; the certificate decides
        return _Driver(arr, np.asarray(y, dtype=np.float64), float(lam), warm, rtol, progress).run()


class _Driver:
    """Rounds of the interior-point method over growing working sets, and the best certified points.

    Normalised units throughout (``||y|| = 1``); the upper bound (a network) and the lower bound (a dual
    point) are kept separately, each the best met so far, so the certified gap never grows.
    """

    def __init__(self, arr, y, lam, warm, rtol, progress):
        self.start = time.perf_counter()
        self.arr, self.y0, self.lam0, self.warm, self.rtol, self.progress = arr, y, lam, warm, rtol, progress
        self.geo = Regions.of(arr)
        top = float(np.max(np.abs(y), initial=0.0))
        self.scale = top * float(np.linalg.norm(y / top)) if top > 0 else 0.0
        self.steps = 0
        self.rounds = 0
        self.upper: tuple[float, np.ndarray, np.ndarray] | None = None  # objective, blocks, neurons
        self.lower: tuple[float, np.ndarray] | None = None  # bound, dual point
        self.stopped = False
        self.every = False  # the first working set holds every block

    # -- bookkeeping -----------------------------------------------------------------------------------------
    def gap(self) -> float:
        assert self.upper is not None and self.lower is not None
        return self.upper[0] - self.lower[0]

    def fits(self) -> bool:
        return self.upper is not None and self.lower is not None and self.gap() <= self.rtol * self.upper[0] + ATOL

    def offer_upper(self, obj: float, lift: _Lifted, neurons: np.ndarray) -> None:
        if np.isfinite(obj) and (self.upper is None or obj < self.upper[0]):
            self.upper = (obj, lift.blocks.copy(), neurons)

    def price(self, rho: np.ndarray) -> tuple[np.ndarray, float]:
        """Every block's value at rho and its certified bound; keeps rho if that is the best so far."""
        M, vals = self.geo.check(rho)
        low = lower_bound(rho, self.y, self.lam, M)
        if np.isfinite(low) and (self.lower is None or low > self.lower[0]):
            self.lower = (low, rho.copy())
        return vals, low

    def report(self) -> bool:
        if self.progress is None or self.upper is None or self.lower is None:
            return False
        s2 = self.scale**2
        if self.progress(self.steps, max(self.gap(), 0.0) * s2, self.upper[0] * s2):
            self.stopped = True
        return self.stopped

    # -- the solve -------------------------------------------------------------------------------------------
    def run(self) -> Rank3Result:
        geo, y0, lam0 = self.geo, self.y0, self.lam0
        zero = np.zeros((geo.P, geo.r))
        M, vals = geo.check(y0)
        if self.scale == 0.0 or M <= lam0:
            # The residual y passes every dual check (y = 0 included): no neuron, and the bound is exact.
            yy = float(y0 @ y0)
            low = min(lower_bound(y0, y0, lam0, M), yy)
            return Rank3Result(zero, zero.copy(), yy, low, 0, 0, time.perf_counter() - self.start, y0.copy())
        self.y, self.lam = y0 / self.scale, lam0 / self.scale
        self.r = 0.5 * self.lam
        blocks = self.first_blocks(vals / self.scale)
        while not self.stopped and not self.fits() and self.rounds < MAX_ROUNDS:
            self.rounds += 1
            grown = self.round(blocks)
            if grown is None:
                break
            blocks = grown
        return self.result()

    def first_blocks(self, vals: np.ndarray) -> np.ndarray:
        """Every block for small problems; else the most violated ones at y (and at the warm dual point)."""
        geo = self.geo
        every = np.flatnonzero(np.concatenate([geo.k, geo.k]) > 0)
        self.every = every_block_fits(self.arr)
        if self.every:
            return every
        count = FIRST_BLOCKS * geo.n
        picks = [np.argsort(-vals, kind="stable")[:count]]
        if self.warm is not None and np.shape(self.warm) == (geo.n,) and np.all(np.isfinite(self.warm)):
            _, wv = geo.check(np.asarray(self.warm, dtype=np.float64))
            picks.append(np.argsort(-wv, kind="stable")[:count])
        return np.unique(np.concatenate(picks))

    def round(self, blocks: np.ndarray) -> np.ndarray | None:
        """The interior-point method over ``blocks`` from a cold start; the grown working set, or None when
        nothing outside it is violated (or the solve ended)."""
        lift = _Lifted(self.geo, blocks, self.y, self.r)
        st = _State.empty(lift, np.zeros(self.geo.n))
        pairs = lift.L + lift.nb
        lift.start_blocks(st, np.arange(lift.nb), 1.0 / pairs)
        inside = np.zeros(2 * self.geo.P, dtype=bool)
        inside[lift.blocks] = True
        priced_at = np.inf
        best_gap, best_own, improved = np.inf, np.inf, 0
        vals = None
        lost = np.inf
        grows, shrunk = 0, False
        before: _Shrink | None = None  # where a wrong shrink goes back to
        level = 0  # the index into KEEPS of the set kept since the last shrink; above 0 a shrink went back, and
        # the round shrinks no more
        stalled = False  # a narrowed set stalled above the gap it started from: it goes back as if violated
        since = np.inf  # the set's lowest own gap since the last shrink or going back
        for it in range(MAX_ITER + 1):
            h, pa, q, nb = lift.slacks(st.rho, st.b)
            mu = (float(st.al @ st.sa) + float(st.th @ q)) / pairs
            coef = 0.5 * st.al
            obj, neurons = lift.fit(coef, self.lam)
            self.offer_upper(obj, lift, neurons)
            dual_value = 2.0 * float(st.rho @ self.y) - float(st.rho @ st.rho)  # rho's; a grow or shrink keeps rho
            own = obj - dual_value  # the working set's own gap
            since = min(since, own)
            watch = before is not None and it - before.step <= WATCH_STEPS
            if it == 0 or own <= PRICE_DROP * priced_at or own <= self.rtol * obj or watch or stalled:
                priced_at = own
                vals, low = self.price(st.rho)
                # What the regions outside the set cost this dual point: its own dual value minus its bound.
                lost = dual_value - low
                if self.fits():
                    self.sparsify(lift, coef, st.sa)
                    return None
                if before is not None and (stalled or np.any(vals[before.lift.blocks[~before.kept]] > self.lam)):
                    # The shrink dropped a block the path needs (or the narrowed set stalled): back to the iterate
                    # before it (strictly feasible for every block of that set), keeping also what is within the
                    # next fraction now, and watched again (the last fraction keeps the whole set).
                    full, at, kept = before.lift, before.state, before.kept
                    stalled, since = False, np.inf
                    level = min(level + 1, len(KEEPS) - 1)
                    now = vals[full.blocks]
                    # (what is violated now stays too; with values that overflowed, the last level still keeps all)
                    keep = kept | (now >= KEEPS[level] * now.max(initial=0.0)) | (now > self.lam)
                    if keep.all() or level == len(KEEPS) - 1:
                        before, lift, st = None, full, at
                    else:
                        before = before._replace(kept=keep, step=it)
                        lift = _Lifted(self.geo, full.blocks[keep], self.y, self.r)
                        st, _ = at.grown(full, lift, keep)
                    pairs = lift.L + lift.nb
                    inside[:] = False
                    inside[lift.blocks] = True
                    priced_at, best_own, improved = np.inf, np.inf, it
                    continue
                outside = self.gap() > OUTSIDE * max(own, 0.0)
                if outside and np.any((vals > self.lam) & ~inside):
                    if grows >= WARM_GROWS:
                        return self.grow(lift.blocks, vals, inside)
                    # The violated blocks join the running iterate (their slacks start at a floor; a full
                    # step removes the residual), which keeps its place on the path for the others.
                    grows += 1
                    before = None  # going back past a grow would drop the blocks it adds
                    big = _Lifted(self.geo, self.grow(lift.blocks, vals, inside), self.y, self.r)
                    st, fresh = st.grown(lift, big)
                    big.start_blocks(st, fresh, mu)
                    lift, pairs = big, big.L + big.nb
                    inside[lift.blocks] = True
                    h, pa, q, nb = lift.slacks(st.rho, st.b)
                    mu = (float(st.al @ st.sa) + float(st.th @ q)) / pairs
                    priced_at = np.inf
            # Progress is the round's own gap or the certified one: a cold restart starts far behind the
            # best point, and a shrink moves the working set's own gap.
            if own < 0.5 * best_own or self.gap() < 0.5 * best_gap:
                best_own, best_gap, improved = min(own, best_own), min(self.gap(), best_gap), it
            self.steps += 1
            if self.report():
                return None
            if it == MAX_ITER or not np.isfinite(mu) or mu <= 0:
                break
            if it - improved > STALL_STEPS:
                # A narrowed set can throw the iterate off the path with no dropped block turning violated: if
                # it never came back below the gap it had at the shrink, the next step's pricing goes back
                # wider, as for a violated block (a stall at rounding level, far below that gap, ends the round).
                if before is None or stalled or since <= before.own:
                    break
                stalled = True
            if (
                vals is not None
                and level == 0
                and not stalled
                and priced_at == own
                and it >= SHRINK_AFTER
                and lift.nb > SHRINK_FROM
                and lost <= SHRINK_LOST * max(own, 0.0)  # only once the regions outside hardly matter
                and (self.every or own <= SHRINK_LOST * obj)  # ... and a grown set's iterate is well on its way
            ):
                # Regions far from tight at a central iterate stay so: the set shrinks, the iterate stays
                # strictly feasible for what is left (pricing brings back any that turn violated).
                mine = vals[lift.blocks]
                keep = mine >= KEEPS[0] * mine.max(initial=0.0)
                # The dropped blocks' neurons leave the network: at small lambda large ones of opposite signs can
                # cancel, and dropping one side throws the iterate far off (at n = 150, lambda = 1e-5 its own gap
                # rose 1e6 times and the round broke down). Then the blocks with sizeable neurons stay too.
                if lift.objective(coef * lift.per_incidence(keep), self.lam) - dual_value > SHRINK_JUMP * max(own, 0.0):
                    size = np.linalg.norm(neurons, axis=1)
                    keep |= size >= COEF_KEEP * size.max(initial=0.0)
                if keep.sum() <= SHRINK_RATIO * lift.nb:
                    before = _Shrink(lift, st, keep, it, own)
                    since = np.inf
                    small = _Lifted(self.geo, lift.blocks[keep], self.y, self.r)
                    st, _ = st.grown(lift, small, keep)
                    shrunk = True
                    lift, pairs = small, small.L + small.nb
                    inside[:] = False
                    inside[lift.blocks] = True
                    h, pa, q, nb = lift.slacks(st.rho, st.b)
                    mu = (float(st.al @ st.sa) + float(st.th @ q)) / pairs
            try:
                st = lift.step(st, h, pa, q, nb, mu)
            except (np.linalg.LinAlgError, ValueError):
                break  # the scaling broke down at rounding level: the best certified point stands
        if vals is None or priced_at > own:
            vals, _ = self.price(st.rho)
        if np.any((vals > self.lam) & ~inside):
            return self.grow(lift.blocks, vals, inside)
        if (grows or shrunk) and not self.fits() and not self.stopped:
            return lift.blocks  # a set changed under a running iterate can stall it: restart cold
        return None

    def grow(self, blocks: np.ndarray, vals: np.ndarray, inside: np.ndarray) -> np.ndarray:
        """The working set with the most violated blocks outside it added."""
        cand = np.flatnonzero((vals > self.lam) & ~inside)
        count = max(GROW_MIN, len(blocks))
        cand = cand[np.argsort(-vals[cand], kind="stable")[:count]]
        return np.concatenate([blocks, cand])

    def sparsify(self, lift: _Lifted, coef: np.ndarray, sa: np.ndarray) -> None:
        """Drop coefficients, least used first, as many as keep the certified gap within the target.

        A coefficient and its slack are complementary: on the support the coefficient stays of the size of
        its neuron while the slack vanishes, off it the reverse; dropping one saves about ``2 coef slack``
        of the gap and costs about ``coef^2 ||f||^2`` of the fit, so that ratio ranks what can go."""
        assert self.lower is not None
        low = self.lower[0]
        cap = (low + ATOL) / (1.0 - self.rtol)
        ratio = np.log(np.maximum(coef, TINY)) + np.log(lift.f2[lift.inc_w]) - np.log(np.maximum(sa, TINY))
        order = np.argsort(ratio, kind="stable")

        def attempt(count: int):
            c = coef.copy()
            c[order[:count]] = 0.0
            obj = lift.objective(c, self.lam)
            return (obj, c) if obj <= cap else None

        lo = int(np.count_nonzero(ratio < 0))
        found = attempt(lo)
        if found is None:
            lo, found = 0, attempt(0)
            if found is None:
                return
        hi = len(coef)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            got = attempt(mid)
            if got is None:
                hi = mid
            else:
                lo, found = mid, got
        merged = _merge_rays(lift, found[1])
        obj = lift.objective(merged, self.lam)
        if obj <= max(cap, found[0]):
            found = (obj, merged)
        self.upper = (found[0], lift.blocks.copy(), lift.neurons(found[1]))

    def result(self) -> Rank3Result:
        seconds = time.perf_counter() - self.start
        if self.upper is None or self.lower is None:
            raise SolverError("the rank-3 solver found no finite objective; no optimum is reported.")
        obj, blocks, neurons = self.upper
        low = min(self.lower[0], obj)
        if obj - low > self.rtol * obj + ATOL and obj - low > STALL_RTOL * obj + ATOL and self.progress is None:
            raise SolverError(
                f"the rank-3 solver stopped after {self.steps} steps with a certified relative gap of "
                f"{(obj - low) / obj:.3g}; no optimum is reported."
            )
        P = self.geo.P
        U, V = np.zeros((P, self.geo.r)), np.zeros((P, self.geo.r))
        pos = blocks < P
        U[blocks[pos]] = neurons[pos] * self.scale
        V[blocks[~pos] - P] = neurons[~pos] * self.scale
        dual = self.lower[1] * self.scale
        s2 = self.scale**2
        return Rank3Result(U, V, obj * s2, low * s2, self.steps, self.rounds, seconds, dual, self.stopped)


def _merge_rays(lift: _Lifted, coef: np.ndarray) -> np.ndarray:
    """Blocks whose neuron lies on one ray, of the same sign and ray, as one neuron (in the first of them).

    Every region around a ray holds it, and an interior point shares such a neuron between them: the
    prediction depends only on the total and the norms add up along one direction, so the objective is the
    same with fewer neurons."""
    live = coef > 0
    per_block = np.bincount(lift.inc_blk[live], minlength=lift.nb)
    idx = np.flatnonzero(live & (per_block[lift.inc_blk] == 1))
    if len(idx) == 0:
        return coef
    key = 2 * lift.inc_w[idx] + (lift.s_inc[idx] < 0)
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    out = coef.copy()
    out[idx] = 0.0
    out[idx[first]] = np.bincount(inverse.reshape(-1), weights=coef[idx])
    return out
