"""The poster's fixed-pattern convex loss: once the patterns are fixed, the landscape is a bowl."""

from __future__ import annotations

import numpy as np

from .. import palette
from .common import build, fmt


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
    Zc = np.round(np.minimum(Z, cap), 6)
    data = [
        dict(
            type="surface",
            x=u1,
            y=u2,
            z=Zc,
            colorscale=[[0, "#d9d9d9"], [1, "#f4f4f4"]],
            showscale=False,
            opacity=0.55,
            name="convex loss, patterns fixed",
            hoverinfo="skip",
        ),
        dict(
            type="surface",
            x=u1,
            y=u2,
            z=np.where(feasible, Zc, np.nan),
            colorscale=palette.SURFACE_SCALE,
            showscale=False,
            opacity=0.95,
            name="inside the cones (patterns kept)",
            hovertemplate=f"{names[0]}=%{{x:.2f}}<br>{names[1]}=%{{y:.2f}}<br>L=%{{z:.4f}}<extra></extra>",
        ),
        dict(
            type="scatter3d",
            x=[minimiser[0]],
            y=[minimiser[1]],
            z=[value],
            mode="markers+text",
            text=[f"min {fmt(value)}"],
            name="convex minimum",
            marker=dict(symbol="diamond", size=7, color=palette.YELLOW, line=dict(color=palette.BLACK, width=2)),
        ),
    ]
    layout = dict(
        scene=dict(
            xaxis=dict(title=dict(text=names[0])),
            yaxis=dict(title=dict(text=names[1])),
            zaxis=dict(title=dict(text="L")),
            camera=dict(eye=dict(x=1.5, y=-1.5, z=1.0)),
            aspectmode="manual",
            aspectratio=dict(x=1, y=1, z=0.6),
        )
    )
    return build(data, layout, title=title, height=height)
