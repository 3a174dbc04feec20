"""Activation patterns of 2-D inputs: the arrangement of the data's planes, one neuron per region, Cover's count."""

from __future__ import annotations

import numpy as np
import streamlit as st

from solvers import plane_regions as PP

from .. import session
from ..cache import cached, memo
from ..figures.pattern_figs import count_figure, hemisphere_figure, neuron_plane_figure
from ..figures.ranges import box_2d
from ..state import State
from . import general_runs as R
from . import show
from .data import rerun_if_edited
from .plane_data import plane_panel

INTRO = """
A neuron w = (w₁, w₂, b) switches on the points on one side of its **line** w₁x₁ + w₂x₂ + b = 0: its activation
pattern Dᵢ is a way of **splitting the data by a line**. Problem (2) has one pair of variables per possible pattern,
so how many there are decides its size.
"""

SPHERE = """
**Where the patterns live.** Scaling a neuron keeps its pattern, so only its direction matters: a point on the
unit sphere of (w₁, w₂, b). Each data point xⱼ cuts the sphere along a great circle, [xⱼ, 1]·w = 0 — the neurons
whose line passes through xⱼ. The circles cut the sphere into the **activation regions**, each coloured differently
(the two disks are the halves b > 0 and b < 0, seen from above). Cover (1965): n such circles in general position
make exactly 2·Σₖ₌₀² C(n−1, k) regions.
"""


def patterns_view(state: State) -> None:
    st.subheader("1 · Data: points in the plane")
    st.markdown(INTRO)
    rerun_if_edited(state, plane_panel(state))
    points = state.points2d
    if not points:
        st.info("The dataset is empty: click on the canvas or add rows to the table.")
        return
    inputs = np.asarray(points, dtype=float)[:, :2]
    reg = R.regions(points)
    n = len(inputs)
    bound = PP.cover_bound(n)
    sampled = memo(
        "sampled", (points, state.gates, state.seed), lambda: PP.sampled_count(inputs, state.gates, state.seed)
    )
    st.subheader("2 · How many patterns?")
    cols = st.columns(3)
    cols[0].metric(
        "Activation regions (exact)",
        reg.count,
        help="Enumerated exactly from the arrangement, the all-off region included.",
    )
    cols[1].metric("Cover's bound", bound, help="2·Σₖ₌₀² C(n−1, k) for n points in general position.")
    cols[2].metric(
        f"Found by {state.gates} random neurons",
        sampled,
        delta=f"{sampled - reg.count}" if sampled != reg.count else "all",
        delta_color="off",
        delta_arrow="off",
        help="Gaussian gates, the all-off region included: what a sampling solver sees.",
    )
    if reg.count == bound:
        st.caption(f"The {n} points are in general position: the count **meets Cover's bound**.")
    else:
        st.caption(
            f"**{bound - reg.count} fewer** than Cover's bound: some points repeat or lie on a common line, "
            "so some splits by a line are impossible."
        )
    show.figure(count_plot(points, state.gates, state.seed), "pat_count", "pattern-count")

    st.subheader("3 · The regions, and one neuron from each")
    st.markdown(SPHERE)
    key = session.WIDGETS["pattern"]
    if st.session_state.get(key, 0) >= reg.count:
        st.session_state[key] = reg.count - 1
    selected = st.slider(
        "Region",
        0,
        max(reg.count - 1, 1),
        key=key,
        disabled=reg.count < 2,
        help="Pick a region: its representative neuron is drawn in both pictures.",
    )
    selected = min(int(selected), reg.count - 1)
    pattern = reg.patterns[selected]
    show.figure(sphere_plot(points, selected), "pat_sphere", "pattern-regions")
    left, right = st.columns([2, 3])
    on = np.flatnonzero(pattern) + 1
    with left:
        st.markdown(f"**Region {selected}** of {reg.count}")
        st.latex(r"D = \mathrm{diag}(" + ",".join("1" if v else "0" for v in pattern) + ")")
        st.markdown(
            f"Its neuron w = ({', '.join(f'{v:.3f}' for v in reg.neurons[selected])}) — the black ✕ on "
            "the sphere — activates "
            + (", ".join(f"x{_sub(j)}" for j in on) if len(on) else "no point")
            + ": the points on the shaded side of its line. Moving the neuron inside its region moves "
            "the line without crossing a point; crossing a great circle moves the line across that "
            "point and changes the pattern."
        )
    with right:
        show.figure(plane_plot(points, selected), "pat_plane", "pattern-neuron")


def _sub(j: int) -> str:
    return "".join("₀₁₂₃₄₅₆₇₈₉"[int(c)] for c in str(j))


@cached()
def sphere_plot(points, selected: int):
    inputs = np.asarray(points, dtype=float)[:, :2]
    reg = R.regions(points)
    axis, index = hemisphere_data(points)
    hemi, p, q = PP.disk_position(reg.neurons[selected])
    return hemisphere_figure(
        axis,
        index,
        PP.great_circles(inputs),
        selected,
        neurons=[(hemi, p, q, f"neuron of region {selected}")],
        title=f"{reg.count} activation regions on the sphere of neuron directions",
    )


@cached(size=8)
def hemisphere_data(points):
    inputs = np.asarray(points, dtype=float)[:, :2]
    return PP.hemispheres(inputs, R.regions(points).patterns)


@cached()
def plane_plot(points, selected: int):
    arr = np.asarray(points, dtype=float)
    reg = R.regions(points)
    return neuron_plane_figure(
        arr[:, :2],
        arr[:, 2],
        reg.neurons[selected],
        reg.patterns[selected],
        box_2d(arr[:, :2]),
        title=f"Region {selected}: its neuron's line in the input plane",
    )


@cached()
def count_plot(points, gates: int, seed: int):
    inputs = np.asarray(points, dtype=float)[:, :2]
    reg = R.regions(points)
    sampled = memo("sampled", (points, gates, seed), lambda: PP.sampled_count(inputs, gates, seed))
    return count_figure(
        reg.count,
        PP.cover_bound(len(inputs)),
        sampled,
        gates,
        title="Activation regions: exact, Cover's bound, random sampling",
    )
