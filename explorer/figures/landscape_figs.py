"""The non-convex landscape: contour with pattern regions and GD paths, 3-D surface, 1-D curve."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .. import palette
from .common import build, fmt, join_runs, legend_group, run_groups

MAX_FRAMES = 60
CONTOUR_META = "landscape-contour"  # layout.meta of the contour: how the page's script finds the chart


def _stepped_scale(colours: list[str]) -> list:
    """A colour scale that maps integer k of len(colours) levels to one flat colour."""
    k = len(colours)
    if k == 1:
        return [[0, colours[0]], [1, colours[0]]]
    scale = []
    for i, c in enumerate(colours):
        scale += [[i / k, c], [(i + 1) / k, c]]
    return scale


def _region_trace(a, b, index, labels) -> dict:
    colours = [palette.REGIONS[i % len(palette.REGIONS)] for i in range(len(labels))]
    return _categories(a, b, index, colours, hoverinfo="skip", name="activation regions")


def _categories(x, y, index, colours, **extra) -> dict:
    """A heatmap of category indices 0 … k-1, each cell in the flat colour of its category."""
    z = dict(z=index, zmin=-0.5, zmax=len(colours) - 0.5)
    return dict(type="heatmap", x=x, y=y, **z, colorscale=_stepped_scale(colours), showscale=False, **extra)


def _region_labels(a, b, index, labels) -> list[dict]:
    A, B = np.meshgrid(a, b)
    notes = []
    for i, text in enumerate(labels):
        mask = index == i
        if mask.sum() < 0.02 * mask.size:
            continue  # a boundary line (w = 0 activates every point) or a sliver: no room for a label
        notes.append(
            dict(
                x=float(A[mask].mean()),
                y=float(B[mask].mean()),
                text=text.replace(" · ", "<br>"),
                showarrow=False,
                font=dict(size=11, color="#333333"),
                bgcolor="rgba(255,255,255,0.65)",
            )
        )
    return notes


def frame_indices(T: int) -> np.ndarray:
    """Which of T recorded iterates become animation frames (at most MAX_FRAMES, first and last kept)."""
    return np.unique(np.linspace(0, T - 1, min(T, MAX_FRAMES)).round().astype(int))


def _run_paths(run_colours, losses, x, y, z=None, *, widths, marker_sizes=None, mode) -> list[dict]:
    """The runs through ``x[:, r], y[:, r]`` (and ``z``), one line per legend entry: the user's run (r = 0)
    alone, drawn with the first of ``widths`` (``marker_sizes``, and ``mode`` if it is a pair), the random
    starts joined by the valley they end in (their colour), with the second.
    """
    traces = []
    modes = (mode, mode) if isinstance(mode, str) else mode
    for k, (label, runs) in enumerate(run_groups(run_colours, losses[-1])):
        w = 0 if k == 0 else 1
        trace = dict(
            type="scatter" if z is None else "scatter3d", x=join_runs(x, runs), y=join_runs(y, runs), mode=modes[w]
        )
        if z is not None:
            trace["z"] = join_runs(z, runs)
        trace["line"] = dict(color=run_colours[runs[0]], width=widths[w])
        if marker_sizes is not None:
            trace["marker"] = dict(size=marker_sizes[w])
        traces.append(dict(trace, **legend_group(label, True)))
    return traces


def _run_colours(colours) -> list[str]:
    return [palette.BLACK] + list(colours[1:])


def contour_figure(
    a,
    b,
    Z,
    region_index,
    region_labels,
    coords,
    losses,
    colours,
    steps,
    *,
    names=("w₁", "w₂"),
    stars=(),
    frame: int = -1,
    basins=None,
    title=None,
    height=720,
):
    """Contour of L over two parameters with pattern regions, GD paths and their animation.

    Parameters
    ----------
    a, b : ndarray (A,), (B,)
        Axis values.
    Z : ndarray (B, A)
        Loss on the grid.
    region_index : ndarray of int (B, A); region_labels : list of str
    coords : ndarray (T, R, 2)
        Recorded parameters of R runs (run 0 is the user's start).
    losses : ndarray (T, R)
    colours : list of str (R,)
    steps : ndarray (T,)
        GD step of each record.
    stars : sequence of (float, float)
        Global minima to mark.
    frame : int
        Record shown initially (-1: the last).
    basins : (ndarray (B', A'), ndarray, ndarray, list of (value, colour)), optional
        Final loss of GD from every start on a grid, drawn under the contour lines.
    """
    data = [_region_trace(a, b, region_index, region_labels)]
    if basins is not None:
        data += _basin_traces(*basins)
    finite = Z[np.isfinite(Z)]
    top = float(np.quantile(finite, 0.9)) if finite.size else 1.0
    data.append(
        dict(
            type="contour",
            x=a,
            y=b,
            z=np.round(Z, 6),
            name="loss",
            contours=dict(coloring="lines", start=0, end=top, size=max(top / 24, 1e-9)),
            colorscale=palette.SURFACE_SCALE,
            line=dict(width=1.4),
            colorbar=dict(title=dict(text="L", side="right"), thickness=14, len=0.8),
            hovertemplate=f"click: start GD here<br>{names[0]}=%{{x:.3f}}<br>{names[1]}=%{{y:.3f}}<br>L=%{{z:.4f}}"
            "<extra></extra>",
        )
    )
    T, R, _ = coords.shape
    run_colours = _run_colours(colours)
    data += _run_paths(run_colours, losses, coords[..., 0], coords[..., 1], widths=(3, 1.6), mode="lines")
    data.append(
        dict(
            type="scatter",
            x=coords[0, :, 0],
            y=coords[0, :, 1],
            mode="markers",
            name="starts",
            showlegend=False,
            marker=dict(symbol="circle-open", size=9, color=run_colours, line=dict(width=2)),
            hovertemplate="start (%{x:.2f}, %{y:.2f})<extra></extra>",
        )
    )
    data.append(
        dict(
            type="scatter",
            x=coords[-1, :, 0],
            y=coords[-1, :, 1],
            mode="markers+text",
            name="endpoints (final loss)",
            customdata=losses[-1],
            textposition="top right",
            text=_sparse_labels(coords[-1, :, 0], coords[-1, :, 1], losses[-1], a[-1] - a[0], b[-1] - b[0]),
            textfont=dict(size=11),
            marker=dict(symbol="x", size=10, color=run_colours),
            hovertemplate="end (%{x:.3f}, %{y:.3f})<br>loss %{customdata:.6g}<extra></extra>",
        )
    )
    if len(stars):
        s = np.asarray(stars, dtype=float).reshape(-1, 2)
        data.append(_star(s[:, 0], s[:, 1]))
    frames_at = frame_indices(T)
    shown = frames_at[-1] if frame < 0 else frames_at[np.abs(frames_at - frame).argmin()]
    head_index = len(data)
    data.append(dict(_heads(coords, losses, shown, steps), **_HEAD_STYLE, marker=dict(_HEAD_MARKER, color=run_colours)))
    # A frame holds only what moves; Plotly keeps the rest of the trace (its style) from the figure.
    frames = [dict(data=[_heads(coords, losses, t, steps)], traces=[head_index], name=str(t)) for t in frames_at]
    # The legend sits at the foot of the figure, under the player, and grows with the number of valleys.
    # The figure grows with it, so the plot keeps its height and the player (placed in fractions of the
    # plot's height) keeps its distance from the axis title and from the legend.
    names_shown = [t["name"] for t in data if t.get("type") == "scatter" and t.get("showlegend", True)]
    rows = legend_rows(names_shown)
    bottom = PLAYER_SPACE + LEGEND_ROW * rows
    height = height - 270 + bottom
    layout = dict(
        xaxis=dict(title=dict(text=names[0]), range=[a[0], a[-1]], zeroline=False),
        yaxis=dict(title=dict(text=names[1]), range=[b[0], b[-1]], zeroline=False),
        annotations=_region_labels(a, b, region_index, region_labels),
        dragmode="pan",
        uirevision="landscape",
        meta=CONTOUR_META,
        margin=dict(b=bottom),
        legend=dict(
            orientation="h",
            x=0,
            xanchor="left",
            y=0,
            yref="container",
            yanchor="bottom",
        ),
        **_player(frames_at, steps, shown),
    )
    return build(data, layout, frames, title=title, height=height, post_script=_FILE_SCRIPT)


def _sparse_labels(x, y, values, x_span: float, y_span: float) -> list[str]:
    """Loss labels for endpoints, each written once per spot: runs that end together would stack
    the same number on top of itself."""
    kept: list[tuple[float, float, str]] = []
    labels = []
    for xi, yi, v in zip(x, y, values):
        text = fmt(v)
        near = any(t == text and abs(xi - kx) < 0.05 * x_span and abs(yi - ky) < 0.05 * y_span for kx, ky, t in kept)
        labels.append("" if near else text)
        if not near:
            kept.append((xi, yi, text))
    return labels


PLAYER_SPACE = 200  # pixels under the contour for the axis title, the play buttons and the slider
LEGEND_ROW = 32  # pixels per legend row at the page's font size
LEGEND_WIDTH = 300  # pixels a horizontal legend wraps at: Plotly wraps at the plot's width, about 300 px for the
# contour in its half of the page


def legend_rows(names, width: float = LEGEND_WIDTH, font: float = 14) -> int:
    """Rows a horizontal Plotly legend takes for entries ``names``: each entry is its symbol (40 px) and its
    text (about 0.55 em a character), laid left to right and wrapped at ``width``."""
    rows, used = 1, 0.0
    for name in names:
        entry = 40 + 0.55 * font * len(name)
        if used and used + entry > width:
            rows, used = rows + 1, 0.0
        used += entry
    return rows


def _star(x, y, z=None) -> dict:
    marker = dict(
        symbol="star" if z is None else "diamond",
        size=18 if z is None else 7,
        color=palette.YELLOW,
        line=dict(color=palette.BLACK, width=1.5 if z is None else 2),
    )
    trace = dict(
        type="scatter" if z is None else "scatter3d",
        x=x,
        y=y,
        mode="markers",
        name="global minimum (convex)",
        marker=marker,
        hovertemplate="convex optimum (%{x:.3f}, %{y:.3f})<extra></extra>",
    )
    if z is not None:
        trace["z"] = z
    return trace


_HEAD_STYLE = dict(type="scatter", mode="markers", showlegend=False)
_HEAD_MARKER = dict(size=11, line=dict(color="white", width=1.5))


def _heads(coords, losses, t, steps) -> dict:
    """Where every run is at record ``t``: the part of the heads trace that each animation frame changes."""
    return dict(
        x=coords[t, :, 0],
        y=coords[t, :, 1],
        name=f"position at step {int(steps[t])}",
        customdata=losses[t],
        hovertemplate="step " + str(int(steps[t])) + ": loss %{customdata:.4f}<extra></extra>",
    )


#: Names of the player's buttons; frame_steps.js gives them (and the slider) their action.
STEP_BACK, STEP_FORWARD = "step back", "step forward"
STEP_NAMES = {
    "first": "first step",
    "back": STEP_BACK,
    "play": "play",
    "pause": "pause",
    "forward": STEP_FORWARD,
    "last": "last step",
}
#: ``wireFrameSteps(gd, Plotly, names)``: the player's actions, for the page and the HTML file.
FRAME_STEPS_JS = Path(__file__).with_name("frame_steps.js").read_text(encoding="utf-8")
# In a downloaded file the figure's div has the id Plotly writes for {plot_id}.
_FILE_SCRIPT = FRAME_STEPS_JS + (
    f"\nwireFrameSteps(document.getElementById('{{plot_id}}'), Plotly, {json.dumps(STEP_NAMES)});\n"
)
_LABELS = {"first": "|◀", "back": "◀", "play": "▶ Play", "pause": "❚❚", "forward": "▶", "last": "▶|"}


def _player(frames_at, steps, shown) -> dict:
    """One set of animation controls, all in the browser: first frame, one step back, play, pause, one step
    forward, last frame, and a slider over the recorded steps. Every control has the method "skip": the
    player of explorer/figures/frame_steps.js (on the page and in the downloaded file) shows each frame with
    one redraw, which keeps the landscape; Plotly's own animation would take the heatmap and contour off."""
    return dict(
        updatemenus=[
            dict(
                # Below the axis title, which sits about 0.1 of the plot height under the axis.
                type="buttons",
                direction="left",
                x=0.0,
                y=-0.16,
                xanchor="left",
                yanchor="top",
                showactive=False,
                font=dict(size=12),
                buttons=[
                    dict(label=_LABELS[k], method="skip", args=[None], name=name) for k, name in STEP_NAMES.items()
                ],
            )
        ],
        sliders=[
            dict(
                active=int(np.searchsorted(frames_at, shown)),
                x=0.0,
                y=-0.27,
                len=1.0,
                xanchor="left",
                currentvalue=dict(prefix="GD step ", font=dict(size=12)),
                pad=dict(t=0, b=0),
                steps=[dict(method="skip", label=str(int(steps[t])), args=[[str(t)]]) for t in frames_at],
            )
        ],
    )


def _basin_traces(bz, ba, bb, legend) -> list[dict]:
    """Colour every start by the valley GD reaches from it."""
    values = np.asarray([v for v, _ in legend])
    idx = np.abs(bz[..., None] - values[None, None, :]).argmin(-1)
    traces = [
        _categories(
            ba,
            bb,
            idx,
            [c for _, c in legend],
            opacity=0.45,
            name="basins of attraction",
            customdata=bz,
            hovertemplate="GD from here ends at loss %{customdata:.4f}<extra></extra>",
        )
    ]
    for v, c in legend:
        traces.append(
            dict(
                type="scatter",
                x=[None],
                y=[None],
                mode="markers",
                name=f"basin → loss {fmt(v)}",
                marker=dict(symbol="square", size=12, color=c, opacity=0.6),
            )
        )
    return traces


CAMERAS = {
    "iso": dict(eye=dict(x=1.5, y=-1.5, z=1.0)),
    "top": dict(eye=dict(x=0.0, y=0.0, z=2.4), up=dict(x=0, y=1, z=0)),
    "front": dict(eye=dict(x=0.0, y=-2.3, z=0.6)),
    "side": dict(eye=dict(x=2.3, y=0.0, z=0.6)),
}


def surface_figure(
    a,
    b,
    Z,
    coords=None,
    losses=None,
    colours=None,
    *,
    names=("w₁", "w₂"),
    stars=(),
    star_loss=None,
    camera="iso",
    title=None,
    height=720,
):
    """The loss as a 3-D surface, with the GD paths lying on it if ``coords`` (T, R, 2) are given.

    Without paths the figure depends only on the landscape (and the camera), so a change of the runs
    leaves it as it is on the page.
    """
    finite = Z[np.isfinite(Z)]
    cap = float(np.quantile(finite, 0.95)) if finite.size else 1.0
    Zc = np.round(np.minimum(Z, cap), 6)  # tall walls would flatten the valleys to nothing
    data = [
        dict(
            type="surface",
            x=a,
            y=b,
            z=Zc,
            colorscale=palette.SURFACE_SCALE,
            opacity=0.92,
            name="loss",
            colorbar=dict(title=dict(text="L"), thickness=14, len=0.7),
            contours=dict(z=dict(show=True, usecolormap=True, project=dict(z=True), width=1)),
            hovertemplate=f"{names[0]}=%{{x:.2f}}<br>{names[1]}=%{{y:.2f}}<br>L=%{{z:.4f}}<extra></extra>",
        )
    ]
    lift = 0.01 * max(cap, 1e-9)
    if coords is not None:
        run_colours = _run_colours(colours)
        z = np.minimum(losses, cap) + lift
        data += _run_paths(run_colours, losses, coords[..., 0], coords[..., 1], z, widths=(7, 4), mode="lines")
        data.append(
            dict(
                type="scatter3d",
                x=coords[-1, :, 0],
                y=coords[-1, :, 1],
                z=np.minimum(losses[-1], cap) + lift,
                mode="markers",
                marker=dict(size=4, color=run_colours),
                name="endpoints",
                hovertemplate="end: loss %{z:.4f}<extra></extra>",
            )
        )
    if len(stars) and star_loss is not None:
        s = np.asarray(stars, dtype=float).reshape(-1, 2)
        data.append(_star(s[:, 0], s[:, 1], np.full(len(s), star_loss + lift)))
    layout = dict(
        # Fixed ranges: a path that runs off (a diverging step) is clipped instead of rescaling the box.
        scene=dict(
            xaxis=dict(title=dict(text=names[0]), range=[a[0], a[-1]]),
            yaxis=dict(title=dict(text=names[1]), range=[b[0], b[-1]]),
            zaxis=dict(title=dict(text="L"), range=[0.0, 1.05 * cap + lift]),
            camera=CAMERAS[camera],
            aspectmode="manual",
            aspectratio=dict(x=1, y=1, z=0.6),
        ),
        legend=dict(orientation="h", x=0, y=0, xanchor="left", yanchor="top"),
        uirevision=camera,
    )
    if cap < float(finite.max(initial=cap)):
        layout["annotations"] = [
            dict(
                text=f"heights above {fmt(cap)} are cut off",
                x=0.01,
                y=0.01,
                xref="paper",
                yref="paper",
                showarrow=False,
                font=dict(size=11, color="#555555"),
            )
        ]
    return build(data, layout, title=title, height=height)


def curve_figure(
    a,
    Z,
    region_index,
    region_labels,
    coords,
    losses,
    colours,
    *,
    name="w",
    stars=(),
    star_loss=None,
    title=None,
    height=420,
):
    """One-parameter landscape L(w) with pattern intervals and the GD iterates on the curve."""
    shapes, notes = [], []
    for i, text in enumerate(region_labels):
        inside = a[region_index == i]
        if inside.size > 1:
            shapes.append(
                dict(
                    type="rect",
                    xref="x",
                    yref="paper",
                    x0=inside.min(),
                    x1=inside.max(),
                    y0=0,
                    y1=1,
                    fillcolor=palette.REGIONS[i % len(palette.REGIONS)],
                    opacity=0.7,
                    line_width=0,
                    layer="below",
                )
            )
            notes.append(
                dict(
                    x=float(inside.mean()),
                    y=0.98,
                    xref="x",
                    yref="paper",
                    text=text,
                    showarrow=False,
                    font=dict(size=11),
                    yanchor="top",
                )
            )
    # Near-invisible markers make the curve clickable (Streamlit reports clicks on points only).
    data = [
        dict(
            type="scatter",
            x=a,
            y=Z,
            mode="lines+markers",
            line=dict(color=palette.BLUE, width=2.5),
            marker=dict(size=8, opacity=0.01, color=palette.BLUE),
            name="L(w)",
            hovertemplate=f"click: start at {name}=%{{x:.3f}}<br>L=%{{y:.4f}}<extra></extra>",
        )
    ]
    run_colours = _run_colours(colours)
    data += _run_paths(
        run_colours, losses, coords[..., 0], losses, widths=(2, 1), marker_sizes=(5, 3), mode=("lines+markers", "lines")
    )
    data.append(
        dict(
            type="scatter",
            x=coords[-1, :, 0],
            y=losses[-1],
            mode="markers+text",
            customdata=losses[-1],
            text=_sparse_labels(coords[-1, :, 0], losses[-1], losses[-1], a[-1] - a[0], float(np.ptp(Z)) or 1.0),
            textposition="top center",
            marker=dict(symbol="x", size=10, color=run_colours),
            name="endpoints (final loss)",
            hovertemplate="end at %{x:.3f}: loss %{customdata:.6g}<extra></extra>",
        )
    )
    if len(stars) and star_loss is not None:
        s = np.asarray(stars, dtype=float).reshape(-1)
        data.append(_star(s, np.full(len(s), star_loss)))
    top = float(np.quantile(Z, 0.9))
    layout = dict(
        shapes=shapes,
        annotations=notes,
        clickmode="event+select",
        xaxis=dict(title=dict(text=name)),
        yaxis=dict(title=dict(text="L"), range=[min(0.0, float(Z.min())) - 0.05 * top, top]),
    )
    return build(data, layout, title=title, height=height)
