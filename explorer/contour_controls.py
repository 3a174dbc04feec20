"""Hooks on the explorer's contour chart: click to start gradient descent, step frames, a link that follows.

``contour_controls`` is a Streamlit v2 custom component with no visible part. Its script
(contour_controls.js, read once at import, with figures/frame_steps.js) finds the contour on the page
by the figure's ``layout.meta`` and, in the browser:

* turns a click on the plot area (a drag still pans) into its data coordinates, so that a start can be
  anywhere, not only on the points of a clickable grid;
* gives the player's one-step buttons (◀ ▶) their action; Plotly animates every frame with no server
  round trip;
* reports the frame an animation or a step ends on, so that the link can follow it.

The browser answers with two state values, each carrying a fresh ``nonce``::

    st.session_state[key] == {"pick": {"x": 0.5, "y": -1.2, "nonce": 7}, "frame": {"frame": 42, "nonce": 8}}

and :func:`peek_pick` / :func:`contour_controls` hand each one to the caller once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import streamlit as st

from .figures.landscape_figs import CONTOUR_META, FRAME_STEPS_JS, STEP_NAMES

__all__ = ["contour_controls", "peek_pick"]

_JS = FRAME_STEPS_JS + "\n" + Path(__file__).with_suffix(".js").read_text(encoding="utf-8")
_component = st.components.v2.component("contour_controls", html="", js=_JS, isolate_styles=False)
DECIMALS = 2  # a start to a hundredth: finer than a pixel of the contour on every box the page draws


def _noop() -> None:
    """Registering a change callback is what makes a value a state key."""


def _fresh(key: str, name: str) -> dict | None:
    """The browser's latest ``name`` value if it is well formed and not yet handed out."""
    state = st.session_state.get(key)
    value = state.get(name) if isinstance(state, Mapping) else None
    if not isinstance(value, Mapping) or "nonce" not in value:
        return None
    if st.session_state.get(f"_contour_seen:{key}:{name}") == value["nonce"]:
        return None
    return dict(value)


def _consume(key: str, name: str, value: Mapping) -> None:
    st.session_state[f"_contour_seen:{key}:{name}"] = value["nonce"]


def _finite(*values: Any) -> bool:
    try:
        return all(math.isfinite(float(v)) for v in values)
    except (TypeError, ValueError):
        return False


def peek_pick(key: str) -> tuple[float, float] | None:
    """The point the user last clicked on the contour, once: ``(x, y)`` or None.

    Called before anything is computed, so that the run it triggered already draws from the new start.
    """
    value = _fresh(key, "pick")
    if value is None:
        return None
    _consume(key, "pick", value)
    if not _finite(value.get("x"), value.get("y")):
        return None
    return round(float(value["x"]), DECIMALS), round(float(value["y"]), DECIMALS)


def contour_controls(key: str, frame: str) -> dict:
    """Attach the hooks to the contour shown on the page; returns what the user did since the last run.

    Parameters
    ----------
    key : str
        The component's key (its state lives under it).
    frame : str
        Name of the animation frame the figure shows, so that only a move to another one is reported.

    Returns
    -------
    dict
        ``{"pick": (x, y)}`` after a click on the plot area, ``{"frame": record}`` after the animation
        stopped on another frame, or ``{}``; each event is returned once.
    """
    _component(
        key=key,
        data={"chart": CONTOUR_META, "frame": frame, "decimals": DECIMALS, "steps": STEP_NAMES},
        default={"pick": None, "frame": None},
        height="content",
        on_pick_change=_noop,
        on_frame_change=_noop,
    )
    events: dict = {}
    pick = peek_pick(key)
    if pick is not None:
        events["pick"] = pick
    value = _fresh(key, "frame")
    if value is not None:
        _consume(key, "frame", value)
        if _finite(value.get("frame")) and float(value["frame"]).is_integer():
            events["frame"] = int(value["frame"])
    return events
