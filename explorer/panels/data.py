"""Data: a click pad (add, drag, delete) and an editable table, both writing the same points."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import streamlit as st

from .. import session
from ..click_pad import click_pad, peek_edit
from ..state import MAX_ABS, MAX_POINTS, State


def check_points(rows, width: int = 2) -> tuple[tuple, str | None]:
    """Clean edited points: drop incomplete rows, refuse non-finite, huge or too many values.

    Returns the points and a message (None when all is well). On a refusal the points are None.
    """
    clean = []
    dropped = 0
    for row in rows:
        values = list(row)[:width]
        if len(values) < width or any(v is None or (isinstance(v, float) and math.isnan(v)) for v in values):
            dropped += 1
            continue
        try:
            values = [float(v) for v in values]
        except (TypeError, ValueError):
            return None, "Every coordinate must be a number."
        if not all(math.isfinite(v) for v in values):
            return None, "Infinite values are not allowed; the previous points are kept."
        if any(abs(v) > MAX_ABS for v in values):
            return None, f"Coordinates must lie within ±{MAX_ABS:g}; the previous points are kept."
        clean.append(tuple(values))
    if len(clean) > MAX_POINTS:
        return None, f"The page handles at most {MAX_POINTS} points; the previous points are kept."
    note = f"{dropped} incomplete row(s) ignored until both values are filled in." if dropped else None
    return tuple(clean), note


def pad_ranges(points) -> tuple[tuple[float, float], tuple[float, float]]:
    if not points:
        return (-1.5, 1.5), (-1.5, 2.5)
    arr = np.asarray(points, dtype=float)
    lo, hi = arr.min(axis=0), arr.max(axis=0)
    lo = np.minimum(lo, 0.0)
    hi = np.maximum(hi, 0.0)
    span = np.maximum(hi - lo, 1.0)
    lo, hi = lo - 0.3 * span, hi + 0.3 * span
    return (float(lo[0]), float(hi[0])), (float(lo[1]), float(hi[1]))


def rerun_if_edited(before: State, after: State) -> None:
    """The figures below were computed from ``before``: draw them again from the edited data."""
    if (after.points, after.points2d) != (before.points, before.points2d):
        st.rerun()


def pending_edit(state: State) -> State:
    """Apply an edit made on the pad before anything is computed on this run.

    Quietly: the data panel applies the same edit again where it is drawn, and says there what was wrong.
    """
    edit = peek_edit("data_pad")
    return apply_points(state, edit, quiet=True) if edit is not None else state


def data_panel(state: State, curves=None) -> State:
    """Draw the pad and the table; returns the state with the user's edits applied."""
    st.subheader("1 · Data")
    st.caption(
        "Click on empty space to add a point, drag a point to move it, shift-click (or right-click) "
        "to delete it. The table takes exact values."
    )
    left, right = st.columns([3, 2])
    with left:
        ranges = dict(zip(("x_range", "y_range"), pad_ranges(state.points)))
        rows = [list(p) for p in state.points]
        edit = click_pad(rows, **ranges, key="data_pad", mode="xy", height=330, curves=curves, title=None)
    if edit is not None:
        state = apply_points(state, edit)
    with right:
        columns = {"x": "x (input)", "y": "y (label)"}
        state = points_table(
            state, "points", columns, height=290, clear_key="clear_points", clear_help="Start from an empty canvas."
        )
    return state


def points_table(
    state: State, field: str, columns: dict[str, str], *, height: int, clear_key: str, clear_help: str | None = None
) -> State:
    """The points of ``field`` as an editable table (columns: name -> heading) and a button that clears them."""
    points = getattr(state, field)
    table = "data_table" if field == "points" else "plane_table"
    # The editor holds its edits against the points it was opened with. Points changed elsewhere (the pad, a
    # preset, a file) open a new one; the table's own edits keep it, so a row being filled in stays on screen
    # while it is incomplete, although the data leave it out.
    generation, base, produced = st.session_state.get(f"{table}_view", (-1, None, None))
    if produced != points:
        generation, base = generation + 1, points
    edited = st.data_editor(
        pd.DataFrame(list(base), columns=list(columns), dtype=float),
        num_rows="dynamic",
        key=f"{table}_{generation}",
        width="stretch",
        height=height,
        column_config={c: st.column_config.NumberColumn(heading, format="%.4g") for c, heading in columns.items()},
    )
    state = apply_points(state, edited[list(columns)].to_numpy(dtype=float, na_value=np.nan).tolist(), field)
    st.session_state[f"{table}_view"] = (generation, base, getattr(state, field))
    if st.button("Clear all points", key=clear_key, help=clear_help):
        state = session.update(**{field: ()})
        st.rerun()
    return state


def apply_points(state: State, rows, field: str = "points", quiet: bool = False) -> State:
    """Store edited rows as ``state.points`` ((x, y) pairs) or ``state.points2d`` ((x1, x2, y) triples);
    a refusal or a note is shown unless ``quiet``."""
    points, note = check_points(rows, width=2 if field == "points" else 3)
    if note and not quiet:
        (st.warning if points is None else st.info)(note)
    if points is None:
        return state
    if points != getattr(state, field):
        state = session.update(**{field: points}, frame=-1)
    return state


def output_curves(grid, curves) -> list[dict]:
    """Overlay of network outputs for the pad (same colours as the output figure)."""
    return [
        dict(
            x=grid.tolist(),
            y=np.asarray(c["f"]).tolist(),
            color=c["colour"],
            name=c["name"],
            dash=c.get("dash", "solid") != "solid",
        )
        for c in curves
        if c.get("on_pad")
    ]
