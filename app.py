"""Hidden Convex Landscape Explorer — training a ReLU network is non-convex, yet hides a convex problem."""

import streamlit as st

from explorer import session
from explorer.panels import controls, text
from explorer.panels.dynamics_view import dynamics_view
from explorer.panels.explorer_view import explorer_view
from explorer.panels.general_view import general_view
from explorer.panels.patterns_view import patterns_view
from explorer.panels.timing_view import timing_view

st.set_page_config(page_title="Hidden Convex Landscape Explorer", page_icon="⛰️", layout="wide")

state = session.current()
session.restore_widgets(state)
state = session.read_widgets()

preset_slot = controls.sidebar(state)
st.title("The hidden convex landscape of two-layer ReLU networks")
st.markdown(text.TLDR)
with st.expander("The two problems, precisely"):
    st.latex(text.OBJECTIVE_1)
    st.markdown(text.LAMBDA_NOTE)
    st.latex(text.OBJECTIVE_2)
    st.latex(text.CONES)
    st.latex(text.MAPPING)
for message in session.messages():
    st.warning(message)
controls.view_picker()

state = session.read_widgets()
if state.view == "explorer":
    explorer_view(state)
elif state.view == "general":
    general_view(state)
elif state.view == "dynamics":
    dynamics_view(state)
elif state.view == "timing":
    timing_view(state)
elif state.view == "patterns":
    patterns_view(state)

controls.describe_preset(preset_slot, session.current())
session.publish(session.current())
