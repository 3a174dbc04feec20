"""The general case in a real Chromium: place 2-D points on the plane pad and train on them."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from explorer.panels.plane_data import plane_ranges
from explorer.presets import PRESETS
from explorer.state import State

APP = "app.py"
START = PRESETS["xor_plane"].settings["points2d"]


def to_pixel(page, ranges, x: float, y: float) -> tuple[float, float]:
    """Page pixel of a data point, read off the pad's drawn frame."""
    (x0, x1), (y0, y1) = ranges
    frame = page.locator("svg.click-pad-plot g.axes > rect.frame").first
    box = None
    while box is None:  # the pad may be re-drawing after a rerun: its old frame has no box
        frame.wait_for(state="visible")
        frame.scroll_into_view_if_needed()  # a click outside the window reaches nothing
        box = frame.bounding_box()
    return box["x"] + (x - x0) / (x1 - x0) * box["width"], box["y"] + (1 - (y - y0) / (y1 - y0)) * box["height"]


def url_points(page) -> tuple:
    params = {k: v[0] for k, v in parse_qs(urlparse(page.url).query, keep_blank_values=True).items()}
    state, messages = State.from_query(params)
    assert not messages
    return state.points2d


def test_place_2d_points_and_run_the_general_case(open_app, wait_for_app_idle):
    from playwright.sync_api import expect

    page = open_app(APP, query="p=xor_plane&neurons=20&steps=800")
    pad = page.locator("svg.click-pad-plot")
    expect(pad.locator("g.points circle")).to_have_count(len(START))
    expect(page.locator(".js-plotly-plot").first).to_be_visible()

    # New points get the label typed in "Label of new points".
    label = page.get_by_label("Label of new points")
    label.fill("-1")
    label.press("Enter")
    # The rerun has taken the new label once the link holds it; only then is the pad redrawn with it.
    page.wait_for_function("() => new URL(location.href).searchParams.get('new_label') === '-1'", timeout=30_000)
    wait_for_app_idle(page)

    ranges = plane_ranges(START)  # clicks inside [-1, 1]^2 keep the pad's ranges
    targets = [(0.0, 0.9), (-0.9, 0.0)]
    for k, (x, y) in enumerate(targets, start=1):
        page.mouse.click(*to_pixel(page, ranges, x, y))
        expect(pad.locator("g.points circle")).to_have_count(len(START) + k)
        page.wait_for_function(
            "n => new URL(location.href).searchParams.get('points2d')?.split(';').length === n",
            arg=len(START) + k,
            timeout=30_000,
        )
        wait_for_app_idle(page)

    points = url_points(page)
    assert len(points) == len(START) + 2
    for (x, y), (px, py, lab) in zip(targets, points[len(START) :]):
        assert (px, py) == pytest.approx((x, y), abs=0.05)
        assert lab == -1.0

    # The general case ran on the new data: metrics, both surfaces, loss and the landscape slice.
    expect(page.get_by_text("Did GD reach it?", exact=True)).to_be_visible()
    expect(page.get_by_text("Global optimum (convex)", exact=True)).to_be_visible()
    assert page.locator(".js-plotly-plot").count() >= 4
    surfaces = page.locator(".js-plotly-plot").first
    surfaces.scroll_into_view_if_needed()  # below the pad: it draws its new figure once in view
    expect(surfaces).to_have_attribute("data-live-chart", "drawn")
    wait_for_app_idle(page)
    expect(surfaces.locator(".hm, .heatmaplayer image, image").first).to_be_attached()
    assert page.get_by_test_id("stException").count() == 0
    n_data = page.evaluate(  # the drawn trace, after Plotly decoded it
        "() => { const g = document.querySelector('.js-plotly-plot');"
        " const t = g._fullData.find(d => d.name === 'data (colour = label)'); return t.x.length; }"
    )
    assert n_data == len(START) + 2
