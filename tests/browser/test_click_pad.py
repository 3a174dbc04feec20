"""Tests for explorer.click_pad: AppTest for the Python side, Chromium for the rest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from explorer.click_pad import click_pad

DEMO = Path(__file__).with_name("click_pad_demo.py")
X_RANGE = (-2.0, 2.0)
Y_RANGE = (-1.0, 3.0)
TOL = 0.03  # a few pixels: the plot spans 4 data units over ~640 x 250 px


def edit(points, nonce):
    return {"edit": {"points": points, "nonce": nonce}}


def shown(at: AppTest) -> dict:
    return json.loads(at.json[0].value)


def sent_to_browser(at: AppTest) -> dict:
    return json.loads(at.get("bidi_component")[0].proto.json)


# --- Python side, through AppTest --------------------------------------------


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(str(DEMO), default_timeout=10).run()
    assert not at.exception
    return at


def test_no_edit_returns_none(app):
    assert shown(app) == {"points": [[-1.0, 1.0], [1.0, 2.0]], "edits": 0}
    assert app.session_state["pad"] == {"edit": None}
    assert sent_to_browser(app)["ack"] == 0


def test_injected_edit_is_returned_once(app):
    app.session_state["pad"] = edit([[0.5, 0.25], [1.0, 2.0]], nonce=1)
    app.run()
    assert shown(app) == {"points": [[0.5, 0.25], [1.0, 2.0]], "edits": 1}
    browser_data = sent_to_browser(app)
    assert browser_data["points"] == [[0.5, 0.25], [1.0, 2.0]]
    assert browser_data["ack"] == 1

    app.button[0].click().run()
    assert shown(app)["edits"] == 1, "a stale edit was replayed"


def test_same_nonce_is_stale_new_nonce_is_fresh(app):
    app.session_state["pad"] = edit([[0.0, 0.0]], nonce=1)
    app.run()
    app.session_state["pad"] = edit([[9.0, 9.0]], nonce=1)
    app.run()
    assert shown(app) == {"points": [[0.0, 0.0]], "edits": 1}

    app.session_state["pad"] = edit([], nonce=2)
    app.run()
    assert shown(app) == {"points": [], "edits": 2}


@pytest.mark.parametrize("bad", [[[1.0]], [[1.0, "x"]], "1,2", None, [[float("nan"), 0.0]]])
def test_malformed_edit_is_ignored(app, bad):
    app.session_state["pad"] = edit(bad, nonce=1)
    app.run()
    assert not app.exception
    assert shown(app)["edits"] == 0


def test_plane_mode_keeps_labels():
    at = AppTest.from_file(str(DEMO), default_timeout=10)
    at.query_params["mode"] = "plane"
    at.session_state["pad"] = edit([[0.5, 0.5, -0.5]], nonce=1)
    at.run()
    assert shown(at)["points"] == [[0.5, 0.5, -0.5]]
    assert sent_to_browser(at)["mode"] == "plane"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"mode": "3d"}, "mode"),
        ({"points": [[1.0, 2.0, 3.0]]}, "rows of 2"),
        ({"mode": "plane"}, "rows of 3"),
        ({"x_range": (1.0, 1.0)}, "x_range"),
        ({"colors": ["#000000", "#E69F00"]}, "colors"),
        ({"mode": "plane", "points": [[0, 0, 1]], "curves": [{"x": [0], "y": [0]}]}, "curves"),
        ({"curves": [{"x": [0, 1], "y": [0]}]}, "curves"),
    ],
)
def test_bad_arguments_raise(kwargs, message):
    args = {"points": [[0.0, 0.0]], "x_range": X_RANGE, "y_range": Y_RANGE, "key": "k"} | kwargs
    with pytest.raises(ValueError, match=message):
        click_pad(**args)


# --- In a real browser ---------------------------------------------------------


def page_state(page) -> dict:
    return json.loads(page.get_by_test_id("stCode").inner_text())


@pytest.fixture
def wait_for_edits(wait_for_app_idle):
    """``wait_for_edits(page, n)``: the demo's state once it has seen n edits."""
    from playwright.sync_api import expect

    def wait(page, count: int) -> dict:
        expect(page.get_by_test_id("stCode")).to_contain_text(f'"edits": {count}', timeout=20_000)
        wait_for_app_idle(page)
        return page_state(page)

    return wait


def to_pixel(page, x: float, y: float) -> tuple[float, float]:
    """Page pixel of a data point, read off the drawn plot frame."""
    # The frame rectangle is the last one in the axes group; Playwright
    # locators reach into the component's open shadow root.
    frame = page.locator("svg.click-pad-plot g.axes > rect.frame")
    box = None
    while box is None:  # a rerun between rapid clicks redraws the pad: its old frame has no box
        frame.wait_for(state="visible")
        box = frame.bounding_box()
    fx = (x - X_RANGE[0]) / (X_RANGE[1] - X_RANGE[0])
    fy = (y - Y_RANGE[0]) / (Y_RANGE[1] - Y_RANGE[0])
    return box["x"] + fx * box["width"], box["y"] + (1 - fy) * box["height"]


def point(page, index: int):
    return page.locator("svg.click-pad-plot g.points circle").nth(index)


def assert_close(actual, expected):
    assert actual == pytest.approx(expected, abs=TOL), f"{actual} != {expected}"


@pytest.fixture
def pad(open_app):
    page = open_app(DEMO)
    page.locator("svg.click-pad-plot g.points circle").first.wait_for()
    return page


def test_component_renders_in_page_not_iframe(pad):
    assert pad.locator("iframe").count() == 0
    assert pad.get_by_test_id("stBidiComponentIsolated").count() == 1
    assert pad.locator("svg.click-pad-plot g.points circle").count() == 2
    assert pad.locator("svg.click-pad-plot polyline.curve").count() == 1
    assert "shift-click to delete" in pad.locator(".click-pad-hint").inner_text()
    assert not pad.get_by_test_id("stException").count()


def test_click_on_empty_space_adds_point(pad, wait_for_edits):
    pad.mouse.click(*to_pixel(pad, 0.5, 2.5))
    state = wait_for_edits(pad, 1)
    assert len(state["points"]) == 3
    assert state["points"][:2] == [[-1.0, 1.0], [1.0, 2.0]]
    assert_close(state["points"][2], [0.5, 2.5])
    assert pad.locator("svg.click-pad-plot g.points circle").count() == 3


def test_drag_moves_point_and_sends_once(pad, wait_for_edits, wait_for_app_idle):
    box = point(pad, 0).bounding_box()
    pad.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    pad.mouse.down()
    pad.mouse.move(*to_pixel(pad, -1.5, 0.0), steps=12)
    pad.mouse.up()
    state = wait_for_edits(pad, 1)
    assert len(state["points"]) == 2
    assert_close(state["points"][0], [-1.5, 0.0])
    assert state["points"][1] == [1.0, 2.0]

    # Only the release is sent, and a plain rerun does not replay it.
    pad.get_by_role("button", name="Rerun").click()
    wait_for_app_idle(pad)
    assert page_state(pad)["edits"] == 1


def test_shift_click_deletes_point(pad, wait_for_edits):
    point(pad, 0).click(modifiers=["Shift"])
    state = wait_for_edits(pad, 1)
    assert state["points"] == [[1.0, 2.0]]
    assert pad.locator("svg.click-pad-plot g.points circle").count() == 1


def test_right_click_deletes_point(pad, wait_for_edits):
    point(pad, 1).click(button="right")
    state = wait_for_edits(pad, 1)
    assert state["points"] == [[-1.0, 1.0]]


def test_successive_edits_all_arrive(pad, wait_for_edits):
    pad.mouse.click(*to_pixel(pad, 0.0, 0.0))
    wait_for_edits(pad, 1)
    pad.mouse.click(*to_pixel(pad, 1.5, -0.5))
    state = wait_for_edits(pad, 2)
    assert len(state["points"]) == 4
    assert_close(state["points"][2], [0.0, 0.0])
    assert_close(state["points"][3], [1.5, -0.5])


def test_plane_mode_click_uses_new_label_and_colours(open_app, wait_for_edits):
    page = open_app(DEMO, query="mode=plane")
    circles = page.locator("svg.click-pad-plot g.points circle")
    circles.first.wait_for()
    assert circles.nth(0).get_attribute("fill") == "#0072B2"  # label -1
    assert circles.nth(1).get_attribute("fill") == "#E69F00"  # label +1
    assert "label -0.5" in page.locator(".click-pad-hint").inner_text()

    page.mouse.click(*to_pixel(page, -0.5, 2.0))
    state = wait_for_edits(page, 1)
    x1, x2, label = state["points"][2]
    assert_close([x1, x2], [-0.5, 2.0])
    assert label == -0.5
    assert circles.nth(2).get_attribute("fill") == "#0072B2"
    # Half the largest |label| is drawn fainter than a full-strength point.
    assert float(circles.nth(2).get_attribute("fill-opacity")) < float(circles.nth(0).get_attribute("fill-opacity"))


def test_rapid_clicks_lose_nothing(pad, wait_for_app_idle):
    targets = [(-1.5, 2.5), (-0.5, 2.5), (0.5, 2.5)]
    for x, y in targets:
        pad.mouse.click(*to_pixel(pad, x, y))
    # Reruns may coalesce, but every edit carries the whole list.
    pad.wait_for_function(
        "n => JSON.parse(document.querySelector(\"[data-testid='stCode']\").innerText).points.length === n",
        arg=5,
    )
    wait_for_app_idle(pad)
    points = page_state(pad)["points"]
    assert len(points) == 5
    for got, want in zip(points[2:], targets):
        assert_close(got, list(want))
