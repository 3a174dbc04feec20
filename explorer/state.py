"""One serialisable state for the whole page, mirrored in the URL so that a link reopens the same view.

``State.to_query()`` gives short string parameters; ``State.from_query(params)`` reads them back,
keeping a sensible value (and collecting a message) for anything malformed or out of range.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields, replace
from typing import Mapping

from .models import MODELS
from .presets import PRESETS

MAX_POINTS = 500
MAX_NEURONS = 1000
MAX_STEPS = 20_000
MAX_STARTS = 32
MAX_ABS = 1e3  # coordinates beyond this make GD overflow long before it says anything useful
# Bounds shared by the link parser and the widgets, so that a link never holds a value a widget would reset.
REAL_LIMITS = {
    "lam": (0.0, 100.0),
    "step": (1e-6, 100.0),
    "init_scale": (1e-6, 100.0),
    "small_scale": (1e-9, 100.0),
    "large_scale": (1e-9, 100.0),
}


def bounds(name: str) -> dict:
    """``min_value``/``max_value`` for the widget of a real-valued field."""
    lo, hi = REAL_LIMITS[name]
    return dict(min_value=lo, max_value=hi)


VIEWS = ("explorer", "general", "dynamics", "timing", "patterns")
CAMERAS = ("iso", "top", "front", "side")
IMAGE_FORMATS = ("svg", "png")  # what the camera button in a figure's toolbar saves
MAX_GATES = 100_000  # Gaussian gates drawn to sample activation patterns (patterns view)
MAX_PATTERN = 1_000_000  # index of the highlighted activation region (clamped to the count on the page)


@dataclass(frozen=True)
class State:
    """Everything needed to redraw the page.

    ``points`` are (x, y) pairs for 1-D data or (x1, x2, y) triples for 2-D data (the patterns and
    general-case views); ``start`` holds the landscape coordinates where GD starts.
    """

    view: str = "explorer"
    preset: str = "poster"
    model: str = "two"
    points: tuple = PRESETS["poster"]["points"]
    points2d: tuple = ((-1.0, -0.5, 1.0), (0.5, 1.0, -0.5), (1.0, -1.0, 0.8), (-0.3, 0.8, -1.0), (0.2, 0.1, 0.5))
    start: tuple = (0.4, 0.9)
    lam: float = 0.0
    step: float = 0.05
    steps: int = 300
    starts: int = 12
    seed: int = 0
    neurons: int = 30
    init_scale: float = 0.5
    small_scale: float = 1e-3
    large_scale: float = 1.0
    camera: str = "iso"
    basins: bool = False
    frame: int = -1  # -1: the last recorded step
    dims: int = 1  # input dimension of the m-neuron views: 1 (``points``) or 2 (``points2d``), bias added
    train_alpha: bool = True  # False keeps the second layer at its initial value
    new_label: float = 1.0  # label given to 2-D points added by a click
    gates: int = 1000  # Gaussian gates for the sampled pattern count
    pattern: int = 0  # highlighted activation region in the patterns view
    image: str = "svg"  # format of the camera button's export (one of IMAGE_FORMATS)

    def to_query(self) -> dict[str, str]:
        """Short URL parameters, only those that differ from the defaults of its preset."""
        base = from_preset(self.preset)
        out = {"p": self.preset}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name != "preset" and value != getattr(base, f.name):
                out[f.name] = _encode(value)
        return out

    @classmethod
    def from_query(cls, params: Mapping[str, str]) -> tuple["State", list[str]]:
        """Parse URL parameters; returns the state and a message for each value that was ignored."""
        messages: list[str] = []
        preset = params.get("p", "poster")
        if preset not in PRESETS and preset != "custom":
            messages.append(f"Unknown preset '{preset}' in the link; showing the poster's example.")
            preset = "poster"
        state = from_preset(preset)
        updates = {}
        for f in fields(cls):
            if f.name == "preset" or f.name not in params:
                continue
            try:
                updates[f.name] = _decode(f.name, params[f.name], getattr(state, f.name))
            except ValueError as exc:
                messages.append(f"Ignored '{f.name}' in the link: {exc}")
        state = replace(state, **updates)
        return state, messages


def from_preset(name: str) -> State:
    """The state a preset opens with ('custom' keeps the defaults)."""
    if name == "custom":
        return State(preset="custom")
    spec = {k: v for k, v in PRESETS[name].items() if k not in ("title", "blurb")}
    return replace(State(), preset=name, **spec)


def _encode(value) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, tuple):
        if value and isinstance(value[0], tuple):
            return ";".join(",".join(_num(v) for v in row) for row in value)
        return ",".join(_num(v) for v in value)
    if isinstance(value, float):
        return _num(value)
    return str(value)


def _num(v: float) -> str:
    """Shortest text that reads back as exactly the same float."""
    text = repr(float(v))
    return text[:-2] if text.endswith(".0") else text


def _finite(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise ValueError(f"'{text}' is not a number") from None
    if not math.isfinite(v):
        raise ValueError(f"'{text}' is not a finite number")
    if abs(v) > MAX_ABS:
        raise ValueError(f"{v:g} is beyond ±{MAX_ABS:g}")
    return v


def _int_in(text: str, lo: int, hi: int) -> int:
    try:
        v = float(text)
    except ValueError:
        raise ValueError(f"'{text}' is not a number") from None
    if not math.isfinite(v) or not v.is_integer():
        raise ValueError(f"'{text}' is not a whole number")
    if not lo <= v <= hi:
        raise ValueError(f"{int(v)} is outside {lo}…{hi}")
    return int(v)


def _rows(text: str, width: int, limit: int) -> tuple:
    rows = [r for r in text.split(";") if r.strip()]
    if len(rows) > limit:
        raise ValueError(f"{len(rows)} points is more than the {limit} the page handles")
    out = []
    for r in rows:
        parts = r.split(",")
        if len(parts) != width:
            raise ValueError(f"'{r}' should have {width} comma-separated numbers")
        out.append(tuple(_finite(p) for p in parts))
    return tuple(out)


def _decode(name: str, text: str, current):
    text = str(text).strip()
    if name == "view":
        if text not in VIEWS:
            raise ValueError(f"'{text}' is not one of {', '.join(VIEWS)}")
        return text
    if name == "model":
        if text not in MODELS:
            raise ValueError(f"'{text}' is not one of {', '.join(MODELS)}")
        return text
    if name == "camera":
        if text not in CAMERAS:
            raise ValueError(f"'{text}' is not one of {', '.join(CAMERAS)}")
        return text
    if name == "image":
        if text not in IMAGE_FORMATS:
            raise ValueError(f"'{text}' is not one of {', '.join(IMAGE_FORMATS)}")
        return text
    if name == "points":
        return _rows(text, 2, MAX_POINTS)
    if name == "points2d":
        return _rows(text, 3, MAX_POINTS)
    if name == "start":
        values = tuple(_finite(p) for p in text.split(","))
        if len(values) != 2:
            raise ValueError("expected two numbers")
        return values
    if name in ("basins", "train_alpha"):
        if text not in ("0", "1"):
            raise ValueError("expected 0 or 1")
        return text == "1"
    if name == "dims":
        if text not in ("1", "2"):
            raise ValueError("expected 1 or 2")
        return int(text)
    if name == "new_label":
        return _finite(text)
    if name == "lam":
        v = _finite(text)
        if v < 0:
            raise ValueError("λ must be ≥ 0")
    if name in REAL_LIMITS:
        v = _finite(text)
        lo, hi = REAL_LIMITS[name]
        if not lo <= v <= hi:
            raise ValueError(f"{v:g} is outside {lo:g}…{hi:g}" if v > 0 else "must be > 0")
        return v
    limits = {
        "steps": (1, MAX_STEPS),
        "starts": (0, MAX_STARTS),
        "seed": (0, 2**31 - 1),
        "neurons": (1, MAX_NEURONS),
        "frame": (-1, MAX_STEPS),
        "gates": (1, MAX_GATES),
        "pattern": (0, MAX_PATTERN),
    }
    if name in limits:
        return _int_in(text, *limits[name])
    raise ValueError("unknown parameter")  # pragma: no cover - every field is handled above


def as_dict(state: State) -> dict:
    return asdict(state)
