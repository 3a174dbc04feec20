const SVG_NS = "http://www.w3.org/2000/svg";
// PALETTE is defined by click_pad.py from explorer/palette.py, the colours of every figure.
const { BLUE, ORANGE, GREY } = PALETTE;
// A pointer that travels less than this between press and release is a click.
const CLICK_SLOP_PX = 4;
const MARGIN = { left: 52, right: 14, bottom: 40 };

// The host re-runs this module's default export with the same parentElement
// whenever `data` changes, and calls the last returned cleanup on unmount (it
// may also call the cleanup of a run that a later one overtook, which leaves
// the pad alone).  One pad per parentElement keeps listeners from piling up.
const pads = new WeakMap();
let clipCounter = 0;

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  let pad = pads.get(parentElement);
  if (!pad) {
    pad = createPad(parentElement);
    pads.set(parentElement, pad);
  }
  const run = (pad.runs = (pad.runs || 0) + 1);
  pad.update(data, setStateValue);
  return () => {
    if (run !== pad.runs) return; // the cleanup of a run a later one overtook: the pad is still in use
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
