"""Streamlit panels: each draws one part of the page from the State and the cached computations."""
