"""Results of the m-neuron views, computed once per key in the page's one cache (:mod:`explorer.cache`).

A miss trains with a progress bar; a hit returns at once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import streamlit as st

import landscape as L
import solvers as S
from landscape import plane
from solvers import plane_regions as PP

from .. import dynamics as D
from .. import general as G
from ..cache import SIZE, has, memo
from ..keys import DynamicsKey, GeneralKey, OptimumKey
from . import text


class Progress:
    """A progress bar that appears on the first report and disappears on ``close``."""

    def __init__(self, label: str):
        self.label = label
        self.holder = st.empty()

    def __call__(self, done: int, total: int) -> None:
        self.holder.progress(min(1.0, done / max(total, 1)), text=f"{self.label}: step {done} of {total}")

    def close(self) -> None:
        self.holder.empty()


# --- general case -------------------------------------------------------------------------------------


def data_of(key: GeneralKey | OptimumKey):
    return G.data(key.points, key.points2d, key.dims)


def optimum(key: OptimumKey) -> G.Optimum:
    """The convex optimum depends only on the data and λ."""

    def compute():
        _, X, y = data_of(key)
        return G.convex_optimum(X, y, key.lam)

    return memo("optimum", key, compute, size=SIZE)


def run(key: GeneralKey, progress=None):
    def compute():
        _, X, y = data_of(key)
        return G.descend(
            X,
            y,
            key.neurons,
            key.init_scale,
            key.seed,
            key.lam,
            key.step,
            key.steps,
            key.train_alpha,
            progress=progress,
        )

    return memo("run", key, compute, size=SIZE)


@dataclass(frozen=True)
class GeneralResults:
    """One GD run of the m-neuron views against the convex optimum of its data.

    Attributes
    ----------
    inputs : ndarray (n, dims)
    X : ndarray (n, dims + 1)
        The design matrix with its bias column.
    y : ndarray (n,)
    run : DescentPath
        One run (batch of one), loss and time kept at every step.
    opt : Optimum
    W, alpha : ndarray (m, dims + 1), (m,)
        GD's final network.
    loss : float
        Its objective (1).
    stable_step : float
        A step size that does not blow up from the start.
    gap, rel_gap : float or None
        GD's loss minus the optimum, absolute and relative (None without an optimum).
    certified : float or None
        Objective (1) of GD's network minus a certified lower bound.
    hit : int or None
        First step within ``landscape.REACHED`` of the optimum.
    """

    inputs: np.ndarray
    X: np.ndarray
    y: np.ndarray
    run: L.DescentPath
    opt: G.Optimum
    W: np.ndarray
    alpha: np.ndarray
    loss: float
    stable_step: float
    gap: float | None = None
    rel_gap: float | None = None
    certified: float | None = None
    hit: int | None = None


def results(key: GeneralKey) -> GeneralResults:
    """GD run, optimum and their comparison; trains with a progress bar when not yet known."""
    if not has("optimum", key.optimum):
        with st.spinner("Solving the convex problem (2) over every activation region…"):
            opt = optimum(key.optimum)
    else:
        opt = optimum(key.optimum)
    bar = None if has("run", key) else Progress(f"Gradient descent, {key.neurons} neurons")
    try:
        r = run(key, bar)
    finally:
        if bar is not None:
            bar.close()
    return memo("compare", key, lambda: _compare(key, r, opt), size=SIZE)


def _compare(key: GeneralKey, r: L.DescentPath, opt: G.Optimum) -> GeneralResults:
    inputs, X, y = data_of(key)
    W, a = r.final_W[0], r.final_alpha[0]
    loss = float(r.final_loss[0])
    W0, a0 = G.initial_network(key.neurons, X.shape[1], key.init_scale, key.seed)
    out = GeneralResults(inputs, X, y, r, opt, W, a, loss, L.stable_step(X, W0[0], a0[0], key.lam))
    if not opt.ok:
        return out
    return replace(
        out,
        gap=loss - opt.objective,
        rel_gap=float(L.relative_gap(loss, opt.objective)),
        certified=G.certified_gap(W, a, X, y, key.lam, opt.lower),
        hit=L.first_within(r.history[:, 0], opt.objective),
    )


def landscape_slice(key: GeneralKey):
    def compute():
        res = results(key)
        W0, a0 = G.initial_network(key.neurons, res.X.shape[1], key.init_scale, key.seed)
        opt = res.opt
        return plane.landscape_slice(res.X, res.y, key.lam, (W0[0], a0[0]), (res.W, res.alpha), (opt.W, opt.alpha))

    return memo("slice", key, compute, size=SIZE)


# --- initialisation dynamics --------------------------------------------------------------------------


@dataclass(frozen=True)
class DynamicsResults:
    """The small and the large start of the initialisation view on 1-D data, and the convex optimum."""

    inputs: np.ndarray
    X: np.ndarray
    y: np.ndarray
    small: D.Regime
    large: D.Regime
    opt: G.Optimum

    def regime(self, name: str) -> D.Regime:
        return self.small if name == "small" else self.large


def dynamics(key: DynamicsKey) -> DynamicsResults:
    def compute():
        inputs, X, y = D.data_1d(key.points)
        bar = Progress(f"Training both starts, {key.neurons} neurons")
        try:
            small, large = D.pair(
                X,
                y,
                key.neurons,
                key.small_scale,
                key.large_scale,
                key.step,
                key.steps,
                key.lam,
                key.seed,
                progress=bar,
            )
        finally:
            bar.close()
        return inputs, X, y, small, large

    res = memo("dynamics", key, compute, size=SIZE)
    if not has("optimum", key.optimum):
        with st.spinner("Solving the convex problem (2)…"):
            opt = optimum(key.optimum)
    else:
        opt = optimum(key.optimum)
    return DynamicsResults(*res, opt=opt)


# --- 2-D patterns ---------------------------------------------------------------------------------------


def regions(points2d) -> PP.Regions:
    return memo("regions", points2d, lambda: PP.regions(G.data((), points2d, 2)[0]), size=SIZE)


def solve_warnings(key: OptimumKey, opt: G.Optimum) -> list[str]:
    """What to say of the convex solve: that it ended before its stopping rule, and of inputs too close for the
    patterns to resolve (counted once per dataset, not per λ)."""
    if not opt.ok:
        return []
    notes = []
    if opt.stopped:
        within = f"within {opt.certified_gap:.1e} of" if opt.certified_gap is not None else "near"
        notes.append(
            f"The convex solve stopped early ({opt.stopped}): the optimum shown is {within} the global optimum — "
            "certified, but not proven optimal. Fewer points or a larger λ solve faster."
        )
    if opt.exact:
        data = (key.dims, key.points, key.points2d)
        count = memo("unresolved", data, lambda: S.unresolved_inputs(data_of(key)[1]), size=SIZE)
        if count:
            notes.append(text.UNRESOLVED_NOTE.format(count=count))
    return notes


def width_enough(res: GeneralResults) -> int:
    """The width from which (1) is sure to reach the optimum of (2): the neurons of the solver's optimal
    network, or n + 1, which always suffice (an optimal network with at most n + 1 neurons exists)."""
    return min(res.opt.neurons, len(res.y) + 1)
