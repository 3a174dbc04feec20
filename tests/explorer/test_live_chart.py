"""Charts that keep their identity across reruns, drawn with the plotly.js Streamlit ships."""

import json
from pathlib import Path

import plotly.graph_objects as go
import streamlit as st
from streamlit.testing.v1 import AppTest

from explorer import live_chart
from tests.explorer.pagetest import live_charts


def test_the_borrowed_plotly_module_exists_and_sets_window_plotly():
    name = live_chart.plotly_module()
    assert name and name.startswith("PlotlyChart.") and name.endswith(".js")
    source = Path(st.__file__).parent / "static" / "static" / "js" / name
    # live_chart.js imports this file and then reads window.Plotly.
    assert "window.Plotly=" in source.read_text(encoding="utf-8")


def _page():
    import plotly.graph_objects as go
    import streamlit as st

    from explorer.live_chart import live_chart

    scale = st.session_state.get("scale", 1.0)
    fig = go.Figure(go.Scatter(x=[0, 1, 2], y=[0, scale, 4 * scale], name="line"))
    live_chart(fig, key="demo", config={"displaylogo": False}, alt=f"A line of slope {scale}")


def test_a_new_figure_keeps_the_chart_and_sends_the_figure_config_and_name():
    at = AppTest.from_function(_page).run()
    assert not at.exception
    (first,) = live_charts(at)
    at.session_state["scale"] = 3.0
    at.run()
    (second,) = live_charts(at)
    # The same element: the browser keeps the chart and draws the new figure into it.
    assert second.proto.id == first.proto.id
    data = json.loads(second.proto.bytes)
    figure = go.Figure(data["figure"])
    assert list(figure.data[0].y) == [0, 3.0, 12.0]
    assert data["config"] == {"displaylogo": False}
    assert data["alt"] == "A line of slope 3.0"
    assert data["plotly"] == live_chart.plotly_module()
    assert not at.get("plotly_chart")


def test_the_envelope_is_json_with_the_figure_as_plotly_writes_it():
    fig = go.Figure(go.Heatmap(z=[[1.5, 2.0], [0.25, -1.0]]), layout=dict(title=dict(text='Say "hi" ↗')))
    sent = json.loads(live_chart.envelope(fig, {"scale": 3}, 'a "quoted" name', "PlotlyChart.x.js"))
    assert sent == {
        "figure": json.loads(fig.to_json()),
        "config": {"scale": 3},
        "alt": 'a "quoted" name',
        "plotly": "PlotlyChart.x.js",
    }


def test_without_a_plotly_module_to_borrow_streamlit_draws_the_chart(monkeypatch):
    monkeypatch.setattr(live_chart, "plotly_module", lambda: None)
    at = AppTest.from_function(_page).run()
    assert not at.exception
    assert not live_charts(at)
    (chart,) = at.get("plotly_chart")
    assert chart.proto.alt == "A line of slope 1.0"
    assert json.loads(chart.proto.config) == {"displaylogo": False}
