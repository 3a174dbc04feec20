"""Figures of the timing comparison: convex solve against gradient descent, in seconds."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .. import palette
from .common import style
from .general_figs import decimate


def seconds(v: float) -> str:
    if v < 1e-3:
        return f"{v * 1e6:.0f} µs"
    if v < 1:
        return f"{v * 1e3:.0f} ms"
    return f"{v:.2f} s"


def bars_figure(
    convex_seconds: float, gd_seconds: float | None, gd_total: float, steps: int, *, title=None, height=260
):
    """Two bars: the convex solve, and GD's time to come within 1e-3 (or its whole run, hatched)."""
    reached = gd_seconds is not None
    gd = gd_seconds if reached else gd_total
    labels = ["convex solve (2)", "gradient descent to 1e-3" if reached else f"GD: {steps} steps, not there"]
    fig = go.Figure(
        go.Bar(
            x=[convex_seconds, gd],
            y=labels,
            orientation="h",
            marker=dict(color=[palette.VERMILLION, palette.BLUE], pattern=dict(shape=["", "" if reached else "/"])),
            text=[seconds(convex_seconds), seconds(gd) + ("" if reached else "+")],
            textposition="outside",
            hovertemplate="%{y}: %{x:.4g} s<extra></extra>",
        )
    )
    fig.update_xaxes(title="wall-clock seconds", range=[0, 1.4 * max(convex_seconds, gd, 1e-6)])
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(showlegend=False, bargap=0.35)
    return style(fig, title, height)


def gap_time_figure(
    elapsed, rel_gap, convex_seconds: float, *, target: float = 1e-3, absolute: bool = False, title=None, height=330
):
    """GD's relative gap to the optimum against wall-clock time, with the convex solve time marked.

    ``absolute``: the optimum is 0, so the gap is the loss itself.
    """
    elapsed = np.asarray(elapsed, dtype=np.float64)
    gap = np.maximum(np.asarray(rel_gap, dtype=np.float64), 1e-16)
    idx = decimate(len(gap))
    fig = go.Figure(
        go.Scatter(
            x=elapsed[idx],
            y=gap[idx],
            mode="lines",
            name="gradient descent",
            line=dict(color=palette.BLUE, width=2.5),
            customdata=idx,
            hovertemplate="%{x:.3f} s (step %{customdata})<br>relative gap %{y:.3g}<extra></extra>",
        )
    )
    fig.add_hline(y=target, line=dict(color=palette.GREEN, width=1.5, dash="dot"))
    # Placed by hand: Plotly puts an add_hline annotation at the wrong height on a log axis.
    fig.add_annotation(
        x=0.0,
        xref="paper",
        xanchor="left",
        y=float(np.log10(target)),
        yref="y",
        yanchor="top",
        showarrow=False,
        text=f"target: within {target:g}",
        font=dict(color=palette.GREEN),
    )
    fig.add_vline(
        x=convex_seconds,
        line=dict(color=palette.VERMILLION, width=2.5, dash="dash"),
        annotation_text=f"convex optimum certified ({seconds(convex_seconds)})",
        annotation_position="top right",
    )
    fig.update_yaxes(title="loss (the optimum is 0)" if absolute else "(loss − optimum) / optimum", type="log")
    fig.update_xaxes(title="wall-clock seconds", rangemode="tozero")
    fig.update_layout(showlegend=False)
    return style(fig, title, height)
