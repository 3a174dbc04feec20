"""Pictures for the README, taken from the real page in headless Chromium: ``make screenshots``.

Writes into ``assets/``: one screenshot of each view (scrolled to its main figure), one of the guided tour,
and ``gd-on-the-landscape.gif``, gradient descent moving on the poster's two-neuron landscape (the contour
at 16 moments of the runs). About two minutes on two cores.

    python -m scripts.screenshots [--out assets] [--frames 16]
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageDraw

from tests.browser.harness import (
    REPO_ROOT,
    install_probe,
    launch_chromium,
    start_server,
    stop_servers,
    wait_until_browser_idle,
)

VIEWPORT = {"width": 1360, "height": 860}


def shown(path: Path) -> Path:
    """``path`` from the repository root when it lies inside it (``--out`` may point anywhere)."""
    return path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path


# (file name, link, figure to scroll to or None for the top of the page)
SHOTS = [
    ("tour.png", "tour=2", None),
    ("explorer.png", "p=poster&surface=1", "contour"),  # the 3-D surface is drawn on demand
    ("m-neurons.png", "p=ten_neurons", "general_output"),
    ("initialisation.png", "p=init_dynamics", "dyn_anim_small"),
    ("timing.png", "p=zigzag_many&view=timing", "timing_bars"),
    ("patterns.png", "p=plane_patterns", "pat_sphere"),
    ("presentation.png", "tour=2&present=1", "contour"),
]
GIF = "gd-on-the-landscape.gif"
GIF_LINK = "p=poster&figure=contour&embed=true"
GIF_WIDTH = 760

FRAMES_JS = """
gd => Object.entries(gd._transitionData._frameHash).map(([name, f]) => [name,
  (f.data[0].name || '').replace('position at step', 'GD step')])
"""


def _small_png(data: bytes, path: Path) -> None:
    """Save a screenshot as a palette PNG: a fraction of the size, no visible loss for a UI."""
    image = Image.open(io.BytesIO(data)).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(path, optimize=True)


# Streamlit's own toolbar is not part of the page's pictures.
HIDE_TOOLBAR = '[data-testid="stHeader"], [data-testid="stToolbar"] { display: none !important; }'
# Scroll a figure to the top of the window, its title in view.
SCROLL_TO_JS = """
el => {
  el.scrollIntoView({block: 'start'});
  const main = document.querySelector('[data-testid="stMain"]');
  if (main) main.scrollBy(0, -24);
}
"""


def _open(page, url: str, link: str) -> None:
    page.goto(f"{url}/?{link}")
    if wait_until_browser_idle(page, timeout_ms=180_000) is None:
        raise RuntimeError(f"the page did not settle: {link}")
    page.add_style_tag(content=HIDE_TOOLBAR)


def shoot_views(page, url: str, out: Path) -> list[Path]:
    written = []
    for name, link, figure in SHOTS:
        _open(page, url, link)
        if figure:
            page.locator(f".st-key-figure-{figure}").first.evaluate(SCROLL_TO_JS)
            # A chart that now comes into view draws what it holds (explorer/live_chart.js): wait for it.
            if wait_until_browser_idle(page, timeout_ms=60_000, quiet_ms=400) is None:
                raise RuntimeError(f"the page did not settle after scrolling: {link}")
        path = out / name
        _small_png(page.screenshot(), path)
        written.append(path)
        print(f"  {shown(path)}: {link}", flush=True)
    return written


def shoot_gif(page, url: str, out: Path, count: int) -> Path:
    """Gradient descent on the landscape: ``count`` moments of the contour, cropped to the plot.

    Each moment is the page opened at that record of the runs (``&frame=``), drawn by the server: the same
    picture as the contour's own frames, without depending on how the page animates them.
    """
    _open(page, url, GIF_LINK)
    chart = page.locator(".js-plotly-plot").first
    labels = dict(chart.evaluate(FRAMES_JS))  # record -> "GD step N"
    names = sorted(labels, key=int)
    picks = [names[round(i * (len(names) - 1) / max(count - 1, 1))] for i in range(count)]
    frames = []
    for name in picks:
        _open(page, url, f"{GIF_LINK}&frame={name}")
        chart = page.locator(".js-plotly-plot").first
        size = chart.evaluate("gd => gd._fullLayout._size")
        box = chart.bounding_box()
        clip = dict(x=box["x"], y=box["y"], width=box["width"], height=size["t"] + size["h"] + 48)
        image = Image.open(io.BytesIO(page.screenshot(clip=clip))).convert("RGB")
        height = round(image.height * GIF_WIDTH / image.width)
        image = image.resize((GIF_WIDTH, height), Image.Resampling.LANCZOS)
        ImageDraw.Draw(image).text((GIF_WIDTH - 190, 8), labels[name], fill=(0, 0, 0), font_size=18)
        frames.append(image)
    palette = frames[-1].quantize(colors=256, method=Image.Quantize.MAXCOVERAGE)
    still = [f.quantize(palette=palette, dither=Image.Dither.NONE) for f in frames]
    durations = [160] * (len(still) - 1) + [1800]  # rest on the endpoints before starting again
    path = out / GIF
    still[0].save(path, save_all=True, append_images=still[1:], duration=durations, loop=0, optimize=True)
    print(f"  {shown(path)}: {len(still)} moments of {GIF_LINK}", flush=True)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "assets")
    parser.add_argument("--frames", type=int, default=16, help="frames of the GIF")
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
            gif_page.set_viewport_size({"width": 980, "height": 940})
            shoot_gif(gif_page, url, args.out, args.frames)
            browser.close()
    finally:
        stop_servers([proc])
    print(f"done in {time.perf_counter() - started:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
