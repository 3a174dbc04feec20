// A Plotly chart that stays on the page across reruns: a new figure is drawn into the same plot with
// Plotly.react, which reuses its DOM (and any WebGL context), keeps the listeners attached to it and costs
// a fraction of drawing a new chart. A rerun that sends the same figure again changes nothing, so a zoom,
// a pan or a turned 3-D camera stays, as with Streamlit's own chart.
//
// data: UTF-8 JSON bytes of {figure: the Plotly figure, config: Plotly's config, alt: the accessible name,
//        plotly: the file name of Streamlit's own plotly.js module, next to the page's main script}.
// The plot carries data-live-chart="drawing" from the moment a new figure arrives until it is drawn, then
// "drawn" (or "failed", with a message in place of the plot). A new figure for a chart far out of view
// waits ("waiting") until the chart comes near the view (or the page is printed): a rerun then redraws
// only what the user can see, and a chart further down the page is drawn as it is scrolled to.
const charts = new WeakMap();
let plotlyLoad = null;

// The host re-runs this default export with the same parentElement whenever `data` changes and calls the
// last returned cleanup on unmount. It may also call the cleanup of a run that a later one overtook: only
// the latest run's cleanup removes the chart.
export default function (component) {
  const { data, parentElement } = component;
  let chart = charts.get(parentElement);
  if (!chart) {
    chart = createChart(parentElement);
    charts.set(parentElement, chart);
  }
  const run = ++chart.runs;
  chart.update(data);
  return () => {
    if (run !== chart.runs) return;
    chart.destroy();
    charts.delete(parentElement);
  };
}

// Streamlit ships plotly.js as one of its own modules and loads it for its charts; importing that same
// file (cached by the browser, shared with any chart Streamlit draws) sets window.Plotly.
function loadPlotly(file) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!plotlyLoad) {
    const main = document.querySelector('script[type="module"][src*="/static/js/"]');
    const base = main ? main.src : new URL("static/js/", document.baseURI).href;
    plotlyLoad = import(new URL(file, base).href).then(() => {
      if (!window.Plotly) throw new Error("plotly.js did not load");
      return window.Plotly;
    });
    plotlyLoad.catch(() => {
      plotlyLoad = null;
    });
  }
  return plotlyLoad;
}

const utf8 = new TextDecoder();
function text(bytes) {
  if (typeof bytes === "string") return bytes;
  if (bytes instanceof ArrayBuffer || ArrayBuffer.isView(bytes)) return utf8.decode(bytes);
  return JSON.stringify(bytes);
}

// Four corners: the modebar button that shows the chart on the whole screen (Esc leaves).
const FULL_SCREEN_ICON = {
  width: 1000,
  height: 1000,
  path: "M0 0h380v110H110v270H0zM620 0h380v380H890V110H620zM1000 620v380H620V890h270V620zM0 620h110v270h270v110H0z",
};

function newPlot(parent) {
  const gd = document.createElement("div");
  gd.className = "live-chart";
  gd.style.width = "100%";
  parent.appendChild(gd);
  return gd;
}

function createChart(parent) {
  let gd = newPlot(parent);
  let shown = null; // the last figure drawn, kept to redraw it at another size
  let latest = null; // the text of the newest figure received

  const fullScreen = () => document.fullscreenElement === gd;
  function toggleFullScreen() {
    if (fullScreen()) document.exitFullscreen();
    else gd.requestFullscreen().catch(() => {});
  }
  // The plot is as wide as its column and as tall as its figure says; on the whole screen, the screen's size.
  // (Plotly's own autosize would also take the height from the container, which is whatever it was before.)
  function sized(layout) {
    if (fullScreen()) return { ...layout, width: window.innerWidth, height: window.innerHeight };
    return { ...layout, width: parent.clientWidth || undefined };
  }
  // Where the page may not take the whole screen (a frame without the permission), there is no button.
  function withFullScreenButton(config) {
    if (config.displayModeBar === false || !document.fullscreenEnabled) return config;
    const button = { name: "fullscreen", title: "Full screen (Esc to leave)", icon: FULL_SCREEN_ICON, click: toggleFullScreen };
    return { ...config, modeBarButtonsToAdd: [...(config.modeBarButtonsToAdd || []), button] };
  }
  function onFullScreenChange() {
    gd.style.background = fullScreen() ? "white" : "";
    resized();
  }
  // Only the size changes: the frame the player shows stays.
  function resized() {
    if (!shown || !window.Plotly || !gd._fullLayout) return;
    const { width, height } = sized(shown.layout);
    if (width === gd._fullLayout.width && (height ?? gd._fullLayout.height) === gd._fullLayout.height) return;
    window.Plotly.relayout(gd, { width: width ?? null, height: height ?? null });
  }
  document.addEventListener("fullscreenchange", onFullScreenChange);

  // A figure that cannot be drawn leaves a message on a fresh element: the next figure starts clean, and
  // whatever hooked the old plot (its listeners are gone with it) finds a new one.
  function fail(error) {
    const message = newPlot(parent);
    gd.replaceWith(message);
    gd = message;
    shown = null;
    gd.dataset.liveChart = "failed";
    gd.textContent = `This chart could not be drawn: ${error && error.message ? error.message : error}`;
  }

  let pending = null; // the latest figure not yet drawn
  let drawing = false;
  let gone = false;
  let frame = 0;

  async function drawAll() {
    drawing = true;
    while (pending && !gone) {
      const data = pending;
      pending = null;
      try {
        const Plotly = await loadPlotly(data.plotly);
        if (gone) break;
        const figure = data.figure;
        if (gd.dataset.liveChart === "failed") gd.textContent = "";
        if (data.alt) {
          // A figure, not an image: a screen reader still reaches the text inside it (legend, labels).
          gd.setAttribute("role", "figure");
          gd.setAttribute("aria-label", data.alt);
        } else {
          gd.removeAttribute("role");
          gd.removeAttribute("aria-label");
        }
        shown = {
          data: figure.data || [],
          layout: figure.layout || {},
          frames: figure.frames || [],
          config: withFullScreenButton(data.config || {}),
        };
        await Plotly.react(gd, { ...shown, layout: sized(shown.layout) });
        // Plotly.react starts over with newPlot when the config changed, and that drops the frames.
        const kept = (gd._transitionData && gd._transitionData._frames) || [];
        if (shown.frames.length && !kept.length) await Plotly.addFrames(gd, shown.frames);
        gd.dataset.liveChart = pending ? "drawing" : "drawn";
      } catch (error) {
        if (window.Plotly && gd._fullLayout) window.Plotly.purge(gd);
        fail(error);
      }
    }
    drawing = false;
  }

  // Near the view: within half a screen of it, so that a chart is drawn before it is scrolled into sight.
  let near = true; // until the first observation says otherwise
  function drawWaiting() {
    if (!pending || drawing || gone) return;
    gd.dataset.liveChart = "drawing";
    drawAll();
  }
  // The page scrolls inside Streamlit's main container: that is the root, so the margin applies in every
  // browser (a margin on the viewport would not reach past the container's clip without scrollMargin, which
  // on the container itself would add to the root's margin).
  const main = parent.closest("[data-testid='stMain']");
  const view = new IntersectionObserver(
    (entries) => {
      near = entries[entries.length - 1].isIntersecting;
      if (near) drawWaiting();
    },
    main ? { root: main, rootMargin: "50% 0px" } : { rootMargin: "50% 0px", scrollMargin: "50% 0px" },
  );
  view.observe(parent);
  window.addEventListener("beforeprint", drawWaiting);

  // The plot follows its column's width (the sidebar opening, a window resize), once per animation frame.
  const resize = new ResizeObserver(() => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      if (!gone) resized();
    });
  });
  resize.observe(parent);

  return {
    runs: 0,
    update(bytes) {
      const figure = text(bytes);
      if (figure === latest) return; // the same figure again: nothing to redraw, the user's view stays
      latest = figure;
      try {
        pending = JSON.parse(figure);
      } catch (error) {
        pending = null;
        fail(error);
        return;
      }
      // The first figure is always drawn: it gives the chart its place on the page.
      if (drawing) gd.dataset.liveChart = "drawing"; // the running draw takes it next
      else if (near || !shown || fullScreen()) drawWaiting();
      else {
        gd.dataset.liveChart = "waiting";
        // Whatever runs on the old figure (the contour's player) stops: it would report a stale frame.
        if (gd.emit) gd.emit("live_chart_waiting");
      }
    },
    destroy() {
      gone = true;
      resize.disconnect();
      view.disconnect();
      window.removeEventListener("beforeprint", drawWaiting);
      document.removeEventListener("fullscreenchange", onFullScreenChange);
      if (fullScreen()) document.exitFullscreen();
      if (frame) cancelAnimationFrame(frame);
      if (window.Plotly && gd._fullLayout) window.Plotly.purge(gd);
      gd.remove();
    },
  };
}
