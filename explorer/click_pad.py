"""A click pad for placing data points on a 2-D plane.

``click_pad`` is a Streamlit v2 custom component whose HTML, CSS and
JavaScript lie next to this file (click_pad.html, .css, .js), read once at
import: no npm, no build step, nothing fetched at run time.  It draws an SVG
plot, and the user adds points by clicking, moves them by dragging and deletes
them with shift-click or right-click.

How the two sides talk
----------------------
Python sends everything the pad draws as the component's ``data``.  The
browser answers with one state value, ``edit``::

    st.session_state[key] == {"edit": {"points": [[x, y], ...], "nonce": 7}}

``edit`` is ``None`` until the first edit.  State values persist across
reruns, so every edit carries a fresh ``nonce``; the wrapper remembers the
last nonce it returned and hands each edit to the caller exactly once.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import streamlit as st

from . import palette

__all__ = ["OKABE_ITO", "click_pad", "peek_edit"]

#: Okabe–Ito palette of every figure (explorer/palette.py): distinguishable under colour-vision deficiencies.
OKABE_ITO = {
    "blue": palette.BLUE,
    "orange": palette.ORANGE,
    "green": palette.GREEN,
    "vermillion": palette.VERMILLION,
    "purple": palette.PURPLE,
    "sky_blue": palette.SKY,
    "yellow": palette.YELLOW,
    "black": palette.BLACK,
}

_MODES = {"xy": 2, "plane": 3}

_FRONT_END = Path(__file__).with_name("click_pad")


def _front_end(ext: str) -> str:
    return _FRONT_END.with_suffix(ext).read_text(encoding="utf-8")


# The script's colours come from the shared palette, so the pad matches the figures and their exports.
_PALETTE_JS = "const PALETTE = " + json.dumps({"BLUE": palette.BLUE, "ORANGE": palette.ORANGE, "GREY": palette.GREY})
_HTML = _front_end(".html")
_CSS = _front_end(".css")
_JS = _PALETTE_JS + ";\n" + _front_end(".js")

_component = st.components.v2.component("click_pad", html=_HTML, css=_CSS, js=_JS)


def _noop() -> None:
    """Registering a change callback is what makes ``edit`` a state key."""


def _finite_or_none(value: Any) -> float | None:
    # JSON has no NaN/Infinity; JavaScript's JSON.parse rejects them.
    v = float(value)
    return v if math.isfinite(v) else None


def _as_range(name: str, value: Sequence[float]) -> list[float]:
    lo, hi = (float(v) for v in value)
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError(f"{name} must be two finite numbers with lo < hi, got {value!r}")
    return [lo, hi]


def _as_points(points: Any, dim: int) -> list[list[float]] | None:
    """Rows of ``dim`` finite floats, or None if ``points`` is not that shape."""
    try:
        rows = [[float(v) for v in row] for row in points]
    except (TypeError, ValueError):
        return None
    if any(len(r) != dim or not all(math.isfinite(v) for v in r) for r in rows):
        return None
    return rows


def _as_curves(curves: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for i, curve in enumerate(curves):
        xs, ys = list(curve["x"]), list(curve["y"])
        if len(xs) != len(ys):
            raise ValueError(f"curves[{i}] has {len(xs)} x values but {len(ys)} y values")
        out.append(
            {
                "x": [_finite_or_none(v) for v in xs],
                "y": [_finite_or_none(v) for v in ys],
                "color": str(curve.get("color", palette.VERMILLION)),
                "name": str(curve.get("name", "")),
                "dash": bool(curve.get("dash", False)),
            }
        )
    return out


def _per_point(values: Sequence[str] | None, n: int) -> list[str] | None:
    # After an add or delete the caller's per-point styling no longer lines up.
    return [str(v) for v in values] if values is not None and len(values) == n else None


def _ack(nonce: Any) -> int:
    return nonce if isinstance(nonce, int) and not isinstance(nonce, bool) else 0


def _latest_edit(key: str, dim: int) -> tuple[Any, list[list[float]] | None] | None:
    """``(nonce, points)`` of the browser's latest edit; points None if malformed."""
    state = st.session_state.get(key)
    edit = state.get("edit") if isinstance(state, Mapping) else None
    if not isinstance(edit, Mapping) or "nonce" not in edit:
        return None
    rows = edit.get("points")
    return edit["nonce"], _as_points(rows, dim) if isinstance(rows, list) else None


def peek_edit(key: str, mode: str = "xy") -> list[list[float]] | None:
    """The edit ``click_pad(..., key=key)`` will return on this run, without consuming it.

    Lets a page apply the user's edit before it computes anything, so that the figures drawn on this
    very run already show the new points (no second run).
    """
    latest = _latest_edit(key, _MODES[mode])
    if latest is None or latest[0] == st.session_state.get(f"_click_pad_seen:{key}"):
        return None
    return latest[1]


def click_pad(
    points: Sequence[Sequence[float]],
    *,
    x_range: Sequence[float],
    y_range: Sequence[float],
    key: str,
    mode: str = "xy",
    height: int = 320,
    colors: Sequence[str] | None = None,
    labels: Sequence[str] | None = None,
    title: str | None = None,
    new_label: float = 1.0,
    curves: Sequence[Mapping[str, Any]] | None = None,
) -> list[list[float]] | None:
    """Show an editable scatter of points and return the user's edit.

    Click on empty space to add a point, drag a point to move it (sent when
    the button is released), shift-click or right-click a point to delete it.
    Coordinates are data coordinates, clamped to the axis ranges and rounded
    to a thousandth of the axis span.

    Parameters
    ----------
    points : sequence of sequences of float
        The points to show.  ``mode="xy"``: ``[x, y]`` pairs (input, label of a
        1-D regression set).  ``mode="plane"``: ``[x1, x2, label]`` triples.
        Keep the returned list and pass it back here on later reruns: the
        pad draws what it is given, except on the rerun that returns an
        edit, where it already draws the edited points.
    x_range, y_range : pair of float
        Axis limits ``(lo, hi)``; for ``mode="plane"`` these are the x1 and
        x2 axes.
    key : str
        Unique widget key.  Required, because the pad's state lives under it.
    mode : {"xy", "plane"}, default "xy"
        ``"plane"`` shows 2-D inputs coloured by label: blue for negative,
        orange for positive, more opaque for larger ``|label|``.
    height : int, default 320
        Height of the plot in pixels.  The width follows the container.
    colors : sequence of str, optional
        One CSS colour per point, overriding the default colouring.
    labels : sequence of str, optional
        One short text per point, drawn next to it and shown on hover.
    title : str, optional
        Title drawn above the plot.
    new_label : float, default 1.0
        Label given to points added by a click in ``mode="plane"``.
    curves : sequence of mapping, optional
        Lines drawn over the plot in ``mode="xy"``, e.g. the network output
        f(x).  Each is ``{"x": [...], "y": [...], "color": "#hex",
        "name": str, "dash": bool}``; only ``x`` and ``y`` are required.
        Non-finite values break the line.  A ``name`` adds a legend entry.

    Returns
    -------
    list of list of float or None
        The complete new point list (rows of 2 or 3 floats, as ``points``)
        on the one rerun that follows a user edit; ``None`` on every other
        rerun.  Each edit is returned exactly once.

    Notes
    -----
    ``st.session_state[key]`` holds ``{"edit": None}`` before the first
    edit and ``{"edit": {"points": [...], "nonce": n}}`` afterwards, where
    ``n`` changes with every edit.  Assigning such a dict to
    ``st.session_state[key]`` (for example from ``AppTest``) before the pad
    runs behaves like a user edit when its nonce is new.

    Examples
    --------
    >>> if "pts" not in st.session_state:
    ...     st.session_state.pts = [[-1.0, 1.0], [1.0, 2.0]]
    >>> new = click_pad(st.session_state.pts, x_range=(-2, 2), y_range=(-1, 3), key="pad")
    >>> if new is not None:
    ...     st.session_state.pts = new
    """
    if mode not in _MODES:
        raise ValueError(f"mode must be one of {sorted(_MODES)}, got {mode!r}")
    dim = _MODES[mode]
    rows = _as_points(points, dim)
    if rows is None:
        raise ValueError(f"mode={mode!r} needs points as rows of {dim} finite numbers")
    for name, per_point in (("colors", colors), ("labels", labels)):
        if per_point is not None and len(per_point) != len(rows):
            raise ValueError(f"{name} has {len(per_point)} entries for {len(rows)} points")
    if curves and mode != "xy":
        raise ValueError("curves are only drawn in mode='xy'")
    ranges = _as_range("x_range", x_range), _as_range("y_range", y_range)
    overlay = _as_curves(curves or [])

    seen_key = f"_click_pad_seen:{key}"
    seen = st.session_state.get(seen_key)
    latest = _latest_edit(key, dim)
    fresh = latest is not None and latest[0] != seen
    new_points = latest[1] if fresh else None
    # Draw the edit right away, so the pad does not flash the old points
    # while the caller stores the new ones.
    shown = new_points if new_points is not None else rows
    data = {
        "mode": mode,
        "points": shown,
        "x_range": ranges[0],
        "y_range": ranges[1],
        "height": int(height),
        "colors": _per_point(colors, len(shown)),
        "labels": _per_point(labels, len(shown)),
        "title": title,
        "new_label": float(new_label),
        "curves": overlay,
        # Tells the browser which edits Python has seen; see the JS update().
        "ack": _ack(latest[0] if fresh else seen),
    }
    _component(
        key=key,
        data=data,
        default={"edit": None},
        height="content",
        on_edit_change=_noop,
    )
    if fresh:
        # Marked only now: a run interrupted while mounting must deliver the
        # edit again.  A malformed edit is consumed too, so it cannot come back.
        st.session_state[seen_key] = latest[0]
    return new_points
