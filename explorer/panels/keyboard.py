"""Keyboard ways to do what the mouse does on the figures: type where gradient descent starts.

A click on the contour starts gradient descent there; this form does the same from the keyboard (Tab to
the fields, type, Enter), so no part of the page needs a mouse.
"""

from __future__ import annotations

import streamlit as st

from .. import session
from ..models import MODELS
from ..state import MAX_ABS, State


def start_form(state: State) -> None:
    """Two number fields and a button that start GD at the typed point (two-parameter landscapes)."""
    model = MODELS[state.model]
    if model.landscape_dims != 2:
        return
    names = model.param_names
    # Keys follow the start, so that a click on the contour shows up here as new values.
    with st.form(key=f"start_form_{state.start}", border=False, enter_to_submit=True):
        st.markdown(f"**Start gradient descent at** ({', '.join(names)})")
        left, right = st.columns(2)
        # The link's bounds: a start a link may hold, the form may hold too.
        a = left.number_input(names[0], -MAX_ABS, MAX_ABS, float(state.start[0]), step=0.1, format="%.4g")
        b = right.number_input(names[1], -MAX_ABS, MAX_ABS, float(state.start[1]), step=0.1, format="%.4g")
        if st.form_submit_button("Start here", help="The same as clicking this point of the contour."):
            start = (round(float(a), 4), round(float(b), 4))
            if start != tuple(state.start):
                session.update(start=start, frame=-1)
