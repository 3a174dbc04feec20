"""The explorer: data, the non-convex landscape with GD, network outputs and the convex problem."""

from __future__ import annotations

from contextlib import nullcontext

import numpy as np
import streamlit as st

import landscape as L
from solvers import SolverError

from .. import compute, session
from ..cache import cached
from ..contour_controls import contour_controls, peek_pick
from ..figures import contour_figure, curve_figure, loss_figure, output_figure, surface_figure
from ..figures.common import outcome_colours
from ..figures.landscape_figs import frame_indices
from ..keys import TrainingKey
from ..models import MODELS
from ..state import State
from . import computed, convex_panel, exchange_panel, show, text
from .data import data_panel, output_curves, pending_edit, rerun_if_edited
from .results import ExplorerResults, results_for, stars_of


def explorer_view(state: State) -> None:
    model = MODELS[state.model]
    # Edits and clicks are already in the session state: apply them before computing, so that this
    # run draws their result instead of drawing the old figures and starting another run.
    state = pending_edit(state)
    if model.landscape_dims == 2:
        state = _pending_start(state, peek_pick(CONTROLS_KEY))
    elif model.landscape_dims == 1:
        state = _pending_pick(state, "curve")
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
        _landscape_2d(state, results)  # the loss chart sits beside the contour
    else:
        if model.landscape_dims == 1:
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


CONTROLS_KEY = "contour_controls"


def _landscape_2d(state: State, res: ExplorerResults) -> None:
    st.subheader("2 · The non-convex landscape")
    st.markdown(text.LANDSCAPE)
    st.latex(text.TWO_NEURON_LOSS if MODELS[state.model].swappable else text.BIAS_NEURON_LOSS)
    train = TrainingKey.of(state)
    with st.spinner("Running gradient descent from 40 000 starts…") if state.basins else nullcontext():
        contour = contour_for(train, state.frame, state.basins)
    left, right = st.columns(2)
    with left:
        show.figure(contour, "contour", "landscape-contour")
        frames = frame_indices(len(res.path.steps))
        shown = frames[-1] if state.frame < 0 else frames[np.abs(frames - state.frame).argmin()]
        _contour_events(str(shown), str(frames[-1]))
    with right:
        _surface(state, res)
        _loss_chart(state, res)


@cached()
def contour_for(train: TrainingKey, frame: int, basins: bool):
    """The contour with the runs, their animation and (optionally) the basins of attraction."""
    res = results_for(train)
    model = res.model
    a, b, Z = computed.surface(train.model, train.points, train.lam, res.box)
    index, labels = computed.pattern_regions(train.model, train.points, res.box)
    path = res.path
    layer = _basins(train, res) if basins and model.swappable else None
    return contour_figure(
        a,
        b,
        Z,
        index,
        labels,
        model.coordinates(path.W),
        path.loss,
        res.colours,
        path.steps,
        names=model.param_names,
        stars=res.stars,
        frame=frame,
        basins=layer,
        title="Contour: click to start gradient descent there",
    )


@st.fragment
def _contour_events(shown: str, last: str) -> None:
    """Clicks and frame moves on the contour. A frame move reruns only this fragment, to put the frame in
    the link; a click reruns the page from the new start."""
    events = contour_controls(CONTROLS_KEY, shown)
    state = session.current()
    if "pick" in events:
        if _pending_start(state, events["pick"]) is not state:
            st.rerun()
    elif "frame" in events:
        frame = -1 if str(events["frame"]) == last else events["frame"]
        if frame != state.frame:
            session.publish(session.update(frame=frame))


def _pending_start(state: State, pick) -> State:
    """Start GD at a clicked point (and show its last frame)."""
    if pick is None or tuple(pick) == tuple(state.start):
        return state
    return session.update(start=tuple(pick), frame=-1)


def _surface(state: State, res: ExplorerResults) -> None:
    """The 3-D surface, on demand: WebGL is slow to draw on a machine without a graphics card."""
    w = session.WIDGETS
    left, right = st.columns(2)
    left.toggle(
        "3-D surface",
        key=w["surface"],
        help="L as a surface in 3-D (drag to turn it). Drawing it takes seconds on a machine without a "
        "graphics card, so it is off until asked for.",
    )
    if not state.surface:
        return
    right.toggle(
        "GD paths on the surface",
        key=w["surface_paths"],
        help="Off: the surface depends only on the data and λ, and is not drawn again when a run changes.",
    )
    train = TrainingKey.of(state)
    runs = train if state.surface_paths else None
    surf = surface_for(train.model, train.points, train.lam, res.box, state.camera, runs)
    show.figure(surf, "surface", "landscape-surface")


@cached()
def surface_for(model_key: str, points: tuple, lam: float, box, camera: str, runs: TrainingKey | None = None):
    """The surface L over the landscape's box, with the GD paths of ``runs`` if given."""
    model = MODELS[model_key]
    a, b, Z = computed.surface(model_key, points, lam, box)
    fixed = computed.fixed_alpha_optimum(model_key, points, lam)
    paths = {}
    if runs is not None:
        res = results_for(runs)
        paths = dict(coords=model.coordinates(res.path.W), losses=res.path.loss, colours=res.colours)
    return surface_figure(
        a,
        b,
        Z,
        **paths,
        names=model.param_names,
        stars=stars_of(model_key, fixed),
        star_loss=fixed.objective,
        camera=camera,
        title=f"Surface L({', '.join(model.param_names)})",
    )


def _pending_pick(state: State, key: str) -> State:
    """A click on the one-neuron curve moves the start; each click is applied once."""
    event = st.session_state.get(key) or {}
    points = (event.get("selection") or {}).get("points") or []
    if not points:
        return state
    p = points[-1]
    pick = (round(float(p["x"]), 4), 0.0)
    if st.session_state.get("_last_pick") == (key, pick):
        return state
    st.session_state["_last_pick"] = (key, pick)
    return session.update(start=pick, frame=-1) if pick != tuple(state.start) else state


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
