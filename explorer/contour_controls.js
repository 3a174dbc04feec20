// Hooks on the page's contour chart, found by its layout.meta (data.chart); nothing is drawn here.
//  * A click on the plot area (not a drag: that pans) sends its data coordinates as `pick`.
//  * The player's one-step buttons get their action (wireFrameSteps, from frame_steps.js).
//  * When an animation or a step ends on another frame, its name is sent as `frame`, so that the link
//    follows the frame shown.
// The chart stays across reruns (explorer/live_chart.py draws each new figure into it), and it is new
// after a view switch or where Streamlit draws it: the hooks are attached once to each chart found.
const SLOP_PX = 4;
const hooked = new WeakSet();
const pages = new WeakMap();

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  let page = pages.get(parentElement);
  if (!page) {
    page = watch(parentElement);
    pages.set(parentElement, page);
  }
  const run = (page.runs = (page.runs || 0) + 1);
  page.update(data, setStateValue);
  return () => {
    if (run !== page.runs) return; // the cleanup of a run a later one overtook: the hooks are still in use
    page.stop();
    pages.delete(parentElement);
  };
}

function watch(parentElement) {
  let cfg = null;
  let send = null;
  let shownFrame = null;
  let timer = null;

  function chart() {
    for (const gd of document.querySelectorAll(".js-plotly-plot")) {
      if (gd.layout && gd.layout.meta === cfg.chart && gd._fullLayout) return gd;
    }
    return null;
  }

  function round(v) {
    const f = Math.pow(10, cfg.decimals);
    return Math.round(v * f) / f;
  }

  function hook(gd) {
    hooked.add(gd);
    wireFrameSteps(gd, window.Plotly, cfg.steps);
    let down = null;
    gd.addEventListener(
      "mousedown",
      (e) => {
        const area = gd.querySelector(".nsewdrag");
        down = e.button === 0 && area && area.contains(e.target) ? { x: e.clientX, y: e.clientY, area } : null;
      },
      true,
    );
    // Plotly may put a cover over the page while the mouse is down: the release is caught on the window.
    window.addEventListener(
      "mouseup",
      (e) => {
        const start = down;
        down = null;
        if (!start || e.button !== 0 || e.detail > 1 || !gd.isConnected) return;
        if (Math.hypot(e.clientX - start.x, e.clientY - start.y) > SLOP_PX) return;
        const box = start.area.getBoundingClientRect();
        const { xaxis, yaxis } = gd._fullLayout;
        const x = xaxis.p2l(e.clientX - box.left);
        const y = yaxis.p2l(e.clientY - box.top);
        if (!Number.isFinite(x) || !Number.isFinite(y)) return;
        send("pick", { x: round(x), y: round(y), nonce: Date.now() });
      },
      true,
    );
    const report = () => {
      if (gd.dataset.liveChart === "waiting") return; // the old figure's frame, not the one the link holds
      const slider = (gd._fullLayout.sliders || [])[0];
      if (!slider || !slider.steps[slider.active]) return;
      const name = slider.steps[slider.active].args[0][0];
      if (name === shownFrame) return;
      shownFrame = name;
      send("frame", { frame: Number(name), nonce: Date.now() });
    };
    gd.on("plotly_animated", report);
    gd.on("plotly_animationinterrupted", report);
  }

  function scan() {
    const gd = cfg && chart();
    if (gd && !hooked.has(gd) && window.Plotly) {
      shownFrame = cfg.frame;
      hook(gd);
    }
  }

  return {
    update(data, setStateValue) {
      cfg = data;
      shownFrame = cfg.frame; // the frame the new figure opens on
      send = (name, value) => setStateValue(name, value);
      if (!timer) timer = setInterval(scan, 200);
      scan();
    },
    stop() {
      clearInterval(timer);
      timer = null;
    },
  };
}
