"""Showing a figure the same way everywhere: own colours, poster export, offline HTML download."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from solvers import SolverError

from .. import gallery, session
from ..figures import EXPORT_CONFIG
from ..figures.presenting import for_screen
from ..live_chart import live_chart
from . import modes


def caption_of(key: str, state) -> str | None:
    """The text alternative of figure ``key`` (explorer/gallery.py): what it shows, in numbers."""
    try:
        shown = gallery.figure_of(key).make(state)
    except (ValueError, SolverError):  # an unregistered figure, or settings its caption cannot describe
        return None
    return shown[1] if shown else None


def figure(fig: go.Figure, key: str, filename: str, *, on_select=None, selection_mode=("points",)):
    """Draw ``fig`` with its caption and offer it as a standalone HTML file; returns the selection event if any.

    In presentation mode the figure is sized to the screen with larger type, and nothing is offered for download.
    """
    state = session.current()
    image = dict(EXPORT_CONFIG["toImageButtonOptions"], filename=filename, format=state.image)
    config = dict(EXPORT_CONFIG, toImageButtonOptions=image)
    note = caption_of(key, state)
    with st.container(key=f"figure-{key}"):
        if state.present:
            shown, config = for_screen(fig, modes.figure_height(state), larger=True), dict(config, displayModeBar=False)
        else:
            shown = fig
        if on_select:  # a selection is a widget value: only Streamlit's own chart reports one
            event = st.plotly_chart(
                shown, theme=None, config=config, key=key, alt=note, on_select=on_select, selection_mode=selection_mode
            )
        else:
            live_chart(shown, key=key, config=config, alt=note)
            event = None
        if note:
            st.caption(note)
        if not state.present:
            _download(fig, key, filename, config)
    return event


def _download(fig: go.Figure, key: str, filename: str, config: dict) -> None:
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
