"""The poster's fixed-pattern convex loss: once the patterns are fixed, the landscape is a bowl."""

from __future__ import annotations

import numpy as np

from .. import palette
from .common import build, fmt

GREYS = [[0, "#d9d9d9"], [1, "#f4f4f4"]]  # the loss where the patterns do not hold


def _capped(Z):
    """The bowl's walls cut at the 90th percentile, so that its bottom keeps the colours and the height."""
    cap = float(np.quantile(Z, 0.9))
    return cap, np.round(np.minimum(Z, cap), 6)


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
    cap, Zc = _capped(Z)
    data = [
        dict(
            type="surface",
            x=u1,
            y=u2,
            z=Zc,
            colorscale=GREYS,
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


def bowl_map_figure(u1, u2, Z, feasible, minimiser, value, *, names=("u₁", "u₂"), title=None, height=480):
    """The same bowl seen from above, with no WebGL: the loss in grey, in colour inside the cones (where the
    patterns hold), its level lines, and the minimum over the cones. Parameters as :func:`bowl_figure`."""
    cap, Zc = _capped(Z)
    hover = f"{names[0]}=%{{x:.2f}}<br>{names[1]}=%{{y:.2f}}<br>L=%{{z:.4f}}<extra></extra>"
    shade = dict(type="heatmap", x=u1, y=u2, zmin=float(Zc.min()), zmax=cap)
    data = [
        dict(shade, z=Zc, colorscale=GREYS, showscale=False, hoverinfo="skip", name="convex loss, patterns fixed"),
        dict(
            shade,
            z=np.where(feasible, Zc, np.nan),
            colorscale=palette.SURFACE_SCALE,
            colorbar=dict(title=dict(text="L", side="right"), thickness=14, len=0.8),
            name="inside the cones (patterns kept)",
            hovertemplate=hover,
        ),
        dict(
            type="contour",
            x=u1,
            y=u2,
            z=Zc,
            contours=dict(coloring="none", start=float(Zc.min()), end=cap, size=max((cap - Zc.min()) / 16, 1e-9)),
            line=dict(width=0.7, color="rgba(255,255,255,0.7)"),
            showscale=False,
            hoverinfo="skip",
            name="level lines",
        ),
        dict(
            type="scatter",
            x=[minimiser[0]],
            y=[minimiser[1]],
            mode="markers+text",
            text=[f"min {fmt(value)}"],
            textposition="top right",
            textfont=dict(color="white", size=13),
            name="convex minimum",
            marker=dict(symbol="diamond", size=12, color=palette.YELLOW, line=dict(color=palette.BLACK, width=2)),
            hovertemplate=f"convex minimum {fmt(value)}<extra></extra>",
        ),
    ]
    layout = dict(
        xaxis=dict(title=dict(text=names[0]), range=[u1[0], u1[-1]], zeroline=False, showgrid=False),
        yaxis=dict(title=dict(text=names[1]), range=[u2[0], u2[-1]], zeroline=False, showgrid=False, scaleanchor="x"),
        showlegend=False,
    )
    return build(data, layout, title=title, height=height)
