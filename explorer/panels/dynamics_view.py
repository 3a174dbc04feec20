"""Initialisation dynamics: the same data and network from a small and from a large start, side by side."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import streamlit as st

import landscape as L

from .. import dynamics as D
from .. import palette, session
from ..cache import cached
from ..figures.common import fmt
from ..figures.dynamics_figs import animation_figure, losses_figure, patterns_figure
from ..figures.ranges import axis_1d
from ..keys import DynamicsKey
from ..state import State, from_preset
from . import general_runs as R
from . import show
from .data import data_panel, rerun_if_edited

INTRO = """
**The same data, the same network, the same random draw — only its scale differs.** Each triangle below an output
is one neuron: placed at its activation point x = −b/w (its kink), pointing to the side it activates, at the height
of its weight |αᵢ|·‖wᵢ‖. Press ▶ Play to watch training, or drag the slider.
"""

EXPLAIN = """
**Small start (rich regime).** At first the output is almost zero and the loss sits on a **plateau**: the neurons
are too small to fit anything, but gradient descent turns their *directions* — the kinks slide — towards the few
that correlate best with the labels. Once aligned, the aligned neurons grow exponentially and the loss **drops
fast**; at the end most of the weight sits in a handful of kinks, and only a few distinct activation patterns
carry the output — close to the sparse convex optimum.

**Large start (lazy regime).** The output is large from the first step and the network is close to its
linearisation around the start: every neuron moves a little, the kinks **barely move**, and the fit interpolates
the points with the random kinks it started with — a wiggly curve between and beyond the data. The activation
patterns hardly change, so the convex problem restricted to the starting patterns describes where it ends.
"""


BLOG_PRESET = "init_dynamics"


def _open_blog_setup() -> None:
    """Button callback (runs before the widgets are drawn): the blog's set-up, in this view."""
    session.put(replace(from_preset(BLOG_PRESET), view="dynamics"))


def dynamics_view(state: State) -> None:
    if state.preset != BLOG_PRESET:
        left, right = st.columns([4, 1])
        left.caption(
            "The blog's experiment uses four points of linear data, 1000 neurons and starts of scale 10⁻⁴ "
            "and 1; the settings below are your own."
        )
        right.button("Open the blog's set-up", key="open_blog_dynamics", on_click=_open_blog_setup)
    if not state.points:
        rerun_if_edited(state, data_panel(state))
        st.info("The dataset is empty: click on the canvas or add rows to the table.")
        return
    key = DynamicsKey.of(state)
    res = R.dynamics(key)
    small, large = res.small, res.large
    grid = dyn_axis(res.inputs)
    curves = [
        dict(
            x=grid.tolist(),
            y=L.outputs(reg.run.final_W[0], reg.run.final_alpha[0], L.with_bias(grid)).tolist(),
            color=colour,
            name=f"{reg.name} start",
            dash=reg.name == "large",
        )
        for reg, colour in ((small, palette.GREEN), (large, palette.PURPLE))
    ]
    rerun_if_edited(state, data_panel(state, curves=curves))
    st.subheader("2 · Small vs large initialisation")
    st.markdown(INTRO)
    for reg in (small, large):
        if reg.run.diverged.any():
            st.warning(
                f"The {reg.name} start diverged at step {int(reg.run.diverged_at[0])} with γ = {reg.step:g}: "
                "lower the step size."
            )
    if large.capped:
        st.caption(
            f"The large start uses γ = {fmt(large.step)} (instead of {fmt(state.step)}, which would make it "
            "diverge: its curvature grows with the square of the scale)."
        )
    stats = summary(key)
    left, right = st.columns(2)
    for col, reg in ((left, small), (right, large)):
        with col:
            s = stats[reg.name]
            st.markdown(f"**{reg.name.capitalize()} start** — scale {fmt(reg.scale)}, γ = {fmt(reg.step)}")
            c = st.columns(3)
            c[0].metric("Plateau", f"{s['plateau']} steps", help="Steps before the loss falls 10% below its start.")
            c[1].metric(
                "Kinks moved",
                fmt(s["moved"]),
                help="Median distance the kinks of the neurons that matter travel, start to end.",
            )
            c[2].metric(
                "Patterns",
                f"{s['patterns0']} → {s['patterns1']}",
                help="Distinct activation patterns among the neurons that carry ≥ 1% of the largest "
                "|αᵢ|·‖wᵢ‖, at the start and at the end.",
            )
            show.figure(animation(key, reg.name), f"dyn_anim_{reg.name}", f"dynamics-{reg.name}-start")
            st.caption(
                "Top: data, network output (blue) and the convex optimum (dashed). Bottom: one triangle per "
                "neuron at its kink, ▶ green facing right, ◀ pink facing left; dotted lines mark the data."
            )
    left, right = st.columns(2)
    with left:
        show.figure(patterns_plot(key), "dyn_patterns", "distinct-patterns")
    with right:
        show.figure(loss_plot(key), "dyn_loss", "loss-small-vs-large")
    st.markdown(EXPLAIN)


def dyn_axis(inputs):
    """Wider than the data: a small start gathers its kinks just outside them."""
    return axis_1d(inputs, pad=0.5)


@cached(size=16)
def summary(key: DynamicsKey) -> dict:
    res = R.dynamics(key)
    grid = dyn_axis(res.inputs)
    box = (float(grid[0]), float(grid[-1]))
    out = {}
    for reg in (res.small, res.large):
        r = reg.run
        W, a = r.W[:, 0], r.alpha[:, 0]
        counts = L.dynamics.distinct_patterns(W, a, res.X, share=L.STRONG_SHARE)
        ph = L.dynamics.phases(r.history[:, 0])
        out[reg.name] = dict(
            plateau=ph.plateau,
            drop=ph.drop,
            moved=L.dynamics.kink_movement(W, a, box),
            patterns0=int(counts[0]),
            patterns1=int(counts[-1]),
            counts=counts,
            all_counts=L.dynamics.distinct_patterns(W, a, res.X),
        )
    return out


@cached(size=16)
def animation(key: DynamicsKey, name: str):
    res = R.dynamics(key)
    reg = res.regime(name)
    r = reg.run
    grid = dyn_axis(res.inputs)
    opt = res.opt
    f_opt = L.outputs(opt.W, opt.alpha, L.with_bias(grid)) if opt.ok else None
    frames = D.frame_indices(r.steps)
    y = res.y
    lo, hi = min(float(y.min()), 0.0), max(float(y.max()), 0.0)
    f_end = L.outputs(r.final_W[0], r.final_alpha[0], L.with_bias(grid))
    lo, hi = min(lo, float(np.percentile(f_end, 2))), max(hi, float(np.percentile(f_end, 98)))
    pad = 0.25 * max(hi - lo, 0.5)
    return animation_figure(
        res.inputs[:, 0],
        y,
        grid,
        r.W[:, 0],
        r.alpha[:, 0],
        r.steps,
        frames,
        f_opt=f_opt,
        y_range=[lo - pad, hi + pad],
        title=f"{name.capitalize()} start (scale {fmt(reg.scale)})",
    )


@cached(size=16)
def patterns_plot(key: DynamicsKey):
    res = R.dynamics(key)
    stats = summary(key)
    curves = []
    for reg, colour in ((res.small, palette.GREEN), (res.large, palette.PURPLE)):
        steps = reg.run.steps
        curves.append(
            dict(steps=steps, count=stats[reg.name]["counts"], name=f"{reg.name}: neurons that matter", colour=colour)
        )
        curves.append(
            dict(
                steps=steps,
                count=stats[reg.name]["all_counts"],
                name=f"{reg.name}: all neurons",
                colour=colour,
                dash="dot",
            )
        )
    return patterns_figure(curves, title="Distinct activation patterns among the neurons")


@cached(size=16)
def loss_plot(key: DynamicsKey):
    res = R.dynamics(key)
    opt = res.opt
    curves = [
        dict(loss=res.small.run.history[:, 0], name="small start", colour=palette.GREEN),
        dict(loss=res.large.run.history[:, 0], name="large start", colour=palette.PURPLE),
    ]
    return losses_figure(curves, optimum=opt.objective if opt.ok else None, title="Loss (1) against step")
