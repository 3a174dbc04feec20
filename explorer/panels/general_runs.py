"""Results of the m-neuron views, computed once per setting and shared read-only across reruns and users.

Training reports progress while it runs, which ``st.cache_resource`` cannot replay, so the expensive
results live in a small least-recently-used store held by ``st.cache_resource``: a hit returns at
once, a miss computes with a progress bar and stores the result.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import replace
from typing import Callable

import streamlit as st

import landscape as L
from landscape import plane
from solvers import plane_regions as PP

from .. import dynamics as D
from .. import general as G
from ..state import State

STORE_SIZE = 12
_LOCK = threading.Lock()


@st.cache_resource(show_spinner=False)
def _stores() -> dict:
    return {}


def memo(name: str, key, compute: Callable[[], object]):
    """``compute()`` once per ``key`` (kept for the last STORE_SIZE keys of this ``name``)."""
    stores = _stores()
    with _LOCK:
        store = stores.setdefault(name, OrderedDict())
        if key in store:
            store.move_to_end(key)
            return store[key]
    value = compute()
    with _LOCK:
        store[key] = value
        while len(store) > STORE_SIZE:
            store.popitem(last=False)
    return value


def cached(name: str, key) -> bool:
    with _LOCK:
        return key in _stores().get(name, {})


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


def general_key(state: State) -> State:
    """The part of the state that decides GD and the optimum in the general and timing views."""
    return replace(
        State(),
        view="general",
        dims=state.dims,
        points=state.points if state.dims == 1 else (),
        points2d=state.points2d if state.dims == 2 else (),
        lam=state.lam,
        step=state.step,
        steps=state.steps,
        seed=state.seed,
        neurons=state.neurons,
        init_scale=state.init_scale,
        train_alpha=state.train_alpha,
    )


def data_of(key: State):
    return G.data(key.points, key.points2d, key.dims)


def optimum(key: State) -> G.Optimum:
    """The convex optimum depends only on the data and λ."""
    sub = (key.dims, key.points, key.points2d, key.lam)

    def compute():
        _, X, y = data_of(key)
        return G.convex_optimum(X, y, key.lam)

    return memo("optimum", sub, compute)


def run(key: State, progress=None):
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

    return memo("run", key, compute)


def results(key: State) -> dict:
    """GD run, optimum and their comparison; trains with a progress bar when not yet known."""
    if not cached("optimum", (key.dims, key.points, key.points2d, key.lam)):
        with st.spinner("Solving the convex problem (2) over every activation region…"):
            opt = optimum(key)
    else:
        opt = optimum(key)
    bar = None if cached("run", key) else Progress(f"Gradient descent, {key.neurons} neurons")
    try:
        r = run(key, bar)
    finally:
        if bar is not None:
            bar.close()
    return memo("compare", key, lambda: _compare(key, r, opt))


def _compare(key: State, r, opt: G.Optimum) -> dict:
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


def landscape_slice(key: State):
    def compute():
        res = results(key)
        W0, a0 = G.initial_network(key.neurons, res["X"].shape[1], key.init_scale, key.seed)
        opt = res["opt"]
        return plane.landscape_slice(
            res["X"], res["y"], key.lam, (W0[0], a0[0]), (res["W"], res["alpha"]), (opt.W, opt.alpha)
        )

    return memo("slice", key, compute)


# --- initialisation dynamics --------------------------------------------------------------------------


def dynamics_key(state: State) -> State:
    return replace(
        State(),
        view="dynamics",
        points=state.points,
        neurons=state.neurons,
        lam=state.lam,
        step=state.step,
        steps=state.steps,
        seed=state.seed,
        small_scale=state.small_scale,
        large_scale=state.large_scale,
    )


def dynamics(key: State) -> dict:
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

    res = memo("dynamics", key, compute)
    opt_key = replace(State(), dims=1, points=key.points, points2d=(), lam=key.lam)
    if not cached("optimum", (1, key.points, (), key.lam)):
        with st.spinner("Solving the convex problem (2)…"):
            opt = optimum(opt_key)
    else:
        opt = optimum(opt_key)
    return dict(res, opt=opt)


# --- 2-D patterns ---------------------------------------------------------------------------------------


def regions(points2d) -> PP.Regions:
    return memo("regions", points2d, lambda: PP.regions(G.data((), points2d, 2)[0]))
