"""The floor of the browser benchmark: a Streamlit page with one 121 x 121 Plotly contour.

Nothing a page with a chart does can be faster than this one on the same machine, so the explorer's
times are read against it. The number input redraws the contour: the floor of an interaction.
"""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

st.set_page_config(page_title="One chart", layout="wide")
scale = st.number_input("Scale", min_value=0.1, max_value=10.0, value=1.0, step=0.1)
w = np.linspace(-3.0, 3.0, 121)
W1, W2 = np.meshgrid(w, w)
# The poster's two-neuron loss at points (-1, 1), (1, 2) with alpha = 1.
Z = (np.maximum(-W1, 0) + np.maximum(-W2, 0) - 1) ** 2 + (np.maximum(W1, 0) + np.maximum(W2, 0) - 2) ** 2
fig = go.Figure(go.Contour(x=w, y=w, z=np.round(scale * Z, 6), line=dict(width=1.4)))
fig.update_layout(title="One chart", height=600)
st.plotly_chart(fig, theme=None, key="floor")
