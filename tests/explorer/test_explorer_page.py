"""The explorer page through Streamlit's AppTest: presets, edits, clicks, URL state and bad input."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.figures.landscape_figs import CONTOUR_META, STEP_BACK, STEP_FORWARD
from explorer.keys import TrainingKey
from explorer.panels.explorer_view import contour_for
from explorer.presets import PRESETS, ZIGZAG_X, ZIGZAG_Y
from explorer.state import State, from_preset
from tests.explorer.pagetest import chart_with, charts, open_page, plotted, query, texts, trace

EXPLORER_PRESETS = [p for p in PRESETS if from_preset(p).view == "explorer"]


@pytest.mark.parametrize("preset", EXPLORER_PRESETS)
def test_every_preset_renders_its_figures(preset):
    at = open_page(p=preset)
    figs = charts(at)
    model = from_preset(preset).model
    out = chart_with(at, "Data, GD endpoints")
    data = trace(out, "data")
    np.testing.assert_allclose(np.c_[data["x"], data["y"]], np.asarray(PRESETS[preset].settings["points"]))
    assert trace(out, "global optimum (convex)")["line"]["dash"] == "dash"
    loss = chart_with(at, "Loss (1)")
    runs = [t for t in loss["data"] if t["name"] == "GD from your start" or t["name"].startswith("random starts")]
    # One trace per legend entry: the runs of a valley are joined, a gap (NaN) between two runs.
    assert sum(1 + sum(v is None or v != v for v in t["y"]) for t in runs) == 1 + from_preset(preset).starts
    assert len({t["name"] for t in runs}) == len(runs)
    if model in ("two", "one_bias"):
        contour = chart_with(at, "Contour")
        assert trace(contour, "loss")["type"] == "contour"
        assert trace(contour, "activation regions")["type"] == "heatmap"
        assert len(contour["frames"]) > 10, "the paths animate from Plotly frames"
        assert (
            trace(chart_with(at, "Patterns of this endpoint"), "inside the cones (patterns kept)")["type"] == "heatmap"
        )
    if model == "one":
        curve = chart_with(at, "L(w)")
        assert trace(curve, "L(w)")["type"] == "scatter"
    assert not at.error
    # The WebGL charts (surface, 3-D bowl) are drawn on demand; the bowl only for two parameters.
    expected = {"two": 4, "one_bias": 4, "one": 3, "many": 2}[model]
    assert len(figs) == expected, list(figs)
    assert not any(t.startswith("Surface") for t in figs)


def test_poster_preset_shows_the_three_valleys_and_the_global_minimum():
    at = open_page(p="poster")
    contour = chart_with(at, "Contour")
    ends = trace(contour, "endpoints (final loss)")
    finals = {round(float(v), 6) for v in ends["customdata"]}
    assert {round(float(t), 6) for t in ends["text"] if t} == finals  # each valley labelled, once per spot
    assert sum(1 for t in ends["text"] if t) < len(ends["text"])
    assert finals <= {0.0, 1.0, 4.0} and 0.0 in finals and len(finals) >= 2
    stars = trace(contour, "global minimum (convex)")
    np.testing.assert_allclose(sorted(zip(stars["x"], stars["y"])), [(-1.0, 2.0), (2.0, -1.0)], atol=1e-4)
    labels = " ".join(a["text"] for a in contour["layout"]["annotations"])
    assert "D₁ = diag(0,1)" in labels and "D₂ = diag(1,0)" in labels
    assert "Global minimum of the landscape" in [m.label for m in at.metric]
    # The legend names the valley each colour of random start ends in, each once.
    keys = [t["name"] for t in contour["data"] if t["name"].startswith("random starts") and t["showlegend"]]
    assert sorted(keys) == ["random starts → loss 0", "random starts → loss 1", "random starts → loss 4"]


def click_contour(at, x: float, y: float, nonce: int = 1) -> None:
    """What the page's contour script sends after a click on the plot area at data point (x, y)."""
    at.session_state["contour_controls"] = {"pick": {"x": x, "y": y, "nonce": nonce}, "frame": None}
    at.run()


def test_click_on_the_contour_starts_gd_there():
    at = open_page(p="poster")
    click_contour(at, -0.5, 2.5)
    assert not at.exception
    contour = chart_with(at, "Contour")
    you = trace(contour, "GD from your start")
    assert (you["x"][0], you["y"][0]) == pytest.approx((-0.5, 2.5))
    assert query(at)["start"] == "-0.5,2.5"
    # From (-0.5, 2.5) both neurons keep their patterns and GD reaches the global minimum (-1, 2).
    assert (you["x"][-1], you["y"][-1]) == pytest.approx((-1.0, 2.0), abs=1e-3)


@pytest.mark.parametrize("start", ["60,0", "-1000,1000"])
def test_a_start_far_out_in_the_link_draws_gd_from_there(start):
    # The link accepts starts up to ±1000; the typed-start form must hold them too.
    at = open_page(p="poster", start=start)
    you = trace(chart_with(at, "Contour"), "GD from your start")
    assert (you["x"][0], you["y"][0]) == pytest.approx(tuple(float(v) for v in start.split(",")))
    form = [n.value for n in at.number_input if n.label in ("w₁", "w₂")]
    assert form == [float(v) for v in start.split(",")]


def test_a_far_start_survives_a_change_of_network():
    at = open_page(p="one_neuron", start="-80,0")
    at.selectbox(key="w_model").set_value("two").run()
    assert not at.exception, [e.value for e in at.exception]
    assert query(at)["start"].startswith("-80")


def test_adding_a_point_on_the_pad_updates_every_figure():
    at = open_page(p="poster")
    blurb = PRESETS["poster"].blurb
    assert blurb in [c.value for c in at.sidebar.caption]
    at.session_state["data_pad"] = {"edit": {"points": [[-1.0, 1.0], [1.0, 2.0], [0.5, 0.2]], "nonce": 1}}
    at.run()
    assert not at.exception
    # On the same run the sidebar says that the preset's description is no longer of these data.
    assert f"*Changed since this preset was opened; it described:* {blurb}" in [c.value for c in at.sidebar.caption]
    data = trace(chart_with(at, "Data, GD endpoints"), "data")
    assert data["x"] == [-1.0, 1.0, 0.5] and data["y"] == [1.0, 2.0, 0.2]
    assert query(at)["points"] == "-1,1;1,2;0.5,0.2"
    # The landscape is recomputed on the new data: its loss at the old global minimum is no longer 0.
    state = State.from_query(query(at))[0]
    assert state.points == ((-1.0, 1.0), (1.0, 2.0), (0.5, 0.2))


def _edit_table(at, **edits) -> None:
    """Edit the data table as the browser would: its changes against the points it was opened with."""
    key = f"data_table_{at.session_state['data_table_view'][0]}"
    at.session_state[key] = {"edited_rows": {}, "added_rows": [], "deleted_rows": []} | edits
    at.run()
    assert not at.exception


def test_table_edit_changes_the_data():
    at = open_page(p="poster")
    _edit_table(at, edited_rows={"1": {"y": 3.0}})
    data = trace(chart_with(at, "Data, GD endpoints"), "data")
    assert data["y"] == [1.0, 3.0]


def test_a_row_being_filled_in_stays_in_the_table():
    at = open_page(p="poster")
    _edit_table(at, edited_rows={"1": {"y": None}})  # the user cleared a cell to type another value
    assert trace(chart_with(at, "Data, GD endpoints"), "data")["x"] == [-1.0]
    assert "1 incomplete row(s) ignored until both values are filled in." in texts(at)
    _edit_table(at, edited_rows={"1": {"y": 0.5}})  # the same table, the same row: now filled in
    data = trace(chart_with(at, "Data, GD endpoints"), "data")
    assert data["x"] == [-1.0, 1.0] and data["y"] == [1.0, 0.5]


def test_lambda_and_step_changes_update_the_figures():
    at = open_page(p="poster")
    before = chart_with(at, "Loss (1)")
    at.number_input(key="w_lam").set_value(0.5).run()
    assert not at.exception
    assert query(at)["lam"] == "0.5"
    metric = [m for m in at.metric if m.label == "Global minimum of the landscape"][0]
    # Two separate neurons, alpha = 1: min over u of (u-1)^2 + (u-2)^2 style bowls with ridge 0.25 u^2 + 0.5.
    assert float(metric.value) > 0.5
    at.number_input(key="w_step").set_value(0.02).run()
    after = chart_with(at, "Loss (1)")
    assert query(at)["step"] == "0.02"
    assert after["data"][0]["y"] != before["data"][0]["y"]


def test_url_state_round_trips():
    at = open_page(p="poster")
    at.number_input(key="w_lam").set_value(0.25).run()
    at.number_input(key="w_starts").set_value(3).run()
    click_contour(at, 1.5, 0.5)
    link = query(at)
    again = open_page(**link)
    assert query(again) == link
    assert again.number_input(key="w_lam").value == 0.25
    assert again.number_input(key="w_starts").value == 3
    you = trace(chart_with(again, "Contour"), "GD from your start")
    assert (you["x"][0], you["y"][0]) == pytest.approx((1.5, 0.5))


def test_camera_button_format_follows_the_choice_and_the_link():
    at = open_page(p="poster")
    configs = [c.config for c in plotted(at)]
    assert {c["toImageButtonOptions"]["format"] for c in configs} == {"svg"}
    assert all(c["toImageButtonOptions"]["scale"] >= 3 for c in configs)
    at.segmented_control(key="w_image").set_value("png").run()
    configs = [c.config for c in plotted(at)]
    assert {c["toImageButtonOptions"]["format"] for c in configs} == {"png"}
    assert query(at)["image"] == "png"
    again = open_page(**query(at))
    assert {c.config["toImageButtonOptions"]["format"] for c in plotted(again)} == {"png"}


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"p": "nope"}, "Unknown preset"),
        ({"p": "poster", "lam": "-1"}, "λ must be ≥ 0"),
        ({"p": "poster", "points": "1,2;x,3"}, "not a number"),
        ({"p": "poster", "points": "nan,1"}, "not a finite number"),
        ({"p": "poster", "steps": "1e12"}, "outside"),
        ({"p": "zigzag", "neurons": "5000"}, "outside 1…1000"),
        ({"p": "poster", "points": ";".join(f"{i},{i}" for i in range(501))}, "more than the 500"),
        ({"p": "poster", "view": "<script>"}, "is not one of"),
        ({"p": "poster", "image": "gif"}, "'gif' is not one of svg, png"),
    ],
)
def test_tampered_links_give_a_message_and_a_usable_page(params, expected):
    at = open_page(**params)
    assert expected in texts(at)
    assert chart_with(at, "Data, GD endpoints")


def test_too_many_points_from_the_pad_are_refused_and_the_others_kept():
    at = open_page(p="poster")
    many = [[float(i) / 600, 0.0] for i in range(501)]
    at.session_state["data_pad"] = {"edit": {"points": many, "nonce": 1}}
    at.run()
    assert [w.value for w in at.warning].count(
        "The page handles at most 500 points; the previous points are kept."
    ) == 1  # once, by the pad, although the edit is also read before anything is computed
    data = trace(chart_with(at, "Data, GD endpoints"), "data")
    assert data["x"] == [-1.0, 1.0]


def test_a_coordinate_too_large_on_the_pad_is_refused_once():
    at = open_page(p="poster")
    at.session_state["data_pad"] = {"edit": {"points": [[-1.0, 1.0], [1.0, 2.0], [5000.0, 0.0]], "nonce": 1}}
    at.run()
    assert [w.value for w in at.warning] == ["Coordinates must lie within ±1000; the previous points are kept."]
    assert trace(chart_with(at, "Data, GD endpoints"), "data")["x"] == [-1.0, 1.0]


def test_a_diverging_step_size_is_reported():
    at = open_page(p="poster", surface=1)
    at.number_input(key="w_step").set_value(5.0).run()
    assert not at.exception
    assert "diverged" in texts(at)
    loss = chart_with(at, "Loss (1)")
    runs = [t for t in loss["data"] if t["name"] == "GD from your start" or t["name"].startswith("random starts")]
    # Every gap is a break between two runs: no run has a missing (non-finite) value.
    gaps = sum(v is None or v != v for t in runs for v in t["y"])
    assert gaps == 1 + from_preset("poster").starts - len(runs)
    # The 3-D box stays that of the landscape; the runaway paths are clipped, not zoomed out to.
    contour, surface = chart_with(at, "Contour"), chart_with(at, "Surface")
    assert surface["layout"]["scene"]["xaxis"]["range"] == contour["layout"]["xaxis"]["range"]
    assert max(abs(v) for v in surface["layout"]["scene"]["xaxis"]["range"]) < 10
    table = [d for d in at.dataframe if "verdict" in d.value.columns][0].value
    assert "diverged" in set(table["verdict"])


def test_an_empty_dataset_keeps_the_page_usable():
    at = open_page(p="poster")
    at.session_state["data_pad"] = {"edit": {"points": [], "nonce": 1}}
    at.run()
    assert not at.exception
    assert "dataset is empty" in texts(at)
    at.session_state["data_pad"] = {"edit": {"points": [[0.5, 1.0]], "nonce": 2}}
    at.run()
    assert trace(chart_with(at, "Data, GD endpoints"), "data")["x"] == [0.5]


def test_the_contour_has_one_player_that_steps_in_the_browser():
    at = open_page(p="poster")
    contour = chart_with(at, "Contour")
    (menu,) = contour["layout"]["updatemenus"]
    labels = [b["label"] for b in menu["buttons"]]
    assert labels == ["|◀", "◀", "▶ Play", "❚❚", "▶", "▶|"]
    steps = {b["name"]: b for b in menu["buttons"]}
    assert STEP_BACK in steps and STEP_FORWARD in steps
    # Plotly's own animation takes the landscape off the plot: every control does nothing by itself, the
    # player script (figures/frame_steps.js) shows the frames.
    assert {b["method"] for b in menu["buttons"]} == {"skip"}
    assert {s["method"] for s in contour["layout"]["sliders"][0]["steps"]} == {"skip"}
    assert not any(b.label in ("◀", "▶") for b in at.button), "the page has no second set of step buttons"
    # A frame holds only what moves: the style of the heads stays that of the figure's trace.
    assert set(contour["frames"][0]["data"][0]) == {"x", "y", "name", "customdata", "hovertemplate"}
    assert contour["layout"]["meta"] == CONTOUR_META


def test_a_linked_frame_opens_there_and_a_step_in_the_browser_moves_the_link():
    at = open_page(p="poster", frame=0)
    contour = chart_with(at, "Contour")
    heads = [t for t in contour["data"] if t["name"].startswith("position at step")][0]
    assert heads["name"] == "position at step 0"
    assert contour["layout"]["sliders"][0]["active"] == 0
    # The browser reports the frame an animation or a step ended on; the link follows, the figure is
    # left as the browser already shows it.
    second = contour["layout"]["sliders"][0]["steps"][1]["args"][0][0]
    at.session_state["contour_controls"] = {"pick": None, "frame": {"frame": int(second), "nonce": 5}}
    at.run()
    assert query(at)["frame"] == second
    last = contour["layout"]["sliders"][0]["steps"][-1]["args"][0][0]
    at.session_state["contour_controls"] = {"pick": None, "frame": {"frame": int(last), "nonce": 6}}
    at.run()
    assert "frame" not in query(at), "the last frame is the default"


def test_the_downloaded_contour_steps_frames_too():
    fig = contour_for(TrainingKey.of(from_preset("poster")), -1, False)
    html = fig.to_html(include_plotlyjs=False, post_script=fig.post_script)
    assert "function wireFrameSteps(" in html and "wireFrameSteps(document.getElementById(" in html


def test_presets_reset_the_controls():
    at = open_page(p="poster")
    at.number_input(key="w_lam").set_value(0.3).run()
    at.selectbox(key="w_preset").set_value("zigzag").run()
    assert not at.exception
    assert at.number_input(key="w_lam").value == PRESETS["zigzag"].settings["lam"]
    assert query(at)["p"] == "zigzag"


def shown(widget):
    """The value the browser draws for a widget: the value sent with it, or else its default."""
    return widget.proto.value if widget.proto.set_value else widget.proto.default


def test_explorer_settings_come_back_after_two_other_views():
    """A setting of the explorer's sidebar is not drawn in the other views; back in the explorer, the browser
    must draw its value, not the widget's default (Random starts once came back as 0)."""
    at = open_page(p="poster")
    at.number_input(key="w_starts").set_value(5).run()
    at.selectbox(key="w_camera").set_value("top").run()
    for view in ("general", "dynamics", "explorer"):
        at.segmented_control(key="w_view").set_value(view).run()
        assert not at.exception
    assert shown(at.number_input(key="w_starts")) == 5
    assert at.selectbox(key="w_camera").value == "top"
    assert at.selectbox(key="w_camera").proto.set_value
    assert query(at)["starts"] == "5"
    assert len(trace(chart_with(at, "Contour"), "starts")["x"]) == 6


def test_basin_layer_colours_the_three_valleys():
    at = open_page(p="poster")
    at.toggle(key="w_basins").set_value(True).run()
    assert not at.exception
    contour = chart_with(at, "Contour")
    layer = trace(contour, "basins of attraction")
    finals = np.asarray(layer["customdata"])
    assert finals.shape == (200, 200)
    legend = sorted(t["name"] for t in contour["data"] if t["name"].startswith("basin →"))
    assert legend == ["basin → loss 0", "basin → loss 1", "basin → loss 4"]
    assert query(at)["basins"] == "1"


def test_many_neuron_preset_shows_the_certificate():
    at = open_page(p="zigzag")
    assert "Certificate" in texts(at)
    table = [d for d in at.dataframe if "certified gap" in d.value.columns][0].value
    assert (table["certified gap"] >= -1e-9).all()
    optimum = [m for m in at.metric if m.label == "Optimal value of (2)"][0]
    assert float(optimum.value) == pytest.approx(0.0718, abs=1e-4)
    # The preset's story: every run sits at about the best straight line's loss, far above the optimum.
    line = np.linalg.lstsq(np.c_[ZIGZAG_X, np.ones(10)], ZIGZAG_Y, rcond=None)[1][0]
    assert np.all(np.abs(table["final loss"] - line) < 0.01)
    assert (table["verdict"] == "stuck").all()
    np.testing.assert_allclose(table["certified gap"], table["final loss"] - float(optimum.value), atol=2e-4)


def test_inputs_too_close_to_resolve_are_not_called_exact():
    at = open_page(model="many", points="1,1;1.0000000001,2", lam="0")
    assert any("closer to another" in w.value and "infimum can then be lower" in w.value for w in at.warning)
    assert "all of them (exact)" not in texts(at) and "all that float64 resolves" in texts(at)
    at = open_page(model="many", points="1,1;1.001,2", lam="0")
    assert not any("closer to another" in w.value for w in at.warning)
    assert "all of them (exact)" in texts(at)
