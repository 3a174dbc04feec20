"""Hidden Convex Landscape Explorer — training a ReLU network is non-convex, yet hides a convex problem.

The page is a table of contents: the state from the link and the widgets, the sidebar, the two
problems, then the chosen view of :data:`explorer.views.VIEWS`.
"""

import streamlit as st

from explorer import session
from explorer.panels import controls, text
from explorer.views import view_of

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
view_of(state.view).render(state)

controls.describe_preset(preset_slot, session.current())
session.publish(session.current())
