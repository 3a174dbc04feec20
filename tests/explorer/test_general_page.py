"""The m-neuron views through Streamlit's AppTest: every panel and preset, 2-D clicks, bad input, the URL."""

from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import parse_qs, urlencode

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import landscape as L
from explorer import general as G
from explorer.figures.ranges import OUTPUT_GRID_1D
from explorer.panels import general_runs as R
from explorer.presets import PRESETS
from explorer.state import State
from tests.explorer.pagetest import chart_with, metric, open_page, plotted, texts, traces


def url_state(at: AppTest) -> State:
    state, messages = State.from_query(
        at.query_params.to_dict()
        if hasattr(at.query_params, "to_dict")
        else {k: at.query_params[k] for k in at.query_params}
    )
    assert not messages
    return state


# --- the general case -------------------------------------------------------------------------------


def test_general_view_default_draws_gd_optimum_loss_and_slice():
    at = open_page(view="general")
    out = chart_with(at, "Output of GD")
    gd = traces(out, "gradient descent")[0]
    opt = traces(out, "global optimum (convex)")[0]
    assert len(gd["x"]) == len(opt["x"]) == OUTPUT_GRID_1D
    data = traces(out, "data")[0]
    assert sorted(zip(data["x"], data["y"])) == sorted(State().points)
    kinks = sum(len(t["x"]) for t in out["data"] if str(t.get("name", "")).startswith("GD kinks"))
    assert 1 <= kinks <= State().neurons
    loss = chart_with(at, "Loss (1) against gradient-descent step")
    assert loss["layout"]["yaxis"]["type"] in ("log", "linear")
    assert len(traces(loss, "gradient descent")[0]["y"]) > 10
    sl = chart_with(at, "Loss (1) on the plane")
    assert [t["type"] for t in sl["data"]][0] == "contour"
    for name in ("GD start", "GD endpoint", "global optimum (mapped from (2))"):
        assert len(traces(sl, name)[0]["x"]) == 1
    assert traces(sl, "GD endpoint")[0]["x"] == [0.0]
    assert metric(at, "Did GD reach it?").value in ("yes", "no")
    path = chart_with(at, "straight path")
    assert path["data"][0]["x"][0] == 0.0 and path["data"][0]["x"][-1] == 1.0


def test_ten_neurons_preset_gd_is_stuck_above_the_optimum():
    spec = PRESETS["ten_neurons"].settings
    at = open_page(p="ten_neurons")
    assert metric(at, "Did GD reach it?").value == "no"
    inputs, X, y = G.data(spec["points"], (), 1)
    opt = G.convex_optimum(X, y, spec["lam"])
    assert metric(at, "Global optimum (convex)").value == f"{opt.objective:.4g}"
    gd_loss = float(metric(at, "GD loss after training").value)
    assert gd_loss > 2 * opt.objective
    out = chart_with(at, "Output of GD")
    ticks = [t for t in out["data"] if str(t.get("name", "")).startswith("GD kinks")]
    assert 1 <= sum(len(t["x"]) for t in ticks) <= 10
    assert "valley that is not the global one" in texts(at)
    slice_losses = [t for t in chart_with(at, "Loss (1) on the plane")["data"] if t.get("mode") == "markers+text"]
    assert len(slice_losses) == 3


def test_zigzag_preset_uses_500_neurons_and_is_far_from_the_optimum():
    at = open_page(p="zigzag_many")
    assert url_state(at).neurons == 500
    assert metric(at, "Did GD reach it?").value == "no"
    out = chart_with(at, "Output of GD (500 neurons)")
    assert len(traces(out, "data")[0]["x"]) == 10
    assert len(traces(out, "optimal kinks")[0]["x"]) >= 5


def test_xor_preset_draws_two_surfaces_with_neuron_lines():
    at = open_page(p="xor_plane")
    out = chart_with(at, "Outputs over the input plane")
    heat = [t for t in out["data"] if t["type"] == "heatmap"]
    assert len(heat) == 2
    assert np.asarray(heat[0]["z"]).shape == (L.neurons.OUTPUT_GRID_2D, L.neurons.OUTPUT_GRID_2D)
    lines = traces(out, "neuron lines w·[x, 1] = 0")
    assert len(lines) == 2 and all(len(t["x"]) >= 3 for t in lines)
    data = traces(out, "data (colour = label)")[0]
    assert len(data["x"]) == len(PRESETS["xor_plane"].settings["points2d"])
    # The convex panel is the network of the optimum: its surface matches its outputs at the data.
    opt_heat = heat[1]
    assert "global optimum" in opt_heat["name"]


def test_clicking_a_2d_point_retrains_with_it():
    at = open_page(p="xor_plane")
    points = [list(p) for p in PRESETS["xor_plane"].settings["points2d"]] + [[0.0, 0.9, -1.0]]
    at.session_state["plane_pad"] = {"edit": {"points": points, "nonce": 1}}
    at.run()
    assert not at.exception
    assert len(url_state(at).points2d) == 9
    data = traces(chart_with(at, "Outputs over the input plane"), "data (colour = label)")[0]
    assert [0.0, 0.9] in [[x, y] for x, y in zip(data["x"], data["y"])]


def test_switching_to_2d_and_training_alpha_off():
    at = open_page(view="general", neurons=8, steps=200)
    at.session_state["w_dims"] = 2
    at.session_state["w_train_alpha"] = False
    at.run()
    assert not at.exception
    state = url_state(at)
    assert state.dims == 2 and state.train_alpha is False
    assert len([t for t in chart_with(at, "Outputs over the input plane")["data"] if t["type"] == "heatmap"]) == 2
    assert "fixed" in texts(at)


def test_too_few_neurons_for_the_optimum_is_explained():
    at = open_page(p="ten_neurons", neurons=2, steps=300)
    assert "at this width GD may be unable to reach the optimum" in texts(at)


def test_the_width_asked_for_is_never_more_than_n_plus_one():
    # The solver's optimal network may use more neurons than needed: one with at most n + 1 always exists.
    res = SimpleNamespace(opt=SimpleNamespace(neurons=2162), y=np.zeros(60))
    assert R.width_enough(res) == 61
    res = SimpleNamespace(opt=SimpleNamespace(neurons=7), y=np.zeros(60))
    assert R.width_enough(res) == 7


def test_a_diverged_run_is_not_said_to_rest_in_a_valley():
    at = open_page(p="ten_neurons", step=100)
    assert any("diverged" in w.value for w in at.warning)
    assert "stopped in a valley" not in texts(at)


def test_a_loss_that_rose_asks_for_a_smaller_step():
    at = open_page(p="ten_neurons", neurons=1000, steps=200)
    assert not any("diverged" in w.value for w in at.warning)
    assert "The loss **rose** over the run" in texts(at) and "stopped in a valley" not in texts(at)


def test_diverging_step_gives_a_message_and_a_usable_page():
    at = open_page(view="general", step=50, neurons=40, init_scale=1)
    warning = " ".join(w.value for w in at.warning)
    assert "diverged" in warning and "stable" in warning
    assert chart_with(at, "Output of GD")


def test_duplicated_and_collinear_2d_points_are_explained():
    pts = "0,0,1;1,1,-1;2,2,1;0,0,-1;1,0,0.5"
    at = open_page(view="general", dims=2, points2d=pts, neurons=10, steps=100)
    info = " ".join(i.value for i in at.info)
    assert "repeat an earlier input" in info and "lie on one line" in info
    assert chart_with(at, "Outputs over the input plane")


def test_empty_2d_data_asks_for_points():
    at = open_page(view="general", dims=2, points2d="")
    assert any("empty" in i.value for i in at.info)
    assert not plotted(at)


# --- timing -----------------------------------------------------------------------------------------


def test_timing_view_when_gd_does_not_get_there():
    at = open_page(p="zigzag_many", view="timing")
    assert metric(at, "GD to within 1e-3").value == "not reached"
    bars = chart_with(at, "Wall-clock time")["data"][0]
    assert bars["type"] == "bar" and len(bars["x"]) == 2 and all(v > 0 for v in bars["x"])
    gap = chart_with(at, "distance to the optimum against time")
    assert gap["layout"]["yaxis"]["type"] == "log"
    assert metric(at, "Convex solve (2)").value.endswith(("ms", "s", "µs"))


def test_timing_view_when_gd_diverged_compares_no_times():
    at = open_page(p="ten_neurons", view="timing", step=100)
    assert any("diverged at step" in w.value for w in at.warning)
    assert metric(at, "GD to within 1e-3").value == "diverged"
    assert metric(at, "GD time / convex time").value == "—"


def test_timing_view_when_gd_gets_there():
    # Linear data, small start: GD reaches the one-neuron optimum within a few hundred steps.
    pts = ";".join(f"{x},{y}" for x, y in PRESETS["init_dynamics"].settings["points"])
    at = open_page(view="timing", points=pts, neurons=50, init_scale=1e-4, step=0.02, steps=3000, lam=0.001)
    value = metric(at, "GD to within 1e-3").value
    assert value != "not reached"
    steps_taken = int(metric(at, "GD to within 1e-3").delta.split()[0])
    assert 0 < steps_taken < 3000
    assert "×" in metric(at, "GD time / convex time").value


# --- initialisation dynamics -------------------------------------------------------------------------


def test_dynamics_preset_animates_both_starts_and_shows_the_contrast():
    at = open_page(p="init_dynamics")
    small, large = chart_with(at, "Small start"), chart_with(at, "Large start")
    for spec in (small, large):
        assert len(spec["frames"]) >= 20
        assert spec["layout"]["updatemenus"][0]["buttons"][0]["label"] == "▶ Play"
        first, last = spec["frames"][0], spec["frames"][-1]
        assert first["name"] == "0" and last["name"] == str(PRESETS["init_dynamics"].settings["steps"])
        assert len(first["data"]) == 3
    plateau = {m.label: m for m in at.metric if m.label == "Plateau"}
    values = [m.value for m in at.metric if m.label == "Plateau"]
    assert len(values) == 2 and int(values[0].split()[0]) >= 30 and int(values[1].split()[0]) == 0, plateau
    moved = [float(m.value) for m in at.metric if m.label == "Kinks moved"]
    assert moved[1] < 0.1 * moved[0]
    patterns = [m.value for m in at.metric if m.label == "Patterns"]
    start_s, end_s = (int(v) for v in patterns[0].split(" → "))
    assert end_s < start_s and end_s <= 2
    counts = chart_with(at, "Distinct activation patterns")
    assert len(counts["data"]) == 4
    loss = chart_with(at, "Loss (1) against step")
    assert loss["layout"]["yaxis"]["type"] == "log"
    assert "large start uses γ" in texts(at)


# --- 2-D patterns -----------------------------------------------------------------------------------


def test_patterns_preset_meets_covers_bound_and_selects_a_region():
    at = open_page(p="plane_patterns")
    assert metric(at, "Activation regions (exact)").value == "44"
    assert metric(at, "Cover's bound").value == "44"
    sampled = int(metric(at, "Found by 200 random neurons").value)
    assert sampled <= 44
    sphere = chart_with(at, "activation regions on the sphere")
    assert sum(t["type"] == "heatmap" for t in sphere["data"]) == 2
    assert len([t for t in sphere["data"] if t.get("name") == "great circle of a data point"]) == 2 * 7
    at.session_state["w_pattern"] = 5
    at.run()
    plane = chart_with(at, "Region 5")
    line = traces(plane, "neuron's line w·[x, 1] = 0")[0]
    assert len(line["x"]) == 2
    assert url_state(at).pattern == 5
    # The activated points drawn are exactly the pattern of the region's neuron.
    pts = np.array(PRESETS["plane_patterns"].settings["points2d"])
    from solvers import plane_regions as PP

    reg = PP.regions(pts[:, :2])
    on = reg.neurons[5] @ L.with_bias(pts[:, :2]).T > 0
    if on.any():
        drawn = traces(plane, "activated points")[0]
        assert sorted(drawn["x"]) == sorted(pts[on, 0].tolist())


def test_patterns_view_collinear_points_fall_below_the_bound():
    at = open_page(view="patterns", points2d="0,0,1;1,1,1;2,2,1;0,1,-1;1,0,-1")
    assert int(metric(at, "Activation regions (exact)").value) < int(metric(at, "Cover's bound").value)
    assert "fewer" in texts(at)


def test_pattern_index_beyond_the_count_is_clamped():
    at = open_page(p="plane_patterns", pattern=999)
    assert chart_with(at, "Region 43")


# --- links and bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, field",
    [
        ({"dims": "3"}, "dims"),
        ({"train_alpha": "maybe"}, "train_alpha"),
        ({"neurons": "5000"}, "neurons"),
        ({"lam": "-1"}, "lam"),
        ({"step": "inf"}, "step"),
        ({"points2d": "0,0,nan"}, "points2d"),
        ({"points2d": ";".join("0.1,0.2,1" for _ in range(501))}, "points2d"),
        ({"gates": "0"}, "gates"),
        ({"pattern": "-3"}, "pattern"),
        ({"new_label": "1e9"}, "new_label"),
        ({"small_scale": "0"}, "small_scale"),
    ],
)
def test_tampered_links_give_a_message_and_a_usable_page(params, field):
    for view in ("general", "patterns"):
        at = open_page(view=view, **params)
        warnings = " ".join(w.value for w in at.warning)
        assert f"Ignored '{field}'" in warnings
        assert plotted(at)


def test_links_round_trip_the_new_fields():
    state = State(
        view="general",
        dims=2,
        train_alpha=False,
        new_label=-0.5,
        gates=321,
        pattern=7,
        points2d=((0.0, 1.0, -1.0), (2.5, -1.0, 0.25)),
    )
    back, messages = State.from_query(state.to_query())
    assert not messages and back == state
    query = parse_qs(urlencode(state.to_query()))
    assert query["dims"] == ["2"] and query["train_alpha"] == ["0"]


def test_presets_open_their_view_from_any_view():
    at = open_page(view="explorer")
    at.selectbox(key="w_preset").set_value("init_dynamics").run()
    assert url_state(at).view == "dynamics"
    at.selectbox(key="w_preset").set_value("ten_neurons").run()
    assert url_state(at).view == "general"
    # An explorer preset chosen in an m-neuron view keeps the view and brings its data.
    at.selectbox(key="w_preset").set_value("zigzag").run()
    state = url_state(at)
    assert state.view == "general" and state.points == PRESETS["zigzag"].settings["points"]
    assert "*This preset's data, shown in the m neurons view.*" in [c.value for c in at.sidebar.caption]
    assert chart_with(at, "Output of GD")
    # The 2-D patterns view shows no 1-D points: an explorer preset chosen there opens the explorer.
    at.selectbox(key="w_preset").set_value("plane_patterns").run()
    assert url_state(at).view == "patterns"
    at.selectbox(key="w_preset").set_value("zigzag").run()
    state = url_state(at)
    assert state.view == "explorer" and state.points == PRESETS["zigzag"].settings["points"]
    assert not at.exception


def test_dynamics_view_offers_the_blog_setup():
    at = open_page(view="dynamics", neurons=20, steps=200)
    assert chart_with(at, "Small start") and chart_with(at, "Large start")
    at.button(key="open_blog_dynamics").click().run()
    assert not at.exception
    state = url_state(at)
    assert state.view == "dynamics" and state.preset == "init_dynamics" and state.neurons == 1000


@pytest.mark.parametrize("view", ["general", "timing"])
def test_inputs_too_close_to_resolve_are_named(view):
    at = open_page(view=view, points="1,1;1.0000000001,2;-1,0", lam="0.001", steps=100)
    assert any("1 input(s) lie closer to another" in w.value for w in at.warning)
