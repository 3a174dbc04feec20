"""Figure builders: plain functions of numbers that return Plotly figures (no Streamlit)."""

from .common import EXPORT_CONFIG, style
from .convex_figs import bowl_figure, bowl_map_figure
from .landscape_figs import contour_figure, curve_figure, surface_figure
from .output_figs import loss_figure, output_figure

__all__ = [
    "EXPORT_CONFIG",
    "bowl_figure",
    "bowl_map_figure",
    "contour_figure",
    "curve_figure",
    "loss_figure",
    "output_figure",
    "style",
    "surface_figure",
]
