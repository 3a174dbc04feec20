"""The sidebar: preset, model and training settings. Every value here lives in the URL."""

from __future__ import annotations

import streamlit as st

from .. import session
from ..models import MODELS
from ..presets import PRESETS
from ..state import CAMERAS, IMAGE_FORMATS, State, from_preset
from ..views import VIEWS, view_of
from . import keyboard
from .view_controls import SCALE_HELP, descent_settings, number


def view_picker() -> None:
    st.segmented_control(
        "View",
        [v.key for v in VIEWS],
        format_func=lambda key: view_of(key).label,
        key=session.WIDGETS["view"],
        required=True,
        label_visibility="collapsed",
    )


def _changed_since_preset(state: State) -> bool:
    spec = PRESETS[state.preset].settings
    fields = [k for k in spec if k not in ("start", "view")]
    return any(getattr(state, k) != getattr(from_preset(state.preset), k) for k in fields)


def sidebar(state: State):
    """Draw the sidebar; returns the slot for :func:`describe_preset`."""
    w = session.WIDGETS
    with st.sidebar:
        st.header("Set-up")
        options = list(PRESETS) + ["custom"]
        st.selectbox(
            "Preset",
            options,
            key=w["preset"],
            on_change=session.load_preset,
            format_func=lambda k: PRESETS[k].title if k in PRESETS else "Custom (defaults)",
            help="Each preset reproduces a figure of the poster or its blog post.",
        )
        about = st.empty()  # filled by describe_preset at the end of the run, after this run's edits
        view_of(state.view).sidebar(state)
        _sharing()
    return about


def explorer_sidebar(state: State) -> None:
    """Settings of the two-neuron explorer (call inside ``st.sidebar``)."""
    w = session.WIDGETS
    st.selectbox("Network", list(MODELS), key=w["model"], format_func=lambda k: MODELS[k].label)
    descent_settings()
    number("starts", "Random starts", help="Extra GD runs from random points, drawn from the seed below.")
    number("seed", "Seed")
    if not MODELS[state.model].fixed_neurons:
        number("neurons", "Neurons m")
        number("init_scale", "Initialisation scale", format="%.3g", help=SCALE_HELP)
    if MODELS[state.model].landscape_dims == 2:
        st.subheader("Landscape view")
        keyboard.start_form(state)
        st.selectbox("3-D camera", list(CAMERAS), key=w["camera"], format_func=str.capitalize)
        st.toggle(
            "Basins of attraction",
            key=w["basins"],
            help="Colour every start of a 200 × 200 grid by the valley GD reaches from it "
            "(with your λ and γ, at most 1000 steps).",
        )


def describe_preset(about, state: State) -> None:
    """The preset's description, if it describes what the page shows (edits and views change that)."""
    if state.preset not in PRESETS:
        return
    spec = PRESETS[state.preset]
    with about.container():
        if (spec.view or "explorer") != state.view:
            st.caption(f"*This preset's data, shown in the {view_of(state.view).label} view.*")
        elif _changed_since_preset(state):
            st.caption(f"*Changed since this preset was opened; it described:* {spec.blurb}")
        else:
            st.caption(spec.blurb)


def _sharing() -> None:
    st.subheader("Share and export")
    st.caption(
        "The address bar always holds a link to exactly this view: copy it to share. The whole view — every "
        "figure, its caption and the formulas — downloads as one HTML file from the foot of the page."
    )
    st.segmented_control(
        "Camera button saves",
        list(IMAGE_FORMATS),
        key=session.WIDGETS["image"],
        required=True,
        format_func=lambda f: {"svg": "SVG (vector)", "png": "PNG (3×)"}[f],
        help="The camera icon in each figure's toolbar saves the figure at 3× its size on screen: SVG for "
        "posters and papers, PNG for slides. Each figure also downloads as an interactive HTML file.",
    )
