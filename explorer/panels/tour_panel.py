"""The guided tour on the page: a card with the step's story and formula, Back / Next, and the way out.

Each move puts the step's State (:func:`explorer.tour.step_state`), so the link (``?tour=k``) follows and
every control stays editable; leaving keeps the current State and drops only the step.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from .. import gallery, session
from ..state import State
from ..tour import TOUR, step_state
from . import modes


def _go(k: int) -> None:
    """Button callback (runs before the widgets are drawn): open step k."""
    session.put(step_state(k, session.current()))


def _leave() -> None:
    session.put(replace(session.current(), tour=0))


def top_bar(state: State) -> None:
    """The tour's card while touring, else a button that starts it; the presentation toggle beside."""
    if not state.tour:
        left, right = st.columns([3, 1], vertical_alignment="center")
        left.button(
            f"▶ Guided tour: the poster's argument in {len(TOUR)} steps",
            key="tour_start",
            on_click=_go,
            args=(1,),
            help="Each step opens the data and view it talks about; every control stays yours to change.",
        )
        with right:
            modes.presentation_toggle()
        return
    k = state.tour
    s = TOUR[k - 1]
    with st.container(border=True, key="tour_card"):
        head, toggle = st.columns([3, 1], vertical_alignment="center")
        head.markdown(f"#### Guided tour · step {k} of {len(TOUR)}: {s.title}")
        with toggle:
            modes.presentation_toggle()
        st.progress(k / len(TOUR))
        st.markdown(s.story)
        st.latex(s.formula)
        labels = [gallery.figure_of(f).label.lower() for f in s.figures]
        st.caption("Look at " + " and ".join(f"**{label}**" for label in labels) + ", outlined in orange below.")
        back, forward, out = st.columns(3)
        back.button(
            "◀ Back",
            key="tour_back",
            on_click=_go,
            args=(k - 1,),
            disabled=k == 1,
            width="stretch",
            help=f"Step {k - 1}: {TOUR[k - 2].title}" if k > 1 else "This is the first step.",
        )
        forward.button(
            "Next ▶",
            key="tour_next",
            on_click=_go,
            args=(k + 1,),
            disabled=k == len(TOUR),
            type="primary",
            width="stretch",
            help=f"Step {k + 1}: {TOUR[k].title}" if k < len(TOUR) else "This is the last step.",
        )
        out.button(
            "✕ Leave the tour",
            key="tour_leave",
            on_click=_leave,
            width="stretch",
            help="Keep what is on the page, and change anything.",
        )
    modes.look_here(s.figures)
