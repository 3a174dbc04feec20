"""The page's cached entry points: the pure computations, memoised by their (hashable) inputs."""

import streamlit as st

from . import compute


def _cached(fn):
    return st.cache_data(max_entries=64, show_spinner=False)(fn)


surface = _cached(compute.surface)
pattern_regions = _cached(compute.pattern_regions)
descent_from = _cached(compute.descent_from)
descent_init = _cached(compute.descent_init)
fixed_alpha_optimum = _cached(compute.fixed_alpha_optimum)
convex_optimum = _cached(compute.convex_optimum)
basins = _cached(compute.basins)
certified_gaps = _cached(compute.certified_gaps)
