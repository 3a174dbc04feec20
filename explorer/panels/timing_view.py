"""'Solving the convex problem can be faster': wall time of problem (2) against gradient descent."""

from __future__ import annotations

import streamlit as st

import landscape as L

from ..cache import cached
from ..figures.timing_figs import bars_figure, gap_time_figure, seconds
from ..keys import GeneralKey
from ..state import State
from . import general_runs as R
from . import show
from .data import rerun_if_edited
from .plane_data import data_section

INTRO = """
**Solving the convex problem can be faster.** On the data below (the same settings as the *m neurons* view), the
convex solver enumerates every activation region, solves (2) and certifies the result by duality; gradient descent
runs with the step size, width and initialisation in the sidebar. How long until gradient descent is within
**10⁻³ (relative)** of the optimum the convex solver returns?
"""

CAVEATS = """
Both times are wall-clock times of this server, measured when the result was first computed (other work on the
machine slows both). Gradient descent's time excludes choosing γ, the width and the initialisation, which the
convex route does not need; the convex time includes enumerating the activation regions. That enumeration is
what makes the convex route practical only in low dimension: for 1-D or 2-D inputs with bias there are
O(n²) regions, but for d-dimensional data about nᵈ, and solvers then sample patterns and lose the certificate.
"""


def timing_view(state: State) -> None:
    st.markdown(INTRO)
    with st.expander("Data", expanded=False):
        points = state.points if state.dims == 1 else state.points2d
        if points:
            rerun_if_edited(state, data_section(state))
    points = state.points if state.dims == 1 else state.points2d
    if not points:
        st.info("The dataset is empty: add points under “Data”.")
        rerun_if_edited(state, data_section(state))
        return
    key = GeneralKey.of(state)
    res = R.results(key)
    opt = res.opt
    if not opt.ok:
        st.error(f"The convex problem (2) could not be solved: {opt.error}")
        return
    for note in R.solve_warnings(key, opt):
        st.warning(note)
    r = res.run
    diverged = bool(r.diverged.any())
    if diverged:
        st.warning(
            f"Gradient descent diverged at step {int(r.diverged_at[0])} (γ = {state.step:g}): there is no time "
            "to compare. Lower the step size in the sidebar."
        )
    hit = res.hit
    gd_seconds = float(r.seconds[hit]) if hit is not None else None
    cols = st.columns(4)
    cols[0].metric(
        "Convex solve (2)",
        seconds(opt.seconds),
        help=f"{opt.n_patterns} activation regions, {opt.neurons} optimal neurons, method '{opt.method}'.",
    )
    if gd_seconds is not None:
        cols[1].metric(
            "GD to within 1e-3", seconds(gd_seconds), delta=f"{hit} steps", delta_color="off", delta_arrow="off"
        )
        ratio = gd_seconds / max(opt.seconds, 1e-9)
        cols[2].metric("GD time / convex time", f"{ratio:.3g}×", help="Above 1: the convex solver was faster.")
    elif diverged:
        cols[1].metric("GD to within 1e-3", "diverged", delta=f"at step {int(r.diverged_at[0])}", delta_arrow="off")
        cols[2].metric("GD time / convex time", "—", help="Gradient descent diverged: no time to compare.")
    else:
        cols[1].metric(
            "GD to within 1e-3", "not reached", delta=f"in {state.steps} steps", delta_color="off", delta_arrow="off"
        )
        cols[2].metric(
            "GD time / convex time",
            f"> {r.total_seconds / max(opt.seconds, 1e-9):.3g}×",
            help=f"GD ran {seconds(r.total_seconds)} without getting within 1e-3.",
        )
    cols[3].metric("GD's final relative gap", f"{res.rel_gap:.2e}")
    if opt.stopped:
        convex = f"came within {opt.certified_gap:.1e} of the optimum" if opt.certified_gap is not None else "stopped"
    elif opt.certified_gap is not None:
        convex = "certified the optimum"
    else:
        convex = "solved (2) (not certified)"
    if diverged:
        st.caption(f"The convex solver {convex} in {seconds(opt.seconds)}.")
    elif gd_seconds is None:
        st.caption(
            f"Gradient descent was **not within 1e-3 of the optimum after {state.steps} steps** "
            f"({seconds(r.total_seconds)}); the convex solver {convex} in {seconds(opt.seconds)}."
        )
    elif gd_seconds > opt.seconds:
        st.caption(f"Here the convex solver is **{gd_seconds / opt.seconds:.3g}× faster** than gradient descent.")
    else:
        st.caption(
            f"Here gradient descent got there first ({opt.seconds / max(gd_seconds, 1e-9):.3g}× faster): "
            "easy data, a good step size and width. Try the zig-zag preset, or more points."
        )
    left, right = st.columns([2, 3])
    with left:
        show.figure(bars_plot(key), "timing_bars", "convex-vs-gd-time")
    with right:
        show.figure(gap_plot(key), "timing_gap", "gd-gap-vs-time")
    st.caption(CAVEATS)


@cached()
def bars_plot(key: GeneralKey):
    res = R.results(key)
    r, hit = res.run, res.hit
    return bars_figure(
        res.opt.seconds,
        float(r.seconds[hit]) if hit is not None else None,
        r.total_seconds,
        key.steps,
        title="Wall-clock time",
    )


@cached()
def gap_plot(key: GeneralKey):
    res = R.results(key)
    r = res.run
    optimum = res.opt.objective
    return gap_time_figure(
        r.seconds,
        L.relative_gap(r.history[:, 0], optimum),
        res.opt.seconds,
        absolute=abs(optimum) <= L.gaps.ZERO,
        title="Gradient descent's distance to the optimum against time",
    )
