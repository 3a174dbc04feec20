"""A fast, certified solver for problem (2) when rank(X) <= 3: column generation over atoms + Newton.

Method
------
The optimum uses few neurons, and for rank(X) <= 3 every cone ``K_i`` is a pointed polyhedral cone
of R^2 or R^3 known by its extreme rays (:mod:`solvers.cones`). The loop is

1. *Restricted solve.* The current neurons are atoms (:mod:`solvers.atoms`), each kept on one face
   of its cone, where the objective is smooth; Newton's method with a line search optimises them
   all jointly. A step that reaches a face's boundary moves the atom to the smaller face (or drops
   it at zero), as in an active-set method.
2. *Pricing and certificate over all regions.* With ``rho = y - prediction`` every region's dual
   check ``2 ||P_{K_i}(+-X^T D_i rho)||`` is computed at once in torch (closed form for these cones,
   :class:`solvers.dual.RayCones`). Their maximum M certifies the lower bound
   ``2 s rho.y - s^2 ||rho||^2`` (``s <= lam / M``) on the optimum, hence a duality gap.
3. Stop when ``gap <= RTOL * objective + ATOL * ||y||^2``; otherwise add atoms on the faces where
   the most violated regions' projections lie, and repeat.

It stops on the certificate only. The round and Newton caps are safety nets that raise SolverError.
A loop can stall (every violated region already has its atom, and the restricted solves cannot
close the gap further): for tiny lam the dual check is only as accurate as ``eps ||Z|| ||y|| / lam``
(:func:`_rounding_floor`), and inputs a hair apart make the Newton systems ill-conditioned. A stall
within that floor, or with a certified relative gap below ``STALL_RTOL``, returns; otherwise it raises.
Either way the reported gap is the certified one.

lam = 0 is a least-squares problem over the span of all ReLU features ``relu(Z e)`` at the rays e
(one region's prediction is a non-negative combination of its rays' features, and ``u - v`` makes
the signs free). It is solved directly: a pivoted QR picks at most rank-many rays (a sparse network),
and the bound is the distance from y to the span of all the features, from an SVD whose rank
cut-off is at rounding level (so the bound is as certain as that rank decision).

The per-region work (pricing, certificate) and the Newton systems run in torch on ``device``; the
bookkeeping of a few dozen atoms stays in numpy.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import scipy.linalg
import torch

from landscape.threads import one_blas_thread, single_thread

from .atoms import Atom, face_of_projection, region_atom, shrink_to_face, simplicial_atom
from .cones import Arrangement, arrangement
from .dual import RayCones, dual_bound
from .solution import SolverError

RTOL = 1e-8  # stop when gap <= RTOL * objective + ATOL * ||y||^2
ATOL = 1e-13
STALL_RTOL = 1e-5  # a loop that can no longer improve returns if its certified gap is below this
MAX_ROUNDS = 500
MAX_NEWTON = 200
ADD_PER_ROUND = 8  # at least this many atoms join per round (half the support once it is larger)
_NEGLIGIBLE = 1e-10  # an atom this much smaller than the largest is dropped
_PEAK_COS = 0.98  # new rank-3 atoms closer than this (cosine) to one taken in the same round wait


@dataclass
class FastResult:
    """What :func:`solve_fast` found; ``U``, ``V`` are in R^d, one row per region.

    Attributes
    ----------
    U, V : ndarray, shape (P, d)
    patterns : ndarray of bool, shape (P, n)
    objective : float
        Objective (2) at (U, V).
    lower : float
        Certified lower bound on the optimum of (2) over all patterns.
    rounds : int
    seconds : float
    stopped : str
        Empty when the stopping rule was met; otherwise why the loop ended early (a time budget, the
        caller's progress callback, a stall) -- the gap is still the certified one.
    """

    U: np.ndarray
    V: np.ndarray
    patterns: np.ndarray
    objective: float
    lower: float
    rounds: int
    seconds: float
    stopped: str = ""

    @property
    def gap(self) -> float:
        return max(0.0, self.objective - self.lower)


def converged(gap: float, objective: float, yy: float) -> bool:
    """The stopping rule: gap <= RTOL * objective + ATOL * ||y||^2."""
    return gap <= RTOL * objective + ATOL * yy


class _Problem:
    """Data, geometry and the torch view of every region's cone."""

    def __init__(self, arr: Arrangement, y: np.ndarray, lam: float, device=None):
        self.arr = arr
        self.y = y
        self.lam = lam
        self.cones = RayCones.from_arrangement(arr, device=device)
        self.device = self.cones.Z.device
        self.y_t = torch.as_tensor(y, dtype=torch.float64, device=self.device)

    def price(self, rho: np.ndarray):
        """Per-region dual values for both signs, and the certified lower bound."""
        rho_t = torch.as_tensor(rho, dtype=torch.float64, device=self.cones.Z.device)
        g = self.cones.gradients(rho_t)
        vp, vn = self.cones.projection_norms_pm(g)
        M = 2.0 * float(torch.maximum(vp, vn).max()) if len(vp) else 0.0
        return g, vp, vn, dual_bound(rho_t, self.y_t, self.lam, M)

    def signed_rows(self, p: int) -> np.ndarray:
        return (2.0 * self.arr.patterns[p] - 1.0)[:, None] * self.arr.Z

    def feature(self, atom: Atom) -> np.ndarray:
        """``sign * D_p Z M``: shape (n, m), cached on the atom (its face never changes)."""
        if atom.feature is None:
            atom.feature = atom.sign * (self.arr.patterns[atom.region][:, None] * (self.arr.Z @ atom.M))
        return atom.feature


class _Gram:
    """Feature columns of the current atoms and ``2 B^T B``, updated as atoms come and go.

    A face change replaces one atom, so only its columns are recomputed: O(n m k) instead of
    O(n m^2) per Newton step.
    """

    def __init__(self, prob: _Problem):
        self.prob = prob
        self.atoms: list[Atom] = []  # held so that no cached id can be reused by a new atom
        self.ids: list[int] = []
        self.sizes: list[int] = []
        self.B = torch.zeros((len(prob.y), 0), dtype=torch.float64, device=prob.device)
        self.K = torch.zeros((0, 0), dtype=torch.float64, device=prob.device)

    def update(self, atoms: list[Atom]):
        """Reorder ``atoms`` (kept ones first) and return them with B (n, m) and 2 B^T B (m, m)."""
        where = {}
        start = 0
        for i, k in zip(self.ids, self.sizes):
            where[i] = (start, start + k)
            start += k
        kept = [a for a in atoms if id(a) in where]
        new = [a for a in atoms if id(a) not in where]
        cols = [np.arange(*where[id(a)]) for a in kept]
        idx = torch.as_tensor(np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64), device=self.B.device)
        B, K = self.B[:, idx], self.K[idx][:, idx]
        if new:
            F = torch.as_tensor(np.concatenate([self.prob.feature(a) for a in new], axis=1), device=self.B.device)
            cross = 2.0 * (B.T @ F)
            K = torch.cat([torch.cat([K, cross], dim=1), torch.cat([cross.T, 2.0 * (F.T @ F)], dim=1)], dim=0)
            B = torch.cat([B, F], dim=1)
        atoms = kept + new
        if new or len(kept) != len(self.atoms):
            r = self.prob.arr.rank
            self.offs = np.concatenate([[0], np.cumsum([len(a.w) for a in atoms])])
            # G maps the stacked coefficients to the stacked weights u (A * r).
            self.G = np.zeros((len(atoms) * r, self.offs[-1]))
            for i, (a, lo, hi) in enumerate(zip(atoms, self.offs[:-1], self.offs[1:])):
                self.G[i * r : (i + 1) * r, lo:hi] = a.M
            # Coordinates that are ray coefficients (bound below by 0), and the region atoms.
            self.bounded = np.concatenate([np.full(len(a.w), a.simplicial) for a in atoms])
            self.regions = [i for i, a in enumerate(atoms) if not a.simplicial]
            self.K_host = K.cpu().numpy()
        self.atoms = atoms
        self.ids, self.sizes = [id(a) for a in atoms], [len(a.w) for a in atoms]
        self.B, self.K = B, K
        return atoms, B, K


def _newton(prob: _Problem, atoms: list[Atom], tol: float, max_iter: int = MAX_NEWTON) -> list[Atom]:
    """Minimise the objective over the atoms' faces (damped Newton, active-set face changes).

    Stops when the Newton decrement (about twice the remaining restricted suboptimality) is below
    ``tol``, or at rounding level.
    """
    y, lam, rays, r = prob.y, prob.lam, prob.arr.rays, prob.arr.rank
    yy = float(y @ y)
    gram = _Gram(prob)
    for _ in range(max_iter):
        atoms = [a for a in atoms if np.any(a.w)]
        if not atoms:
            return atoms
        atoms, B, _ = gram.update(atoms)
        offs, G = gram.offs, gram.G
        w = np.concatenate([a.w for a in atoms])
        rho_t = prob.y_t - B @ torch.as_tensor(w, device=prob.device)
        rho = rho_t.cpu().numpy()
        u = (G @ w).reshape(-1, r)
        nu = np.linalg.norm(u, axis=1)
        prev = np.array([-np.inf if a.last_norm is None else a.last_norm for a in atoms])
        vanishing = (nu <= _NEGLIGIBLE * nu.max()) & (nu < prev)
        for a, n_a in zip(atoms, nu):
            a.last_norm = n_a
        if np.any(vanishing):
            # Shrinking radially, an atom never meets a face boundary and Newton's curvature
            # lam / ||u|| grows without bound: drop it (pricing brings it back if it is needed).
            # A new atom may start that small, so only one that keeps shrinking goes.
            for a, gone in zip(atoms, vanishing):
                if gone:
                    a.w = np.zeros_like(a.w)
            continue
        uh = u / nu[:, None]
        grad = -2.0 * (B.T @ rho_t).cpu().numpy() + lam * (G.T @ uh.reshape(-1))
        H = gram.K_host.copy()
        scale = max(float(np.trace(H)) / len(H), 1e-300)
        if lam > 0:
            # Curvature of ||u||: (I - uh uh^T) / ||u||, zero along rays.
            curv = (np.eye(r)[None] - uh[:, :, None] * uh[:, None, :]) / nu[:, None, None]
            extra = np.zeros((offs[-1], offs[-1]))
            for a, c, lo, hi in zip(atoms, curv, offs[:-1], offs[1:]):
                if hi - lo > 1:
                    extra[lo:hi, lo:hi] = lam * (a.M.T @ c @ a.M)
            H += extra
        phi = float(rho @ rho) + lam * float(nu.sum())
        # Levenberg-Marquardt safeguard: a step that cannot descend is retried with more damping.
        for reg in scale * 10.0 ** np.arange(-13, 3, 3):
            moved, blocked, step = _damped_step(atoms, gram, w, H, grad, rho, u, phi, lam, reg, tol, yy)
            if moved or blocked or step is None:
                break
        if step is None:
            return atoms
        if blocked:
            # Steps that reached (or start on) the boundary of an atom's face: move to the smaller face.
            moved_atoms: list[Atom | None] = list(atoms)
            for i in blocked:
                a = atoms[i]
                if a.simplicial:
                    a.w = np.where(a.w <= 0, 0.0, a.w)
                moved_atoms[i] = shrink_to_face(a, rays, prob.signed_rows(a.region))
            atoms = _merge([a for a in moved_atoms if a is not None])
        elif not moved:
            return atoms
    return atoms


def _damped_step(atoms, gram, w, H, grad, rho, u, phi, lam, reg, tol, yy):
    """One damped Newton step with a line search, kept on the atoms' faces.

    Returns ``(moved, blocked, step)``: whether the objective decreased, the indices of atoms whose
    face boundary stopped the step (the coordinate is set to exactly 0), and the direction (None
    once the decrement is at rounding level, i.e. converged).
    """
    # The system is small (a few hundred unknowns at most): LAPACK on the host is quickest.
    try:
        c = scipy.linalg.cho_factor(H + reg * np.eye(len(H)), check_finite=False)
    except np.linalg.LinAlgError:
        return False, [], np.zeros_like(grad)
    step = -scipy.linalg.cho_solve(c, grad, check_finite=False)
    dec = -float(grad @ step)
    if not np.isfinite(dec) or dec <= 0:
        return False, [], step
    if dec <= max(tol, 1e-22 * (phi + yy)):
        return False, [], None
    offs, r = gram.offs, u.shape[1]
    # Longest step keeping every atom on its face: ray coefficients stay >= 0 ...
    amax, blocking, slot = 1.0, None, None
    down = np.flatnonzero(gram.bounded & (step < 0))
    if len(down):
        ratios = np.maximum(w[down], 0.0) / -step[down]
        j = int(np.argmin(ratios))
        if ratios[j] < amax:
            amax = float(ratios[j])
            blocking = int(np.searchsorted(offs, down[j], side="right")) - 1
            slot = down[j] - offs[blocking]
    # ... and region atoms stay in their cones.
    for i in gram.regions:
        a, lo, hi = atoms[i], offs[i], offs[i + 1]
        dc = a.C @ step[lo:hi]
        neg = np.flatnonzero(dc < 0)
        if len(neg):
            ratios = np.maximum((a.C @ a.w)[neg], 0.0) / -dc[neg]
            j = int(np.argmin(ratios))
            if ratios[j] < amax:
                amax, blocking, slot = float(ratios[j]), i, neg[j]
    Bs = (gram.B @ torch.as_tensor(step, device=gram.B.device)).cpu().numpy()
    Gs = (gram.G @ step).reshape(-1, r)

    def value(t):
        res = rho - t * Bs
        return float(res @ res) + lam * float(np.linalg.norm(u + t * Gs, axis=1).sum())

    t = amax
    while t > 1e-12 * amax and value(t) > phi - 1e-4 * t * dec:
        t *= 0.5
    moved = t > 0 and value(t) <= phi - 1e-4 * t * dec
    hit = blocking is not None and ((moved and t == amax) or (not moved and amax <= 1e-9 * max(1.0, abs(step).max())))
    if moved or hit:
        tt = t if moved else amax
        for a, lo, hi in zip(atoms, offs[:-1], offs[1:]):
            a.w = a.w + tt * step[lo:hi]
        if hit and atoms[blocking].simplicial:
            atoms[blocking].w[slot] = 0.0
    if moved and not hit and phi - value(t) <= 1e-15 * (phi + yy):
        return True, [], None  # the decrease is at rounding level: converged
    return moved, ([blocking] if hit else []), step


def _merge(atoms: list[Atom]) -> list[Atom]:
    """Atoms that landed on the same face become one."""
    seen: dict[tuple, Atom] = {}
    for a in atoms:
        if a.key in seen:
            seen[a.key].w = seen[a.key].w + a.w
        else:
            seen[a.key] = a
    return list(seen.values())


def _new_atoms(prob: _Problem, g, vp, vn, rho, existing: set, count: int) -> list[Atom]:
    """Atoms for the most violated regions, each on the face holding its projection."""
    lam = prob.lam
    viol = torch.cat([2.0 * vp - lam, 2.0 * vn - lam])
    P = len(vp)
    k = min(len(viol), 3 * count)
    vals, idx = torch.topk(viol, k)
    arr, r = prob.arr, prob.arr.rank
    out: list[Atom] = []
    taken: list[tuple[float, np.ndarray]] = []
    keys = set(existing)
    g_np = g.cpu().numpy()
    for v, i in zip(vals.tolist(), idx.tolist()):
        if v <= 1e-12 * max(lam, 1e-300) or len(out) >= count:
            break
        p, sign = (i, 1.0) if i < P else (i - P, -1.0)
        h = 2.0 * sign * g_np[p]
        members = arr.members[p][arr.members[p] >= 0]
        E = arr.rays[members]
        rows = prob.signed_rows(p)
        inside = r == 3 and bool(np.all(rows @ h >= 0))
        face, point = face_of_projection(E, h, inside)
        if len(face) == 0:
            continue
        size = np.linalg.norm(point)
        d = point / size
        # For 2-D data the top violators crowd around each peak of the dual function on the sphere;
        # one atom per peak is enough, the neighbours mostly get dropped again by Newton (measured:
        # 30-40% fewer Newton steps). Nearby 1-D kinks are distinct neurons, so rank 2 keeps all.
        if r == 3 and any(sign == s_ and float(d @ d_) > _PEAK_COS for s_, d_ in taken):
            continue
        a_vec = arr.patterns[p] * (arr.Z @ d)
        t = (size - lam) / (2.0 * float(a_vec @ a_vec))
        if not t > 0:
            continue
        if len(face) == len(E) and len(E) > r:
            atom = region_atom(p, members, rows, sign, t * d)
        else:
            atom = simplicial_atom(members[face], arr.rays, sign, p, t * d)
        if atom.key in keys:
            continue
        keys.add(atom.key)
        taken.append((sign, d))
        # Objective decrease from sizing this neuron alone: the progress it promises.
        atom.promise = float((size - lam) ** 2 / (4.0 * float(a_vec @ a_vec)))
        out.append(atom)
    # Started together, the new atoms would overshoot where they overlap.
    for a in out:
        a.w = a.w / len(out)
    return out


def _assemble(prob: _Problem, atoms: list[Atom]) -> tuple[np.ndarray, np.ndarray]:
    """Blocks of (2) in R^d: the atoms of each region and sign summed, one row per region."""
    arr = prob.arr
    P = len(arr.patterns)
    U, V = np.zeros((P, arr.rank)), np.zeros((P, arr.rank))
    for a in atoms:
        u = a.M @ np.clip(a.w, 0.0, None) if a.simplicial else a.u
        (U if a.sign > 0 else V)[a.region] += u
    return U @ arr.basis, V @ arr.basis


def _objective(prob: _Problem, U: np.ndarray, V: np.ndarray, X: np.ndarray) -> tuple[float, np.ndarray]:
    """Objective (2) at (U, V) and the residual ``y - prediction`` (only non-zero rows are touched)."""
    W = U - V
    used = np.flatnonzero(np.any(W != 0, axis=1))
    D = prob.arr.patterns[used]
    pred = np.sum(D.T * (X @ W[used].T), axis=1)
    rho = prob.y - pred
    pen = np.linalg.norm(U, axis=1).sum() + np.linalg.norm(V, axis=1).sum()
    return float(rho @ rho + prob.lam * pen), rho


def _least_squares(prob: _Problem, X: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """lam = 0: a basic least-squares fit over all ray features, and the distance bound."""
    arr, y = prob.arr, prob.y
    used = np.unique(arr.members[arr.members >= 0])
    F = np.maximum(arr.Z @ arr.rays[used].T, 0.0)  # (n, R): one feature per ray of some cone
    P = len(arr.patterns)
    U, V = np.zeros((P, arr.rank)), np.zeros((P, arr.rank))
    if F.shape[1] == 0 or not np.any(F):
        return U @ arr.basis, V @ arr.basis, float(y @ y)
    _, R, piv = scipy.linalg.qr(F, mode="economic", pivoting=True)
    diag = np.abs(np.diag(R))
    k = int(np.sum(diag > diag[0] * max(F.shape) * np.finfo(float).eps * 16))
    cols = piv[:k]
    coef, *_ = np.linalg.lstsq(F[:, cols], y, rcond=None)
    # Each ray neuron goes to one region that holds it.
    owner = np.full(len(arr.rays), -1)
    m = arr.members
    for p in range(len(m) - 1, -1, -1):
        owner[m[p][m[p] >= 0]] = p
    for c, e in zip(coef, used[cols]):
        if c > 0:
            U[owner[e]] += c * arr.rays[e]
        elif c < 0:
            V[owner[e]] -= c * arr.rays[e]
    U, V = U @ arr.basis, V @ arr.basis
    obj, rho = _objective(prob, U, V, X)
    if converged(obj, obj, float(y @ y)):
        return U, V, 0.0
    # Distance from y to the span of all features, with the same rank cut-off as above.
    Us, s, _ = np.linalg.svd(F, full_matrices=False)
    keep = s > s[0] * max(F.shape) * np.finfo(float).eps * 16
    resid = y - Us[:, keep] @ (Us[:, keep].T @ y)
    return U, V, float(resid @ resid)


def _rounding_floor(prob: _Problem, rho: np.ndarray) -> float:
    """The gap float64 can certify: M carries a relative error ~ eps ||Z|| ||y|| / lam, and the bound
    ``2 s rho.y - s^2 ||rho||^2`` moves by that fraction of ``|rho.y| + ||rho||^2``.

    Only used once the loop has stalled -- it matters for tiny lam, where the certificate cannot be
    sharper than this. The gap reported is still the certified one.
    """
    y, lam = prob.y, prob.lam
    rel = 1e3 * np.finfo(float).eps * np.linalg.norm(prob.arr.Z) * np.linalg.norm(y) / lam
    return rel * (abs(float(rho @ y)) + float(rho @ rho))


def solve_fast(
    X: np.ndarray,
    y: np.ndarray,
    lam: float,
    *,
    device=None,
    arr: Arrangement | None = None,
    warm: tuple | None = None,
    progress=None,
    budget: float | None = None,
) -> FastResult:
    """Certified optimum of problem (2) over all activation patterns of X (rank <= 3).

    Parameters
    ----------
    X : ndarray, shape (n, d)
    y : ndarray, shape (n,)
    lam : float >= 0
        Validated by the caller.
    device : torch device, optional
        Where the per-region pricing runs (torch's default when None).
    arr : Arrangement, optional
        Precomputed regions of X, or the cones of a subset of patterns (:func:`solvers.cones.cones_of`)
        to solve over those only. Without it the solver finds every region itself, after merging
        repeated inputs (:func:`merge_repeats`); with it, X is taken as it is.
    warm : (U, V, patterns), optional
        Blocks of an earlier solution on the same data (another lambda): its neurons start the loop,
        so that a slider's next value needs a few rounds instead of building the support again.
        Blocks whose pattern is not a region here are ignored.
    progress : callable, optional
        ``progress(round, certified_gap, objective)`` after each round; a true return stops the loop
        with the current point and its certified gap.
    budget : float, optional
        Seconds after which the loop stops the same way.

    Returns
    -------
    FastResult
        ``stopped`` says when the loop ended before its stopping rule; ``gap`` is certified either way.

    Raises
    ------
    ValueError
        If rank(X) > 3.
    SolverError
        If the safety caps are reached (or the loop stalls) before the certificate closes the gap and
        neither a budget nor a progress callback asked for the best point so far.
    """
    merged = merge_repeats(X, y) if arr is None else None
    stop = _Stop(progress, budget)
    with single_thread(device), one_blas_thread():
        if merged is None:
            return _solve_fast(X, y, lam, device, arr, warm, stop)
        Xm, ym, inverse, constant = merged
        if warm is not None:
            # The earlier blocks were reported on the full data: their patterns repeat the merged ones.
            first = np.unique(inverse, return_index=True)[1]
            warm = (warm[0], warm[1], np.asarray(warm[2])[:, first])
        res = _solve_fast(Xm, ym, lam, device, arr, warm, stop)
    # The same blocks on the full data: each pattern repeats its entry for every copy of a point.
    patterns = res.patterns[:, inverse]
    return FastResult(
        res.U, res.V, patterns, res.objective + constant, res.lower + constant, res.rounds, res.seconds, res.stopped
    )


class _Stop:
    """When to end the loop early: the caller's callback or a time budget."""

    def __init__(self, progress, budget):
        self.progress, self.budget = progress, budget
        self.start = time.perf_counter()

    @property
    def asked(self) -> bool:
        return self.progress is not None or self.budget is not None

    def __call__(self, rounds: int, gap: float, objective: float) -> str:
        if self.budget is not None and time.perf_counter() - self.start > self.budget:
            return f"time budget of {self.budget:g} s"
        if self.progress is not None and self.progress(rounds, gap, objective):
            return "stopped by the caller"
        return ""


def _warm_atoms(prob: "_Problem", warm) -> list[Atom]:
    """Atoms holding the non-zero blocks of an earlier solution, each on its region's cone."""
    U, V, patterns = (np.asarray(w) for w in warm)
    arr = prob.arr
    if patterns.ndim != 2 or patterns.shape[1] != arr.patterns.shape[1] or U.shape[1] != arr.basis.shape[1]:
        return []
    index = {row.tobytes(): p for p, row in enumerate(arr.patterns)}
    atoms: list[Atom] = []
    for B, sign in ((U, 1.0), (V, -1.0)):
        for i in np.flatnonzero(np.any(B != 0, axis=1)):
            p = index.get(np.asarray(patterns[i], dtype=bool).tobytes())
            if p is None:
                continue
            u = B[i] @ arr.basis.T  # row-space coordinates
            members = arr.members[p][arr.members[p] >= 0]
            if arr.rank == 3 and len(members) > 3:
                atom = region_atom(p, members, prob.signed_rows(p), sign, u)
            else:
                atom = simplicial_atom(members, arr.rays, sign, p, u)
            # On the smallest face that holds it: a neuron on one ray is an atom of that ray, whose
            # coefficient Newton can move (a zero coefficient of a larger face would block every step).
            small = shrink_to_face(atom, arr.rays, prob.signed_rows(p))
            if small is not None:
                atoms.append(small)
    return _merge(atoms)


def merge_repeats(X: np.ndarray, y: np.ndarray):
    """Problem (2) on data with repeated inputs, as the same problem on distinct inputs (or None).

    The k copies of an input x with labels y_1..y_k always share their activation and prediction p,
    and ``sum_j (p - y_j)^2 = (sqrt(k) p - sqrt(k) ybar)^2 + sum_j (y_j - ybar)^2``. So the row
    becomes ``sqrt(k) x`` (the same cones: a positive scale) with label ``sqrt(k) ybar``, and the
    objective and every bound shift by the constant. Repeats make the regions between them empty but
    the Newton systems singular, which is what stalls the loop on clicked or rounded data.

    Returns
    -------
    (X_merged (u, d), y_merged (u,), inverse (n,) row of X_merged for each row of X, constant) or None
    """
    unique, inverse, counts = np.unique(X, axis=0, return_inverse=True, return_counts=True)
    if len(unique) == len(X):
        return None
    inverse = inverse.reshape(-1)
    mean = np.bincount(inverse, weights=y, minlength=len(unique)) / counts
    constant = float(np.sum((y - mean[inverse]) ** 2))
    root = np.sqrt(counts)
    return root[:, None] * unique, root * mean, inverse, constant


def _solve_fast(X, y, lam, device, arr, warm=None, stop=None) -> FastResult:
    start = time.perf_counter()
    arr = arrangement(X) if arr is None else arr
    prob = _Problem(arr, y, lam, device)
    yy = float(y @ y)
    P, d = len(arr.patterns), X.shape[1]
    if P == 0:  # X = 0: no neuron can predict anything
        z = np.zeros((0, d))
        return FastResult(z, z, arr.patterns, yy, yy, 0, time.perf_counter() - start)
    if lam == 0:
        U, V, lower = _least_squares(prob, X)
        obj, _ = _objective(prob, U, V, X)
        if not converged(obj - lower, obj, yy):
            raise SolverError(f"least squares left a gap of {obj - lower:.3g} at lam = 0; no optimum is reported.")
        return FastResult(U, V, arr.patterns, obj, min(lower, obj), 1, time.perf_counter() - start)

    stop = stop if stop is not None else _Stop(None, None)
    atoms: list[Atom] = _warm_atoms(prob, warm) if warm is not None else []
    if atoms:
        atoms = _newton(prob, atoms, 0.0)
    stalls = 0
    for rounds in range(1, MAX_ROUNDS + 1):
        U, V = _assemble(prob, atoms)
        obj, rho = _objective(prob, U, V, X)
        g, vp, vn, lower = prob.price(rho)
        gap = obj - lower
        if converged(gap, obj, yy):
            return FastResult(U, V, arr.patterns, obj, min(lower, obj), rounds, time.perf_counter() - start)
        why = stop(rounds, max(gap, 0.0), obj)
        if why:
            return FastResult(U, V, arr.patterns, obj, min(lower, obj), rounds, time.perf_counter() - start, why)
        new = _new_atoms(prob, g, vp, vn, rho, {a.key for a in atoms}, count=max(ADD_PER_ROUND, len(atoms) // 2))
        # A restricted solve only has to be accurate next to the progress the new atoms promise.
        tol = 1e-2 * min([gap] + [a.promise for a in new])
        if not new:
            # Every violated region already has its atom: the restricted solve is as accurate as
            # float64 allows, or was not accurate enough.
            if gap <= _rounding_floor(prob, rho) + RTOL * obj + ATOL * yy:
                return FastResult(U, V, arr.patterns, obj, min(lower, obj), rounds, time.perf_counter() - start)
            stalls += 1
            tol = 0.0
            if stalls > 3 and gap <= STALL_RTOL * obj + ATOL * yy:
                # Ill-conditioned data (inputs a hair apart): the certified gap is as small as the
                # restricted solves can make it. Report it rather than nothing; ``gap`` says how close.
                return FastResult(U, V, arr.patterns, obj, min(lower, obj), rounds, time.perf_counter() - start)
            if stalls > 3 and stop.asked:
                return FastResult(
                    U, V, arr.patterns, obj, min(lower, obj), rounds, time.perf_counter() - start, "stalled"
                )
            if stalls > 3:
                raise SolverError(
                    f"the fast solver stalled with a duality gap of {gap:.3g} (objective {obj:.6g}); "
                    "no optimum is reported. Try method='cvxpy'."
                )
        atoms = _newton(prob, atoms + new, tol)
    if stop.asked:
        return FastResult(
            U, V, arr.patterns, obj, min(lower, obj), rounds, time.perf_counter() - start, f"{MAX_ROUNDS} rounds"
        )
    raise SolverError(f"the fast solver did not certify an optimum within {MAX_ROUNDS} rounds.")
