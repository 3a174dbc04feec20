"""Minimal page around the click pad, for tests and for trying it by hand.

streamlit run tests/browser/click_pad_demo.py            # 1-D data: [x, y]
open http://localhost:8501/?mode=plane                   # 2-D data: [x1, x2, label]
"""

import json
import sys
from pathlib import Path

import streamlit as st

# `streamlit run` puts only this file's folder on sys.path.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from explorer.click_pad import click_pad  # noqa: E402

X_RANGE = (-2.0, 2.0)
Y_RANGE = (-1.0, 3.0)
START = {
    "xy": [[-1.0, 1.0], [1.0, 2.0]],
    "plane": [[-1.0, 1.0, -1.0], [1.0, 2.0, 1.0]],
}
NEW_LABEL = -0.5
LINE = {"x": [-2.0, 0.0, 2.0], "y": [0.0, 1.0, 2.0], "color": "#D55E00", "name": "f(x)", "dash": True}

st.set_page_config(page_title="Click pad demo")

mode = st.query_params.get("mode", "xy")
st.session_state.setdefault("points", START[mode])
st.session_state.setdefault("edits", 0)

new = click_pad(
    st.session_state.points,
    x_range=X_RANGE,
    y_range=Y_RANGE,
    key="pad",
    mode=mode,
    title="Training data",
    new_label=NEW_LABEL,
    curves=[LINE] if mode == "xy" else None,
)
if new is not None:
    st.session_state.points = new
    st.session_state.edits += 1

# Lets a test rerun the page without an edit, to check edits are not replayed.
st.button("Rerun")

state = {"points": st.session_state.points, "edits": st.session_state.edits}
st.json(state, expanded=False)
# One line of plain text is easy to read back from the browser.
st.code(json.dumps(state), language=None)
