"""Problem (2) on rank-2 data in chain form (:mod:`solvers.chain`): a primal-dual interior-point method.

The dual
--------
With the residual written through the divided differences, ``rho = W^-1 Delta^T nu``, the inner products
of ``W rho`` with the rays are ``h = S^T nu`` (``S = Delta F``, at most three non-zeros per ray), and the
dual of (2) (labels scaled to ``||y|| = 1``, lambda with them, ``r = lambda / 2``) is

    min_nu  ||rho||^2 - 2 rho.y   subject to  ||P_{K_i}(+-g_i)|| <= r  for every region i and sign,

where ``g_i`` is the region's gradient, known by its inner products ``h_i, h_{i+1}`` with the cone's
rays ``e_a, e_b``. The projection norm is only C^1 in g (a barrier on it is not self-concordant: Newton
stalls on narrow cones), so each check is lifted: ``||P_K(g)|| = dist(g, K°) <= r`` holds iff
``g = b + c`` with ``||b|| <= r`` and ``c`` in the polar cone, that is

    b.e_a - h_a >= 0,    b.e_b - h_b >= 0,    r^2 - ||b||^2 >= 0,

one ``b`` in R^2 per region and sign (a "block"). The multipliers of the two linear constraints are the
neuron's coefficients on the cone's rays: at the optimum the block's neuron is ``(alpha e_a + gamma e_b) / 2``
(stationarity in nu gives ``rho = y - prediction`` with those neurons). So the primal iterates of this
method are networks and its dual iterates residuals: both give certified bounds at every step.

The method
----------
Mehrotra's predictor-corrector on the three complementarity pairs of every block (``alpha (b.e_a - h_a)``,
``gamma (b.e_b - h_b)``, ``theta (r^2 - ||b||^2)``); the dual iterates stay strictly feasible (every
slack positive), so ``rho`` passes the dual check up to rounding. Eliminating the multipliers and then
each block's ``b`` (a 2 x 2 system) leaves one system in nu,

    (2 Delta W^-2 Delta^T + S T S^T) dnu = rhs,     T tridiagonal (neighbouring regions share a ray),

symmetric positive definite, banded on the interior positions with a two-wide border (rows 0 and 1
carry every left ray): a banded Cholesky factorisation, O(n) per step. The block elimination is written
in the Woodbury form ``T = (D^-1 + E^T B^-1 E)^-1`` (``D`` the linear constraints' scaling ``alpha / slack``,
``B`` the ball's, ``E`` the rays): near the optimum ``D`` is huge for the tight constraints and the direct
form ``D - D E^T (E D E^T + B)^-1 E D`` would cancel; the inverse form adds positive terms only. ``b``'s
step comes back through ``B^-1`` (small), never through ``E^-1`` (large for a narrow cone), and the new
multipliers come out of the block equations directly, never as ``(target - ...) / slack`` (which cancels
for a nearly tight constraint: that is what made neurons recovered from a barrier's multipliers
inaccurate at small mu). The residual ``rho`` is formed from nu in extended precision (Delta holds
``1 / (x_{j+1} - x_j)``).

Certificate and the returned network
------------------------------------
Every iterate is checked: the network is evaluated as it is (objective (2) through the chain's
extended-precision products), and the lower bound of :mod:`solvers.dual` comes from the dual iterate's
residual with the exact dual check (:func:`solvers.chain.dual_value`). The loop stops on that certified
gap only, and nothing outside it (iteration caps, stalls) is ever reported as optimal.

The interior point keeps every coefficient positive, so near the end the network is made sparse:
coefficients are dropped in the order of how far their constraints are from tight (support and
non-support separate like ``1 / mu``), as many as the certificate allows; a ray held by the two regions
around it becomes one neuron; and where the optimum is degenerate -- a kink can face right or left,
their linear parts cancelling across kinks, and an interior point takes half of each -- kinks are moved
to one side (a vertex of the optimal face, :func:`_purify`). Each of these is kept only if the result
is still certified within the target.

Limits
------
Float64 certifies about ``eps / (relative gap between the closest inputs)``: inputs 1e-9 apart cost
about 1e-8 of relative gap. Inputs much closer than that (the divided differences become singular to
working precision), or all inputs within ~1e-6 of each other (the cone of the linear region is then
nearly a half-plane and its neurons need huge ray coefficients), may not be certified: the solver then
raises rather than report an uncertified optimum.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp
from scipy.linalg.lapack import dpbtrf, dpbtrs, dpotrf, dpotrs

from .chain import Chain, dual_value, lower_bound
from .solution import SolverError

RTOL = 1e-8  # default target: certified gap <= RTOL * objective
STALL_RTOL = 1e-6  # a run that stops improving returns if its certified relative gap is below this
MAX_ITER = 100  # typical runs take 10-25 steps
STALL_STEPS = 8  # no halving of the best certified gap in this many steps is a stall
BOUNDARY = 0.99  # fraction of the step to the boundary of the cones
PRUNE_FROM = 1e3  # pruning is tried once the raw certified gap is within this factor of the target
PRUNE_STEPS = 3  # more steps allowed once certified, while a sparser network needs more room
PURIFY_TOLS = (1e-3, 1e-7)  # how far from parallel a kink's two halves may be to be moved to one side
WARM_RTOL = 0.1  # the iterate kept for warm starts: the first one certified within this (well centred)
WARM_AFTER = 2  # ... and at least this many steps into its run (a start is not centred)
WARM_TRIAL = 4  # a warm start must cut the certified gap by WARM_DROP within this many steps,
WARM_DROP = 0.1  # or the solve restarts cold
FACTOR_SHIFTS = (0.0, 1e-14, 1e-12, 1e-10)  # relative diagonal shifts tried when a factorisation fails
_SIGN = np.array([[1.0], [-1.0]])  # block rows: positive neurons (u) then negative ones (v)


@dataclass(frozen=True)
class WarmStart:
    """An interior iterate of one solve, reusable for another lambda on the same chain (normalised units).

    It is an early, well-centred iterate: an interior point near the end of its path sits against the
    boundary and would crawl. A warm start that does not cut the gap tenfold in its first few steps
    gives way to a cold one, so it never costs more than those steps.

    Attributes
    ----------
    lam : float
        The (normalised) lambda it was computed for.
    nu : ndarray, shape (k,)
    b, alpha, gamma, theta : ndarray
        Block variables, shapes (2, P, 2), (2, P), (2, P), (2, P).
    """

    lam: float
    nu: np.ndarray
    b: np.ndarray
    alpha: np.ndarray
    gamma: np.ndarray
    theta: np.ndarray


@dataclass
class ChainResult:
    """Certified solution of problem (2) on a chain.

    Attributes
    ----------
    U, V : ndarray, shape (2k - 1, 2)
        Positive and negative neuron of each region of the chain (region order), in the chain's
        ``(w, b)`` frame and original units; unused neurons are exactly 0.
    objective : float
        Objective (2) of (U, V) on the original rows (the chain's objective plus ``chain.constant``).
    lower : float
        Certified lower bound on the optimum.
    iterations : int
        Interior-point steps taken.
    seconds : float
    warm : WarmStart or None
        Pass as ``warm=`` to a solve on the same chain at a nearby lambda.
    dual : ndarray, shape (k,), or None
        The dual point (a residual on the chain's merged positions, original units) whose dual check
        gives ``lower``: anyone can recompute the bound from it (:func:`solvers.chain.lower_bound`).
    """

    U: np.ndarray
    V: np.ndarray
    objective: float
    lower: float
    iterations: int
    seconds: float
    warm: WarmStart | None = None
    dual: np.ndarray | None = None

    @property
    def gap(self) -> float:
        """Certified bound on ``objective - optimum``."""
        return max(0.0, self.objective - self.lower)


class _Problem:
    """The lifted dual on a chain, labels scaled to ``||y|| = 1`` (lambda with them)."""

    def __init__(self, chain: Chain, lam: float):
        self.chain = chain
        top = float(np.max(np.abs(chain.y)))
        self.scale = top * float(np.linalg.norm(chain.y / top))  # no underflow for tiny labels
        self.y = chain.y / self.scale
        self.lam = lam / self.scale
        self.r = 0.5 * self.lam
        k = chain.k
        self.k, self.P, self.m = k, chain.n_regions, k - 2
        E = chain.rays
        self.ea0, self.ea1, self.eb0, self.eb1 = E[:-1, 0], E[:-1, 1], E[1:, 0], E[1:, 1]
        self.cos = chain.cos
        self.sin2 = chain.sin**2
        self.vers = chain.vers  # 1 - cos
        self.opp = self.sin2 / np.maximum(self.vers, 1e-300)  # 1 + cos
        D = chain.delta.tocsr()
        self.D, self.DT = D, D.T.tocsr()
        # Delta has three diagonals: main, first and second below (column j: rows j, j + 1, j + 2).
        self.dg = [D.diagonal(-d).astype(np.longdouble) for d in range(3)]
        self.wi = 1.0 / chain.w
        S = chain.ramps.tocoo()
        self.S, self.ST = S.tocsr(), S.T.tocsr()
        # Each ray's column of S has at most one entry in rows >= 2 (the slope change at its kink) and
        # entries in the border rows 0, 1 (value and slope at x_0; every left ray has them).
        self.ir = np.full(2 * k, -1)
        self.vi = np.zeros(2 * k)
        self.bd = np.zeros((2 * k, 2))
        inner = S.row >= 2
        self.ir[S.col[inner]] = S.row[inner] - 2
        self.vi[S.col[inner]] = S.data[inner]
        self.bd[S.col[~inner], S.row[~inner]] = S.data[~inner]
        self.Q0 = self._pack(2.0 * D @ sp.diags(self.wi**2) @ self.DT)

    # -- the banded system ---------------------------------------------------------------------------
    def _pack(self, A):
        """Interior band (LAPACK upper form, width 2), border (m, 2) and corner (2, 2) of a symmetric A."""
        A = A.tocsr()
        m = self.m
        ab = np.zeros((3, max(m, 0)))
        if m > 0:
            inner = A[2:, 2:]
            for d in range(3):
                ab[2 - d, d:] = inner.diagonal(d)
        Bd = A[2:, :2].toarray() if m > 0 else np.zeros((0, 2))
        return ab, Bd, A[:2, :2].toarray()

    def assemble(self, Td, To):
        """``Q0 + S T S^T`` packed, for T symmetric tridiagonal (diagonal Td (2k,), off-diagonal To (2k-1,)).

        In rows >= 2 each ray touches one row (its kink's position) and neighbouring rays touch
        neighbouring rows, so T's diagonal lands on the band's diagonal and its off-diagonal on the
        first super-diagonal; everything involving rows 0, 1 goes to the border and the corner."""
        ab0, Bd0, Cc0 = self.Q0
        m, ir, vi, bd = self.m, self.ir, self.vi, self.bd
        ab, Bd = ab0.copy(), Bd0.copy()
        if m > 0:
            inside = ir >= 0
            ab[2] += np.bincount(ir[inside], weights=(Td * vi * vi)[inside], minlength=m)
            pair = inside[:-1] & inside[1:]
            upper = np.maximum(ir[:-1], ir[1:])[pair]  # entry (j - 1, j) is stored at ab[1, j]
            ab[1] += np.bincount(upper, weights=(To * vi[:-1] * vi[1:])[pair], minlength=m)
            here = Td * vi  # c's interior row with c's own border entries
            left = To * vi[:-1]  # c's interior row with c + 1's border entries
            right = To * vi[1:]  # c + 1's interior row with c's border entries
            for t in range(2):
                Bd[:, t] += np.bincount(ir[inside], weights=(here * bd[:, t])[inside], minlength=m)
                sel = inside[:-1]
                Bd[:, t] += np.bincount(ir[:-1][sel], weights=(left * bd[1:, t])[sel], minlength=m)
                sel = inside[1:]
                Bd[:, t] += np.bincount(ir[1:][sel], weights=(right * bd[:-1, t])[sel], minlength=m)
        cross = (bd[:-1] * To[:, None]).T @ bd[1:]
        Cc = Cc0 + (bd * Td[:, None]).T @ bd + cross + cross.T
        return ab, Bd, Cc

    def factor(self, ab, Bd, Cc):
        """Cholesky factorisation: band first, then the border's 2 x 2 Schur complement. This is the
        Cholesky factorisation of the symmetrically permuted matrix, hence as stable.

        Inputs a hair apart make ``Delta`` nearly singular (two second differences across the tiny gap
        nearly cancel), and the matrix's condition number can pass 1 / eps: then a relative shift of
        the diagonal at rounding level is added, as interior-point codes do. The step is a little off
        in that one direction; the certificate does not depend on it."""
        for shift in FACTOR_SHIFTS:
            try:
                if shift:
                    ab = ab.copy()
                    ab[2] *= 1.0 + shift
                    Cc = Cc + shift * np.diag(np.diag(Cc))
                if self.m <= 0:
                    return None, None, None, _lapack(dpotrf(Cc[: self.k, : self.k], lower=0, clean=0))
                chol = _lapack(dpbtrf(ab, lower=0))
                AinvB = _lapack(dpbtrs(chol, Bd, lower=0))
                return chol, Bd, AinvB, _lapack(dpotrf(Cc - Bd.T @ AinvB, lower=0, clean=0))
            except np.linalg.LinAlgError:
                continue
        raise np.linalg.LinAlgError("the Newton system is not positive definite to working precision")

    def solve(self, fac, rhs):
        chol, Bd, AinvB, sc = fac
        if chol is None:
            return _lapack(dpotrs(sc, rhs, lower=0))
        top = _lapack(dpbtrs(chol, rhs[2:], lower=0))
        bottom = _lapack(dpotrs(sc, rhs[:2] - Bd.T @ top, lower=0))
        return np.concatenate([bottom, top - AinvB @ bottom])

    @cached_property
    def feature_norms2(self) -> np.ndarray:
        """``||W F e_c||^2`` for every ray (normalised units; at least a tiny positive number)."""
        c = self.chain
        x, w2 = c.x.astype(np.longdouble), c.w.astype(np.longdouble) ** 2

        def suffix(v):  # sum over j > m
            return np.concatenate([np.cumsum(v[::-1])[::-1][1:], [0.0]])

        def prefix(v):  # sum over j < m
            return np.concatenate([[0.0], np.cumsum(v)[:-1]])

        n2 = 1.0 + x * x
        right = (suffix(w2 * x * x) - 2 * x * suffix(w2 * x) + x * x * suffix(w2)) / n2
        left = (prefix(w2 * x * x) - 2 * x * prefix(w2 * x) + x * x * prefix(w2)) / n2
        f2 = np.concatenate([right[::-1], left[::-1]]).astype(np.float64)
        return np.maximum(f2, 1e-300)

    # -- blocks ---------------------------------------------------------------------------------------
    def rho(self, nu):
        """``W^-1 Delta^T nu`` in extended precision, rounded once at the end: Delta holds ``1 / (x_{j+1} - x_j)``,
        so for nearby points the float64 product would lose what the dual check of their narrow cone
        resolves, and the certified bound would pay for that rounding."""
        v = nu.astype(np.longdouble)
        out = self.dg[0] * v
        out[:-1] += self.dg[1] * v[1:]
        out[:-2] += self.dg[2] * v[2:]
        return (out / self.chain.w).astype(np.float64)

    def slacks(self, nu, b):
        """``(h, pa, pb, sa, sb, q, |b|)``: ray products ``b.e``, the linear slacks and ``r^2 - |b|^2``."""
        h = self.ST @ nu
        pa = b[..., 0] * self.ea0 + b[..., 1] * self.ea1
        pb = b[..., 0] * self.eb0 + b[..., 1] * self.eb1
        nb = np.sqrt(b[..., 0] ** 2 + b[..., 1] ** 2)
        return h, pa, pb, pa - _SIGN * h[:-1], pb - _SIGN * h[1:], (self.r - nb) * (self.r + nb), nb

    def objective(self, a, g):
        """Normalised chain objective of the neurons ``a e_a + g e_b`` (a, g of shape (2, P), >= 0)."""
        beta = np.zeros(self.P + 1)
        beta[:-1] += a[0] - a[1]
        beta[1:] += g[0] - g[1]
        res = self.y - self.chain.w * self.chain.predict(beta)
        return float(res @ res + self.lam * self.norms(a, g).sum())

    def norms(self, a, g):
        """``||a e_a + g e_b||`` for coefficients ``a, g >= 0`` of each region's rays, without the
        cancellation of ``a^2 + g^2 + 2 a g cos`` when the rays are nearly opposite (a cone close to a
        half-plane, where the neuron's coefficients can be huge and nearly equal)."""
        wide = self.cos < 0
        sq = np.where(wide, (a - g) ** 2 + 2.0 * a * g * self.opp, (a + g) ** 2 - 2.0 * a * g * self.vers)
        return np.sqrt(np.maximum(sq, 0.0))

    def lower(self, nu):
        rho = self.rho(nu)
        return lower_bound(rho, self.y, self.lam, dual_value(self.chain, rho))


def _lapack(result) -> np.ndarray:
    """The array a LAPACK routine returns, or LinAlgError where its ``info`` reports a failure. The routines
    are the ones scipy.linalg's Cholesky functions call; called directly they skip those functions' checks,
    which at n = 20 took a fifth of a step."""
    out, info = result
    if info != 0:
        raise np.linalg.LinAlgError(f"LAPACK reported info = {info}: not positive definite to working precision")
    return out


def max_step(x, dx):
    """Largest t with ``x + t dx >= 0`` (x > 0); the interior-point methods' step to the boundary."""
    down = dx < 0
    # Only the entries that move down are divided (no errstate: it costs more than these small divisions).
    return float((x[down] / -dx[down]).min(initial=np.inf))


def _ratios(pr: _Problem, al, ga, sa, sb):
    """``log(a ||f||^2 / slack)`` of every coefficient, shape (2, 2, P): [a or g][sign][region].

    A coefficient and its slack are complementary (``alpha * slack -> mu``): on the support the
    coefficient stays of the size of its neuron while the slack vanishes; off it the coefficient
    vanishes while the slack stays of the size of ``r``. Dropping a coefficient ``a`` of a feature f
    saves about ``2 a slack`` in the gap and costs about ``a^2 ||f||^2`` in the fit, so this ratio
    ranks what can go; the two groups move apart like ``1 / mu`` (a degenerate optimum -- a tight
    constraint with a zero coefficient -- sits in between, where keeping or dropping it costs about
    the same)."""
    f2 = np.log(pr.feature_norms2)
    tiny = 1e-300
    return np.stack(
        [
            np.log(np.maximum(0.5 * al, tiny)) + f2[:-1] - np.log(np.maximum(sa, tiny)),
            np.log(np.maximum(0.5 * ga, tiny)) + f2[1:] - np.log(np.maximum(sb, tiny)),
        ]
    )


def _pruned(al, ga, keep):
    """The neurons (a, g) with only the ``keep`` coefficients of the iterate's multipliers."""
    return _merge_split(np.where(keep[0], 0.5 * al, 0.0), np.where(keep[1], 0.5 * ga, 0.0))


def _merge_split(a, g):
    """A ray held by both regions around it (region i on its second ray only, region i + 1 on its first
    ray only, same sign) is one neuron: all of it goes to region i."""
    a, g = a.copy(), g.copy()
    split = (a[:, :-1] == 0) & (g[:, :-1] > 0) & (a[:, 1:] > 0) & (g[:, 1:] == 0)
    g[:, :-1] = np.where(split, g[:, :-1] + a[:, 1:], g[:, :-1])
    a[:, 1:] = np.where(split, 0.0, a[:, 1:])
    return a, g


def _count(a, g) -> int:
    return int(np.count_nonzero((a > 0) | (g > 0)))


def _vertex(A, f, free):
    """A point of ``{f' in [0, 1]^n : A f' = A f}`` (A of shape (2, n)) with at most two entries of
    ``free`` strictly inside (0, 1) and the others unchanged, or None.

    The classic purification to a vertex: three free entries have a null direction of their 2 x 3
    columns (the cross product of its rows); moving along it keeps both equations and stops when one
    of them reaches a bound, which leaves the free set. Disjoint triples move at once, so each round
    removes a third of the free entries. The last two absorb the rounding of the walk exactly."""
    f = f.astype(float).copy()
    target = A @ f
    free = np.asarray(free, dtype=int)
    stuck = 0
    while len(free) > 2 and stuck < 3:
        m = len(free) // 3
        tri = free[: 3 * m].reshape(m, 3)
        a0, a1 = A[0][tri], A[1][tri]
        d = np.stack(
            [
                a0[:, 1] * a1[:, 2] - a0[:, 2] * a1[:, 1],
                a0[:, 2] * a1[:, 0] - a0[:, 0] * a1[:, 2],
                a0[:, 0] * a1[:, 1] - a0[:, 1] * a1[:, 0],
            ],
            axis=1,
        )
        ft = f[tri]
        # distance to the bound along +d and along -d, entry by entry
        with np.errstate(divide="ignore", invalid="ignore"):
            up = np.where(d > 0, (1.0 - ft) / d, np.where(d < 0, ft / -d, np.inf))
            down = np.where(d < 0, (1.0 - ft) / -d, np.where(d > 0, ft / d, np.inf))
        t_up, t_down = up.min(axis=1), down.min(axis=1)
        sign = np.where(t_up <= t_down, 1.0, -1.0)
        t = np.minimum(t_up, t_down)
        hit = np.where(t_up <= t_down, up.argmin(axis=1), down.argmin(axis=1))
        moving = np.isfinite(t)
        new = np.clip(ft + (sign * np.where(moving, t, 0.0))[:, None] * d, 0.0, 1.0)
        rows = np.flatnonzero(moving)
        new[rows, hit[rows]] = np.round(new[rows, hit[rows]])  # exactly on its bound
        f[tri] = new
        out = np.zeros(len(free), dtype=bool)
        out[3 * rows + hit[rows]] = True
        stuck = 0 if len(rows) else stuck + 1
        free = free[~out]
        free = np.roll(free, 1)  # new triples next round (columns spanning one direction never move)
    if len(free) > 2:
        return None
    if len(free):
        rest = target - A @ f + A[:, free] @ f[free]
        sol = np.linalg.lstsq(A[:, free], rest, rcond=None)[0]
        if np.any(sol < -1e-9) or np.any(sol > 1 + 1e-9):
            return None
        f[free] = np.clip(sol, 0.0, 1.0)
    if not np.all(np.abs(A @ f - target) <= 1e-13 * max(float(np.abs(A).sum()), 1e-300)):
        return None
    return f


def _purify(pr: _Problem, a, g, tol: float = 1e-12):
    """Move each kink to one side of the chain where the optimum is degenerate; None if nothing changes.

    A neuron u in a right region and its mirror -u in the left region k places further give the same
    feature up to a linear function, ``relu(u.z) = relu(-u.z) + u.z``, at the same cost. So mass can move
    between a block and its mirror as long as the moved linear parts cancel: with ``f_p`` the fraction
    of pair p on the right and ``U_p`` its total neuron, ``sum_p sign_p f_p U_p`` is fixed (two
    equations). An interior point of the optimal face splits every such kink between both sides; a
    vertex of ``{f in [0, 1]^p : the two equations}`` (a linear program) leaves at most two split. Only
    pairs whose two halves are parallel move (then the cost is exactly unchanged); the certificate
    of the result is checked by the caller.
    """
    k = pr.k
    if k < 3:
        return None
    E = pr.chain.rays
    right = np.arange(k - 1)
    As, Gs, f0s, colss = [], [], [], []
    for j, sign in enumerate((1.0, -1.0)):
        aR, gR, aL, gL = a[j, right], g[j, right], a[j, right + k], g[j, right + k]
        tot_a, tot_g = aR + aL, gR + gL
        mass = tot_a + tot_g
        parallel = np.abs(aR * gL - aL * gR) <= tol * (aR + gR) * (aL + gL)
        use = (mass > 0) & parallel
        As.append(np.where(use, tot_a, 0.0))
        Gs.append(np.where(use, tot_g, 0.0))
        f0s.append(np.where(use, (aR + gR) / np.where(use, mass, 1.0), 1.0))
        U = tot_a[:, None] * E[right] + tot_g[:, None] * E[right + 1]
        colss.append(np.where(use[:, None], sign * U, 0.0))
    A, G, f0 = np.concatenate(As), np.concatenate(Gs), np.concatenate(f0s)
    cols = np.concatenate(colss).T  # (2, 2 (k - 1))
    live = (A + G) > 0
    split = live & (f0 > 0) & (f0 < 1)
    if np.count_nonzero(split) <= 2:
        return None
    f = _vertex(cols, f0, np.flatnonzero(split))
    if f is None:
        return None
    a2, g2 = a.copy(), g.copy()
    n = k - 1
    for j in range(2):
        fj = f[j * n : (j + 1) * n]
        lv = live[j * n : (j + 1) * n]
        Aj, Gj = A[j * n : (j + 1) * n], G[j * n : (j + 1) * n]
        a2[j, right] = np.where(lv, fj * Aj, a[j, right])
        g2[j, right] = np.where(lv, fj * Gj, g[j, right])
        a2[j, right + k] = np.where(lv, (1.0 - fj) * Aj, a[j, right + k])
        g2[j, right + k] = np.where(lv, (1.0 - fj) * Gj, g[j, right + k])
    return _merge_split(a2, g2)


def _sparsest(pr: _Problem, al, ga, sa, sb, low, cap):
    """The sparsest network from the iterate whose objective is at most ``cap`` (certified within the
    target with the bound ``low``), or None; and whether a sparser one missed the cap (more room,
    from a later iterate, may let it through).

    Coefficients are dropped in the order of :func:`_ratios`; the objective grows with what is dropped
    once the support is reached, so a bisection on how many go finds the sparsest certified one in
    ``log2(4P)`` evaluations of the objective (O(n) each). Moving kinks to one side
    (:func:`_purify`) changes the objective slightly (the two halves are parallel only up to the
    iterate's accuracy), so when it does not fit on the sparsest pruning it is tried on one that
    keeps half the room."""
    ratio = _ratios(pr, al, ga, sa, sb)
    order = np.argsort(ratio, axis=None, kind="stable")

    def attempt(count, limit):
        keep = np.ones(ratio.size, dtype=bool)
        keep[order[:count]] = False
        a, g = _pruned(al, ga, keep.reshape(ratio.shape))
        obj = pr.objective(a, g)
        return (obj, low, a, g) if obj <= limit else None

    def bisect(limit):
        # Everything below the natural cut (ratio < 0) is tried first: if even that does not fit, stop.
        lo = int(np.count_nonzero(ratio < 0))
        found = attempt(lo, limit)
        if found is None:
            return None
        hi = ratio.size  # dropping everything never fits (y != 0 and no neuron is a worse network)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            got = attempt(mid, limit)
            if got is None:
                hi = mid
            else:
                lo, found = mid, got
        return found

    def purified(found):
        """The sparsest purification that fits (or ``found``), and the size of the sparsest one that
        did not fit (or of ``found``)."""
        best, missed = found, _count(found[2], found[3])
        for tol in PURIFY_TOLS:
            purer = _purify(pr, found[2], found[3], tol)
            if purer is None or _count(*purer) >= min(missed, _count(best[2], best[3])):
                continue
            obj = pr.objective(*purer)
            if obj <= cap:
                return (obj, low, *purer), missed  # the loosest tolerance that fits moves the most
            missed = _count(*purer)
        return best, missed

    full = bisect(cap)
    if full is None:
        return None, False
    best, missed = purified(full)
    if missed < _count(best[2], best[3]):
        half = bisect(low + 0.5 * (cap - low))
        if half is not None:
            other, missed2 = purified(half)
            if _count(other[2], other[3]) < _count(best[2], best[3]):
                best = other
            missed = min(missed, missed2)
    return best, missed < _count(best[2], best[3])


def _usable(pr: _Problem, warm) -> bool:
    return (
        isinstance(warm, WarmStart)
        and warm.nu.shape == (pr.k,)
        and warm.b.shape == (2, pr.P, 2)
        and warm.lam > 0
        and bool(np.all(np.isfinite(warm.nu)))
    )


def _cold_start(pr: _Problem):
    """nu = 0 and each b halfway along its cone's bisector (strictly feasible), the multipliers on the
    central path of a duality gap about ``||y||^2``."""
    # The unit vector at equal angles to both rays, as the normal of their difference: e_a + e_b loses
    # it when the rays are nearly opposite (a cone close to a half-plane).
    bis = np.stack([pr.eb1 - pr.ea1, pr.ea0 - pr.eb0], axis=1)
    bis /= np.linalg.norm(bis, axis=1)[:, None]
    bis *= np.where(bis[:, 0] * (pr.ea0 + pr.eb0) + bis[:, 1] * (pr.ea1 + pr.eb1) >= 0, 1.0, -1.0)[:, None]
    nu = np.zeros(pr.k)
    b = np.broadcast_to(0.5 * pr.r * bis, (2, pr.P, 2)).copy()
    _, _, _, sa, sb, q, _ = pr.slacks(nu, b)
    mu = 1.0 / (6 * pr.P)
    return nu, b, mu / sa, mu / sb, mu / q


def _warm_start(pr: _Problem, warm: WarmStart):
    """The stored iterate (an early, well-centred one: interior-point warm starts near the boundary stall)
    with its dual part scaled by the ratio of the lambdas -- the dual checks are positively homogeneous,
    so it stays strictly feasible -- the neurons kept, and the ball's multiplier scaled back so that
    ``2 theta b`` still matches the neurons."""
    t = pr.lam / warm.lam
    return warm.nu * t, warm.b * t, warm.alpha.copy(), warm.gamma.copy(), warm.theta / t


def solve_chain(
    chain: Chain, lam: float, *, warm: WarmStart | None = None, rtol: float = RTOL, progress=None
) -> ChainResult:
    """Certified optimum of problem (2) for rank-2 data in chain form.

    Parameters
    ----------
    chain : Chain
        From :func:`solvers.chain.chain_of`.
    lam : float > 0
    warm : WarmStart, optional
        ``ChainResult.warm`` of a solve on the same chain at another lambda.
    rtol : float
        Stop when the certified gap is at most ``rtol * objective``.
    progress : callable, optional
        Called after every step with ``(step, certified_gap, objective)`` in original units, for the
        point the solve would return then (the smallest certified gap so far, or the sparse network
        once one is certified within the target); a true return value stops the solve and returns
        that point. With a callback the solve never raises SolverError: the gap says what is certified.

    Returns
    -------
    ChainResult

    Raises
    ------
    ValueError
        For ``lam <= 0`` (the dual has no interior).
    SolverError
        If no point is certified within the target and no ``progress`` callback is given. A run that
        stops improving (float64 cannot certify further, see the module's Limits) returns its best
        point if that is certified within ``STALL_RTOL``; ``gap`` then says how close it is.

    Notes
    -----
    The steps are O(n): ``k = chain.k`` positions give ``4k - 2`` blocks, one banded factorisation per
    step and typically 10-20 steps. Setting up the chain (:func:`solvers.chain.chain_of`) is the
    caller's.
    """
    with np.errstate(all="ignore"):  # a step at rounding level may overflow; the certificate decides
        return _solve(chain, lam, warm, rtol, progress)


def _solve(chain, lam, warm, rtol, progress):
    start = time.perf_counter()
    if not lam > 0 or not np.isfinite(lam):
        raise ValueError(f"the chain solver needs a finite lam > 0; got {lam}.")
    P = chain.n_regions
    if dual_value(chain, chain.y) <= lam:
        # The residual y passes every dual check (y = 0 included): no neuron, and the bound is exact.
        z = np.zeros((P, 2))
        yy = float(chain.y @ chain.y)
        return ChainResult(
            z, z.copy(), yy + chain.constant, yy + chain.constant, 0, time.perf_counter() - start, None, chain.y.copy()
        )
    pr = _Problem(chain, lam)
    s2 = pr.scale**2
    const = chain.constant / s2 if s2 > 0 else (np.inf if chain.constant > 0 else 0.0)

    def report(step, best):
        return progress is not None and progress(step, (best[0] - best[1]) * s2, best[0] * s2 + chain.constant)

    run = None
    if _usable(pr, warm):
        run = _Run(pr, _warm_start(pr, warm), rtol, const, report, trial=True)
    if run is None or run.abandoned:
        done = 0 if run is None else run.steps
        run = _Run(pr, _cold_start(pr), rtol, const, report, offset=done)
    if run.best is None:
        raise SolverError("the chain solver found no finite objective; no optimum is reported.")
    obj, low, a, g = run.best
    # Any dual iterate bounds the optimum: report the best one met, and the residual that gives it.
    dual_nu = None
    if run.dual is not None and run.dual[0] >= low:
        low, dual_nu = run.dual
    low = min(low, obj)  # equal up to rounding at an exact optimum: the optimum is at most obj anyway
    if obj - low > rtol * (obj + const) and obj - low > STALL_RTOL * (obj + const) and progress is None:
        raise SolverError(
            f"the chain solver stopped after {run.steps} steps with a certified gap of {(obj - low) * s2:.3g} "
            f"(objective {obj * s2 + chain.constant:.6g}); no optimum is reported."
        )
    E = chain.rays
    U = (a[0][:, None] * E[:-1] + g[0][:, None] * E[1:]) * pr.scale
    V = (a[1][:, None] * E[:-1] + g[1][:, None] * E[1:]) * pr.scale
    dual = None if dual_nu is None else pr.rho(dual_nu) * pr.scale
    return ChainResult(
        U,
        V,
        obj * s2 + chain.constant,
        low * s2 + chain.constant,
        run.steps,
        time.perf_counter() - start,
        run.kept,
        dual,
    )


class _Run:
    """The interior-point loop from one starting point, with its certificate at every step.

    Attributes after construction: ``best`` (objective, lower, a, g), normalised -- the sparsest network
    certified within the target if there is one, else the point with the smallest certified gap;
    ``steps`` (counting ``offset``); ``kept`` (a :class:`WarmStart` or None); ``stopped`` (the progress
    callback asked to stop); ``abandoned`` (a trial run from a warm start that did not make progress).

    It stops when a sparse network is certified (given up to ``PRUNE_STEPS`` more steps while a
    sparser one only lacks room), on a stall (``STALL_STEPS`` steps without halving the best gap:
    rounding has won), on a breakdown of the factorisation, or at ``MAX_ITER``.
    """

    def __init__(self, pr: _Problem, point, rtol, const, report, trial=False, offset=0):
        self.best, self.kept, self.stopped, self.abandoned = None, None, False, False
        self.dual: tuple[float, np.ndarray] | None = None  # the best lower bound seen and the nu giving it
        self.sparse = None  # the sparsest network certified within the target
        nu, b, al, ga, th = point

        def fits(obj, low):
            return obj - low <= rtol * (obj + const)

        improved = 0  # last step that halved the best gap
        reached = None  # first step whose raw iterate was certified within the target
        first = None
        for step in range(MAX_ITER + 1):
            self.steps = offset + step
            h, pa, pb, sa, sb, q, nb = pr.slacks(nu, b)
            mu = float((al * sa + ga * sb + th * q).sum()) / (6 * pr.P)
            low = pr.lower(nu)
            if np.isfinite(low) and (self.dual is None or low > self.dual[0]):
                self.dual = (low, nu.copy())
            a, g = 0.5 * al, 0.5 * ga
            obj = pr.objective(a, g)
            sparse, room = None, False
            if obj - low <= PRUNE_FROM * rtol * (obj + const):
                sparse, room = _sparsest(pr, al, ga, sa, sb, low, (low + rtol * const) / (1.0 - rtol))
                if sparse is not None and sparse[0] <= obj:
                    obj, a, g = sparse[0], sparse[2], sparse[3]
                if sparse is not None:
                    before: int | None = None if self.sparse is None else _count(*self.sparse[2:])
                    if before is None or _count(*sparse[2:]) < before:
                        self.sparse = sparse
                    # One more step usually leaves more room to drop what is nearly unused: go on
                    # while that pays (a tenth fewer neurons) or a sparser network just missed.
                    room = room or before is None or _count(*sparse[2:]) < 0.9 * before
            if np.isfinite(obj) and (self.best is None or obj - low < self.best[0] - self.best[1]):
                if self.best is None or obj - low < 0.5 * (self.best[0] - self.best[1]):
                    improved = step
                self.best = (obj, low, a, g)
            if self.best is None:
                break
            gap = self.best[0] - self.best[1]
            first = gap if first is None else first
            if self.kept is None and step >= WARM_AFTER and gap <= WARM_RTOL * (self.best[0] + const):
                self.kept = WarmStart(pr.lam, nu.copy(), b.copy(), al.copy(), ga.copy(), th.copy())
            if fits(self.best[0], self.best[1]):
                reached = step if reached is None else reached
            if sparse is not None and (not room or (reached is not None and step - reached >= PRUNE_STEPS)):
                break  # certified and sparse
            if trial and step == WARM_TRIAL and gap > WARM_DROP * first:
                self.abandoned = True
                break
            if report(self.steps, self.best if self.sparse is None else self.sparse):
                self.stopped = True
                break
            if (
                (reached is not None and step - reached >= PRUNE_STEPS)
                or step == MAX_ITER
                or not np.isfinite(mu)
                or mu <= 0
                or step - improved > STALL_STEPS
            ):
                break
            try:
                nu, b, al, ga, th = _step(pr, nu, b, al, ga, th, h, pa, pb, sa, sb, q, nb, mu)
            except (np.linalg.LinAlgError, ValueError):
                break  # the scaling broke down at rounding level: keep the best certified point
        if self.sparse is not None:
            self.best = self.sparse


def _step(pr: _Problem, nu, b, al, ga, th, h, pa, pb, sa, sb, q, nb, mu):
    """One predictor-corrector step from a strictly feasible iterate; returns the next one."""
    P = pr.P
    # The ball's scaling B = 2 theta (I + 2 b b^T / q) has eigenvectors b and its normal: its inverse is
    # explicit, (b_perp b_perp^T + c b b^T) / (2 theta) with unit vectors and c = q / (q + 2 |b|^2).
    safe = np.where(nb > 0, nb, 1.0)
    u0 = np.where(nb > 0, b[..., 0] / safe, 1.0)
    u1 = np.where(nb > 0, b[..., 1] / safe, 0.0)
    c = q / (q + 2.0 * nb * nb)
    wa, wb = u0 * pr.ea0 + u1 * pr.ea1, u0 * pr.eb0 + u1 * pr.eb1  # rays on the unit b
    va, vb = -u1 * pr.ea0 + u0 * pr.ea1, -u1 * pr.eb0 + u0 * pr.eb1  # rays on its normal
    i2t = 0.5 / th
    M11 = i2t * (va * va + c * wa * wa)
    M22 = i2t * (vb * vb + c * wb * wb)
    M12 = i2t * (va * vb + c * wa * wb)
    detM = i2t * i2t * c * pr.sin2  # det [v w]^2 = sin^2 of the cone: no cancellation for narrow cones
    da, db = sa / al, sb / ga
    det = da * db + da * M22 + db * M11 + detM
    T11, T22, T12 = (db + M22) / det, (da + M11) / det, -M12 / det
    Td = np.zeros(P + 1)
    Td[:-1] += T11.sum(0)
    Td[1:] += T22.sum(0)
    fac = pr.factor(*pr.assemble(Td, T12.sum(0)))
    gphi = 2.0 * (pr.D @ ((pr.rho(nu) - pr.y) * pr.wi))

    def direction(ta, tb, tq):
        """Newton direction for complementarity targets ``alpha sa = ta``, ``gamma sb = tb``, ``theta q = tq``
        (per block), as (dnu, db, dsa, dsb, dq, |db|^2, dalpha, dgamma, dtheta)."""
        kap = tq * c / (th * q)
        oa, ob = ta / al + kap * pa, tb / ga + kap * pb
        gh = np.zeros(P + 1)
        gh[:-1] += (_SIGN * (T11 * oa + T12 * ob)).sum(0)
        gh[1:] += (_SIGN * (T12 * oa + T22 * ob)).sum(0)
        dnu = -pr.solve(fac, gphi + pr.S @ gh)
        dh = pr.ST @ dnu
        sha, shb = _SIGN * dh[:-1], _SIGN * dh[1:]
        xa, xb = oa + sha, ob + shb
        ya, yb = T11 * xa + T12 * xb, T12 * xa + T22 * xb
        perp = i2t * (va * ya + vb * yb)
        para = i2t * c * (wa * ya + wb * yb)
        db0 = -kap * b[..., 0] - perp * u1 + para * u0
        db1 = -kap * b[..., 1] + perp * u0 + para * u1
        # The block equations give the new multipliers directly, alpha + dalpha = ya (and theta's
        # below), and the slacks' changes without differencing b.e against h (which cancel when the
        # constraint is nearly tight): no multiplier is ever recovered as (target - ...) / slack.
        dsa = (ta - sa * ya) / al
        dsb = (tb - sb * yb) / ga
        dq = -2.0 * (b[..., 0] * db0 + b[..., 1] * db1)
        dbb = db0 * db0 + db1 * db1
        th_new = (tq + pa * ya + pb * yb) / (q + 2.0 * nb * nb)
        return (dnu, np.stack([db0, db1], axis=-1), dsa, dsb, dq, dbb, ya - al, yb - ga, th_new - th)

    def longest(d):
        """Largest step keeping every slack and multiplier positive (q is quadratic along the step)."""
        _, _, dsa, dsb, dq, dbb, dal, dga, dth = d
        t = min(max_step(sa, dsa), max_step(sb, dsb), max_step(al, dal), max_step(ga, dga), max_step(th, dth))
        # q + t dq - t^2 |db|^2 > 0 up to the positive root
        root = (dq + np.sqrt(dq * dq + 4.0 * dbb * q)) / np.maximum(2.0 * dbb, 1e-300)
        root = np.where(dbb > 0, root, np.where(dq < 0, -q / np.minimum(dq, -1e-300), np.inf))
        return min(t, float(root.min()))

    zero = np.zeros_like(sa)
    aff = direction(zero, zero, zero)
    t = min(1.0, longest(aff))
    _, _, dsa, dsb, dq, dbb, dal, dga, dth = aff
    mu_aff = float(
        (
            (al + t * dal) * (sa + t * dsa)
            + (ga + t * dga) * (sb + t * dsb)
            + (th + t * dth) * (q + t * dq - t * t * dbb)
        ).sum()
    ) / (6 * P)
    smu = min(1.0, (mu_aff / mu) ** 3) * mu
    # Mehrotra's corrector: the second-order terms of the affine step (q's own curvature included).
    cor = direction(smu - dal * dsa, smu - dga * dsb, smu - dth * dq + th * dbb)
    t = min(1.0, BOUNDARY * longest(cor))
    dnu, db_, _, _, _, _, dal, dga, dth = cor
    return nu + t * dnu, b + t * db_, al + t * dal, ga + t * dga, th + t * dth
