"""Each figure of :data:`explorer.gallery.FIGURES` from the State, with a caption that says what it shows in numbers.

``name(state) -> (figure, caption) or None``: the figure is the one the page draws (from the one cache), the
caption its text alternative, drawn under it, given to screen readers and written into the view's export.
None when the figure is not drawn for that state.

A caption is a template (:data:`CAPTIONS`) filled from the facts of its source: the results the figure is drawn
from (a source returns None when there is nothing to draw), so that the words and the figure agree.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Callable

import numpy as np
import streamlit as st

import landscape as L
from solvers import SolverError
from solvers import plane_regions as PP

from ..cache import memo
from ..figures.common import fmt, neurons, plural
from ..figures.timing_figs import seconds
from ..keys import DynamicsKey, GeneralKey, TrainingKey
from ..state import State
from . import computed
from . import general_runs as R
from .convex_panel import bowl_for
from .dynamics_view import animation, loss_plot, patterns_plot, summary
from .explorer_view import contour_for, curve_for, loss_for, output_for, surface_for
from .general_view import loss_figure, output_figure, path_plot, slice_plot
from .patterns_view import count_plot, plane_plot, sphere_plot
from .results import results_for
from .timing_view import bars_plot, gap_plot

Shown = tuple[Any, str] | None
Facts = dict[str, Any]


def _span(values) -> str:
    return f"{fmt(float(np.min(values)))} to {fmt(float(np.max(values)))}"


def _point(coords) -> str:
    return "(" + ", ".join(f"{v:.3g}" for v in np.ravel(coords)) + ")"


def _valleys(final_loss) -> str:
    """'loss 0 (5 runs), 1 (4 runs)': where the runs end, lowest first."""
    counts = Counter(fmt(float(v)) for v in final_loss)
    parts = [f"{v} ({c} run{'s' if c > 1 else ''})" for v, c in sorted(counts.items(), key=lambda kv: float(kv[0]))]
    return "loss " + ", ".join(parts)


# --- sources: what a figure is drawn from, as facts for its caption --------------------------------------


def _explorer(state: State) -> Facts | None:
    if not state.points:
        return None
    key = TrainingKey.of(state)
    try:
        res = results_for(key)
    except (ValueError, SolverError):
        return None
    path = res.path
    others = len(path.final_loss) - 1
    runs = f"{1 + others} gradient-descent runs (yours and {others} random)" if others else "1 gradient-descent run"
    stars = " and ".join(_point(s) for s in (res.stars or [])[:4])
    facts = dict(
        key=key,
        res=res,
        dims=res.model.landscape_dims,
        runs=f"{runs} end at {_valleys(path.final_loss)}; yours at loss {fmt(float(path.final_loss[0]))}",
        stars=f" The global minimum {fmt(res.optimum)} (star) lies at {stars}." if stars else "",
        optimum=fmt(res.optimum),
        steps=int(path.steps[-1]),
        npoints=plural(len(state.points), "data point"),
        x=_span(np.asarray(state.points)[:, 0]),
        names=", ".join(res.model.param_names),
    )
    if res.box is not None:
        facts.update(a0=fmt(res.box[0][0]), a1=fmt(res.box[0][1]), b0=fmt(res.box[1][0]), b1=fmt(res.box[1][1]))
        facts["ends"] = ", ".join(sorted({fmt(v) for v in res.model.coordinates(path.W)[-1, :, 0]}, key=float))
    if facts["dims"] == 2:
        _, _, Z = computed.surface(key.model, key.points, key.lam, res.box)
        facts.update(heights=_span(Z[np.isfinite(Z)]), n0=res.model.param_names[0], n1=res.model.param_names[1])
    return facts


def _landscape(dims: int) -> Callable[[State], Facts | None]:
    """The explorer's facts, for models whose landscape has ``dims`` parameters only."""

    def source(state: State) -> Facts | None:
        facts = _explorer(state)
        return facts if facts is not None and facts["dims"] == dims else None

    return source


def _surface(state: State) -> Facts | None:
    facts = _landscape(2)(state)
    if facts is None:
        return None
    return dict(facts, paths=", with the paths of the runs lying on it" if state.surface_paths else "")


def _surface_figure(state: State, facts: Facts):
    """The surface as the page draws it once asked for: with the runs' paths unless they are switched off."""
    key = facts["key"]
    runs = key if state.surface_paths else None
    return surface_for(key.model, key.points, key.lam, facts["res"].box, state.camera, runs)


def _bowl(state: State) -> Facts | None:
    facts = _landscape(2)(state)
    if facts is None:
        return None
    path = facts["res"].path
    r = min(int(st.session_state.get("bowl_run") or 0), len(path.final_loss) - 1)
    try:
        fig, value = bowl_for(facts["key"], r, state.bowl3d)
    except SolverError:
        return None
    run = "your start" if r == 0 else f"random start {r}"
    return dict(facts, bowl=fig, run=run, value=fmt(value), end=fmt(float(path.final_loss[r])))


def _general(state: State) -> Facts | None:
    if not (state.points if state.dims == 1 else state.points2d):
        return None
    key = GeneralKey.of(state)
    res = R.results(key)
    opt = res.opt
    history = res.run.history[:, 0]
    if opt.ok:
        gap = f", certified to within {opt.certified_gap:.1e}" if opt.certified_gap is not None else ""
        optimum = f"The global optimum of (2) is {fmt(opt.objective)} with {neurons(opt.neurons)}{gap}."
        reached = (
            f" It comes within 1e-3 of the optimum at step {res.hit}."
            if res.hit is not None
            else " It does not come within 1e-3 of the optimum."
        )
    else:
        optimum, reached = "The convex problem (2) could not be solved here.", ""
    took = seconds(float(res.run.seconds[res.hit])) if res.hit is not None else ""
    return dict(
        key=key,
        res=res,
        npoints=plural(len(res.y), "data point"),
        kind="curve" if key.dims == 1 else "surface over the input plane",
        m=neurons(key.neurons),
        steps=key.steps,
        loss=fmt(res.loss),
        cert=f" (certified gap {fmt(res.certified)})" if res.certified is not None else "",
        optimum=optimum,
        reached=reached,
        first=fmt(float(history[0])),
        last=fmt(float(history[-1])),
        gd=f"gradient descent needs {took} ({res.hit} steps) to come within 1e-3"
        if res.hit is not None
        else f"gradient descent is not within 1e-3 after {seconds(res.run.total_seconds)}",
    )


def _solved(state: State) -> Facts | None:
    facts = _general(state)
    if facts is None or not facts["res"].opt.ok:
        return None
    res = facts["res"]
    return dict(
        facts,
        convex=seconds(res.opt.seconds),
        regions=res.opt.n_patterns,
        gap0=fmt(float(L.relative_gap(res.run.history[0, 0], res.opt.objective))),
        gap1=fmt(res.rel_gap),
    )


def _slice(state: State) -> Facts | None:
    facts = _solved(state)
    if facts is None:
        return None
    sl = R.landscape_slice(facts["key"])
    hill = (
        f"it rises by {fmt(sl.barrier)} above its ends on the way: a hill between them"
        if sl.barrier > 1e-9 * max(1.0, abs(float(sl.losses[1])))
        else "it never rises above its ends: no hill between them in this plane"
    )
    start, end, opt = (fmt(float(v)) for v in sl.losses)
    return dict(facts, start=start, end=end, opt=opt, plane=_span(sl.Z[np.isfinite(sl.Z)]), hill=hill)


def _regime(res, stats, name: str) -> str:
    reg, s = res.regime(name), stats[name]
    history = reg.run.history[:, 0]
    return (
        f"{name} start (scale {fmt(reg.scale)}): loss {fmt(float(history[0]))} to {fmt(float(history[-1]))}, "
        f"a plateau of {s['plateau']} steps, kinks moved by {fmt(s['moved'])}, "
        f"{s['patterns0']} to {s['patterns1']} distinct patterns"
    )


def _dynamics(state: State) -> Facts | None:
    if not state.points:
        return None
    key = DynamicsKey.of(state)
    res, stats = R.dynamics(key), summary(key)
    small, large = stats["small"], stats["large"]
    return dict(
        key=key,
        m=neurons(key.neurons),
        npoints=plural(len(res.y), "point"),
        small=_regime(res, stats, "small"),
        large=_regime(res, stats, "large"),
        patterns=f"{small['patterns0']} to {small['patterns1']} from the small start, "
        f"{large['patterns0']} to {large['patterns1']} from the large one",
        optimum=f" The global optimum is {fmt(res.opt.objective)}." if res.opt.ok else "",
    )


def _patterns(state: State) -> Facts | None:
    points = state.points2d
    if not points:
        return None
    reg = R.regions(points)
    selected = min(int(state.pattern), reg.count - 1)
    inputs = np.asarray(points, dtype=float)[:, :2]
    found = memo(
        "sampled", (points, state.gates, state.seed), lambda: PP.sampled_count(inputs, state.gates, state.seed)
    )
    return dict(
        points=points,
        npoints=plural(len(points), "point"),
        count=reg.count,
        bound=PP.cover_bound(len(points)),
        gates=state.gates,
        seed=state.seed,
        found=found,
        selected=selected,
        neuron=_point(reg.neurons[selected]),
        on=int(np.sum(reg.patterns[selected])),
    )


# --- the figures: source, figure, caption ----------------------------------------------------------------

# How each figure is drawn: its source and the figure from the source's facts.
DRAW: dict[str, tuple[Callable[[State], Facts | None], Callable[[State, Facts], Any]]] = {
    "contour": (_landscape(2), lambda s, f: contour_for(f["key"], s.frame, s.basins)),
    "surface": (_surface, lambda s, f: _surface_figure(s, f)),
    "curve": (_landscape(1), lambda s, f: curve_for(f["key"])),
    "loss": (_explorer, lambda s, f: loss_for(f["key"])),
    "output": (_explorer, lambda s, f: output_for(f["key"])),
    "bowl": (_bowl, lambda s, f: f["bowl"]),
    "general_output": (_general, lambda s, f: output_figure(f["key"])),
    "general_loss": (_general, lambda s, f: loss_figure(f["key"])),
    "general_slice": (_slice, lambda s, f: slice_plot(f["key"])),
    "general_path": (_slice, lambda s, f: path_plot(f["key"])),
    "dyn_anim_small": (_dynamics, lambda s, f: animation(f["key"], "small")),
    "dyn_anim_large": (_dynamics, lambda s, f: animation(f["key"], "large")),
    "dyn_patterns": (_dynamics, lambda s, f: patterns_plot(f["key"])),
    "dyn_loss": (_dynamics, lambda s, f: loss_plot(f["key"])),
    "timing_bars": (_solved, lambda s, f: bars_plot(f["key"])),
    "timing_gap": (_solved, lambda s, f: gap_plot(f["key"])),
    "pat_count": (_patterns, lambda s, f: count_plot(f["points"], f["gates"], f["seed"])),
    "pat_sphere": (_patterns, lambda s, f: sphere_plot(f["points"], f["selected"])),
    "pat_plane": (_patterns, lambda s, f: plane_plot(f["points"], f["selected"])),
}

# What each figure shows, in words and numbers: filled from its source's facts.
CAPTIONS: dict[str, str] = {
    "contour": "Contour of the loss L({names}) for {n0} from {a0} to {a1} and {n1} from {b0} to {b1}, shaded by "
    "activation region. {runs}.{stars}",
    "surface": "The same loss as a 3-D surface over ({names}): heights from {heights} on the grid{paths}.{stars}",
    "curve": "The loss L(w) of one neuron for w from {a0} to {a1}, one shaded interval per activation pattern. "
    "{runs}, at w = {ends}.{stars}",
    "loss": "Loss (1) against gradient-descent step, {steps} steps: {runs}. The global optimum (convex) is "
    "{optimum} (dashed line).",
    "output": "The {npoints} (x from {x}) and the function of each gradient-descent endpoint: {runs}. The "
    "network of the global optimum (dashed) reaches loss {optimum}.",
    "bowl": "The loss with the activation patterns of the endpoint of {run} fixed: a convex bowl over the weights, "
    "coloured where the weights keep those patterns. Its minimum over the cones is {value}; gradient descent ended "
    "at loss {end}.",
    "general_output": "The {npoints} and the output {kind} of gradient descent on {m} after {steps} steps, "
    "loss {loss}{cert}, against the global optimum. {optimum}",
    "general_loss": "Loss (1) of gradient descent against step: from {first} to {last} in {steps} steps. "
    "{optimum}{reached}",
    "general_slice": "Loss (1) on the plane through three networks of {m}: the start (loss {start}), gradient "
    "descent's endpoint ({end}) and the global optimum ({opt}); the loss on the plane ranges from {plane}.",
    "general_path": "Loss on the straight path from gradient descent's endpoint (loss {end}) to the global optimum "
    "({opt}): {hill}.",
    "dyn_anim_small": "Training of {m} from the {small}. Top: the data, the output and the convex optimum; "
    "bottom: one triangle per neuron at its kink, as tall as its weight.",
    "dyn_anim_large": "Training of {m} from the {large}. Top: the data, the output and the convex optimum; "
    "bottom: one triangle per neuron at its kink, as tall as its weight.",
    "dyn_patterns": "Distinct activation patterns among the neurons that matter, against step: {patterns} ({m}, "
    "{npoints}).",
    "dyn_loss": "Loss (1) against step, log scale. The {small}; the {large}.{optimum}",
    "timing_bars": "Wall-clock time: the convex solve of (2) takes {convex} over {regions} activation regions; {gd}.",
    "timing_gap": "Gradient descent's relative distance to the optimum against time, from {gap0} to {gap1}; the "
    "convex solve had finished at {convex}, and {gd}.",
    "pat_count": "{npoints} in the plane have {count} activation regions (exact), against Cover's bound {bound}; "
    "{gates} random neurons find {found} of them.",
    "pat_sphere": "The {count} activation regions of {npoints} as cells of the sphere of neuron directions (w₁, "
    "w₂, b), cut by one great circle per point; region {selected} and its neuron are marked.",
    "pat_plane": "Region {selected} of {count}: its neuron w = {neuron} draws the line w₁x₁ + w₂x₂ + b = 0 in the "
    "input plane and switches on {on} of the {npoints}.",
}


def make(name: str, state: State) -> Shown:
    """Figure ``name`` for ``state`` and its caption, or None when the page does not draw it."""
    source, figure = DRAW[name]
    template = CAPTIONS[name]
    facts = source(state)
    if facts is None:
        return None
    caption = template.format(**facts)
    return figure(state, facts), caption[0].upper() + caption[1:]
