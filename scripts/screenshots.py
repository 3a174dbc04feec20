"""Pictures for the README, taken from the real page in headless Chromium: ``make screenshots``.

Writes into ``assets/``: one screenshot of each view (scrolled to its main figure), one of the guided tour,
and ``gd-on-the-landscape.gif``, gradient descent moving on the poster's two-neuron landscape (the contour's
own animation frames, stepped one by one). About a minute on two cores.

    python -m scripts.screenshots [--out assets] [--frames 30]
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

from tests.browser.harness import (
    REPO_ROOT,
    install_probe,
    launch_chromium,
    start_server,
    stop_servers,
    wait_until_browser_idle,
)

VIEWPORT = {"width": 1360, "height": 860}
# (file name, link, figure to scroll to or None for the top of the page)
SHOTS = [
    ("tour.png", "tour=2", None),
    ("explorer.png", "p=poster", "contour"),
    ("m-neurons.png", "p=ten_neurons", "general_output"),
    ("initialisation.png", "p=init_dynamics", "dyn_anim_small"),
    ("timing.png", "p=zigzag_many&view=timing", "timing_bars"),
    ("patterns.png", "p=plane_patterns", "pat_sphere"),
    ("presentation.png", "tour=2&present=1", "contour"),
]
GIF = "gd-on-the-landscape.gif"
GIF_LINK = "p=poster&figure=contour&embed=true"
GIF_WIDTH = 760

# Show one animation frame of a chart, as its slider would, and resolve once it is drawn.
SHOW_FRAME_JS = """
async (name) => {
  const gd = document.querySelector('.js-plotly-plot');
  await window.Plotly.animate(gd, [name], {mode: 'immediate', frame: {duration: 0, redraw: false},
                                           transition: {duration: 0}});
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
}
"""


def _small_png(data: bytes, path: Path) -> None:
    """Save a screenshot as a palette PNG: a fraction of the size, no visible loss for a UI."""
    image = Image.open(io.BytesIO(data)).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(path, optimize=True)


def _open(page, url: str, link: str) -> None:
    page.goto(f"{url}/?{link}")
    if wait_until_browser_idle(page, timeout_ms=180_000) is None:
        raise RuntimeError(f"the page did not settle: {link}")


def shoot_views(page, url: str, out: Path) -> list[Path]:
    written = []
    for name, link, figure in SHOTS:
        _open(page, url, link)
        if figure:
            page.locator(f".st-key-figure-{figure}").first.evaluate("el => el.scrollIntoView({block: 'start'})")
            page.wait_for_timeout(400)
        path = out / name
        _small_png(page.screenshot(), path)
        written.append(path)
        print(f"  {path.relative_to(REPO_ROOT)}: {link}", flush=True)
    return written


def shoot_gif(page, url: str, out: Path, count: int) -> Path:
    """Gradient descent on the landscape: ``count`` frames of the contour's animation."""
    _open(page, url, GIF_LINK)
    chart = page.locator(".js-plotly-plot").first
    names = chart.evaluate("gd => Object.keys(gd._transitionData._frameHash)")
    names = sorted(names, key=int)
    picks = [names[round(i * (len(names) - 1) / max(count - 1, 1))] for i in range(count)]
    frames = []
    for name in picks:
        page.evaluate(SHOW_FRAME_JS, name)
        image = Image.open(io.BytesIO(chart.screenshot())).convert("RGB")
        height = round(image.height * GIF_WIDTH / image.width)
        frames.append(image.resize((GIF_WIDTH, height), Image.Resampling.LANCZOS))
    palette = frames[-1].quantize(colors=128, method=Image.Quantize.MEDIANCUT)
    still = [f.quantize(palette=palette, dither=Image.Dither.NONE) for f in frames]
    durations = [110] * (len(still) - 1) + [1800]  # rest on the endpoints before starting again
    path = out / GIF
    still[0].save(path, save_all=True, append_images=still[1:], duration=durations, loop=0, optimize=True)
    print(f"  {path.relative_to(REPO_ROOT)}: {len(still)} frames of {GIF_LINK}", flush=True)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "assets")
    parser.add_argument("--frames", type=int, default=30, help="frames of the GIF")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    started = time.perf_counter()
    log = Path(tempfile.mkstemp(prefix="screenshots-", suffix=".log")[1])
    proc, url = start_server("app.py", log)
    try:
        with sync_playwright() as p:
            browser = launch_chromium(p, software_webgl=True)
            context = browser.new_context(viewport=VIEWPORT)
            install_probe(context)
            page = context.new_page()
            shoot_views(page, url, args.out)
            gif_page = context.new_page()
            gif_page.set_viewport_size({"width": 980, "height": 760})
            shoot_gif(gif_page, url, args.out, args.frames)
            browser.close()
    finally:
        stop_servers([proc])
    print(f"done in {time.perf_counter() - started:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
