"""The poster's fixed-pattern convex loss: once the patterns are fixed, the landscape is a bowl."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .. import palette
from .common import fmt, style


def bowl_figure(u1, u2, Z, feasible, minimiser, value, *, names=("u₁", "u₂"), title=None, height=480):
    """Surface of the convex loss for fixed patterns, its feasible cone and its minimum.

    Parameters
    ----------
    u1, u2 : ndarray (A,), (B,)
    Z : ndarray (B, A)
        The fixed-pattern loss (a convex quadratic) on the grid.
    feasible : ndarray of bool (B, A)
        Where the weights keep their patterns (the cones K_i).
    minimiser : (float, float)
    value : float
        Minimum over the feasible cone (equals the GD endpoint's loss when GD converged there).
    """
    cap = float(np.quantile(Z, 0.9))
    Zc = np.minimum(Z, cap)
    fig = go.Figure()
    fig.add_trace(go.Surface(
        x=u1, y=u2, z=Zc, colorscale=[[0, "#d9d9d9"], [1, "#f4f4f4"]], showscale=False, opacity=0.55,
        name="convex loss, patterns fixed", hoverinfo="skip",
    ))
    Zf = np.where(feasible, Zc, np.nan)
    fig.add_trace(go.Surface(
        x=u1, y=u2, z=Zf, colorscale=palette.SURFACE_SCALE, showscale=False, opacity=0.95,
        name="inside the cones (patterns kept)",
        hovertemplate=f"{names[0]}=%{{x:.2f}}<br>{names[1]}=%{{y:.2f}}<br>L=%{{z:.4f}}<extra></extra>",
    ))
    fig.add_trace(go.Scatter3d(
        x=[minimiser[0]], y=[minimiser[1]], z=[value], mode="markers+text", text=[f"min {fmt(value)}"],
        marker=dict(symbol="diamond", size=7, color=palette.YELLOW, line=dict(color=palette.BLACK, width=2)),
        name="convex minimum",
    ))
    fig.update_layout(scene=dict(xaxis_title=names[0], yaxis_title=names[1], zaxis_title="L",
                                 camera=dict(eye=dict(x=1.5, y=-1.5, z=1.0)),
                                 aspectmode="manual", aspectratio=dict(x=1, y=1, z=0.6)))
    return style(fig, title, height)
