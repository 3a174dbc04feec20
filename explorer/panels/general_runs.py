"""Results of the m-neuron views, computed once per key in the page's one cache (:mod:`explorer.cache`).

A miss trains with a progress bar; a hit returns at once.
"""

from __future__ import annotations

import streamlit as st

import landscape as L
from landscape import plane
from solvers import plane_regions as PP

from .. import dynamics as D
from .. import general as G
from ..cache import SIZE, has, memo
from ..keys import DynamicsKey, GeneralKey, OptimumKey


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


def results(key: GeneralKey) -> dict:
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


def _compare(key: GeneralKey, r, opt: G.Optimum) -> dict:
    inputs, X, y = data_of(key)
    W, a = r.final_W[0], r.final_alpha[0]
    out = dict(inputs=inputs, X=X, y=y, run=r, opt=opt, W=W, alpha=a, loss=float(r.final_loss[0]))
    if opt.ok:
        out["gap"] = out["loss"] - opt.objective
        out["rel_gap"] = float(L.relative_gap(out["loss"], opt.objective))
        out["certified"] = G.certified_gap(W, a, X, y, key.lam)
        out["hit"] = L.first_within(r.history[:, 0], opt.objective)
    W0, a0 = G.initial_network(key.neurons, X.shape[1], key.init_scale, key.seed)
    out["stable_step"] = L.stable_step(X, W0[0], a0[0], key.lam)
    return out


def landscape_slice(key: GeneralKey):
    def compute():
        res = results(key)
        W0, a0 = G.initial_network(key.neurons, res["X"].shape[1], key.init_scale, key.seed)
        opt = res["opt"]
        return plane.landscape_slice(
            res["X"], res["y"], key.lam, (W0[0], a0[0]), (res["W"], res["alpha"]), (opt.W, opt.alpha)
        )

    return memo("slice", key, compute, size=SIZE)


# --- initialisation dynamics --------------------------------------------------------------------------


def dynamics(key: DynamicsKey) -> dict:
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
        return dict(inputs=inputs, X=X, y=y, small=small, large=large)

    res = memo("dynamics", key, compute, size=SIZE)
    if not has("optimum", key.optimum):
        with st.spinner("Solving the convex problem (2)…"):
            opt = optimum(key.optimum)
    else:
        opt = optimum(key.optimum)
    return dict(res, opt=opt)


# --- 2-D patterns ---------------------------------------------------------------------------------------


def regions(points2d) -> PP.Regions:
    return memo("regions", points2d, lambda: PP.regions(G.data((), points2d, 2)[0]), size=SIZE)
