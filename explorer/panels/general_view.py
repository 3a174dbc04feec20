"""The general case: m neurons with bias on 1-D or 2-D data, gradient descent against problem (2)."""

from __future__ import annotations

import numpy as np
import streamlit as st

import landscape as L

from .. import palette
from ..cache import cached
from ..figures.common import fmt, neurons
from ..figures.general_figs import loss_steps_figure, output_1d_figure, output_2d_figure, path_figure, slice_figure
from ..figures.ranges import axis_1d, box_2d
from ..keys import GeneralKey
from ..state import State
from . import exchange_panel, show
from . import general_runs as R
from .data import rerun_if_edited
from .plane_data import data_section

INTRO = """
**m neurons, each with a bias.** Gradient descent (full batch, fixed step γ) trains objective (1) from a random
start; the convex problem (2), solved over every activation region of the data, gives the global optimum and
its neurons. Does gradient descent get there?
"""

SLICE_TEXT = """
The network has {p} parameters, so its loss (1) lives in {p} dimensions: no picture can show it. What can be drawn
is the loss on a **plane** — the one through three networks: where GD started, where it stopped, and the global
optimum of (2) mapped to a network (padded with zero neurons to the same width, its neurons matched to GD's by a
linear assignment, since relabelling neurons changes nothing). Every point of the plane is a network of the same
width, and its colour is its exact loss. A slice can hide valleys that leave the plane, but it shows what lies
between the networks in it: the dashed line is the straight path from GD's endpoint to the optimum.
"""


def general_view(state: State) -> None:
    points = state.points if state.dims == 1 else state.points2d
    if not points:
        rerun_if_edited(state, data_section(state))
        exchange_panel.data_io(state)
        st.info("The dataset is empty: click on the canvas or add rows to the table.")
        return
    key = GeneralKey.of(state)
    res = R.results(key)
    curves = _pad_curves(key, res) if state.dims == 1 else None
    rerun_if_edited(state, data_section(state, curves=curves))
    exchange_panel.data_io(state, lambda: exchange_panel.general_networks(state, res))
    st.markdown(INTRO)
    _messages(state, key, res)
    st.subheader("2 · Gradient descent against the global optimum")
    _metrics(state, res)
    show.figure(output_figure(key), "general_output", "m-neurons-output")
    show.figure(loss_figure(key), "general_loss", "m-neurons-loss")
    st.subheader("3 · A window onto the landscape")
    if not res.opt.ok:
        st.info("The slice needs the global optimum, which could not be computed here.")
        return
    n_params = state.neurons * (state.dims + 2)
    st.markdown(SLICE_TEXT.format(p=f"{n_params:,}".replace(",", " ")))
    with st.spinner("Evaluating the loss on the plane…"):
        sl = R.landscape_slice(key)
    left, right = st.columns([3, 2])
    with left:
        show.figure(slice_plot(key), "general_slice", "landscape-slice")
    with right:
        show.figure(path_plot(key), "general_path", "straight-path-loss")
        if sl.barrier > 1e-9 * max(1.0, abs(sl.losses[1])):
            st.caption(
                f"Along the straight path the loss rises by **{fmt(sl.barrier)}** above its ends before "
                "falling to the optimum: a hill between the two networks, in this plane."
            )
        else:
            st.caption(
                "Along the straight path the loss never rises above its ends: no hill separates GD's "
                "endpoint from the optimum in this plane."
            )


def _pad_curves(key: GeneralKey, res: R.GeneralResults) -> list[dict]:
    grid = axis_1d(res.inputs)
    curves = [
        dict(
            x=grid.tolist(),
            y=L.outputs(res.W, res.alpha, L.with_bias(grid)).tolist(),
            color=palette.BLACK,
            name="GD",
        )
    ]
    if res.opt.ok:
        curves.append(
            dict(
                x=grid.tolist(),
                y=L.outputs(res.opt.W, res.opt.alpha, L.with_bias(grid)).tolist(),
                color=palette.VERMILLION,
                name="optimum",
                dash=True,
            )
        )
    return curves


def _messages(state: State, key: GeneralKey, res: R.GeneralResults) -> None:
    r = res.run
    if r.diverged.any():
        st.warning(
            f"Gradient descent diverged at step {int(r.diverged_at[0])} with γ = {state.step:g}; the run is "
            f"frozen at its last finite point. From this start a step below about "
            f"{fmt(res.stable_step)} is stable: lower γ or the initialisation scale."
        )
    opt = res.opt
    if not opt.ok:
        st.error(f"The convex problem (2) could not be solved: {opt.error}")
    for note in R.solve_warnings(key, opt):
        st.warning(note)


def _metrics(state: State, res: R.GeneralResults) -> None:
    opt = res.opt
    cols = st.columns(4)
    cols[0].metric("GD loss after training", fmt(res.loss), help="Objective (1) at the last step.")
    if not opt.ok:
        return
    certificate = f" Certified by duality to within {opt.certified_gap:.1e}." if opt.certified_gap is not None else ""
    if opt.stopped:
        certificate += " Not proven optimal: the solve stopped early."
    cols[1].metric(
        "Global optimum (convex)",
        fmt(opt.objective),
        help=f"Problem (2) over all {opt.n_patterns} activation regions, mapped to {opt.neurons} "
        f"neurons; solved in {opt.seconds * 1e3:.0f} ms.{certificate}",
    )
    cert = res.certified
    cols[2].metric(
        "Gap to the optimum",
        fmt(max(res.gap, 0.0)),
        delta=(f"{res.rel_gap:.2e} relative" if abs(opt.objective) > L.gaps.ZERO else "absolute: the optimum is 0"),
        delta_color="off",
        delta_arrow="off",
        help="GD loss minus the global optimum."
        + (
            f" Certified by duality: GD's network is at most {fmt(cert)} above the global optimum."
            if cert is not None
            else ""
        ),
    )
    reached = res.hit is not None
    cols[3].metric(
        "Did GD reach it?",
        "yes" if reached else "no",
        delta=(f"within 1e-3 at step {res.hit}" if reached else f"not within 1e-3 in {state.steps} steps"),
        delta_color="normal" if reached else "inverse",
        delta_arrow="off",
    )
    notes = []
    n, enough = len(res.y), R.width_enough(res)
    if state.neurons < enough:
        notes.append(
            f"The optimal network found uses **{opt.neurons} neurons** and this one has **m = {state.neurons}**: "
            f"at this width GD may be unable to reach the optimum. (1) reaches the optimum of (2) once m is at "
            f"least the neurons of an optimal network, and one with at most n + 1 = {n + 1} neurons always exists."
        )
    if not state.train_alpha:
        notes.append(
            "The second layer α is **fixed** at its initial value: the optimum of (2), which trains α, "
            "is then only a lower bound."
        )
    r = res.run
    start_loss = float(r.history[0, 0])
    diverged = bool(r.diverged.any())  # the warning above says so, with the step size to try
    if not diverged and res.loss > start_loss:
        notes.append(
            f"The loss **rose** over the run, from {fmt(start_loss)} to {fmt(res.loss)}: the step size "
            f"γ = {state.step:g} is too large for this network. From this start a step below about "
            f"{fmt(res.stable_step)} is stable: lower γ or the initialisation scale."
        )
    elif not diverged and not reached and state.neurons >= enough and state.train_alpha:
        recent = r.history[max(0, len(r.history) - 1 - max(1, state.steps // 10)), 0]
        slow = (recent - res.loss) / max(res.loss, 1e-300)
        if slow > 1e-2:
            notes.append(
                f"The loss still fell by {slow:.1%} over the last tenth of the run: gradient descent is "
                "still on its way; more steps (or a larger γ) may get closer."
            )
        else:
            notes.append(
                f"The loss fell by only {slow:.2%} over the last tenth of the run: gradient descent has "
                "(almost) stopped in a valley that is not the global one."
            )
    for note in notes:
        st.caption(note)


@cached()
def output_figure(key: GeneralKey):
    res = R.results(key)
    opt = res.opt
    W, a = res.W, res.alpha
    inputs, y = res.inputs, res.y
    if key.dims == 1:
        grid = axis_1d(inputs)
        f_opt = L.outputs(opt.W, opt.alpha, L.with_bias(grid)) if opt.ok else None
        return output_1d_figure(
            inputs[:, 0],
            y,
            grid,
            L.outputs(W, a, L.with_bias(grid)),
            f_opt,
            kinks_gd=L.kinks(W),
            strong_gd=L.strong(W, a),
            kinks_opt=L.kinks(opt.W) if opt.ok else np.zeros(0),
            title=f"Output of GD ({neurons(key.neurons)}) and of the global optimum "
            f"({neurons(opt.neurons) if opt.ok else '–'}); ticks below: each neuron's kink −b/w",
        )
    box = box_2d(inputs)
    surfaces, lines = [], []
    g1, g2, F = L.surface_2d(W, a, box)
    surfaces.append((f"gradient descent ({neurons(key.neurons)})", g1, g2, F))
    keep = np.argsort(-L.strengths(W, a))[: min(len(W), 80)]
    keep = keep[L.strong(W, a)[keep]]
    lines.append(L.lines_2d(W[keep], box))
    if opt.ok:
        g1, g2, F = L.surface_2d(opt.W, opt.alpha, box)
        surfaces.append((f"global optimum ({neurons(opt.neurons)})", g1, g2, F))
        lines.append(L.lines_2d(opt.W, box))
    shown = len(keep)
    return output_2d_figure(
        inputs,
        y,
        surfaces,
        lines,
        title=f"Outputs over the input plane; lines: neurons' lines w·[x, 1] = 0 (GD: the {shown} that matter most)",
    )


@cached()
def loss_figure(key: GeneralKey):
    res = R.results(key)
    opt = res.opt
    marks = [(res.hit, "within 1e-3")] if opt.ok and res.hit is not None else []
    return loss_steps_figure(
        [dict(loss=res.run.history[:, 0], name="gradient descent", colour=palette.BLACK)],
        optimum=opt.objective if opt.ok else None,
        marks=marks,
        title="Loss (1) against gradient-descent step",
    )


@cached()
def slice_plot(key: GeneralKey):
    return slice_figure(R.landscape_slice(key), title="Loss (1) on the plane through start, endpoint and optimum")


@cached()
def path_plot(key: GeneralKey):
    return path_figure(R.landscape_slice(key), title="Loss on the straight path to the optimum")
