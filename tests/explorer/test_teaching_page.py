"""The page for teaching, through AppTest: the guided tour, presentation mode, one figure alone, the figures'
text alternatives, and the networks and whole-view files the page offers."""

from __future__ import annotations

import re

import numpy as np
import pytest

import landscape as L
from explorer import gallery
from explorer.exchange import read_networks
from explorer.export import Section, view_html
from explorer.figures.presenting import extra_height
from explorer.presets import PRESETS
from explorer.state import from_preset
from explorer.tour import TOUR, check_tour, step_state
from tests.explorer.pagetest import charts, open_page, plotted, query, texts


def tour_heading(at) -> str:
    found = [m.value for m in at.markdown if "Guided tour · step" in m.value]
    assert found, "no tour card"
    return found[0]


def test_the_tour_has_the_poster_argument_in_at_least_eight_valid_steps():
    check_tour()
    assert len(TOUR) >= 8
    for k, s in enumerate(TOUR, start=1):
        state = step_state(k)
        assert (state.preset, state.view, state.tour) == (s.preset, s.view, k)
        for key in s.figures:
            assert gallery.figure_of(key).view == s.view, (k, key)


def test_next_and_back_walk_the_tour_and_update_the_link():
    at = open_page(tour=1)
    for k in range(1, len(TOUR) + 1):
        assert f"step {k} of {len(TOUR)}" in tour_heading(at)
        q = query(at)
        assert q["tour"] == str(k) and q["p"] == TOUR[k - 1].preset
        assert q.get("view", from_preset(TOUR[k - 1].preset).view) == TOUR[k - 1].view
        assert not at.exception and not at.error, [e.value for e in at.error]
        # The step's figures are on the page, each with its caption.
        shown = [c.alt for c in plotted(at)]
        assert len(shown) >= len(TOUR[k - 1].figures)
        if k < len(TOUR):
            at.button(key="tour_next").click().run()
    assert at.button(key="tour_next").disabled
    at.button(key="tour_back").click().run()
    assert f"step {len(TOUR) - 1} of" in tour_heading(at)
    assert query(at)["tour"] == str(len(TOUR) - 1)


def test_leaving_the_tour_keeps_the_state_editable():
    at = open_page(tour=2)
    at.button(key="tour_leave").click().run()
    q = query(at)
    assert "tour" not in q and q["p"] == "poster"
    assert not [m for m in at.markdown if "Guided tour · step" in m.value]
    at.number_input(key="w_lam").set_value(0.25).run()
    assert query(at)["lam"] == "0.25"
    assert not at.exception


def test_a_tour_link_opens_its_step_with_the_link_s_own_changes():
    at = open_page(tour=4, lam=0.5)
    assert "step 4 of" in tour_heading(at)
    q = query(at)
    assert q["p"] == TOUR[3].preset and q["lam"] == "0.5" and q["tour"] == "4"


def test_another_preset_in_a_tour_link_is_ignored_with_a_message():
    other = next(k for k in PRESETS if k != TOUR[2].preset)
    at = open_page(tour=3, p=other)
    assert f"tour step 3 opens its own example ('{TOUR[2].preset}')" in texts(at)
    assert query(at)["p"] == TOUR[2].preset
    at = open_page(tour=3, p=TOUR[2].preset)  # the tour's own links carry its preset: nothing to say
    assert "Ignored 'p'" not in texts(at)


def test_a_bad_tour_step_in_a_link_is_ignored_with_a_message():
    at = open_page(tour=99)
    assert "Ignored 'tour' in the link: 99 is outside 0…11" in texts(at)
    assert not [m for m in at.markdown if "Guided tour · step" in m.value]


def test_presentation_mode_has_no_sidebar_and_no_downloads_and_sizes_figures_to_the_screen():
    at = open_page(p="poster", tour=2, present=1)
    assert not at.sidebar.children or all(not c.children for c in at.sidebar.children.values())
    assert not at.get("download_button")
    assert "step 2 of" in tour_heading(at)
    assert at.button(key="tour_next") is not None
    # The window reports its size: every figure is drawn 78 % as tall, with larger type.
    at.session_state["screen"] = {"size": {"width": 1600, "height": 1000}}
    at.run()
    for title, spec in charts(at).items():
        assert spec["layout"]["height"] == 780 + extra_height(spec["layout"]), title
        assert spec["layout"]["font"]["size"] > 14, title
    assert query(at)["present"] == "1"


def test_presentation_toggle_turns_it_on_and_off():
    at = open_page(p="poster")
    assert at.get("download_button")
    at.toggle(key="w_present").set_value(True).run()
    assert query(at)["present"] == "1" and not at.get("download_button")
    at.toggle(key="w_present").set_value(False).run()
    assert "present" not in query(at) and at.get("download_button")


@pytest.mark.parametrize("name", ["contour", "loss", "bowl"])
def test_one_figure_alone(name):
    at = open_page(p="poster", figure=name)
    shown = plotted(at)
    assert len(shown) == 1
    assert not at.title and not at.get("download_button") and not at.button
    caption = at.caption[0].value
    assert caption == shown[0].alt and re.search(r"\d", caption)


def test_a_figure_the_settings_do_not_draw_says_so():
    at = open_page(p="poster", figure="curve")
    assert not plotted(at)
    assert "not drawn for these settings" in texts(at)
    at = open_page(p="poster", figure="nonsense")
    assert "Ignored 'figure' in the link" in texts(at)


VIEW_LINKS = [
    dict(p="poster"),
    dict(p="one_neuron"),
    dict(p="ten_neurons"),
    dict(p="init_dynamics"),
    dict(p="zigzag_many", view="timing"),
    dict(p="plane_patterns"),
]


@pytest.mark.parametrize("link", VIEW_LINKS, ids=lambda q: "-".join(q.values()))
def test_every_figure_has_a_caption_in_numbers_as_its_text_alternative(link):
    at = open_page(**link)
    shown = plotted(at)
    assert shown
    captions = {c.value for c in at.caption}
    for chart in shown:
        alt = chart.alt
        assert len(alt) > 40 and re.search(r"\d", alt), alt
        assert alt in captions


def test_every_figure_of_the_registry_is_drawn_with_its_key():
    keys = {f.key for f in gallery.FIGURES}
    assert len(keys) == len(gallery.FIGURES)
    for view in ("explorer", "general", "dynamics", "timing", "patterns"):
        assert gallery.of_view(view)


def test_explorer_networks_read_back_to_their_objective():
    from explorer.keys import TrainingKey
    from explorer.panels.exchange_panel import explorer_networks
    from explorer.panels.results import results_for

    state = from_preset("zigzag")
    files = explorer_networks(state, results_for(TrainingKey.of(state)))
    runs = read_networks(files["⬇ GD networks (JSON)"][1]())
    assert len(runs.networks) == 1 + state.starts
    for net in runs.networks:
        assert L.objective(net.W, net.alpha, runs.X, runs.y, runs.lam) == net.objective
        assert net.certified_gap is not None and net.certified_gap >= 0
    best = read_networks(files["⬇ Optimal network (JSON)"][1]()).network("optimum of (2)")
    assert best.certified_gap < 1e-6
    assert min(n.objective for n in runs.networks) >= best.objective - 1e-9


def test_whole_view_html_holds_every_figure_caption_and_formula_offline():
    import plotly.graph_objects as go

    figs = [
        Section("a", "First", go.Figure(go.Scatter(x=[0, 1], y=[1, 2])), "Two points, loss 0.5.", (r"\lambda \ge 0",)),
        Section("b", "Second", go.Figure(go.Surface(z=np.eye(3))), "A surface from 0 to 1."),
    ]
    page = view_html("Title", "Some view", figs, intro="An **intro**.", link="http://localhost:8501/?p=poster")
    assert page.count('class="figure"') == 2 and 'id="figure-a"' in page and 'id="figure-b"' in page
    assert "Two points, loss 0.5." in page and "A surface from 0 to 1." in page
    assert page.count("<math") >= 5  # the two problems, the cones, the mapping and the figure's own
    assert "@media print" in page and "<strong>intro</strong>" in page
    assert not re.search(r"<script[^>]+src=", page), "nothing may be fetched: the file must work offline"
    assert len(page) > 3_000_000  # plotly.js is inlined


def test_contour_legend_is_shorter_than_the_controls_above_it():
    from explorer.figures.landscape_figs import LEGEND_ROW, PLAYER_SPACE
    from tests.explorer.pagetest import chart_with

    contour = chart_with(open_page(p="poster"), "Contour")
    shown = [t["name"] for t in contour["data"] if t.get("type") == "scatter" and t.get("showlegend", True)]
    assert "starts" not in shown and not any(n.startswith("position at step") for n in shown)
    legend = contour["layout"]["margin"]["b"] - PLAYER_SPACE
    assert legend == 6 * LEGEND_ROW == len(shown) * LEGEND_ROW  # one entry a row in a half-width column
    assert legend < PLAYER_SPACE


def test_loss_chart_names_the_optimum_in_its_legend_not_on_the_curves():
    from tests.explorer.pagetest import chart_with, trace

    loss = chart_with(open_page(p="poster"), "Loss (1)")
    assert not loss["layout"].get("annotations")
    line = trace(loss, "global optimum (convex): 0")
    assert line["y"] == pytest.approx([0.0, 0.0], abs=1e-9) and line["line"]["dash"] == "dash"
    assert loss["data"][0]["name"] == line["name"]  # drawn first: under the curves


def test_formulas_become_mathml_that_browsers_draw_as_written():
    from explorer.export import formula
    from explorer.panels import text

    objective = formula(text.OBJECTIVE_1)
    assert objective.startswith("<math") and 'display="block"' in objective
    assert "\\|" not in objective and "&#x02016;" in objective  # the norm bars of \Big\|
    cones = formula(text.CONES)
    assert "𝒦" in cones and "𝟙" in cones and "script" not in cones and "double-struck" not in cones


def test_captions_count_one_point_in_the_singular():
    at = open_page(p="poster", points="1,2")
    assert "The 1 data point (x from" in texts(at)
    at = open_page(p="poster")
    assert "The 2 data points (x from" in texts(at)
