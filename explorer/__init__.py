"""The page around the maths: one serialisable state, presets, cached computations and figure builders.

Only ``explorer.panels`` and ``explorer.click_pad`` import Streamlit; everything else is plain Python
that tests and scripts can use directly.
"""
