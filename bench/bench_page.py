"""Explorer page: server time of each interaction on the presets, run through Streamlit's AppTest.

For each interaction the median of several distinct repetitions is printed beside the time of the
same page opened cold (empty caches) as the baseline measured in this run. The budget is 150 ms.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from bench.timing import print_table
from explorer.presets import PRESETS

APP = str(Path(__file__).resolve().parents[1] / "app.py")
BUDGET_MS = 150
REPEATS = 7


def _open(preset: str) -> tuple[AppTest, float]:
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=300)
    at.query_params["p"] = preset
    start = time.perf_counter()
    at.run()
    return at, time.perf_counter() - start


def _median(at: AppTest, change) -> float:
    times = []
    for i in range(REPEATS):
        change(at, i)
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
        assert not at.exception, [e.value for e in at.exception]
    return statistics.median(times)


def _pick(at, i):
    """A click on the contour, as the page's contour hooks (explorer/contour_controls.py) report it."""
    at.session_state["contour_controls"] = {
        "pick": {"x": -2.5 + 0.7 * i, "y": 1.3 - 0.3 * i, "nonce": 1000 + i},
        "frame": None,
    }


def _frame(at, i):
    """The contour's player stopped on another frame: only the fragment that puts it in the link reruns."""
    at.session_state["contour_controls"] = {"pick": None, "frame": {"frame": 10 * (i + 1), "nonce": 2000 + i}}


def _pad(points):
    def change(at, i):
        at.session_state["data_pad"] = {"edit": {"points": [*points, [0.3 + 0.05 * i, 0.5]], "nonce": 100 + i}}

    return change


INTERACTIONS = {
    "poster": {
        "rerun (no change)": lambda at, i: None,
        "click on the contour": _pick,
        "change λ": lambda at, i: at.number_input(key="w_lam").set_value(0.01 * (i + 1)),
        "change step size": lambda at, i: at.number_input(key="w_step").set_value(0.05 + 0.002 * (i + 1)),
        "add a point on the pad": _pad([[-1.0, 1.0], [1.0, 2.0]]),
        "step one frame": _frame,
    },
    "one_neuron": {
        "rerun (no change)": lambda at, i: None,
        "change λ": lambda at, i: at.number_input(key="w_lam").set_value(0.01 * (i + 1)),
    },
    "neuron_bias": {
        "rerun (no change)": lambda at, i: None,
        "click on the contour": _pick,
        "change λ": lambda at, i: at.number_input(key="w_lam").set_value(0.01 * (i + 1)),
    },
    "zigzag": {
        "rerun (no change)": lambda at, i: None,
        "change λ": lambda at, i: at.number_input(key="w_lam").set_value(0.001 * (i + 2)),
        "add a point on the pad": _pad([list(p) for p in PRESETS["zigzag"].settings["points"]]),
    },
    "init_scale": {
        "rerun (no change)": lambda at, i: None,
        "change λ": lambda at, i: at.number_input(key="w_lam").set_value(0.001 * (i + 2)),
        "change the start scale": lambda at, i: at.number_input(key="w_init_scale").set_value(0.02 + 0.01 * i),
    },
}


def main() -> None:
    rows = []
    for preset, interactions in INTERACTIONS.items():
        at, cold = _open(preset)
        for label, change in interactions.items():
            median = _median(at, change)
            verdict = "ok" if median * 1e3 <= BUDGET_MS else "over budget"
            rows.append(
                (preset, label, f"{median * 1e3:.0f} ms", f"{cold * 1e3:.0f} ms", f"{cold / median:.1f}x", verdict)
            )
    print_table(rows, ("preset", "interaction", "median", "cold open (baseline)", "ratio", f"≤ {BUDGET_MS} ms"))


if __name__ == "__main__":
    main()
