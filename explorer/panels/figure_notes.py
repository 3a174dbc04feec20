"""Each figure of :data:`explorer.gallery.FIGURES` from the State, with a caption that says what it shows in numbers.

``name(state) -> (figure, caption) or None``: the figure is the one the page draws (from the one cache), the
caption its text alternative, drawn under it, given to screen readers and written into the view's export.
None when the figure is not drawn for that state.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import streamlit as st

import landscape as L
from solvers import SolverError
from solvers import plane_regions as PP

from ..cache import memo
from ..figures.common import fmt, neurons
from ..figures.timing_figs import seconds
from ..keys import DynamicsKey, GeneralKey, TrainingKey
from ..state import State
from . import general_runs as R

Shown = tuple[Any, str] | None


def _span(values) -> str:
    return f"{fmt(float(np.min(values)))} to {fmt(float(np.max(values)))}"


def _point(coords) -> str:
    return "(" + ", ".join(f"{v:.3g}" for v in np.ravel(coords)) + ")"


def _valleys(final_loss) -> str:
    """'loss 0 (5 runs), 1 (4 runs)': where the runs end, lowest first."""
    counts = Counter(fmt(float(v)) for v in final_loss)
    parts = [f"{v} ({c} run{'s' if c > 1 else ''})" for v, c in sorted(counts.items(), key=lambda kv: float(kv[0]))]
    return "loss " + ", ".join(parts)


# --- the two-neuron explorer ----------------------------------------------------------------------------


def _explorer(state: State):
    if not state.points:
        return None
    from .results import results_for

    key = TrainingKey.of(state)
    try:
        return key, results_for(key)
    except (ValueError, SolverError):
        return None


def _runs(res) -> str:
    path = res.path
    others = len(path.final_loss) - 1
    runs = f"{1 + others} gradient-descent runs (yours and {others} random)" if others else "1 gradient-descent run"
    return f"{runs} end at {_valleys(path.final_loss)}; yours at loss {fmt(float(path.final_loss[0]))}"


def _stars(res) -> str:
    if not res.stars:
        return ""
    at = " and ".join(_point(s) for s in res.stars[:4])
    return f" The global minimum {fmt(res.optimum)} (star) lies at {at}."


def contour(state: State) -> Shown:
    found = _explorer(state)
    if found is None or found[1].model.landscape_dims != 2:
        return None
    key, res = found
    from .explorer_view import landscape_figures

    fig = landscape_figures(key, state.frame, state.camera, state.basins)[0]
    names = res.model.param_names
    (a0, a1), (b0, b1) = res.box
    caption = (
        f"Contour of the loss L({', '.join(names)}) for {names[0]} from {fmt(a0)} to {fmt(a1)} and {names[1]} "
        f"from {fmt(b0)} to {fmt(b1)}, shaded by activation region. {_runs(res)}.{_stars(res)}"
    )
    return fig, caption


def surface(state: State) -> Shown:
    found = _explorer(state)
    if found is None or found[1].model.landscape_dims != 2:
        return None
    key, res = found
    from . import computed
    from .explorer_view import landscape_figures

    fig = landscape_figures(key, state.frame, state.camera, state.basins)[1]
    _, _, Z = computed.surface(key.model, key.points, key.lam, res.box)
    names = res.model.param_names
    caption = (
        f"The same loss as a 3-D surface over ({', '.join(names)}): heights from {_span(Z[np.isfinite(Z)])} "
        f"on the grid, with the paths of the {len(res.path.final_loss)} runs lying on it.{_stars(res)}"
    )
    return fig, caption


def curve(state: State) -> Shown:
    found = _explorer(state)
    if found is None or found[1].model.landscape_dims != 1:
        return None
    key, res = found
    from .explorer_view import curve_for

    ends = res.model.coordinates(res.path.W)[-1, :, 0]
    caption = (
        f"The loss L(w) of one neuron for w from {fmt(res.box[0][0])} to {fmt(res.box[0][1])}, one shaded "
        f"interval per activation pattern. {_runs(res)}, at w = {', '.join(sorted({fmt(v) for v in ends}, key=float))}."
        + _stars(res).replace("lies at (", "lies at w = (")
    )
    return curve_for(key), caption


def loss(state: State) -> Shown:
    found = _explorer(state)
    if found is None:
        return None
    key, res = found
    from .explorer_view import loss_for

    path = res.path
    caption = (
        f"Loss (1) against gradient-descent step, {int(path.steps[-1])} steps: "
        f"{_runs(res)}. The global optimum (convex) is {fmt(res.optimum)} (dashed line)."
    )
    return loss_for(key), caption


def output(state: State) -> Shown:
    found = _explorer(state)
    if found is None:
        return None
    key, res = found
    from .explorer_view import output_for

    x = np.asarray(state.points)[:, 0]
    caption = (
        f"The {len(x)} data points (x from {_span(x)}) and the function of each gradient-descent endpoint: "
        f"{_runs(res)}. The network of the global optimum (dashed) reaches loss {fmt(res.optimum)}."
    )
    return output_for(key), caption


def bowl(state: State) -> Shown:
    found = _explorer(state)
    if found is None or found[1].model.landscape_dims != 2:
        return None
    key, res = found
    from .convex_panel import bowl_for

    r = min(int(st.session_state.get("bowl_run") or 0), len(res.path.final_loss) - 1)
    try:
        fig, value = bowl_for(key, r)
    except SolverError:
        return None
    run = "your start" if r == 0 else f"random start {r}"
    caption = (
        f"The loss with the activation patterns of the endpoint of {run} fixed: a convex bowl over the weights, "
        f"coloured where the weights keep those patterns. Its minimum over the cones is {fmt(value)}; "
        f"gradient descent ended at loss {fmt(float(res.path.final_loss[r]))}."
    )
    return fig, caption


# --- m neurons ----------------------------------------------------------------------------------------


def _general(state: State):
    if not (state.points if state.dims == 1 else state.points2d):
        return None
    key = GeneralKey.of(state)
    return key, R.results(key)


def _optimum(res) -> str:
    opt = res.opt
    if not opt.ok:
        return "The convex problem (2) could not be solved here."
    gap = f", certified to within {opt.certified_gap:.1e}" if opt.certified_gap is not None else ""
    return f"The global optimum of (2) is {fmt(opt.objective)} with {neurons(opt.neurons)}{gap}."


def general_output(state: State) -> Shown:
    found = _general(state)
    if found is None:
        return None
    key, res = found
    from .general_view import output_figure

    kind = "curve" if key.dims == 1 else "surface over the input plane"
    cert = f" (certified gap {fmt(res.certified)})" if res.certified is not None else ""
    caption = (
        f"The {len(res.y)} data points and the output {kind} of gradient descent on {neurons(key.neurons)} "
        f"after {key.steps} steps, loss {fmt(res.loss)}{cert}, against the global optimum. {_optimum(res)}"
    )
    return output_figure(key), caption


def general_loss(state: State) -> Shown:
    found = _general(state)
    if found is None:
        return None
    key, res = found
    from .general_view import loss_figure

    history = res.run.history[:, 0]
    reached = (
        f"It comes within 1e-3 of the optimum at step {res.hit}."
        if res.hit is not None
        else "It does not come within 1e-3 of the optimum."
    )
    caption = (
        f"Loss (1) of gradient descent against step: from {fmt(float(history[0]))} to {fmt(float(history[-1]))} "
        f"in {key.steps} steps. {_optimum(res)} {reached if res.opt.ok else ''}"
    ).strip()
    return loss_figure(key), caption


def _slice(state: State):
    found = _general(state)
    if found is None or not found[1].opt.ok:
        return None
    return found[0], R.landscape_slice(found[0])


def general_slice(state: State) -> Shown:
    found = _slice(state)
    if found is None:
        return None
    key, sl = found
    from .general_view import slice_plot

    start, end, opt = (fmt(float(v)) for v in sl.losses)
    caption = (
        f"Loss (1) on the plane through three networks of {neurons(key.neurons)}: the start (loss {start}), "
        f"gradient descent's endpoint ({end}) and the global optimum ({opt}); the loss on the plane ranges "
        f"from {_span(sl.Z[np.isfinite(sl.Z)])}."
    )
    return slice_plot(key), caption


def general_path(state: State) -> Shown:
    found = _slice(state)
    if found is None:
        return None
    key, sl = found
    from .general_view import path_plot

    hill = (
        f"it rises by {fmt(sl.barrier)} above its ends on the way: a hill between them"
        if sl.barrier > 1e-9 * max(1.0, abs(float(sl.losses[1])))
        else "it never rises above its ends: no hill between them in this plane"
    )
    caption = (
        f"Loss on the straight path from gradient descent's endpoint (loss {fmt(float(sl.path[0]))}) to the "
        f"global optimum ({fmt(float(sl.path[-1]))}): {hill}."
    )
    return path_plot(key), caption


# --- initialisation -----------------------------------------------------------------------------------


def _dynamics(state: State):
    if not state.points:
        return None
    from .dynamics_view import summary

    key = DynamicsKey.of(state)
    return key, R.dynamics(key), summary(key)


def _regime(res, stats, name: str) -> str:
    reg = res.regime(name)
    s = stats[name]
    history = reg.run.history[:, 0]
    return (
        f"{name} start (scale {fmt(reg.scale)}): loss {fmt(float(history[0]))} to {fmt(float(history[-1]))}, "
        f"a plateau of {s['plateau']} steps, kinks moved by {fmt(s['moved'])}, "
        f"{s['patterns0']} to {s['patterns1']} distinct patterns"
    )


def _animation(state: State, name: str) -> Shown:
    found = _dynamics(state)
    if found is None:
        return None
    key, res, stats = found
    from .dynamics_view import animation

    caption = (
        f"Training of {neurons(key.neurons)} from the {_regime(res, stats, name)}. Top: the data, the output and "
        f"the convex optimum; bottom: one triangle per neuron at its kink, as tall as its weight."
    )
    return animation(key, name), caption[0].upper() + caption[1:]


def dyn_anim_small(state: State) -> Shown:
    return _animation(state, "small")


def dyn_anim_large(state: State) -> Shown:
    return _animation(state, "large")


def dyn_patterns(state: State) -> Shown:
    found = _dynamics(state)
    if found is None:
        return None
    key, res, stats = found
    from .dynamics_view import patterns_plot

    s, g = stats["small"], stats["large"]
    caption = (
        f"Distinct activation patterns among the neurons that matter, against step: {s['patterns0']} to "
        f"{s['patterns1']} from the small start, {g['patterns0']} to {g['patterns1']} from the large one "
        f"({neurons(key.neurons)}, {len(res.y)} points)."
    )
    return patterns_plot(key), caption


def dyn_loss(state: State) -> Shown:
    found = _dynamics(state)
    if found is None:
        return None
    key, res, stats = found
    from .dynamics_view import loss_plot

    opt = f" The global optimum is {fmt(res.opt.objective)}." if res.opt.ok else ""
    small, large = _regime(res, stats, "small"), _regime(res, stats, "large")
    caption = f"Loss (1) against step, log scale. The {small}; the {large}.{opt}"
    return loss_plot(key), caption


# --- convex against GD time -----------------------------------------------------------------------------


def _timing(state: State):
    found = _general(state)
    if found is None or not found[1].opt.ok:
        return None
    return found


def _gd_time(res) -> str:
    if res.hit is not None:
        return (
            f"gradient descent needs {seconds(float(res.run.seconds[res.hit]))} ({res.hit} steps) to come within 1e-3"
        )
    return f"gradient descent is not within 1e-3 after {seconds(res.run.total_seconds)}"


def timing_bars(state: State) -> Shown:
    found = _timing(state)
    if found is None:
        return None
    key, res = found
    from .timing_view import bars_plot

    caption = (
        f"Wall-clock time: the convex solve of (2) takes {seconds(res.opt.seconds)} over "
        f"{res.opt.n_patterns} activation regions; {_gd_time(res)}."
    )
    return bars_plot(key), caption


def timing_gap(state: State) -> Shown:
    found = _timing(state)
    if found is None:
        return None
    key, res = found
    from .timing_view import gap_plot

    caption = (
        f"Gradient descent's relative distance to the optimum against time, from "
        f"{fmt(float(L.relative_gap(res.run.history[0, 0], res.opt.objective)))} to {fmt(res.rel_gap)}; "
        f"the convex solve had finished at {seconds(res.opt.seconds)}, and {_gd_time(res)}."
    )
    return gap_plot(key), caption


# --- 2-D patterns ---------------------------------------------------------------------------------------


def _patterns(state: State):
    if not state.points2d:
        return None
    reg = R.regions(state.points2d)
    return reg, min(int(state.pattern), reg.count - 1)


def pat_count(state: State) -> Shown:
    found = _patterns(state)
    if found is None:
        return None
    reg, _ = found
    from .patterns_view import count_plot

    points = state.points2d
    inputs = np.asarray(points, dtype=float)[:, :2]
    found_by = memo(
        "sampled", (points, state.gates, state.seed), lambda: PP.sampled_count(inputs, state.gates, state.seed)
    )
    caption = (
        f"{len(points)} points in the plane have {reg.count} activation regions (exact), against Cover's bound "
        f"{PP.cover_bound(len(points))}; {state.gates} random neurons find {found_by} of them."
    )
    return count_plot(points, state.gates, state.seed), caption


def pat_sphere(state: State) -> Shown:
    found = _patterns(state)
    if found is None:
        return None
    reg, selected = found
    from .patterns_view import sphere_plot

    caption = (
        f"The {reg.count} activation regions of {len(state.points2d)} points as cells of the sphere of neuron "
        f"directions (w₁, w₂, b), cut by one great circle per point; region {selected} and its neuron are marked."
    )
    return sphere_plot(state.points2d, selected), caption


def pat_plane(state: State) -> Shown:
    found = _patterns(state)
    if found is None:
        return None
    reg, selected = found
    from .patterns_view import plane_plot

    on = int(np.sum(reg.patterns[selected]))
    caption = (
        f"Region {selected} of {reg.count}: its neuron w = {_point(reg.neurons[selected])} draws the line "
        f"w₁x₁ + w₂x₂ + b = 0 in the input plane and switches on {on} of the {len(state.points2d)} points."
    )
    return plane_plot(state.points2d, selected), caption
