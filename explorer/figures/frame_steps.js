// The player of an animated figure: its buttons (first, one step back, play, pause, one step forward, last)
// and its slider do nothing by themselves (method "skip"); this function gives them their action, in the
// browser. A frame is shown with Plotly.update on the traces it names: one redraw of the whole plot, so the
// heatmap and contour layers stay (Plotly.animate's quick path takes them off the plot, and with a redraw
// after each transition they flicker). When the player stops on a frame the figure emits
// "plotly_animated", so that a page can follow the frame shown.
// Used by the page (explorer/contour_controls.js) and by the figure's downloaded HTML file.
function wireFrameSteps(gd, Plotly, names) {
  if (!gd || !gd.on || gd.__frameSteps) return;
  gd.__frameSteps = true;
  const PERIOD_MS = 80;
  let timer = null;
  let busy = false;

  const frames = () => (gd._transitionData || {})._frames || [];
  const slider = () => ((gd._fullLayout || {}).sliders || [])[0];
  const count = () => (slider() ? slider().steps.length : 0);
  const current = () => (slider() ? slider().active || 0 : 0);
  const frameOf = (k) => {
    const name = slider().steps[k].args[0][0];
    return frames().find((f) => String(f.name) === String(name));
  };

  function show(k) {
    const frame = frameOf(k);
    if (!frame) return Promise.resolve();
    const update = {};
    for (const data of frame.data) {
      for (const key of Object.keys(data)) update[key] = [];
    }
    frame.data.forEach((data) => {
      for (const key of Object.keys(update)) update[key].push(data[key]);
    });
    busy = true;
    return Plotly.update(gd, update, { "sliders[0].active": k }, frame.traces).finally(() => {
      busy = false;
    });
  }

  function stopped() {
    gd.emit && gd.emit("plotly_animated");
  }

  function pause() {
    if (timer === null) return false;
    clearTimeout(timer);
    timer = null;
    return true;
  }

  function go(k) {
    const wasPlaying = pause();
    const at = Math.max(0, Math.min(count() - 1, k));
    if (at === current() && !wasPlaying) return;
    show(at).then(stopped);
  }

  function play() {
    if (timer !== null || !count()) return;
    let k = current() >= count() - 1 ? 0 : current();
    const tick = () => {
      const started = performance.now();
      show(k).then(() => {
        if (timer === null) return;
        if (k >= count() - 1) {
          timer = null;
          stopped();
          return;
        }
        k += 1;
        timer = setTimeout(tick, Math.max(0, PERIOD_MS - (performance.now() - started)));
      });
    };
    timer = setTimeout(tick, 0);
  }

  gd.on("plotly_buttonclicked", (event) => {
    const name = ((event && event.button) || {}).name;
    if (name === names.play) play();
    else if (name === names.pause) {
      if (pause()) stopped();
    } else if (name === names.first) go(0);
    else if (name === names.last) go(count() - 1);
    else if (name === names.back) go(current() - 1);
    else if (name === names.forward) go(current() + 1);
  });
  // A new figure drawn into the same plot (explorer/live_chart.js) opens on its own frame: a running player
  // stops rather than step through the new runs from the old position.
  gd.on("plotly_react", () => pause());
  // ... and so does one held back while the chart is out of view: the player would run on the old figure.
  gd.on("live_chart_waiting", () => pause());
  // The slider moves itself; the frame follows it.
  gd.on("plotly_sliderchange", (event) => {
    if (!event || !event.interaction || !event.slider || busy) return;
    pause();
    show(event.slider.active || 0).then(stopped);
  });
}
