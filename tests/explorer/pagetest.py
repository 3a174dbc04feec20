"""Helpers for AppTest page tests: open the app, read its Plotly charts, messages and URL."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def open_page(**query) -> AppTest:
    """Run the app once with these URL parameters; fails on any exception."""
    at = AppTest.from_file(APP, default_timeout=120)
    for k, v in query.items():
        at.query_params[k] = str(v)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def decode(obj):
    """Plotly sends numpy arrays as base64 typed arrays; turn them back into lists."""
    if isinstance(obj, dict):
        if set(obj) >= {"dtype", "bdata"}:
            arr = np.frombuffer(base64.b64decode(obj["bdata"]), dtype=np.dtype(obj["dtype"]))
            if "shape" in obj:
                arr = arr.reshape([int(s) for s in str(obj["shape"]).split(",")])
            return arr.tolist()
        return {k: decode(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [decode(v) for v in obj]
    return obj


@dataclass(frozen=True)
class Plotted:
    """A Plotly chart as the page sends it, drawn by Streamlit or by explorer.live_chart."""

    figure: dict  # Plotly's JSON, parsed (arrays still in Plotly's base64 form: see decode)
    config: dict
    alt: str  # the accessible name


def live_charts(at: AppTest) -> list:
    """The page's explorer.live_chart elements, in page order."""
    return [c for c in at.get("bidi_component") if c.proto.component_name.rsplit(".", 1)[-1] == "live_chart"]


def plotted(at: AppTest) -> list[Plotted]:
    """Every Plotly chart on the page: Streamlit's own first, then the live charts, each in page order."""
    out = [Plotted(json.loads(c.proto.spec), json.loads(c.proto.config), c.proto.alt) for c in at.get("plotly_chart")]
    for c in live_charts(at):
        data = json.loads(c.proto.bytes)
        out.append(Plotted(data["figure"], data["config"], data["alt"]))
    return out


def charts(at: AppTest) -> dict[str, dict]:
    """Every Plotly chart on the page by its title."""
    out = {}
    for c in plotted(at):
        spec = decode(c.figure)
        title = (spec["layout"].get("title") or {}).get("text", "")
        out[title or f"chart {len(out)}"] = spec
    return out


def chart_with(at: AppTest, fragment: str) -> dict:
    """The first chart whose title contains ``fragment``."""
    matches = [s for t, s in charts(at).items() if fragment in t]
    assert matches, f"no chart titled with {fragment!r}: {list(charts(at))}"
    return matches[0]


def traces(spec: dict, name: str) -> list[dict]:
    found = [t for t in spec["data"] if t.get("name") == name]
    assert found, f"no trace {name!r} in {[t.get('name') for t in spec['data']]}"
    return found


def trace(spec: dict, name: str) -> dict:
    return traces(spec, name)[0]


def metric(at: AppTest, label: str):
    found = [m for m in at.metric if m.label == label]
    assert found, f"no metric {label!r} in {[m.label for m in at.metric]}"
    return found[0]


def texts(at: AppTest) -> str:
    """All markdown, captions and messages on the page, as one string."""
    parts = [e.value for kind in ("warning", "info", "error", "caption", "markdown") for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def query(at: AppTest) -> dict[str, str]:
    return {k: at.query_params[k] for k in at.query_params}
