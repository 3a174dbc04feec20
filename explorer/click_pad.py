"""A click pad for placing data points on a 2-D plane.

``click_pad`` is a Streamlit v2 custom component with inline HTML, CSS and
JavaScript: no npm, no build step, nothing fetched at run time.  It draws an
SVG plot, and the user adds points by clicking, moves them by dragging and
deletes them with shift-click or right-click.

How the two sides talk
----------------------
Python sends everything the pad draws as the component's ``data``.  The
browser answers with one state value, ``edit``::

    st.session_state[key] == {"edit": {"points": [[x, y], ...], "nonce": 7}}

``edit`` is ``None`` until the first edit.  State values persist across
reruns, so every edit carries a fresh ``nonce``; the wrapper remembers the
last nonce it returned and hands each edit to the caller exactly once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import streamlit as st

__all__ = ["OKABE_ITO", "click_pad", "peek_edit"]

#: Okabe–Ito palette: distinguishable under the common colour-vision deficiencies.
OKABE_ITO = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "sky_blue": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
}

_MODES = {"xy": 2, "plane": 3}

_HTML = """
<div class="click-pad">
  <svg class="click-pad-plot" role="img" aria-label="click pad"></svg>
  <div class="click-pad-hint"></div>
</div>
"""

# The theme reaches the shadow root through inherited --st-* custom properties.
_CSS = """
.click-pad {
  width: 100%;
  font-family: var(--st-font, sans-serif);
  color: var(--st-text-color, #31333f);
}
.click-pad-plot {
  display: block;
  width: 100%;
  cursor: crosshair;
  /* Without this a touch drag scrolls the page instead of moving the point. */
  touch-action: none;
  user-select: none;
  -webkit-user-select: none;
}
.click-pad-plot text { fill: currentColor; font-size: 13px; }
.click-pad-plot .title { font-size: 15px; font-weight: 600; }
.click-pad-plot .axis-label { font-size: 13px; font-style: italic; }
.click-pad-plot .frame { fill: none; stroke: currentColor; stroke-opacity: 0.45; }
.click-pad-plot .grid { stroke: currentColor; stroke-opacity: 0.12; }
.click-pad-plot .zero { stroke: currentColor; stroke-opacity: 0.35; }
.click-pad-plot .point { cursor: grab; stroke-width: 1.5; }
.click-pad-plot .point.dragging { cursor: grabbing; }
.click-pad-plot .point-label { font-size: 12px; pointer-events: none; }
.click-pad-plot .curve { fill: none; stroke-width: 2; pointer-events: none; }
.click-pad-hint { font-size: 0.8rem; opacity: 0.7; margin-top: 0.15rem; }
"""

_JS = r"""
const SVG_NS = "http://www.w3.org/2000/svg";
const BLUE = "#0072B2";
const ORANGE = "#E69F00";
const GREY = "#999999";
// A pointer that travels less than this between press and release is a click.
const CLICK_SLOP_PX = 4;
const MARGIN = { left: 52, right: 14, bottom: 40 };

// The host re-runs this module's default export with the same parentElement
// whenever `data` changes, and only calls the last returned cleanup on
// unmount.  One pad per parentElement keeps listeners from piling up.
const pads = new WeakMap();
let clipCounter = 0;

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  let pad = pads.get(parentElement);
  if (!pad) {
    pad = createPad(parentElement);
    pads.set(parentElement, pad);
  }
  pad.update(data, setStateValue);
  return () => {
    pad.destroy();
    pads.delete(parentElement);
  };
}

function el(tag, attrs, parent) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    node.setAttribute(name, String(value));
  }
  if (parent) parent.appendChild(node);
  return node;
}

function niceTicks(lo, hi, count) {
  const raw = (hi - lo) / Math.max(count, 1);
  const magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw);
  const ticks = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) {
    ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  }
  return { ticks, step };
}

function formatTick(v, step) {
  const decimals = Math.max(0, Math.ceil(-Math.log10(step) - 1e-9));
  return v.toFixed(Math.min(decimals, 6)).replace(/^-(0\.?0*)$/, "$1");
}

function decimalsFor(span) {
  // A thousandth of the axis span is finer than a pixel and keeps values tidy.
  return Math.min(10, Math.max(0, Math.ceil(-Math.log10(span / 1000))));
}

function round(v, decimals) {
  const f = Math.pow(10, decimals);
  return Math.round(v * f) / f;
}

function formatLabel(v) {
  return (v > 0 ? "+" : "") + Number(v.toFixed(2));
}

function createPad(parentElement) {
  const root = parentElement.querySelector(".click-pad");
  const svg = root.querySelector(".click-pad-plot");
  const hint = root.querySelector(".click-pad-hint");
  const clipId = `click-pad-clip-${++clipCounter}`;

  let cfg = null;
  let send = null;
  let points = [];
  let width = root.clientWidth || 480;
  let scale = null;
  let drag = null;
  let press = null;
  let counter = 0;
  let lastSent = 0;

  function plotBox() {
    const top = cfg.title ? 30 : 12;
    return {
      left: MARGIN.left,
      top,
      right: width - MARGIN.right,
      bottom: cfg.height - MARGIN.bottom,
    };
  }

  function makeScale() {
    const box = plotBox();
    const [x0, x1] = cfg.x_range;
    const [y0, y1] = cfg.y_range;
    const kx = (box.right - box.left) / (x1 - x0);
    const ky = (box.bottom - box.top) / (y1 - y0);
    return {
      box,
      px: (x) => box.left + (x - x0) * kx,
      py: (y) => box.bottom - (y - y0) * ky,
      dx: (px) => x0 + (px - box.left) / kx,
      dy: (py) => y0 + (box.bottom - py) / ky,
    };
  }

  function pointColor(p, i) {
    if (cfg.colors && cfg.colors[i]) return cfg.colors[i];
    if (cfg.mode === "xy") return BLUE;
    return p[2] > 0 ? ORANGE : p[2] < 0 ? BLUE : GREY;
  }

  function pointOpacity(p) {
    if (cfg.mode === "xy") return 0.85;
    const biggest = Math.max(
      Math.abs(cfg.new_label),
      ...points.map((q) => Math.abs(q[2])),
      1e-12,
    );
    return 0.2 + 0.8 * (Math.abs(p[2]) / biggest);
  }

  function describe(p, i) {
    const name = cfg.labels && cfg.labels[i] ? `${cfg.labels[i]}: ` : "";
    if (cfg.mode === "xy") return `${name}x = ${p[0]}, y = ${p[1]}`;
    return `${name}x₁ = ${p[0]}, x₂ = ${p[1]}, label = ${p[2]}`;
  }

  function drawAxes(box) {
    const { ticks: xt, step: xs } = niceTicks(cfg.x_range[0], cfg.x_range[1], (box.right - box.left) / 80);
    const { ticks: yt, step: ys } = niceTicks(cfg.y_range[0], cfg.y_range[1], (box.bottom - box.top) / 45);
    const axes = el("g", { class: "axes" }, svg);
    for (const v of xt) {
      const x = scale.px(v);
      el("line", { class: v === 0 ? "zero" : "grid", x1: x, x2: x, y1: box.top, y2: box.bottom }, axes);
      el("line", { class: "frame", x1: x, x2: x, y1: box.bottom, y2: box.bottom + 4 }, axes);
      el("text", { x, y: box.bottom + 16, "text-anchor": "middle" }, axes).textContent = formatTick(v, xs);
    }
    for (const v of yt) {
      const y = scale.py(v);
      el("line", { class: v === 0 ? "zero" : "grid", x1: box.left, x2: box.right, y1: y, y2: y }, axes);
      el("line", { class: "frame", x1: box.left - 4, x2: box.left, y1: y, y2: y }, axes);
      el("text", { x: box.left - 7, y: y + 4, "text-anchor": "end" }, axes).textContent = formatTick(v, ys);
    }
    el("rect", {
      class: "frame", x: box.left, y: box.top,
      width: box.right - box.left, height: box.bottom - box.top,
    }, axes);
    const [xName, yName] = cfg.mode === "xy" ? ["x", "y"] : ["x₁", "x₂"];
    el("text", { class: "axis-label", x: (box.left + box.right) / 2, y: cfg.height - 6, "text-anchor": "middle" }, axes)
      .textContent = xName;
    el("text", {
      class: "axis-label", x: 14, y: (box.top + box.bottom) / 2, "text-anchor": "middle",
      transform: `rotate(-90 14 ${(box.top + box.bottom) / 2})`,
    }, axes).textContent = yName;
    if (cfg.title) {
      el("text", { class: "title", x: box.left, y: 19 }, axes).textContent = cfg.title;
    }
  }

  function drawCurves(box) {
    const layer = el("g", { "clip-path": `url(#${clipId})` }, svg);
    const legend = [];
    for (const curve of cfg.curves) {
      // Non-finite samples (sent as null) split the line instead of bending it.
      let run = [];
      const runs = [run];
      curve.x.forEach((x, i) => {
        const y = curve.y[i];
        if (x === null || y === null) {
          run = [];
          runs.push(run);
        } else {
          run.push(`${scale.px(x).toFixed(1)},${scale.py(y).toFixed(1)}`);
        }
      });
      for (const r of runs.filter((r) => r.length > 1)) {
        el("polyline", {
          class: "curve", points: r.join(" "), stroke: curve.color,
          "stroke-dasharray": curve.dash ? "6 4" : "none",
        }, layer);
      }
      if (curve.name) legend.push(curve);
    }
    if (!legend.length) return;
    // A light backing keeps the legend readable where a curve or a point passes under it.
    const group = el("g", { class: "legend" }, svg);
    const backing = el("rect", { fill: "white", "fill-opacity": 0.85, rx: 3 }, group);
    const items = el("g", {}, group);
    legend.forEach((curve, i) => {
      const y = box.top + 14 + i * 16;
      const x = box.right - 8;
      el("line", {
        class: "curve", x1: x - 22, x2: x, y1: y - 4, y2: y - 4, stroke: curve.color,
        "stroke-dasharray": curve.dash ? "6 4" : "none",
      }, items);
      el("text", { x: x - 27, y, "text-anchor": "end" }, items).textContent = curve.name;
    });
    let b;
    try {
      b = items.getBBox();  // needs the svg in the document; without it, no backing
    } catch (err) {
      return;
    }
    backing.setAttribute("x", b.x - 4);
    backing.setAttribute("y", b.y - 2);
    backing.setAttribute("width", b.width + 8);
    backing.setAttribute("height", b.height + 4);
  }

  function drawPoints() {
    const layer = el("g", { class: "points", "clip-path": `url(#${clipId})` }, svg);
    points.forEach((p, i) => {
      const g = el("g", { "data-index": i }, layer);
      const color = pointColor(p, i);
      el("circle", {
        class: "point", cx: scale.px(p[0]), cy: scale.py(p[1]), r: 7,
        fill: color, "fill-opacity": pointOpacity(p), stroke: color,
      }, g);
      el("title", {}, g).textContent = describe(p, i);
      if (cfg.labels && cfg.labels[i]) {
        el("text", { class: "point-label", x: scale.px(p[0]) + 9, y: scale.py(p[1]) - 8 }, g)
          .textContent = cfg.labels[i];
      }
    });
  }

  function render() {
    if (!cfg) return;
    svg.replaceChildren();
    svg.setAttribute("viewBox", `0 0 ${width} ${cfg.height}`);
    svg.setAttribute("height", cfg.height);
    scale = makeScale();
    const box = scale.box;
    const clip = el("clipPath", { id: clipId }, el("defs", {}, svg));
    // Points sit on the frame when at the range limits; keep them whole.
    el("rect", {
      x: box.left - 8, y: box.top - 8,
      width: box.right - box.left + 16, height: box.bottom - box.top + 16,
    }, clip);
    drawAxes(box);
    if (cfg.mode === "xy") drawCurves(box);
    drawPoints();
    const base = "click to add · drag to move · shift-click to delete";
    hint.textContent = cfg.mode === "plane"
      ? `${base} · new points get label ${formatLabel(cfg.new_label)}`
      : base;
  }

  function toData(event) {
    const rect = svg.getBoundingClientRect();
    // The viewBox matches the layout width, but guard against CSS zoom.
    const k = width / rect.width;
    const px = (event.clientX - rect.left) * k;
    const py = (event.clientY - rect.top) * k;
    const { box } = scale;
    const inside = px >= box.left && px <= box.right && py >= box.top && py <= box.bottom;
    const clamp = (v, [lo, hi]) => Math.min(hi, Math.max(lo, v));
    return {
      inside,
      x: round(clamp(scale.dx(px), cfg.x_range), decimalsFor(cfg.x_range[1] - cfg.x_range[0])),
      y: round(clamp(scale.dy(py), cfg.y_range), decimalsFor(cfg.y_range[1] - cfg.y_range[0])),
    };
  }

  function commit() {
    counter = Math.max(counter, cfg.ack) + 1;
    lastSent = counter;
    send("edit", { points: points.map((p) => p.slice()), nonce: counter });
    render();
  }

  function pointIndex(event) {
    const g = event.target.closest && event.target.closest("[data-index]");
    return g ? Number(g.getAttribute("data-index")) : -1;
  }

  function remove(index) {
    points.splice(index, 1);
    commit();
  }

  function onPointerDown(event) {
    if (!cfg || event.button !== 0) return;
    const index = pointIndex(event);
    if (index >= 0 && event.shiftKey) {
      event.preventDefault();
      remove(index);
      return;
    }
    svg.setPointerCapture(event.pointerId);
    if (index >= 0) {
      event.preventDefault();
      drag = { index, x: event.clientX, y: event.clientY, moved: false };
      svg.querySelector(`[data-index="${index}"] circle`).classList.add("dragging");
    } else if (!event.shiftKey) {
      press = { x: event.clientX, y: event.clientY };
    }
  }

  function onPointerMove(event) {
    if (!drag) return;
    const far = Math.hypot(event.clientX - drag.x, event.clientY - drag.y) > CLICK_SLOP_PX;
    if (!drag.moved && !far) return;
    drag.moved = true;
    const { x, y } = toData(event);
    const p = points[drag.index];
    p[0] = x;
    p[1] = y;
    const g = svg.querySelector(`[data-index="${drag.index}"]`);
    const circle = g.querySelector("circle");
    circle.setAttribute("cx", scale.px(x));
    circle.setAttribute("cy", scale.py(y));
    const label = g.querySelector("text");
    if (label) {
      label.setAttribute("x", scale.px(x) + 9);
      label.setAttribute("y", scale.py(y) - 8);
    }
  }

  function onPointerUp(event) {
    if (drag) {
      const moved = drag.moved;
      drag = null;
      if (moved) commit();
      else render();
    } else if (press) {
      const still = Math.hypot(event.clientX - press.x, event.clientY - press.y) <= CLICK_SLOP_PX;
      press = null;
      const at = toData(event);
      if (still && at.inside) {
        points.push(cfg.mode === "xy" ? [at.x, at.y] : [at.x, at.y, cfg.new_label]);
        commit();
      }
    }
  }

  function onPointerCancel() {
    press = null;
    if (drag) {
      drag = null;
      points = cfg.points.map((p) => p.slice());
      render();
    }
  }

  function onContextMenu(event) {
    const index = pointIndex(event);
    if (index < 0 || !cfg) return;
    event.preventDefault();
    remove(index);
  }

  svg.addEventListener("pointerdown", onPointerDown);
  svg.addEventListener("pointermove", onPointerMove);
  svg.addEventListener("pointerup", onPointerUp);
  svg.addEventListener("pointercancel", onPointerCancel);
  svg.addEventListener("contextmenu", onContextMenu);

  const resize = new ResizeObserver(() => {
    const w = root.clientWidth;
    if (w > 0 && w !== width) {
      width = w;
      if (!drag) render();
    }
  });
  resize.observe(root);

  return {
    update(data, setStateValue) {
      // An ack going backwards means Python's state was reset: start over.
      if (cfg && data.ack < cfg.ack) lastSent = data.ack;
      cfg = data;
      send = setStateValue;
      // While an edit is still on its way to Python, an older rerun's points
      // would briefly undo it on screen.
      if (!drag && cfg.ack >= lastSent) {
        points = cfg.points.map((p) => p.slice());
      }
      if (!drag) render();
    },
    destroy() {
      resize.disconnect();
      svg.removeEventListener("pointerdown", onPointerDown);
      svg.removeEventListener("pointermove", onPointerMove);
      svg.removeEventListener("pointerup", onPointerUp);
      svg.removeEventListener("pointercancel", onPointerCancel);
      svg.removeEventListener("contextmenu", onContextMenu);
    },
  };
}
"""

_component = st.components.v2.component("click_pad", html=_HTML, css=_CSS, js=_JS)


def _noop() -> None:
    """Registering a change callback is what makes ``edit`` a state key."""


def _finite_or_none(value: Any) -> float | None:
    # JSON has no NaN/Infinity; JavaScript's JSON.parse rejects them.
    v = float(value)
    return v if math.isfinite(v) else None


def _as_range(name: str, value: Sequence[float]) -> list[float]:
    lo, hi = (float(v) for v in value)
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError(f"{name} must be two finite numbers with lo < hi, got {value!r}")
    return [lo, hi]


def _as_points(points: Any, dim: int) -> list[list[float]] | None:
    """Rows of ``dim`` finite floats, or None if ``points`` is not that shape."""
    try:
        rows = [[float(v) for v in row] for row in points]
    except (TypeError, ValueError):
        return None
    if any(len(r) != dim or not all(math.isfinite(v) for v in r) for r in rows):
        return None
    return rows


def _as_curves(curves: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for i, curve in enumerate(curves):
        xs, ys = list(curve["x"]), list(curve["y"])
        if len(xs) != len(ys):
            raise ValueError(f"curves[{i}] has {len(xs)} x values but {len(ys)} y values")
        out.append(
            {
                "x": [_finite_or_none(v) for v in xs],
                "y": [_finite_or_none(v) for v in ys],
                "color": str(curve.get("color", OKABE_ITO["vermillion"])),
                "name": str(curve.get("name", "")),
                "dash": bool(curve.get("dash", False)),
            }
        )
    return out


def _per_point(values: Sequence[str] | None, n: int) -> list[str] | None:
    # After an add or delete the caller's per-point styling no longer lines up.
    return [str(v) for v in values] if values is not None and len(values) == n else None


def _ack(nonce: Any) -> int:
    return nonce if isinstance(nonce, int) and not isinstance(nonce, bool) else 0


def _latest_edit(key: str, dim: int) -> tuple[Any, list[list[float]] | None] | None:
    """``(nonce, points)`` of the browser's latest edit; points None if malformed."""
    state = st.session_state.get(key)
    edit = state.get("edit") if isinstance(state, Mapping) else None
    if not isinstance(edit, Mapping) or "nonce" not in edit:
        return None
    rows = edit.get("points")
    return edit["nonce"], _as_points(rows, dim) if isinstance(rows, list) else None


def peek_edit(key: str, mode: str = "xy") -> list[list[float]] | None:
    """The edit ``click_pad(..., key=key)`` will return on this run, without consuming it.

    Lets a page apply the user's edit before it computes anything, so that the figures drawn on this
    very run already show the new points (no second run).
    """
    latest = _latest_edit(key, _MODES[mode])
    if latest is None or latest[0] == st.session_state.get(f"_click_pad_seen:{key}"):
        return None
    return latest[1]


def click_pad(
    points: Sequence[Sequence[float]],
    *,
    x_range: Sequence[float],
    y_range: Sequence[float],
    key: str,
    mode: str = "xy",
    height: int = 320,
    colors: Sequence[str] | None = None,
    labels: Sequence[str] | None = None,
    title: str | None = None,
    new_label: float = 1.0,
    curves: Sequence[Mapping[str, Any]] | None = None,
) -> list[list[float]] | None:
    """Show an editable scatter of points and return the user's edit.

    Click on empty space to add a point, drag a point to move it (sent when
    the button is released), shift-click or right-click a point to delete it.
    Coordinates are data coordinates, clamped to the axis ranges and rounded
    to a thousandth of the axis span.

    Parameters
    ----------
    points : sequence of sequences of float
        The points to show.  ``mode="xy"``: ``[x, y]`` pairs (input, label of a
        1-D regression set).  ``mode="plane"``: ``[x1, x2, label]`` triples.
        Keep the returned list and pass it back here on later reruns: the
        pad draws what it is given, except on the rerun that returns an
        edit, where it already draws the edited points.
    x_range, y_range : pair of float
        Axis limits ``(lo, hi)``; for ``mode="plane"`` these are the x1 and
        x2 axes.
    key : str
        Unique widget key.  Required, because the pad's state lives under it.
    mode : {"xy", "plane"}, default "xy"
        ``"plane"`` shows 2-D inputs coloured by label: blue for negative,
        orange for positive, more opaque for larger ``|label|``.
    height : int, default 320
        Height of the plot in pixels.  The width follows the container.
    colors : sequence of str, optional
        One CSS colour per point, overriding the default colouring.
    labels : sequence of str, optional
        One short text per point, drawn next to it and shown on hover.
    title : str, optional
        Title drawn above the plot.
    new_label : float, default 1.0
        Label given to points added by a click in ``mode="plane"``.
    curves : sequence of mapping, optional
        Lines drawn over the plot in ``mode="xy"``, e.g. the network output
        f(x).  Each is ``{"x": [...], "y": [...], "color": "#hex",
        "name": str, "dash": bool}``; only ``x`` and ``y`` are required.
        Non-finite values break the line.  A ``name`` adds a legend entry.

    Returns
    -------
    list of list of float or None
        The complete new point list (rows of 2 or 3 floats, as ``points``)
        on the one rerun that follows a user edit; ``None`` on every other
        rerun.  Each edit is returned exactly once.

    Notes
    -----
    ``st.session_state[key]`` holds ``{"edit": None}`` before the first
    edit and ``{"edit": {"points": [...], "nonce": n}}`` afterwards, where
    ``n`` changes with every edit.  Assigning such a dict to
    ``st.session_state[key]`` (for example from ``AppTest``) before the pad
    runs behaves like a user edit when its nonce is new.

    Examples
    --------
    >>> if "pts" not in st.session_state:
    ...     st.session_state.pts = [[-1.0, 1.0], [1.0, 2.0]]
    >>> new = click_pad(st.session_state.pts, x_range=(-2, 2), y_range=(-1, 3), key="pad")
    >>> if new is not None:
    ...     st.session_state.pts = new
    """
    if mode not in _MODES:
        raise ValueError(f"mode must be one of {sorted(_MODES)}, got {mode!r}")
    dim = _MODES[mode]
    rows = _as_points(points, dim)
    if rows is None:
        raise ValueError(f"mode={mode!r} needs points as rows of {dim} finite numbers")
    for name, per_point in (("colors", colors), ("labels", labels)):
        if per_point is not None and len(per_point) != len(rows):
            raise ValueError(f"{name} has {len(per_point)} entries for {len(rows)} points")
    if curves and mode != "xy":
        raise ValueError("curves are only drawn in mode='xy'")
    ranges = _as_range("x_range", x_range), _as_range("y_range", y_range)
    overlay = _as_curves(curves or [])

    seen_key = f"_click_pad_seen:{key}"
    seen = st.session_state.get(seen_key)
    latest = _latest_edit(key, dim)
    fresh = latest is not None and latest[0] != seen
    new_points = latest[1] if fresh else None
    # Draw the edit right away, so the pad does not flash the old points
    # while the caller stores the new ones.
    shown = new_points if new_points is not None else rows
    data = {
        "mode": mode,
        "points": shown,
        "x_range": ranges[0],
        "y_range": ranges[1],
        "height": int(height),
        "colors": _per_point(colors, len(shown)),
        "labels": _per_point(labels, len(shown)),
        "title": title,
        "new_label": float(new_label),
        "curves": overlay,
        # Tells the browser which edits Python has seen; see the JS update().
        "ack": _ack(latest[0] if fresh else seen),
    }
    _component(
        key=key,
        data=data,
        default={"edit": None},
        height="content",
        on_edit_change=_noop,
    )
    if fresh:
        # Marked only now: a run interrupted while mounting must deliver the
        # edit again.  A malformed edit is consumed too, so it cannot come back.
        st.session_state[seen_key] = latest[0]
    return new_points

