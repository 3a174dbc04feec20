"""Showing a figure the same way everywhere: own colours, poster export, offline HTML download."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from .. import session
from ..figures import EXPORT_CONFIG


def figure(fig: go.Figure, key: str, filename: str, *, on_select=None, selection_mode=("points",)):
    """Draw ``fig`` and offer it as a standalone HTML file; returns the selection event if any."""
    image = dict(EXPORT_CONFIG["toImageButtonOptions"], filename=filename, format=session.current().image)
    config = dict(EXPORT_CONFIG, toImageButtonOptions=image)
    kwargs = dict(theme=None, config=config, key=key)
    if on_select:
        kwargs.update(on_select=on_select, selection_mode=selection_mode)
    event = st.plotly_chart(fig, **kwargs)
    st.download_button(
        "⬇ HTML (interactive, works offline)",
        data=lambda: fig.to_html(include_plotlyjs=True, config=config, post_script=getattr(fig, "post_script", None)),
        file_name=f"{filename}.html",
        mime="text/html",
        key=f"{key}_html",
        on_click="ignore",
        help="A self-contained file with plotly.js inlined. For SVG or PNG at 3× resolution use the camera "
        "button in the figure's toolbar.",
    )
    return event
