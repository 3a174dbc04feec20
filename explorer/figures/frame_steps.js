// The one-step buttons of an animated figure (◀ and ▶ in its player). Plotly has no command that moves
// one frame, so these buttons do nothing by themselves (method "skip"); this function gives them their
// action: move the slider's active step by one and animate to that frame, in the browser.
// Used by the page (explorer/contour_controls.js) and by the figure's downloaded HTML file.
function wireFrameSteps(gd, Plotly, names) {
  if (!gd || !gd.on || gd.__frameSteps) return;
  gd.__frameSteps = true;
  const still = { frame: { duration: 0, redraw: false }, transition: { duration: 0 }, mode: "immediate" };
  gd.on("plotly_buttonclicked", (event) => {
    const name = ((event && event.button) || {}).name;
    const delta = name === names.back ? -1 : name === names.forward ? 1 : 0;
    const slider = ((gd._fullLayout || {}).sliders || [])[0];
    if (!delta || !slider || !slider.steps.length) return;
    const at = Math.max(0, Math.min(slider.steps.length - 1, (slider.active || 0) + delta));
    Plotly.animate(gd, [slider.steps[at].args[0][0]], still);
  });
}
