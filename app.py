"""Hidden Convex Landscape Explorer — training a ReLU network is non-convex, yet hides a convex problem."""
import streamlit as st

from explorer import session
from explorer.panels import controls, text
from explorer.panels.explorer_view import explorer_view

st.set_page_config(page_title="Hidden Convex Landscape Explorer", page_icon="⛰️", layout="wide")

state = session.current()
session.restore_widgets(state)
state = session.read_widgets()

controls.sidebar(state)
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

session.publish(session.current())
