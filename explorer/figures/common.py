"""Shared look of every figure: white background, readable fonts, poster-resolution export."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .. import palette

FONT = dict(family="Inter, Helvetica, Arial, sans-serif", size=14, color="#222222")

# The modebar camera exports SVG at 3x, enough for an A0 poster panel.
EXPORT_CONFIG = {
    "displaylogo": False,
    "toImageButtonOptions": {"format": "svg", "scale": 3, "filename": "hidden-convex-figure"},
    "modeBarButtonsToRemove": ["lasso2d"],
}


def style(fig: go.Figure, title: str | None = None, height: int = 460) -> go.Figure:
    fig.update_layout(
        template="plotly_white",
        font=FONT,
        title=dict(text=title, x=0.01, xanchor="left", font=dict(size=16)) if title else None,
        height=height,
        margin=dict(l=60, r=20, t=50 if title else 20, b=50),
        legend=dict(bgcolor="rgba(255,255,255,0.8)", bordercolor="#dddddd", borderwidth=1),
        hoverlabel=dict(font_size=13),
    )
    return fig


def outcome_colours(final_loss: np.ndarray, optimum: float, decimals: int = 4) -> tuple[np.ndarray, list[str]]:
    """Colour runs by the valley they end in: the global optimum green, others by increasing loss."""
    rounded = np.round(np.asarray(final_loss, dtype=float), decimals)
    levels = sorted(set(rounded.tolist()))
    colours = []
    for v in rounded:
        if abs(v - optimum) <= max(1e-4 * abs(optimum), 10.0 ** -decimals):
            colours.append(palette.GREEN)
        else:
            others = [lv for lv in levels if abs(lv - optimum) > max(1e-4 * abs(optimum), 10.0 ** -decimals)]
            colours.append(palette.OUTCOME[1 + others.index(v) % (len(palette.OUTCOME) - 1)])
    return rounded, colours


def fmt(v: float) -> str:
    """Compact number for labels."""
    if abs(v) < 1e-10:
        return "0"  # solver round-off, not a value
    if abs(v) >= 1e4 or abs(v) < 1e-3:
        return f"{v:.2e}"
    return f"{v:.4g}"
