"""Figures of the general case: outputs of GD and of the convex optimum, loss against step, the slice."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .. import palette
from .common import data_points, fmt, style

# Negative outputs blue, positive orange, as the click pad colours the labels.
DIVERGING = [[0.0, palette.BLUE], [0.5, "#f7f7f7"], [1.0, palette.ORANGE]]
MAX_LINES = 80  # neuron lines drawn per 2-D panel (the strongest ones)


def _r(v, digits: int = 5):
    """Round for a lighter figure (NaN stays NaN, so lines break there)."""
    return np.round(np.asarray(v, dtype=np.float64), digits)


def output_1d_figure(x, y, grid, f_gd, f_opt, *, kinks_gd, strong_gd, kinks_opt, title=None, height=440):
    """Data, the GD network and the convex optimum on 1-D inputs, with every neuron's kink.

    Parameters
    ----------
    kinks_gd : ndarray (m,)
        Activation points -b/w of the GD neurons (NaN when w = 0).
    strong_gd : ndarray of bool (m,)
        Neurons that carry at least 1% of the largest |alpha| ||w||: drawn solid, the others faint.
    kinks_opt : ndarray (k,)
        Activation points of the optimal neurons.
    """
    fig = go.Figure()
    outputs = [(f_gd, "gradient descent", "GD", dict(color=palette.BLACK, width=3))]
    if f_opt is not None:
        outputs.append(
            (f_opt, "global optimum (convex)", "optimum", dict(color=palette.VERMILLION, width=3, dash="dash"))
        )
    for f, name, short, line in outputs:
        hover = "x=%{x:.3f}<br>f(x)=%{y:.4f}<extra>" + short + "</extra>"
        fig.add_trace(go.Scatter(x=_r(grid), y=_r(f), mode="lines", name=name, line=line, hovertemplate=hover))
    fig.add_trace(go.Scatter(data_points(x, y)))
    lo = min(float(np.min(y)), float(np.nanmin(f_gd)), 0.0)
    hi = max(float(np.max(y)), float(np.nanmax(f_gd)), 0.0)
    if f_opt is not None:
        lo, hi = min(lo, float(np.min(f_opt))), max(hi, float(np.max(f_opt)))
    pad = 0.15 * max(hi - lo, 1.0)
    rug_gd, rug_opt = lo - 0.35 * pad, lo - 0.75 * pad
    inside = np.isfinite(kinks_gd) & (kinks_gd >= grid[0]) & (kinks_gd <= grid[-1])
    for mask, name, opacity in (
        (inside & strong_gd, "GD kinks (neurons that matter)", 0.9),
        (inside & ~strong_gd, "GD kinks (neurons < 1% of the largest)", 0.25),
    ):
        if mask.any():
            fig.add_trace(
                go.Scatter(
                    x=_r(kinks_gd[mask]),
                    y=np.full(mask.sum(), rug_gd),
                    mode="markers",
                    name=name,
                    marker=dict(
                        symbol="line-ns-open", size=14, color=palette.BLACK, opacity=opacity, line=dict(width=2)
                    ),
                    hovertemplate="kink at x=%{x:.3f}<extra>GD neuron</extra>",
                )
            )
    k_opt = np.asarray(kinks_opt, dtype=float)
    k_opt = k_opt[np.isfinite(k_opt) & (k_opt >= grid[0]) & (k_opt <= grid[-1])]
    if len(k_opt):
        fig.add_trace(
            go.Scatter(
                x=_r(k_opt),
                y=np.full(len(k_opt), rug_opt),
                mode="markers",
                name="optimal kinks",
                marker=dict(symbol="diamond", size=10, color=palette.VERMILLION),
                hovertemplate="kink at x=%{x:.3f}<extra>optimal neuron</extra>",
            )
        )
    fig.update_xaxes(title="x", range=[float(grid[0]), float(grid[-1])])
    fig.update_yaxes(title="f(x)", range=[rug_opt - 0.5 * pad, hi + pad])
    fig = style(fig, title, height)
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.18, x=0), margin=dict(b=110))
    return fig


def output_2d_figure(inputs, y, surfaces, lines, *, title=None, height=470):
    """Side-by-side heatmaps of network outputs over the input plane, with data and neuron lines.

    Parameters
    ----------
    surfaces : list of (name, g1, g2, F)
    lines : list of (xs, ys)
        Neuron lines for each panel (NaN-separated), already clipped to the panel.
    """
    fig = make_subplots(
        rows=1, cols=len(surfaces), subplot_titles=[s[0] for s in surfaces], horizontal_spacing=0.08, shared_yaxes=True
    )
    top = max(float(np.nanmax(np.abs(F))) for _, _, _, F in surfaces)
    top = max(top, float(np.max(np.abs(y))), 1e-9)
    for c, ((name, g1, g2, F), (lx, ly)) in enumerate(zip(surfaces, lines), start=1):
        fig.add_trace(
            go.Heatmap(
                x=_r(g1, 4),
                y=_r(g2, 4),
                z=_r(F, 4),
                zmin=-top,
                zmax=top,
                colorscale=DIVERGING,
                showscale=c == len(surfaces),
                colorbar=dict(title="f(x)", len=0.85),
                name=name,
                hovertemplate="x₁=%{x:.2f}, x₂=%{y:.2f}<br>f=%{z:.3f}<extra>" + name + "</extra>",
            ),
            row=1,
            col=c,
        )
        if len(lx):
            fig.add_trace(
                go.Scatter(
                    x=_r(lx, 4),
                    y=_r(ly, 4),
                    mode="lines",
                    line=dict(color="rgba(0,0,0,0.45)", width=1),
                    name="neuron lines w·[x, 1] = 0",
                    legendgroup="lines",
                    showlegend=c == 1,
                    hoverinfo="skip",
                ),
                row=1,
                col=c,
            )
        add_labelled_points(fig, inputs, y, showlegend=c == 1, row=1, col=c)
        fig.update_xaxes(title="x₁", range=[float(g1[0]), float(g1[-1])], row=1, col=c)
    fig.update_yaxes(title="x₂", range=[float(surfaces[0][2][0]), float(surfaces[0][2][-1])], row=1, col=1)
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.12, x=0))
    return style(fig, title, height)


def log_floor(values) -> float:
    """Smallest value worth a decade on a log axis: solver round-off (1e-30 for a zero optimum) is not."""
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v) & (v > 0)]
    if not len(v):
        return 1e-12
    return float(max(v.min(), 1e-9 * v.max()))


def log_ticks(lo: float, hi: float, most: int = 8) -> tuple[np.ndarray, list[str]]:
    """Decades between two log10 values and their labels."""
    ticks = np.arange(np.ceil(lo), np.floor(hi) + 1)
    if len(ticks) > most:
        ticks = ticks[:: int(np.ceil(len(ticks) / most))]
    return ticks, [fmt(10.0**t) if -3 <= t <= 3 else f"1e{int(t)}" for t in ticks]


def optimum_line(fig, optimum: float, log: bool, label: str = "global optimum (convex)", position: str = "top") -> None:
    """A dashed horizontal line at the optimum with its value written on it.

    The label is placed by hand: Plotly puts an ``add_hline`` annotation at the wrong height on a log axis.
    """
    fig.add_hline(y=optimum, line=dict(color=palette.VERMILLION, width=2, dash="dash"))
    fig.add_annotation(
        x=1.0,
        xref="paper",
        xanchor="right",
        y=float(np.log10(optimum)) if log else optimum,
        yref="y",
        yanchor="bottom" if position == "top" else "top",
        showarrow=False,
        text=f"{label}: {fmt(optimum)}",
        font=dict(color=palette.VERMILLION),
    )


def at_points(inputs, **kw) -> go.Scatter:
    """A trace drawn at the 2-D inputs that stays out of the legend and the hover."""
    return go.Scatter(x=inputs[:, 0], y=inputs[:, 1], showlegend=False, hoverinfo="skip", **kw)


def add_labelled_points(fig, inputs, y, *, showlegend=True, size=12, **where) -> None:
    """2-D data coloured by label (blue negative, orange positive, saturated at the largest |y|).

    Each point is a coloured disc in a white ring in a black ring, readable on any background.
    """
    top = max(float(np.max(np.abs(y))), 1e-9) if len(y) else 1.0
    ring = dict(size=size + 5, color=palette.BLACK)
    fig.add_trace(at_points(inputs, mode="markers", legendgroup="data", marker=ring), **where)
    fig.add_trace(
        go.Scatter(
            x=inputs[:, 0],
            y=inputs[:, 1],
            mode="markers",
            name="data (colour = label)",
            legendgroup="data",
            showlegend=showlegend,
            customdata=y,
            marker=dict(
                size=size, color=y, cmin=-top, cmax=top, colorscale=DIVERGING, line=dict(color="white", width=2)
            ),
            hovertemplate="x=(%{x:.2f}, %{y:.2f})<br>y=%{customdata:.3f}<extra>data</extra>",
        ),
        **where,
    )


def add_optimum(fig, losses, optimum, positive: bool) -> bool:
    """Mark the convex optimum on a loss-against-step chart; returns whether the y axis is logarithmic.

    An optimum of (about) 0 cannot sit on a log axis: the axis then spans the losses and says so.
    """
    losses = np.asarray(losses, dtype=np.float64)
    if optimum is None or not np.isfinite(optimum):
        return positive
    zero = optimum <= 1e-9 * max(float(np.nanmax(losses)), 1e-300)
    use_log = positive and (optimum > 0 or zero)
    if zero and use_log:
        floor = log_floor(losses)
        fig.update_yaxes(range=[np.log10(floor) - 0.3, np.log10(float(np.nanmax(losses))) + 0.3])
        fig.add_annotation(
            x=1.0,
            xref="paper",
            xanchor="right",
            y=0.0,
            yref="paper",
            yanchor="bottom",
            showarrow=False,
            text="global optimum (convex): 0, below this log axis",
            font=dict(color=palette.VERMILLION),
        )
    else:
        optimum_line(fig, optimum, use_log)
    return use_log


def loss_trace(curve: dict) -> go.Scatter:
    """Loss against GD step for ``curve = {"loss", "name", "colour"[, "width"]}``, thinned to about 1500 points."""
    loss = np.asarray(curve["loss"], dtype=np.float64)
    idx = decimate(len(loss))
    return go.Scatter(
        x=idx,
        y=loss[idx],
        mode="lines",
        name=curve["name"],
        line=dict(color=curve["colour"], width=curve.get("width", 2.5)),
        hovertemplate="step %{x}<br>loss %{y:.6g}<extra>" + curve["name"] + "</extra>",
    )


def decimate(count: int, keep: int = 1500) -> np.ndarray:
    """Indices 0..count-1 thinned to about ``keep``: every early step, then evenly spaced ones."""
    if count <= keep:
        return np.arange(count)
    early = np.arange(min(200, keep // 4))
    rest = np.linspace(early[-1] + 1, count - 1, keep - len(early)).round().astype(int)
    return np.unique(np.concatenate([early, rest, [count - 1]]))


def loss_steps_figure(curves, *, optimum=None, marks=(), title=None, height=340):
    """Loss (1) against GD step on a log scale, with the convex optimum as a horizontal line.

    Parameters
    ----------
    curves : list of dict
        ``{"loss": (steps + 1,), "name": str, "colour": str}``.
    marks : list of (step, text)
        Vertical markers, e.g. where GD came within 1e-3 of the optimum.
    """
    fig = go.Figure()
    positive = True
    for c in curves:
        trace = loss_trace(c)
        positive &= bool(np.all(np.asarray(trace.y) > 0))
        fig.add_trace(trace)
    all_loss = np.concatenate([np.asarray(c["loss"], dtype=np.float64) for c in curves])
    use_log = add_optimum(fig, all_loss, optimum, positive)
    for step, text in marks:
        fig.add_vline(
            x=step,
            line=dict(color=palette.GREEN, width=1.5, dash="dot"),
            annotation_text=text,
            annotation_position="top left",
        )
    fig.update_yaxes(title="loss (1)", type="log" if use_log else "linear")
    fig.update_xaxes(title="GD step")
    fig.update_layout(showlegend=len(curves) > 1)
    return style(fig, title, height)


SLICE_NAMES = {"start": "GD start", "end": "GD endpoint", "optimum": "global optimum (mapped from (2))"}
SLICE_COLOURS = {"start": palette.SKY, "end": palette.BLACK, "optimum": palette.VERMILLION}


def slice_figure(sl, *, title=None, height=470):
    """Contour of log10 of objective (1) on the plane through the three networks."""
    Z = np.log10(np.maximum(sl.Z, log_floor(sl.Z)))
    ticks, labels = log_ticks(float(Z.min()), float(Z.max()))
    fig = go.Figure(
        go.Contour(
            x=_r(sl.a, 5),
            y=_r(sl.b, 5),
            z=_r(Z, 4),
            colorscale="Viridis",
            ncontours=28,
            contours=dict(coloring="heatmap", showlines=True),
            line=dict(width=0.5, color="rgba(255,255,255,0.4)"),
            colorbar=dict(title="loss (1)", tickvals=ticks, ticktext=labels),
            customdata=_r(sl.Z, 6),
            name="loss",
            hovertemplate="a=%{x:.3f}, b=%{y:.3f}<br>loss=%{customdata:.5g}<extra></extra>",
        )
    )
    end, opt = sl.coords[1], sl.coords[2]
    fig.add_trace(
        go.Scatter(
            x=[end[0], opt[0]],
            y=[end[1], opt[1]],
            mode="lines",
            name="straight path",
            line=dict(color="white", width=3, dash="dash"),
            hoverinfo="skip",
        )
    )
    for k, key in enumerate(sl.names):
        fig.add_trace(
            go.Scatter(
                x=[sl.coords[k, 0]],
                y=[sl.coords[k, 1]],
                mode="markers+text",
                name=SLICE_NAMES[key],
                text=[SLICE_NAMES[key].split(" (")[0]],
                textposition="top center",
                textfont=dict(color="white"),
                marker=dict(
                    size=14,
                    color=SLICE_COLOURS[key],
                    symbol="star" if key == "optimum" else "circle",
                    line=dict(color="white", width=2),
                ),
                hovertemplate=f"{SLICE_NAMES[key]}<br>loss {fmt(sl.losses[k])}<extra></extra>",
            )
        )
    fig.update_xaxes(title="a (towards the optimum)")
    fig.update_yaxes(title="b (towards the start)", scaleanchor="x", scaleratio=1)
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.15, x=0))
    return style(fig, title, height)


def path_figure(sl, *, title=None, height=300):
    """Loss along the straight segment from the GD endpoint (t = 0) to the optimum (t = 1)."""
    fig = go.Figure(
        go.Scatter(
            x=_r(sl.t, 4),
            y=_r(sl.path, 7),
            mode="lines",
            name="loss on the segment",
            line=dict(color=palette.BLUE, width=3),
            hovertemplate="t=%{x:.3f}<br>loss %{y:.6g}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[0.0, 1.0],
            y=[sl.losses[1], sl.losses[2]],
            mode="markers",
            marker=dict(size=12, color=[SLICE_COLOURS["end"], SLICE_COLOURS["optimum"]], symbol=["circle", "star"]),
            name="ends",
            hovertemplate="loss %{y:.6g}<extra></extra>",
        )
    )
    floor = log_floor(np.concatenate([sl.path, sl.losses[1:]]))
    if floor > 0 and np.any(sl.path > floor):
        lo = np.log10(floor) - 0.2
        fig.update_yaxes(type="log", range=[lo, np.log10(max(float(sl.path.max()), floor)) + 0.2])
    fig.update_yaxes(title="loss (1)")
    fig.update_xaxes(title="t: GD endpoint (0) → global optimum (1)")
    fig.update_layout(showlegend=False)
    return style(fig, title, height)
