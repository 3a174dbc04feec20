"""Figures of the 2-D activation patterns: regions on the sphere of neuron directions, and one neuron."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from landscape.neurons import clip_line

from .. import palette
from .common import style
from .general_figs import add_labelled_points, at_points

SELECTED = palette.VERMILLION


def hemisphere_figure(axis, index, circles, selected: int, *, neurons=None, title=None, height=560):
    """The activation regions on the two hemispheres b > 0 and b < 0 of neuron directions (w1, w2, b).

    Parameters
    ----------
    axis : ndarray (G,)
    index : ndarray of int (2, G, G)
        Region of every pixel (-1: outside the disk or on a boundary).
    circles : list of (p, q, upper)
        Each data point's great circle.
    selected : int
        Region drawn in a strong colour.
    neurons : list of (hemisphere, p, q, label), optional
        Neuron directions to mark (e.g. the representative of the selected region).
    """
    fig = make_subplots(
        rows=1,
        cols=2,
        horizontal_spacing=0.08,
        subplot_titles=["half b > 0 of the sphere, seen from above", "half b < 0 of the sphere, seen from above"],
    )
    soft = palette.REGIONS
    k = len(soft)
    # Discrete colours: region r gets soft[r % k]; the selected one a strong colour; -1 white.
    scale = [[0.0, "#ffffff"], [1.0 / (k + 2), "#ffffff"]]
    for i, c in enumerate(soft):
        scale += [[(i + 1) / (k + 2), c], [(i + 2) / (k + 2), c]]
    scale += [[(k + 1) / (k + 2), SELECTED], [1.0, SELECTED]]
    for h in range(2):
        idx = index[h]
        code = np.where(idx < 0, 0, 1 + idx % k)
        code = np.where(idx == selected, k + 1, code)
        # Integer codes, centred in their band of the colour scale: (code + 0.5) / (k + 2).
        fig.add_trace(
            go.Heatmap(
                x=np.round(axis, 4),
                y=np.round(axis, 4),
                z=code,
                zmin=-0.5,
                zmax=k + 1.5,
                colorscale=scale,
                showscale=False,
                customdata=idx,
                hovertemplate="w₁=%{x:.2f}, w₂=%{y:.2f}<br>region %{customdata}<extra></extra>",
            ),
            row=1,
            col=h + 1,
        )
        for j, (p, q, upper) in enumerate(circles):
            side = upper if h == 0 else ~upper
            px = np.where(side, p, np.nan)
            py = np.where(side, q, np.nan)
            fig.add_trace(
                go.Scatter(
                    x=np.round(px, 4),
                    y=np.round(py, 4),
                    mode="lines",
                    line=dict(color="rgba(0,0,0,0.55)", width=1),
                    name="great circle of a data point",
                    legendgroup="circles",
                    showlegend=h == 0 and j == 0,
                    hovertemplate=f"[x{_sub(j + 1)}, 1]·w = 0<extra></extra>",
                ),
                row=1,
                col=h + 1,
            )
        theta = np.linspace(0, 2 * np.pi, 181)
        fig.add_trace(
            go.Scatter(
                x=np.cos(theta),
                y=np.sin(theta),
                mode="lines",
                showlegend=False,
                line=dict(color=palette.GREY, width=1.5),
                hoverinfo="skip",
            ),
            row=1,
            col=h + 1,
        )
    for hemi, p, q, label in neurons or []:
        fig.add_trace(
            go.Scatter(
                x=[p],
                y=[q],
                mode="markers",
                name=label,
                marker=dict(symbol="x", size=13, color=palette.BLACK, line=dict(width=2)),
                hovertemplate=label + "<extra></extra>",
            ),
            row=1,
            col=hemi + 1,
        )
    for c in (1, 2):
        fig.update_xaxes(range=[-1.05, 1.05], title="w₁", row=1, col=c, showgrid=False, zeroline=False)
        fig.update_yaxes(
            range=[-1.05, 1.05],
            title="w₂" if c == 1 else None,
            row=1,
            col=c,
            showgrid=False,
            zeroline=False,
            scaleanchor="x" if c == 1 else "x2",
            scaleratio=1,
        )
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.12, x=0))
    return style(fig, title, height)


def _sub(i: int) -> str:
    return "".join("₀₁₂₃₄₅₆₇₈₉"[int(c)] for c in str(i))


def neuron_plane_figure(inputs, y, neuron, pattern, box, *, title=None, height=470):
    """The input plane: the data, one neuron's line w·[x, 1] = 0, its active side, and the points it activates."""
    (x0, x1), (y0, y1) = box
    w1, w2, b = neuron
    fig = go.Figure()
    # The active half-plane {w·[x,1] >= 0} as a shaded polygon: clip the box by the half-plane.
    corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    poly = _clip_halfplane(corners, w1, w2, b)
    if len(poly) >= 3:
        px, py = zip(*(poly + [poly[0]]))
        fig.add_trace(
            go.Scatter(
                x=px,
                y=py,
                fill="toself",
                mode="lines",
                line=dict(width=0),
                fillcolor="rgba(213,94,0,0.12)",
                name="active side",
                hoverinfo="skip",
            )
        )
    seg = clip_line(w1, w2, b, x0, x1, y0, y1)
    if seg is not None:
        fig.add_trace(
            go.Scatter(
                x=[seg[0][0], seg[1][0]],
                y=[seg[0][1], seg[1][1]],
                mode="lines",
                line=dict(color=SELECTED, width=3),
                name="neuron's line w·[x, 1] = 0",
                hoverinfo="skip",
            )
        )
    add_labelled_points(fig, inputs, y, size=13)
    names = [f"x{_sub(j + 1)}" for j in range(len(inputs))]
    fig.add_trace(at_points(inputs, mode="text", text=names, textposition="top right"))
    on = np.asarray(pattern, dtype=bool)
    if on.any():
        fig.add_trace(
            go.Scatter(
                x=inputs[on, 0],
                y=inputs[on, 1],
                mode="markers",
                name="activated points",
                marker=dict(size=24, color="rgba(0,0,0,0)", line=dict(color=SELECTED, width=3)),
                hoverinfo="skip",
            )
        )
    fig.update_xaxes(title="x₁", range=[x0, x1], constrain="domain")
    fig.update_yaxes(title="x₂", range=[y0, y1], scaleanchor="x", scaleratio=1, constrain="domain")
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.15, x=0))
    return style(fig, title, height)


def _clip_halfplane(poly, w1, w2, b):
    """Sutherland–Hodgman clip of a convex polygon to {w1 x + w2 y + b >= 0}."""
    out = []
    n = len(poly)
    for i in range(n):
        p, q = poly[i], poly[(i + 1) % n]
        fp, fq = w1 * p[0] + w2 * p[1] + b, w1 * q[0] + w2 * q[1] + b
        if fp >= 0:
            out.append(p)
        if (fp >= 0) != (fq >= 0):
            t = fp / (fp - fq)
            out.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    return out


def count_figure(exact: int, bound: int, sampled: int, gates: int, *, title=None, height=260):
    """Regions: exact count, Cover's bound and what Gaussian sampling finds."""
    labels = ["exact (all regions)", "Cover's bound", f"sampled ({gates} gates)"]
    fig = go.Figure(
        go.Bar(
            x=[exact, bound, sampled],
            y=labels,
            orientation="h",
            marker=dict(color=[palette.GREEN, palette.GREY, palette.SKY]),
            text=[str(exact), str(bound), str(sampled)],
            textposition="outside",
            hovertemplate="%{y}: %{x}<extra></extra>",
        )
    )
    fig.update_xaxes(title="activation regions", range=[0, 1.2 * max(exact, bound, sampled, 1)])
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(showlegend=False, bargap=0.35)
    return style(fig, title, height)
