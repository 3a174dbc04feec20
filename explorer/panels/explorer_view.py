"""The explorer: data, the non-convex landscape with GD, network outputs and the convex problem."""

from __future__ import annotations

from contextlib import nullcontext

import numpy as np
import streamlit as st

import landscape as L
from solvers import SolverError

from .. import compute, session
from ..cache import cached
from ..figures import contour_figure, curve_figure, loss_figure, output_figure, surface_figure
from ..figures.common import outcome_colours
from ..figures.landscape_figs import frame_indices
from ..keys import TrainingKey
from ..models import MODELS
from ..state import State
from . import computed, convex_panel, exchange_panel, show, text
from .data import data_panel, output_curves, pending_edit, rerun_if_edited
from .results import ExplorerResults, results_for


def explorer_view(state: State) -> None:
    model = MODELS[state.model]
    # Edits and clicks are already in the session state: apply them before computing, so that this
    # run draws their result instead of drawing the old figures and starting another run.
    state = pending_edit(state)
    if model.landscape_dims:
        state = _pending_pick(state, "contour" if model.landscape_dims == 2 else "curve")
    if not state.points:
        _data_only(state)
        st.info("The dataset is empty: click on the canvas or add rows to the table.")
        return
    try:
        with st.spinner("Training and solving…"):
            results = results_for(TrainingKey.of(state))
    except (ValueError, SolverError) as exc:
        _data_only(state)
        st.error(f"Cannot train on these settings: {exc}")
        return
    rerun_if_edited(state, data_panel(state, curves=output_curves(results.grid, results.curves)))
    exchange_panel.data_io(state, lambda: exchange_panel.explorer_networks(state, results))
    _warn_divergence(results.path, state)
    if model.landscape_dims == 2:
        _landscape_2d(state, results)
    elif model.landscape_dims == 1:
        _landscape_1d(state, results)
    else:
        st.subheader("2 · Training")
        st.markdown(text.MANY_NEURONS)
        st.latex(text.OBJECTIVE_1)
        st.caption(text.LAMBDA_NOTE)
    _loss_chart(state, results)
    _output(state, results)
    convex_panel.convex_panel(state, results)


def _data_only(state: State) -> None:
    """The data panel alone, so that the user can fix what stops the computation."""
    rerun_if_edited(state, data_panel(state))
    exchange_panel.data_io(state)


def _warn_divergence(path: L.DescentPath, state: State) -> None:
    if path.diverged.any():
        st.warning(
            f"Gradient descent diverged in {int(path.diverged.sum())} of {len(path.diverged)} runs with step "
            f"size γ = {state.step:g}: lower γ. Those runs are frozen at their last finite point."
        )


def _landscape_2d(state: State, res: ExplorerResults) -> None:
    st.subheader("2 · The non-convex landscape")
    st.markdown(text.LANDSCAPE)
    st.latex(text.TWO_NEURON_LOSS if MODELS[state.model].swappable else text.BIAS_NEURON_LOSS)
    with st.spinner("Running gradient descent from 40 000 starts…") if state.basins else nullcontext():
        contour, surf = landscape_figures(TrainingKey.of(state), state.frame, state.camera, state.basins)
    left, right = st.columns(2)
    with left:
        show.figure(contour, "contour", "landscape-contour", on_select="rerun")
        _frame_buttons(state, res.path)
    with right:
        show.figure(surf, "surface", "landscape-surface")


@cached()
def landscape_figures(train: TrainingKey, frame: int, camera: str, basins: bool):
    res = results_for(train)
    model = res.model
    a, b, Z = computed.surface(train.model, train.points, train.lam, res.box)
    index, labels = computed.pattern_regions(train.model, train.points, res.box)
    path = res.path
    coords = model.coordinates(path.W)
    layer = _basins(train, res) if basins and model.swappable else None
    contour = contour_figure(
        a,
        b,
        Z,
        index,
        labels,
        coords,
        path.loss,
        res.colours,
        path.steps,
        names=model.param_names,
        stars=res.stars,
        frame=frame,
        basins=layer,
        title="Contour: click to start gradient descent there",
    )
    surf = surface_figure(
        a,
        b,
        Z,
        coords,
        path.loss,
        res.colours,
        names=model.param_names,
        stars=res.stars,
        star_loss=res.optimum,
        camera=camera,
        title=f"Surface L({', '.join(model.param_names)})",
    )
    return contour, surf


def _pending_pick(state: State, key: str) -> State:
    """A click on the contour (or the curve) moves the start; each click is applied once."""
    event = st.session_state.get(key) or {}
    points = (event.get("selection") or {}).get("points") or []
    if not points:
        return state
    p = points[-1]
    pick = (round(float(p["x"]), 4), round(float(p["y"]), 4) if key == "contour" else 0.0)
    if st.session_state.get("_last_pick") == (key, pick):
        return state
    st.session_state["_last_pick"] = (key, pick)
    return session.update(start=pick, frame=-1) if pick != tuple(state.start) else state


def _frame_buttons(state: State, path) -> None:
    """Step through the animation frames one at a time (Play animates them in the browser)."""
    frames = frame_indices(len(path.steps))
    at = len(frames) - 1 if state.frame < 0 else int(np.abs(frames - state.frame).argmin())
    cols = st.columns([1, 1, 1, 1, 3])
    moves = {"|◀": 0, "◀": max(at - 1, 0), "▶": min(at + 1, len(frames) - 1), "▶|": len(frames) - 1}
    for col, (label, target) in zip(cols, moves.items()):
        if col.button(label, key=f"frame_{label}", width="stretch"):
            session.update(frame=-1 if target == len(frames) - 1 else int(frames[target]))
            st.rerun()
    cols[4].caption(f"showing step {int(path.steps[frames[at]])} of {int(path.steps[-1])}")


def _basins(state: State, res: ExplorerResults):
    ba, bb, bz = computed.basins(state.points, state.lam, state.step, min(state.steps, 1000), res.box)
    # The valleys are the most common final losses; rare values (starts still moving) join the nearest.
    values, counts = np.unique(np.round(bz, 3), return_counts=True)
    kept = np.sort(values[np.argsort(counts)[::-1][:6]])
    _, colours = outcome_colours(kept, res.optimum, decimals=3)
    return bz, ba, bb, list(zip(kept.tolist(), colours))


def _landscape_1d(state: State, res: ExplorerResults) -> None:
    st.subheader("2 · The non-convex loss curve")
    st.markdown(text.CURVE)
    st.latex(text.ONE_NEURON_LOSS)
    show.figure(curve_for(TrainingKey.of(state)), "curve", "loss-curve", on_select="rerun")
    start = st.slider(
        "Start w",
        float(res.box[0][0]),
        float(res.box[0][1]),
        float(state.start[0]),
        step=0.01,
        key=f"start_slider_{state.start[0]}",
    )
    if start != state.start[0]:
        session.update(start=(start, 0.0), frame=-1)
        st.rerun()


@cached()
def curve_for(train: TrainingKey):
    res = results_for(train)
    a, _, Z = computed.surface(train.model, train.points, train.lam, res.box)
    index, labels = computed.pattern_regions(train.model, train.points, res.box)
    path = res.path
    coords = res.model.coordinates(path.W)
    return curve_figure(
        a,
        Z,
        index,
        labels,
        coords,
        path.loss,
        res.colours,
        name="w",
        stars=res.stars,
        star_loss=res.optimum,
        title="L(w) with the gradient-descent iterates",
    )


def _loss_chart(state: State, res: ExplorerResults) -> None:
    show.figure(loss_for(TrainingKey.of(state)), "loss", "loss-vs-step")


@cached()
def loss_for(train: TrainingKey):
    res = results_for(train)
    path = res.path
    return loss_figure(
        path.steps,
        path.loss,
        res.colours,
        optimum=res.optimum,
        log=res.model.log_loss,
        title="Loss (1) against gradient-descent step",
    )


def _output(state: State, res: ExplorerResults) -> None:
    st.subheader("3 · What the networks compute")
    st.markdown(text.OUTPUT)
    st.latex(text.NETWORK_BIAS if MODELS[state.model].bias else text.NETWORK)
    show.figure(output_for(TrainingKey.of(state)), "output", "network-output")


@cached()
def output_for(train: TrainingKey):
    res = results_for(train)
    path = res.path
    x, y = compute.data_arrays(train.points)
    neurons = dict(W=path.final_W[0], alpha=path.final_alpha[0], bias=res.model.bias, name="your run")
    return output_figure(x, y, res.grid, res.curves, neurons=neurons, title="Data, GD endpoints and the convex optimum")
