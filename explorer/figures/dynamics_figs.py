"""Figures of the initialisation dynamics: animated kinks and output, pattern counts, losses."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .. import palette
from .common import data_points, style
from .general_figs import add_optimum, loss_trace


def _kink_frame(W, alpha, grid):
    """Kinks and log10 strengths of one snapshot, right-facing and left-facing neurons apart.

    Kinks off the grid are left out. Strengths go out as log10 with two decimals: a light figure on a
    log-labelled axis.
    """
    w, b = W[:, 0], W[:, 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        k = np.where(np.abs(w) > 1e-12, -b / w, np.nan)
        s = np.abs(alpha) * np.linalg.norm(W, axis=1)
        logs = np.where(s > 0, np.log10(np.where(s > 0, s, 1.0)), np.nan)
    shown = (k >= grid[0]) & (k <= grid[-1]) & np.isfinite(logs)
    right = shown & (w > 0)
    left = shown & (w < 0)
    return (np.round(k[right], 3), np.round(logs[right], 2), np.round(k[left], 3), np.round(logs[left], 2))


def animation_figure(x, y, grid, W, alpha, steps, frames, *, f_opt=None, y_range=None, title=None, height=560):
    """Output (top) and every neuron's activation point (bottom) over training, animated in the browser.

    Parameters
    ----------
    x, y : ndarray (n,)
        Data.
    grid : ndarray (G,)
    W : ndarray (T, m, 2), alpha : ndarray (T, m)
        Snapshots of one run.
    steps : ndarray (T,)
        GD step of each snapshot.
    frames : ndarray of int
        Snapshot indices to animate (the figure opens on the last one).
    f_opt : ndarray (G,), optional
        Output of the convex optimum, drawn dashed.
    """
    Xg = np.column_stack([grid, np.ones_like(grid)])

    def output(t):
        return np.round(np.maximum(Xg @ W[t].T, 0.0) @ alpha[t], 4)

    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.6, 0.4], vertical_spacing=0.07)
    last = int(frames[-1])
    if f_opt is not None:
        fig.add_trace(
            go.Scatter(
                x=grid,
                y=np.round(f_opt, 4),
                mode="lines",
                name="global optimum (convex)",
                line=dict(color=palette.VERMILLION, width=2, dash="dash"),
                hoverinfo="skip",
            ),
            row=1,
            col=1,
        )
    fig.add_trace(go.Scatter(data_points(x, y)), row=1, col=1)
    curve_index = len(fig.data)
    fig.add_trace(
        go.Scatter(
            x=grid,
            y=output(last),
            mode="lines",
            name="network output",
            line=dict(color=palette.BLUE, width=3),
            hovertemplate="x=%{x:.3f}<br>f(x)=%{y:.4f}<extra></extra>",
        ),
        row=1,
        col=1,
    )
    xr, yr, xl, yl = _kink_frame(W[last], alpha[last], grid)
    kink_index = len(fig.data)
    for xs, ys, name, symbol, colour in (
        (xr, yr, "kink of a neuron facing right ▶", "triangle-right", palette.GREEN),
        (xl, yl, "kink of a neuron facing left ◀", "triangle-left", palette.PURPLE),
    ):
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="markers",
                name=name,
                marker=dict(symbol=symbol, color=colour, size=8, opacity=0.6),
                hovertemplate="kink x=%{x:.3f}<br>log₁₀ |α|‖w‖=%{y:.2f}<extra></extra>",
            ),
            row=2,
            col=1,
        )
    for xv in x:
        fig.add_vline(x=float(xv), line=dict(color=palette.GREY, width=1, dash="dot"), row=2, col=1)

    fig.frames = [
        go.Frame(
            name=str(int(steps[t])),
            data=[go.Scatter(y=output(t)), go.Scatter(x=kf[0], y=kf[1]), go.Scatter(x=kf[2], y=kf[3])],
            traces=[curve_index, kink_index, kink_index + 1],
        )
        for t in frames
        for kf in [_kink_frame(W[t], alpha[t], grid)]
    ]
    slider_steps = [
        dict(
            method="animate",
            label=str(int(steps[t])),
            args=[
                [str(int(steps[t]))],
                dict(mode="immediate", frame=dict(duration=0, redraw=True), transition=dict(duration=0)),
            ],
        )
        for t in frames
    ]
    fig.update_layout(
        updatemenus=[
            dict(
                type="buttons",
                showactive=False,
                x=0.0,
                y=-0.16,
                xanchor="left",
                yanchor="top",
                direction="left",
                buttons=[
                    dict(
                        label="▶ Play",
                        method="animate",
                        args=[
                            None,
                            dict(
                                frame=dict(duration=90, redraw=True),
                                fromcurrent=False,
                                transition=dict(duration=0),
                                mode="immediate",
                            ),
                        ],
                    ),
                    dict(
                        label="❚❚",
                        method="animate",
                        args=[[None], dict(frame=dict(duration=0, redraw=False), mode="immediate")],
                    ),
                ],
            )
        ],
        sliders=[
            dict(
                active=len(frames) - 1,
                steps=slider_steps,
                x=0.25,
                len=0.75,
                y=-0.12,
                yanchor="top",
                currentvalue=dict(prefix="step ", visible=True, xanchor="right"),
                pad=dict(t=10),
            )
        ],
    )
    strengths = np.abs(alpha) * np.linalg.norm(W, axis=2)
    positive = strengths[strengths > 0]
    if len(positive):
        lo = np.log10(max(float(np.percentile(positive, 1)), 1e-12)) - 0.3
        hi = np.log10(float(positive.max())) + 0.3
        ticks = np.arange(np.ceil(lo), np.floor(hi) + 1)
        if len(ticks) > 7:
            ticks = ticks[:: int(np.ceil(len(ticks) / 7))]
        fig.update_yaxes(
            range=[lo, hi],
            title="|αᵢ|·‖wᵢ‖",
            tickvals=ticks,
            ticktext=[f"1e{int(t)}" if t else "1" for t in ticks],
            row=2,
            col=1,
        )
    if y_range is None:
        lo = min(float(np.min(y)), 0.0)
        hi = max(float(np.max(y)), 0.0)
        pad = 0.4 * max(hi - lo, 0.5)
        y_range = [lo - pad, hi + pad]
    fig.update_yaxes(title="f(x)", range=y_range, row=1, col=1)
    fig.update_xaxes(range=[float(grid[0]), float(grid[-1])])
    fig.update_xaxes(title="x", row=2, col=1)
    fig.update_layout(showlegend=False)
    fig = style(fig, title, height)
    fig.update_layout(margin=dict(b=120))
    return fig


def patterns_figure(curves, *, title=None, height=320):
    """Distinct activation patterns among the neurons against GD step.

    ``curves``: list of ``{"steps": (T,), "count": (T,), "name": str, "colour": str, "dash": str}``.
    """
    fig = go.Figure()
    for c in curves:
        fig.add_trace(
            go.Scatter(
                x=c["steps"],
                y=c["count"],
                mode="lines",
                name=c["name"],
                line=dict(color=c["colour"], width=2.5, dash=c.get("dash", "solid"), shape="hv"),
                hovertemplate="step %{x}<br>%{y} patterns<extra>" + c["name"] + "</extra>",
            )
        )
    fig.update_yaxes(title="distinct patterns", rangemode="tozero")
    fig.update_xaxes(title="GD step")
    fig = style(fig, title, height)
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.25, x=0), margin=dict(b=100))
    return fig


def losses_figure(curves, *, optimum=None, title=None, height=320):
    """Loss against step for both starts on a log scale (``curves`` as in :func:`patterns_figure`)."""
    fig = go.Figure()
    for c in curves:
        fig.add_trace(loss_trace(c))
    losses = np.concatenate([np.asarray(c["loss"], dtype=np.float64) for c in curves])
    use_log = add_optimum(fig, losses, optimum, bool(np.all(losses > 0)))
    fig.update_yaxes(title="loss (1)", type="log" if use_log else "linear")
    fig.update_xaxes(title="GD step")
    fig.update_layout(legend=dict(orientation="v", yanchor="top", y=0.98, x=0.99, xanchor="right"))
    return style(fig, title, height)
