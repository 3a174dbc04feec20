"""Hidden Convex Landscape Explorer — training a ReLU network is non-convex, yet hides a convex problem.

The page is a table of contents: the state from the link and the widgets, the sidebar, the two
problems, the guided tour, then the chosen view of :data:`explorer.views.VIEWS`. ``?figure=NAME`` draws
one figure alone; ``?present=1`` is the page for a lecture hall (explorer/panels/modes.py).
"""

import streamlit as st

from explorer import session
from explorer.long_lived import freeze_imports
from explorer.panels import controls, exchange_panel, modes, text, tour_panel
from explorer.views import view_of

st.set_page_config(page_title="Hidden Convex Landscape Explorer", page_icon="⛰️", layout="wide")

session.current()
state = session.read_widgets()
session.restore_widgets(state)
modes.style(state)
modes.measure_screen(state)

if state.figure:
    modes.single_figure(state)
    session.publish(session.current())
    freeze_imports()
    st.stop()

preset_slot = None if state.present else controls.sidebar(state)
st.title("The hidden convex landscape of two-layer ReLU networks")
if not state.present:
    st.markdown(text.TLDR)
    with st.expander("The two problems, precisely"):
        st.latex(text.OBJECTIVE_1)
        st.markdown(text.LAMBDA_NOTE)
        st.latex(text.OBJECTIVE_2)
        st.latex(text.CONES)
        st.latex(text.MAPPING)
for message in session.messages():
    st.warning(message)
tour_panel.top_bar(session.current())
controls.view_picker()

state = session.read_widgets()
view_of(state.view).render(state)

if not state.present:
    exchange_panel.whole_view_export(session.current())
if preset_slot is not None:
    controls.describe_preset(preset_slot, session.current())
session.publish(session.current())
freeze_imports()
