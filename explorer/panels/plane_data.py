"""Data for the m-neuron views: 1-D points on the curve pad, or 2-D points with labels on the plane pad."""

from __future__ import annotations

import numpy as np
import streamlit as st

import landscape as L

from .. import session
from ..click_pad import click_pad
from ..state import MAX_ABS, State
from .data import apply_points, data_panel, points_table

RANDOM_POINTS = 20


def data_section(state: State, curves=None) -> State:
    """The data of the current ``dims``: returns the state with the user's edits applied."""
    if state.dims == 1:
        state = data_panel(state, curves=curves)
    else:
        st.subheader("1 · Data")
        state = plane_panel(state)
    if st.button(
        "Replace by random points",
        key=f"random_points_{state.dims}",
        help=f"{RANDOM_POINTS} random points drawn from the seed: a smooth bump in 1-D, XOR-like labels in 2-D.",
    ):
        state = session.update(**random_points(state.dims, state.seed))
    return state


def random_points(dims: int, seed: int, count: int = RANDOM_POINTS) -> dict:
    rng = np.random.default_rng(seed)
    if dims == 1:
        x = np.sort(rng.uniform(-1, 1, count))
        y = np.sin(3 * x) + 0.1 * rng.standard_normal(count)
        return {"points": tuple((round(float(a), 3), round(float(b), 3)) for a, b in zip(x, y))}
    x = rng.uniform(-1, 1, (count, 2))
    y = np.sign(x[:, 0] * x[:, 1])
    return {"points2d": tuple((round(float(a), 3), round(float(b), 3), float(c)) for (a, b), c in zip(x, y))}


def plane_ranges(points2d) -> tuple[tuple[float, float], tuple[float, float]]:
    if not points2d:
        return (-1.5, 1.5), (-1.5, 1.5)
    inputs = np.asarray(points2d, dtype=float)[:, :2]
    lo = np.minimum(inputs.min(axis=0), -1.0)
    hi = np.maximum(inputs.max(axis=0), 1.0)
    span = hi - lo
    lo, hi = lo - 0.2 * span, hi + 0.2 * span
    return (float(lo[0]), float(hi[0])), (float(lo[1]), float(hi[1]))


def plane_panel(state: State) -> State:
    """Click pad in plane mode and a table of (x₁, x₂, y)."""
    st.caption(
        "Click to add a point with the label chosen on the right, drag to move, shift-click (or "
        "right-click) to delete. Blue: negative label, orange: positive, fainter for smaller |y|."
    )
    left, right = st.columns([3, 2])
    with right:
        st.number_input(
            "Label of new points",
            min_value=-MAX_ABS,
            max_value=MAX_ABS,
            step=0.5,
            format="%.3g",
            key=session.WIDGETS["new_label"],
        )
    with left:
        ranges = dict(zip(("x_range", "y_range"), plane_ranges(state.points2d)))
        rows = [list(p) for p in state.points2d]
        edit = click_pad(rows, **ranges, key="plane_pad", mode="plane", height=380, new_label=float(state.new_label))
    if edit is not None:
        state = apply_points(state, edit, "points2d")
    with right:
        columns = {"x1": "x₁", "x2": "x₂", "y": "y (label)"}
        state = points_table(state, "points2d", columns, height=250, clear_key="clear_points2d")
    if state.points2d:
        _degeneracy_note(state.points2d)
    return state


def _degeneracy_note(points2d) -> None:
    inputs = np.asarray(points2d, dtype=float)[:, :2]
    deg = L.degeneracies(inputs)
    notes = []
    if deg.duplicates:
        notes.append(
            f"{deg.duplicates} point(s) repeat an earlier input: no neuron can tell them apart, "
            "so with different labels neither network can fit both."
        )
    if deg.all_collinear and len(inputs) >= 3:
        notes.append(
            "All inputs lie on one line: the data are effectively 1-D and there are far fewer activation patterns."
        )
    elif deg.collinear:
        notes.append(
            f"{deg.collinear} triple(s) of inputs lie on one line: some splits by a line are "
            "impossible, so there are fewer activation patterns than Cover's bound."
        )
    for n in notes:
        st.info(n)
