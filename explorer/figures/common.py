"""Shared look of every figure: white background, readable fonts, poster-resolution export."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from .. import palette

FONT = dict(family="Inter, Helvetica, Arial, sans-serif", size=14, color="#222222")
_TEMPLATE = pio.templates["plotly_white"].to_plotly_json()
# Powers of ten as 10⁻⁹ rather than SI prefixes ("1n", "100μ"), which read as units, on every axis.
for _axis in ("xaxis", "yaxis"):
    _TEMPLATE["layout"].setdefault(_axis, {})["exponentformat"] = "power"

# The modebar camera exports SVG at 3x, enough for an A0 poster panel.
EXPORT_CONFIG = {
    "displaylogo": False,
    "toImageButtonOptions": {"format": "svg", "scale": 3, "filename": "hidden-convex-figure"},
    # Selecting only dims points here (as in Streamlit's own charts, where it is off unless a chart reports a
    # selection); sharing uploads the chart to Plotly's cloud, and data a lecture or a user brought stays put.
    "modeBarButtonsToRemove": ["lasso2d", "select2d", "sendChartToCloud"],
}


def base_layout(title: str | None = None, height: int = 460) -> dict:
    """The layout every figure starts from."""
    return dict(
        template=_TEMPLATE,
        font=FONT,
        title=dict(text=title, x=0.01, xanchor="left", font=dict(size=16)) if title else None,
        height=height,
        margin=dict(l=60, r=20, t=50 if title else 20, b=50),
        legend=dict(bgcolor="rgba(255,255,255,0.8)", bordercolor="#dddddd", borderwidth=1),
        hoverlabel=dict(font_size=13),
    )


def style(fig: go.Figure, title: str | None = None, height: int = 460) -> go.Figure:
    """Apply the common look to a figure built trace by trace."""
    fig.update_layout(**base_layout(title, height))
    return fig


class PlainFigure(go.Figure):
    """A Plotly figure kept as its plain JSON-ready spec.

    A ``go.Figure`` turns every trace into validated objects and deep-copies them on ``to_dict()``,
    which Streamlit calls on every rerun: for an animated contour that is hundreds of milliseconds.
    This one hands out its spec as is, so a cached figure costs only its JSON encoding. It is
    read-only: the ``go.Figure`` methods that would change it raise instead of changing an empty
    figure behind the spec; ``validated()`` returns an ordinary, fully validated figure to change.
    """

    def __init__(self, spec: dict, post_script: str | None = None):
        super().__init__()
        self._spec = spec
        self._post_script = post_script

    @property
    def post_script(self) -> str | None:
        """JavaScript run after the figure is drawn in a downloaded HTML file (``{plot_id}``: its div's id)."""
        return self._post_script

    def _read_only(self, *args, **kwargs):
        raise TypeError("A PlainFigure is read-only: change its spec before build(), or call validated() first.")

    add_annotation = add_hline = add_shape = add_trace = add_traces = add_vline = _read_only
    update = update_layout = update_traces = update_xaxes = update_yaxes = _read_only

    def to_dict(self) -> dict:
        return self._spec

    def to_plotly_json(self) -> dict:
        return self._spec

    def validated(self) -> go.Figure:
        return go.Figure(self._spec)


def build(
    data: list[dict], layout: dict, frames: list[dict] | None = None, *, title=None, height=460, post_script=None
) -> go.Figure:
    """Assemble a figure from plain dicts (see :class:`PlainFigure`); ``post_script`` goes with its HTML file."""
    full = base_layout(title, height)
    for key, value in layout.items():
        if isinstance(value, dict) and isinstance(full.get(key), dict):
            full[key] = {**full[key], **value}
        else:
            full[key] = value
    spec = dict(data=data, layout=full)
    if frames:
        spec["frames"] = frames
    return PlainFigure(spec, post_script)


def data_points(x, y, **extra) -> dict:
    """The data as a scatter trace (black dots with a white rim), the same in every figure."""
    return dict(
        x=x,
        y=y,
        mode="markers",
        name="data",
        marker=dict(size=11, color=palette.BLACK, line=dict(color="white", width=1.5)),
        hovertemplate="x=%{x:.3f}<br>y=%{y:.3f}<extra>data</extra>",
        **extra,
    )


def legend_group(label: str, first: bool) -> dict:
    """Traces of one legend entry: named once, shown once, toggled together, no hover."""
    return dict(name=label, showlegend=first, legendgroup=label, hoverinfo="skip")


def outcome_colours(final_loss: np.ndarray, optimum: float, decimals: int = 4) -> tuple[np.ndarray, list[str]]:
    """Colour runs by the valley they end in: the global optimum green, others by increasing loss."""
    rounded = np.round(np.asarray(final_loss, dtype=float), decimals)
    levels = sorted(set(rounded.tolist()))
    colours = []
    for v in rounded:
        if abs(v - optimum) <= max(1e-4 * abs(optimum), 10.0**-decimals):
            colours.append(palette.GREEN)
        else:
            others = [lv for lv in levels if abs(lv - optimum) > max(1e-4 * abs(optimum), 10.0**-decimals)]
            colours.append(palette.OUTCOME[1 + others.index(v) % (len(palette.OUTCOME) - 1)])
    return rounded, colours


def run_names(colours, final_loss) -> list[tuple[str, bool]]:
    """Legend name of each run and whether it opens a legend entry: your start, then the random
    starts grouped by their colour (the valley they end in), e.g. "random starts → loss 1"."""
    out = [("GD from your start", True)]
    groups: dict[str, list[float]] = {}
    for c, v in zip(list(colours)[1:], list(final_loss)[1:]):
        groups.setdefault(c, []).append(float(v))
    seen = set()
    for c in list(colours)[1:]:
        levels = sorted({fmt(v) for v in groups[c]}, key=float)
        shown = levels if len(levels) <= 3 else levels[:2] + ["…"]
        out.append((f"random starts → loss {', '.join(shown)}", c not in seen))
        seen.add(c)
    return out


def run_groups(colours, final_loss) -> list[tuple[str, list[int]]]:
    """The runs as legend entries: your start alone, then the random starts by colour (the valley they end in).

    Returns ``(label, runs)`` pairs in order of first appearance; the names are those of :func:`run_names`.
    Figures draw one trace per group (runs joined by :func:`join_runs`), not one per run.
    """
    groups: dict[str, list[int]] = {}
    for r, (label, _) in enumerate(run_names(colours, final_loss)):
        groups.setdefault(label, []).append(r)
    return list(groups.items())


def join_runs(values, runs) -> np.ndarray:
    """Columns ``runs`` of ``values`` (T, R) one after the other, with a NaN between runs (a break in the line)."""
    values = np.asarray(values, dtype=float)
    out = np.full((len(runs), values.shape[0] + 1), np.nan)
    out[:, :-1] = values[:, list(runs)].T
    return out.ravel()[:-1]


def join_lines(x, ys) -> tuple[np.ndarray, np.ndarray]:
    """Curves over the same ``x`` (T,), one per column of ``ys`` (T, k), as one line with breaks: (x, y)."""
    ys = np.asarray(ys, dtype=float).reshape(len(x), -1)
    xs = np.broadcast_to(np.asarray(x, dtype=float)[:, None], ys.shape)
    every = range(ys.shape[1])
    return join_runs(xs, every), join_runs(ys, every)


def plural(count: int, noun: str) -> str:
    """'1 point', '2 points'."""
    return f"{count} {noun}" + ("" if count == 1 else "s")


def neurons(count: int) -> str:
    """'1 neuron', '2 neurons'."""
    return plural(count, "neuron")


def fmt(v: float) -> str:
    """Compact number for labels."""
    if abs(v) < 1e-10:
        return "0"  # solver round-off, not a value
    if abs(v) >= 1e4 or abs(v) < 1e-3:
        return f"{v:.2e}"
    return f"{v:.4g}"
