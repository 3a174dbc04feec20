"""What the networks compute: outputs over the data, each neuron's ReLU, and loss against step."""

from __future__ import annotations

import numpy as np

from .. import palette
from .common import build, data_points, fmt, join_lines, run_groups


def output_figure(x, y, grid, curves, *, neurons=None, title=None, height=420):
    """Data and network outputs.

    Parameters
    ----------
    x, y : ndarray (n,)
    grid : ndarray (G,)
        Inputs where outputs are drawn.
    curves : list of dict
        Each ``{"f": (G,), "name": str, "colour": str, "width": float, "dash": str, "group": str}``.
    neurons : dict, optional
        ``{"W": (m, d), "alpha": (m,), "bias": bool, "name": str}``: one network's neurons, drawn as
        their ReLU contributions ``alpha_i max(0, w_i . x)`` with the points each one activates.
    """
    data, shapes = [], []
    groups: dict[str, list[dict]] = {}
    for c in curves:
        groups.setdefault(c.get("group", c["name"]), []).append(c)
    for group, members in groups.items():  # one trace per legend entry, its curves joined by breaks
        c = members[0]
        gx, gy = join_lines(grid, np.column_stack([m["f"] for m in members]))
        data.append(
            dict(
                type="scatter",
                x=gx,
                y=gy,
                mode="lines",
                name=c["name"],
                legendgroup=group,
                line=dict(color=c["colour"], width=c.get("width", 2), dash=c.get("dash", "solid")),
                hovertemplate="x=%{x:.3f}<br>f(x)=%{y:.4f}<extra>" + c["name"] + "</extra>",
            )
        )
    if neurons is not None:
        _neurons(data, shapes, x, grid, neurons)
    data.append(data_points(x, y, type="scatter"))
    lo = min(float(np.min(y)), 0.0)
    hi = max(float(np.max(y)), 0.0)
    pad = 0.35 * max(hi - lo, 1.0)
    layout = dict(
        xaxis=dict(title=dict(text="x")), yaxis=dict(title=dict(text="f(x)"), range=[lo - pad, hi + pad]), shapes=shapes
    )
    return build(data, layout, title=title, height=height)


def _neurons(data, shapes, x, grid, neurons) -> None:
    W, alpha, bias = np.asarray(neurons["W"]), np.asarray(neurons["alpha"]), neurons["bias"]
    Xg = np.column_stack([grid, np.ones_like(grid)]) if bias else grid[:, None]
    Xd = np.column_stack([x, np.ones_like(x)]) if bias else x[:, None]
    many = len(alpha) > 8
    # With many neurons, only the kinks of those that matter: |alpha_i| ||w_i|| (the size of the slope
    # change a neuron makes) at least 1 % of the largest; the rest would hide the data in dotted lines.
    strength = np.abs(alpha) * np.linalg.norm(W, axis=1)
    matters = strength >= 0.01 * strength.max(initial=0.0) if many else np.ones(len(alpha), dtype=bool)
    for i in range(len(alpha)):
        colour = palette.SERIES[i % len(palette.SERIES)]
        if not many:
            data.append(
                dict(
                    type="scatter",
                    x=grid,
                    y=alpha[i] * np.maximum(Xg @ W[i], 0.0),
                    mode="lines",
                    line=dict(color=colour, width=1.3, dash="dot"),
                    name=f"{neurons['name']}: neuron {i + 1}",
                    legendgroup="neurons",
                    hovertemplate=f"neuron {i + 1}: α={alpha[i]:.3f}<extra></extra>",
                )
            )
            active = Xd @ W[i] >= 0
            data.append(
                dict(
                    type="scatter",
                    x=x[active],
                    y=np.full(int(active.sum()), -0.06 * (i + 1)),
                    mode="markers",
                    marker=dict(symbol="triangle-up", size=9, color=colour),
                    showlegend=False,
                    name=f"points neuron {i + 1} activates",
                    legendgroup="neurons",
                    hovertemplate=f"neuron {i + 1} activates x=%{{x:.3f}}<extra></extra>",
                )
            )
        if bias and matters[i] and abs(W[i, 0]) > 1e-12:
            kink = -W[i, 1] / W[i, 0]
            if grid[0] <= kink <= grid[-1]:
                shapes.append(
                    dict(
                        type="line",
                        xref="x",
                        yref="paper",
                        x0=kink,
                        x1=kink,
                        y0=0,
                        y1=1,
                        line=dict(color=colour, width=1, dash="dot"),
                        opacity=0.6,
                    )
                )


def loss_figure(
    steps, losses, colours, *, optimum=None, optimum_label="global optimum (convex)", log=True, title=None, height=320
):
    """Loss against GD step for every run, with the convex optimum as a horizontal line."""
    data = []
    for k, (label, runs) in enumerate(run_groups(colours, losses[-1])):
        x, y = join_lines(steps, losses[:, runs])
        data.append(
            dict(
                type="scatter",
                x=x,
                y=y,
                mode="lines",
                line=dict(color=palette.BLACK if k == 0 else colours[runs[0]], width=2.5 if k == 0 else 1.2),
                name=label,
                legendgroup=label,
                hovertemplate="step %{x}<br>loss %{y:.6g}<extra></extra>",
            )
        )
    if optimum is not None:
        # A legend entry, not a label on the plot: the curves that reach the optimum end on its line,
        # which is drawn under them.
        data.insert(
            0,
            dict(
                type="scatter",
                x=[steps[0], steps[-1]],
                y=[optimum, optimum],
                mode="lines",
                line=dict(color=palette.VERMILLION, width=2, dash="dash"),
                name=f"{optimum_label}: {fmt(optimum)}",
                hovertemplate=f"{optimum_label}: {fmt(optimum)}<extra></extra>",
            ),
        )
    use_log = log and np.all(losses > 0) and (optimum is None or optimum > 0)
    decades = 0.0
    if use_log:
        shown = np.concatenate([losses.ravel(), [optimum] if optimum is not None else []])
        decades = float(np.log10(shown.max() / shown.min()))
    # Over a decade or more, label only powers of ten: Plotly's labels in between are bare digits
    # ("5", "2") that read as the wrong numbers.
    layout = dict(
        yaxis=dict(
            title=dict(text="loss (1)"), type="log" if use_log else "linear", **({"dtick": 1} if decades >= 1 else {})
        ),
        xaxis=dict(title=dict(text="GD step")),
    )
    return build(data, layout, title=title, height=height)
