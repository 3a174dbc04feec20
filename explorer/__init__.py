"""The page around the maths: one serialisable state, registries, one cache, figure builders and panels.

Streamlit is imported by ``explorer.panels``, ``explorer.click_pad``, ``explorer.session`` (state <-> widgets
and URL) and ``explorer.cache`` (the store it lives in); everything else -- the State and its codecs,
presets, views, models, keys, page computations and figure builders -- is plain Python that tests and
scripts can use directly.
"""
