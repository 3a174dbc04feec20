"""The explorer in a real Chromium: load, click the data canvas, click the contour, play, share a link."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

APP = "app.py"


def plot_titles(page) -> list[str]:
    return page.evaluate(
        "() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(g => (g.layout.title || {}).text || '')"
    )


def plot_data(page, title_start: str, trace_name: str) -> dict:
    """x, y and name of a trace of the chart whose title starts with ``title_start`` (as drawn now), looked at:
    the chart is scrolled into view, where a chart out of view draws the figure it holds."""
    return page.evaluate(
        """([title, name]) => {
            const g = Array.from(document.querySelectorAll('.js-plotly-plot'))
                .find(g => ((g.layout.title || {}).text || '').startsWith(title));
            g.scrollIntoView({block: 'nearest'});
            // _fullData holds decoded typed arrays; data keeps Plotly's base64 form.
            const t = g._fullData.find(t => (t.name || '').startsWith(name));
            return {x: Array.from(t.x), y: Array.from(t.y), name: t.name};
        }""",
        [title_start, trace_name],
    )


def query(page) -> dict[str, str]:
    # Read in the page: Playwright's page.url can lag behind a history.pushState it has not been told of.
    return {k: v[0] for k, v in parse_qs(urlparse(page.evaluate("location.href")).query).items()}


def wait_for(predicate, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


def table_cells(page) -> list[str]:
    """The cells of the data table; none while a change of the points re-creates it (its key follows them)."""
    return page.evaluate(
        "() => Array.from(document.querySelectorAll('[class*=\"st-key-data_table_\"] [data-testid=stDataFrame] td'))"
        ".map(td => td.textContent)"
    )


FIGURES = ("Contour", "Loss (1)", "Data, GD endpoints", "Patterns of this endpoint")


@pytest.fixture
def explorer(open_app):
    page = open_app(APP, "p=poster")
    wait_for(lambda: len(plot_titles(page)) >= len(FIGURES))
    return page


def look_at_contour(page, wait_for_app_idle) -> None:
    """Scroll the contour to the middle of the screen, as a user watching the landscape, and let it settle."""
    page.locator(".js-plotly-plot").first.evaluate("g => g.scrollIntoView({block: 'center'})")
    wait_for_app_idle(page)


def change_lambda(page, value: str, wait_for_app_idle) -> None:
    """Type λ in the sidebar, press Enter, and wait until the link has it and the rerun is over."""
    lam = page.get_by_role("spinbutton", name="λ (weight decay)")
    lam.fill(value)
    lam.press("Enter")
    wait_for(lambda: query(page).get("lam") == value)
    wait_for_app_idle(page)


def test_page_loads_with_every_figure_and_no_exception(explorer, wait_for_app_idle):
    assert not explorer.get_by_test_id("stException").count()
    titles = plot_titles(explorer)
    for start in FIGURES:
        assert any(t.startswith(start) for t in titles), titles
    assert query(explorer)["p"] == "poster"
    # The WebGL charts come on demand.
    assert not any(t.startswith("Surface") for t in titles)
    explorer.get_by_text("3-D surface", exact=True).click()
    wait_for(lambda: any(t.startswith("Surface") for t in plot_titles(explorer)))
    wait_for_app_idle(explorer)
    assert query(explorer)["surface"] == "1"
    assert not explorer.get_by_test_id("stException").count()


def test_click_on_data_canvas_adds_a_point_to_table_and_chart(explorer, wait_for_app_idle):
    frame = explorer.locator("svg.click-pad-plot g.axes > rect.frame").bounding_box()
    # The pad spans the data with 30 % margins; click near its right edge, half-way up.
    explorer.mouse.click(frame["x"] + 0.9 * frame["width"], frame["y"] + 0.5 * frame["height"])
    # First the click reaches the state (the link), then the chart further down draws it.
    wait_for(lambda: len(query(explorer).get("points", "").split(";")) == 3)
    wait_for(lambda: len(plot_data(explorer, "Data, GD endpoints", "data")["x"]) == 3)
    wait_for_app_idle(explorer)
    data = plot_data(explorer, "Data, GD endpoints", "data")
    new_x, new_y = data["x"][2], data["y"][2]
    assert new_x > 1.0  # right of the existing points
    assert len(query(explorer)["points"].split(";")) == 3
    cells = wait_for(lambda: table_cells(explorer) if len(table_cells(explorer)) >= 6 else None)
    assert f"{new_x:.4g}" in cells and f"{new_y:.4g}" in cells
    assert not explorer.get_by_test_id("stException").count()


def test_a_cell_cleared_in_the_table_keeps_its_row_until_filled_in(explorer, wait_for_app_idle):
    grid = explorer.locator('[class*="st-key-data_table_"] [data-testid=stDataFrame]').first

    def label_cell() -> tuple[float, float]:
        """The second row's label cell, where it is on the screen now."""
        grid.scroll_into_view_if_needed()
        box = grid.bounding_box()
        return box["x"] + 0.85 * box["width"], box["y"] + 35 + 1.5 * 35

    explorer.mouse.click(*label_cell())
    explorer.keyboard.press("Delete")
    explorer.get_by_role("heading", name="The hidden convex landscape").click()  # leaving the table commits the edit
    wait_for(lambda: query(explorer).get("points") == "-1,1")
    wait_for_app_idle(explorer)
    assert table_cells(explorer) == ["-1", "1", "1", ""]  # the row stays, waiting for its label
    explorer.mouse.dblclick(*label_cell())  # opens the cell's editor
    editor = explorer.locator("#portal input, #portal textarea").first
    editor.wait_for()
    editor.fill("3")
    editor.press("Enter")
    wait_for(lambda: query(explorer).get("points") == "-1,1;1,3")
    wait_for_app_idle(explorer)
    assert table_cells(explorer) == ["-1", "1", "1", "3"]
    assert not explorer.get_by_test_id("stException").count()


def contour_pixel(page, x: float, y: float) -> list[float]:
    """Page pixel of the data point (x, y) of the contour chart."""
    return page.evaluate(
        """([x, y]) => {
            const g = Array.from(document.querySelectorAll('.js-plotly-plot'))
                .find(g => (g.layout.title.text || '').startsWith('Contour'));
            const xa = g._fullLayout.xaxis, ya = g._fullLayout.yaxis;
            const box = g.querySelector('.nsewdrag').getBoundingClientRect();
            return [box.left + xa.l2p(x), box.top + ya.l2p(y)];
        }""",
        [x, y],
    )


def test_click_on_contour_starts_gd_there(explorer, wait_for_app_idle):
    look_at_contour(explorer, wait_for_app_idle)
    # The page's script turns the clicked pixel into data coordinates: any point of the plot area is a
    # start. A busy page (headless Chromium draws in software) may lose a click, so up to three
    # neighbouring points are tried.
    tried = []
    for target in [(-0.5, 1.5), (-0.6, 1.5), (-0.7, 1.5)]:
        tried.append(target)
        wait_for_app_idle(explorer)
        pixel = contour_pixel(explorer, *target)
        explorer.mouse.move(*pixel)
        explorer.mouse.click(*pixel)
        try:
            wait_for(lambda: "start" in query(explorer), timeout=20)
            break
        except AssertionError:
            explorer.mouse.move(pixel[0] + 200, pixel[1])
    wait_for_app_idle(explorer)

    def drawn_from_linked_start():
        # A slow click may register after the next one was tried, so the link's start is read afresh
        # until the drawn path begins there.
        start = tuple(float(v) for v in query(explorer)["start"].split(","))
        you = plot_data(explorer, "Contour", "GD from your start")
        return (start, you) if (you["x"][0], you["y"][0]) == pytest.approx(start, abs=1e-9) else None

    start, you = wait_for(drawn_from_linked_start, timeout=60)
    # The start is one of the points clicked, to within a pixel or two (a start is kept to 0.01).
    assert any(start == pytest.approx(t, abs=0.05) for t in tried), (start, tried)
    # From there both neurons keep their patterns and GD ends at the global minimum (-1, 2).
    assert (you["x"][-1], you["y"][-1]) == pytest.approx((-1.0, 2.0), abs=1e-3)


def player_button(page, label: str):
    """The contour player's button labelled exactly ``label``."""
    button = page.locator(".updatemenu-button").filter(has_text=re.compile(f"^{re.escape(label)}$")).first
    button.scroll_into_view_if_needed()
    return button


def test_play_advances_the_frames_in_the_browser(explorer, wait_for_app_idle):
    before = plot_data(explorer, "Contour", "position at step")["name"]
    assert before == "position at step 211"
    player_button(explorer, "|◀").click()
    wait_for(lambda: plot_data(explorer, "Contour", "position at step")["name"] == "position at step 0")
    wait_for_app_idle(explorer)
    landscape = landscape_drawn(explorer)
    contour = explorer.locator(".js-plotly-plot").first
    contour.evaluate("g => { g.dataset.played = 'yes'; }")  # a mark that a re-created chart would not carry
    player_button(explorer, "▶ Play").click()
    seen = set()

    def moved():
        seen.add(plot_data(explorer, "Contour", "position at step")["name"])
        return len(seen) >= 3

    wait_for(moved, timeout=15)
    # The landscape stays while the runs move: the shaded regions, the contour lines and every other trace.
    assert landscape_drawn(explorer) == landscape
    wait_for(lambda: plot_data(explorer, "Contour", "position at step")["name"] == "position at step 211", 30)
    assert landscape_drawn(explorer) == landscape
    # The animation runs in the browser; at its end the link follows the frame shown (the last frame is the
    # default) and the rerun that writes it leaves the contour in place.
    wait_for(lambda: "frame" not in query(explorer))
    wait_for_app_idle(explorer)
    assert explorer.locator(".js-plotly-plot[data-played='yes']").count() == 1, "the contour was drawn anew"
    assert landscape_drawn(explorer) == landscape


# What the contour draws of its landscape: a picture for each heatmap (the activation regions), contour lines,
# the runs' paths and the region labels; each count is the same before, during and after playback.
LANDSCAPE_JS = """() => {
    const g = Array.from(document.querySelectorAll('.js-plotly-plot'))
        .find(g => ((g.layout.title || {}).text || '').startsWith('Contour'));
    return {
        regions: g.querySelectorAll('.heatmaplayer image').length,
        lines: g.querySelectorAll('.contourlayer path.contourlevel, .contourlayer .contourlines path').length > 0,
        paths: g.querySelectorAll('.scatterlayer .trace .js-line').length,
        labels: g.querySelectorAll('.annotation').length,
        traces: g._fullData.length,
    };
}"""


def landscape_drawn(page) -> dict:
    drawn = page.evaluate(LANDSCAPE_JS)
    assert drawn["regions"] >= 1 and drawn["lines"] and drawn["paths"] >= 1, drawn
    return drawn


def test_one_step_buttons_move_the_frame_in_the_browser_and_the_link_follows(explorer, wait_for_app_idle):
    explorer.set_viewport_size({"width": 1366, "height": 900})  # a laptop: the whole player beside the surface
    contour = explorer.locator(".js-plotly-plot").first
    contour.evaluate("g => { g.dataset.before = 'yes'; }")  # a mark that a re-created chart would not carry
    # (record, step) of each animation frame, from the slider.
    frames = contour.evaluate("g => g.layout.sliders[0].steps.map(s => [s.args[0][0], s.label])")
    for back in (1, 2):
        player_button(explorer, "◀").click()
        record, step = frames[-1 - back]
        wait_for(lambda: plot_data(explorer, "Contour", "position at step")["name"] == f"position at step {step}")
        wait_for(lambda: query(explorer).get("frame") == record)
        wait_for_app_idle(explorer)
    player_button(explorer, "▶|").click()
    wait_for(lambda: "frame" not in query(explorer))  # the last frame is the default
    wait_for_app_idle(explorer)
    assert plot_data(explorer, "Contour", "position at step")["name"] == f"position at step {frames[-1][1]}"
    assert explorer.locator(".js-plotly-plot[data-before='yes']").count() == 1, "the contour was drawn anew"
    assert not explorer.get_by_test_id("stException").count()


def test_a_lambda_change_keeps_the_data_pad(explorer, wait_for_app_idle):
    """λ does not touch the data: the pad is the same DOM node after the rerun, not a new one."""
    pad = explorer.locator("svg.click-pad-plot")
    assert pad.count() == 1
    kept = pad.element_handle()
    kept.evaluate("el => { el.__beforeLambda = true; }")  # a mark that a re-created pad would not carry
    change_lambda(explorer, "0.05", wait_for_app_idle)
    assert wait_for(lambda: plot_data(explorer, "Contour", "position at step")["name"])
    assert kept.evaluate("el => el.isConnected && el.__beforeLambda === true"), "the data pad was drawn anew"
    assert pad.count() == 1
    assert not explorer.get_by_test_id("stException").count()


CHARTS_JS = r"""() => [...document.querySelectorAll('.js-plotly-plot')].map(g => ({
    title: (g.layout.title || {}).text || '',
    state: g.dataset.liveChart,
    kept: g.__mark === true && g.isConnected,
    data: JSON.stringify(g.data),
    xrange: g._fullLayout.xaxis ? [...g._fullLayout.xaxis.range] : null,
    frames: ((g._transitionData || {})._frames || []).length,
}))"""
MARK_JS = "() => document.querySelectorAll('.js-plotly-plot').forEach(g => { g.__mark = true; })"


def test_a_lambda_change_redraws_the_charts_in_place(explorer, wait_for_app_idle):
    """Each chart is the same plot after the rerun (drawn anew into it, not replaced) and shows the new λ:
    at once where it is in view (the user watches the landscape), and as it is scrolled to where it is
    further down the page."""
    wait_for_app_idle(explorer)
    look_at_contour(explorer, wait_for_app_idle)
    explorer.evaluate(MARK_JS)
    before = explorer.evaluate(CHARTS_JS)
    assert len(before) == len(FIGURES)
    change_lambda(explorer, "0.2", wait_for_app_idle)
    after = explorer.evaluate(CHARTS_JS)
    assert [c["title"] for c in after] == [c["title"] for c in before]
    states = {c["title"]: c["state"] for c in after}
    assert states[before[0]["title"]] == "drawn", "the contour, in view, waits"
    assert "waiting" in states.values(), f"every chart was drawn, those out of view too: {states}"
    for old, new in zip(before, after):
        if new["state"] == "waiting":
            assert new["data"] == old["data"]  # holds its figure until it is near the view
            at = after.index(new)
            explorer.locator(".js-plotly-plot").nth(at).scroll_into_view_if_needed()
            new = wait_for(lambda: (c := explorer.evaluate(CHARTS_JS)[at])["state"] == "drawn" and c)
        assert new["state"] == "drawn" and new["kept"], f"{new['title']} was not redrawn in place: {new['state']}"
        assert new["data"] != old["data"], f"{new['title']} still shows the old λ"
    assert not explorer.get_by_test_id("stException").count()


def test_charts_waiting_out_of_view_are_drawn_for_printing(explorer, wait_for_app_idle):
    """A printed page shows every chart with the current figure, also those the user never scrolled to."""
    wait_for_app_idle(explorer)
    change_lambda(explorer, "0.3", wait_for_app_idle)
    waiting = [c["title"] for c in explorer.evaluate(CHARTS_JS) if c["state"] == "waiting"]
    assert waiting, "no chart out of view waits: nothing to check"
    explorer.evaluate(
        """() => window.addEventListener('afterprint', () => { window.__printed = [...document
            .querySelectorAll('.js-plotly-plot')].map(g => [(g.layout.title || {}).text, g.dataset.liveChart]); })"""
    )
    explorer.pdf()  # prints the page: beforeprint, print layout, afterprint
    printed = dict(explorer.evaluate("() => window.__printed"))
    assert all(printed[t] == "drawn" for t in waiting), printed
    assert not explorer.get_by_test_id("stException").count()


def test_a_player_left_running_out_of_view_stops_when_a_new_figure_waits(explorer, wait_for_app_idle):
    """Play on the contour, scroll down, change λ: the new figure waits (the contour is out of view) and the
    player stops there, instead of running on the old figure and putting its last frame in the link."""
    look_at_contour(explorer, wait_for_app_idle)
    contour = explorer.locator(".js-plotly-plot").first
    steps = contour.evaluate("g => g.layout.sliders[0].steps.length")
    player_button(explorer, "▶ Play").click()
    wait_for(lambda: contour.evaluate("g => g._fullLayout.sliders[0].active") < steps - 1)  # playing
    explorer.locator(".js-plotly-plot").last.evaluate("g => g.scrollIntoView({block: 'start'})")
    change_lambda(explorer, "0.07", wait_for_app_idle)
    assert contour.evaluate("g => g.dataset.liveChart") == "waiting"
    at = contour.evaluate("g => g._fullLayout.sliders[0].active")
    time.sleep(steps * 0.08 + 1.0)  # longer than the rest of the animation would take
    assert contour.evaluate("g => g._fullLayout.sliders[0].active") == at, "the player ran on the old figure"
    assert "frame" not in query(explorer), "a frame of the old figure went into the link"
    contour.scroll_into_view_if_needed()
    expect(contour).to_have_attribute("data-live-chart", "drawn")


def test_a_rerun_that_leaves_a_figure_alone_keeps_the_users_zoom(explorer, wait_for_app_idle):
    """The 3-D camera only changes the (hidden) surface: the other charts get the same figure, and stay."""
    wait_for_app_idle(explorer)
    explorer.evaluate(MARK_JS)
    zoomed = [0.0, 25.0]
    explorer.evaluate(
        """z => { const g = [...document.querySelectorAll('.js-plotly-plot')]
            .find(g => (g.layout.title || {}).text.startsWith('Loss (1)'));
          return window.Plotly.relayout(g, {'xaxis.range': z}); }""",  # as a drag on the plot would
        zoomed,
    )
    camera = explorer.get_by_role("combobox", name="3-D camera")
    camera.scroll_into_view_if_needed()
    camera.click()
    camera.press("ArrowDown")
    camera.press("Enter")
    wait_for(lambda: "camera" in query(explorer))
    wait_for_app_idle(explorer)
    after = {c["title"]: c for c in explorer.evaluate(CHARTS_JS)}
    loss = next(c for t, c in after.items() if t.startswith("Loss (1)"))
    assert loss["xrange"] == pytest.approx(zoomed), "the zoom was lost on a rerun that did not change the chart"
    assert all(c["kept"] and c["state"] == "drawn" for c in after.values())


def test_the_player_still_steps_after_the_charts_config_changed(explorer, wait_for_app_idle):
    """Plotly starts a chart over when its config changes (here the camera button's format), frames and all."""
    wait_for_app_idle(explorer)
    look_at_contour(explorer, wait_for_app_idle)
    explorer.get_by_role("radio", name="PNG (3×)").click()
    wait_for(lambda: query(explorer).get("image") == "png")
    wait_for_app_idle(explorer)
    contour = next(c for c in explorer.evaluate(CHARTS_JS) if c["title"].startswith("Contour"))
    assert contour["state"] == "drawn" and contour["frames"] > 1
    frames = explorer.locator(".js-plotly-plot").first.evaluate(
        "g => g.layout.sliders[0].steps.map(s => [s.args[0][0], s.label])"
    )
    player_button(explorer, "◀").click()
    record, step = frames[-2]
    wait_for(lambda: plot_data(explorer, "Contour", "position at step")["name"] == f"position at step {step}")
    wait_for(lambda: query(explorer).get("frame") == record)
    assert not explorer.get_by_test_id("stException").count()


def test_a_chart_goes_full_screen_and_back(explorer, wait_for_app_idle):
    wait_for_app_idle(explorer)
    n = next(i for i, t in enumerate(plot_titles(explorer)) if t.startswith("Loss (1)"))
    chart = explorer.locator(".js-plotly-plot").nth(n)
    chart.scroll_into_view_if_needed()
    chart.hover()
    size = "g => [g._fullLayout.width, g._fullLayout.height]"
    before = chart.evaluate(size)
    button = chart.locator(".modebar-btn[data-title^='Full screen']")
    button.click()
    explorer.wait_for_function(
        "() => { const g = document.fullscreenElement;"
        " return g && g.classList.contains('js-plotly-plot') && g._fullLayout.height === window.innerHeight; }",
        timeout=10_000,
    )
    chart.hover()
    button.click()  # the same button leaves (so does Esc, which the browser handles)
    explorer.wait_for_function("() => !document.fullscreenElement", timeout=10_000)
    wait_for(lambda: chart.evaluate(size) == before)
    assert not explorer.get_by_test_id("stException").count()
