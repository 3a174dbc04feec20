"""Plotly charts that update in place.

``st.plotly_chart`` gives a chart a new identity whenever its figure changes, so the browser throws the
chart away and draws a new one. ``live_chart`` is a Streamlit v2 custom component with a fixed key: the
chart stays, and each new figure is drawn into it with ``Plotly.react`` (its script, live_chart.js, is read
once at import). It uses the plotly.js that Streamlit ships for its own charts, so nothing is fetched from
elsewhere.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import plotly.graph_objects as go
import plotly.io
import streamlit as st

__all__ = ["live_chart", "plotly_module"]

_JS = Path(__file__).with_suffix(".js").read_text(encoding="utf-8")
_component = st.components.v2.component("live_chart", html="", js=_JS, isolate_styles=False)


@cache
def plotly_module() -> str | None:
    """The file name of Streamlit's plotly.js module (``PlotlyChart.<hash>.js``), or None if it has none."""
    folder = Path(st.__file__).parent / "static" / "static" / "js"
    found = sorted(p.name for p in folder.glob("PlotlyChart.*.js"))
    return found[0] if len(found) == 1 else None


def live_chart(fig: go.Figure, *, key: str, config: dict, alt: str | None = None) -> None:
    """Draw ``fig`` under ``key``; a later run with the same key redraws the same chart in place.

    Falls back to ``st.plotly_chart`` if this Streamlit has no plotly.js module of its own to borrow.
    """
    module = plotly_module()
    if module is None:
        st.plotly_chart(fig, theme=None, config=config, key=key, alt=alt)
        return
    _component(key=f"live_chart:{key}", data=envelope(fig, config, alt, module), height="content")


def envelope(fig: go.Figure, config: dict, alt: str | None, module: str) -> bytes:
    """What the chart receives: ``{"figure": ..., "config": ..., "alt": ..., "plotly": ...}`` as UTF-8 JSON.

    Bytes, with the figure's JSON spliced in as it is: as a JSON value inside JSON data the figure would be
    escaped, serialised and parsed twice more on each run (and hashed for the element's identity).
    """
    head = {"config": config, "alt": alt or "", "plotly": module}
    # Strict JSON, as the browser parses it: a NaN in the config fails here, not there.
    return ('{"figure":' + plotly.io.to_json(fig, validate=False) + "," + json.dumps(head, allow_nan=False)[1:]).encode(
        "utf-8"
    )
