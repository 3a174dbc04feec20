"""Glue between the State, Streamlit's widgets and the URL.

The State in ``st.session_state`` is the single source of truth. Widgets have keys named after the
State fields; whenever the State changes from elsewhere (a preset, a click, a link), the widget values
are pushed before the widgets are drawn, and after they are drawn their values are read back.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from . import tour
from .presets import PRESETS
from .state import WIDGET_FIELDS, State, from_preset
from .views import view_of

STATE_KEY = "_state"
MESSAGES_KEY = "_messages"
# State field -> widget key, for every field whose codec says a widget shows it.
WIDGETS = {name: f"w_{name}" for name in WIDGET_FIELDS}


def current() -> State:
    """The page state; read from the URL on a session's first run."""
    if STATE_KEY not in st.session_state:
        state, messages = tour.from_query(st.query_params.to_dict())
        st.session_state[MESSAGES_KEY] = messages
        put(state)
    return st.session_state[STATE_KEY]


def put(state: State) -> None:
    """Replace the state and show it in every widget."""
    st.session_state[STATE_KEY] = state
    for field, key in WIDGETS.items():
        st.session_state[key] = getattr(state, field)


def update(**changes) -> State:
    """Change fields that no widget shows (points, start, frame): safe at any point of a run."""
    assert not set(changes) & set(WIDGETS), "widget fields change through put() before drawing"
    state = replace(current(), **changes)
    st.session_state[STATE_KEY] = state
    return state


def restore_widgets(state: State) -> None:
    """Give every widget its value from the state, before any is drawn.

    Streamlit forgets a widget that is not drawn for a run (the settings of another view), and the browser
    forgets its value; a key that merely survives in the session state is then drawn with the widget's
    default (0 for a number). Assigning every key on every run marks the value as set, so the browser
    shows the state's value when the widget comes back. Call it after :func:`read_widgets`, so that what
    the user just changed is in the state first.
    """
    for field, key in WIDGETS.items():
        st.session_state[key] = getattr(state, field)


def read_widgets() -> State:
    """Fold the widgets' values back into the state."""
    state = current()
    changes = {f: st.session_state[k] for f, k in WIDGETS.items() if k in st.session_state}
    changes = {f: v for f, v in changes.items() if v is not None and v != getattr(state, f)}
    if changes:
        state = replace(state, **changes)
        st.session_state[STATE_KEY] = state
    return state


def load_preset() -> None:
    """Widget callback: open the chosen preset.

    A preset made for a view (f-j) opens in it, from wherever it is chosen; the explorer's presets
    (a-e) keep the current view if it shows their data (1-D points), and open the explorer otherwise;
    'custom' (every default) keeps the current view.
    """
    name = st.session_state[WIDGETS["preset"]]
    state = from_preset(name)
    view = current().view
    if name not in PRESETS or (PRESETS[name].view is None and view_of(view).shows_points):
        state = replace(state, view=view)
    put(state)


def messages() -> list[str]:
    """Messages about ignored link parameters (shown once)."""
    return st.session_state.pop(MESSAGES_KEY, [])


def say(message: str) -> None:
    """Queue a short message for the top of the page."""
    st.session_state.setdefault(MESSAGES_KEY, []).append(message)


def publish(state: State) -> None:
    """Mirror the state in the URL so that the address bar is always a link to this view."""
    query = state.to_query()
    if query != st.query_params.to_dict():
        st.query_params.from_dict(query)
