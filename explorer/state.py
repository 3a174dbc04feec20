"""One serialisable state for the whole page, mirrored in the URL so that a link reopens the same view.

``State.to_query()`` gives short string parameters; ``State.from_query(params)`` reads them back,
keeping a sensible value (and collecting a message) for anything malformed or out of range.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any, Callable, Mapping

from .presets import PRESETS

MAX_POINTS = 500
MAX_NEURONS = 1000
MAX_STEPS = 20_000
MAX_STARTS = 32
MAX_ABS = 1e3  # coordinates beyond this make GD overflow long before it says anything useful
MAX_GATES = 100_000  # Gaussian gates drawn to sample activation patterns (patterns view)
MAX_PATTERN = 1_000_000  # index of the highlighted activation region (clamped to the count on the page)
CAMERAS = ("iso", "top", "front", "side")
IMAGE_FORMATS = ("svg", "png")  # what the camera button in a figure's toolbar saves


# --- how each field reads and writes its URL parameter -----------------------------------------------


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
        raise ValueError(f"{_num(v)} is beyond ±{MAX_ABS:g}")  # all its digits: 1000.0001 is not 1000
    return v


@dataclass(frozen=True)
class Codec:
    """How a State field travels in the URL, and whether a sidebar widget shows it.

    ``decode`` raises ValueError with a short reason for anything it will not take.
    """

    widget: bool = True

    def encode(self, value: Any) -> str:
        return str(value)

    def decode(self, text: str) -> Any:  # pragma: no cover - every codec overrides it
        raise NotImplementedError


@dataclass(frozen=True)
class Choice(Codec):
    """One of a few words (or of the keys a registry returns, looked up when a link is read)."""

    options: tuple | Callable[[], tuple] = ()

    def choices(self) -> tuple:
        return self.options() if callable(self.options) else self.options

    def decode(self, text: str) -> str:
        options = self.choices()
        if text not in options:
            raise ValueError(f"'{text}' is not one of {', '.join(options)}")
        return text


@dataclass(frozen=True)
class Real(Codec):
    """A finite number in [lo, hi] (lo > 0: a positive one)."""

    lo: float = -MAX_ABS
    hi: float = MAX_ABS

    def encode(self, value: Any) -> str:
        return _num(value)

    def decode(self, text: str) -> float:
        v = _finite(text)
        if self.lo == 0 and v < 0:
            raise ValueError("λ must be ≥ 0")
        if not self.lo <= v <= self.hi:
            raise ValueError(f"{v:g} is outside {self.lo:g}…{self.hi:g}" if v > 0 else "must be > 0")
        return v


@dataclass(frozen=True)
class Whole(Codec):
    """A whole number in [lo, hi]."""

    lo: int = 0
    hi: int = 2**31 - 1

    def decode(self, text: str) -> int:
        try:
            v = float(text)
        except ValueError:
            raise ValueError(f"'{text}' is not a number") from None
        if not math.isfinite(v) or not v.is_integer():
            raise ValueError(f"'{text}' is not a whole number")
        if not self.lo <= v <= self.hi:
            raise ValueError(f"{int(v)} is outside {self.lo}…{self.hi}")
        return int(v)


@dataclass(frozen=True)
class Flag(Codec):
    def encode(self, value: Any) -> str:
        return "1" if value else "0"

    def decode(self, text: str) -> bool:
        if text not in ("0", "1"):
            raise ValueError("expected 0 or 1")
        return text == "1"


@dataclass(frozen=True)
class Dims(Codec):
    def decode(self, text: str) -> int:
        if text not in ("1", "2"):
            raise ValueError("expected 1 or 2")
        return int(text)


@dataclass(frozen=True)
class Numbers(Codec):
    """A fixed number of finite numbers, comma-separated."""

    count: int = 2
    widget: bool = False

    def encode(self, value: Any) -> str:
        return ",".join(_num(v) for v in value)

    def decode(self, text: str) -> tuple:
        values = tuple(_finite(p) for p in text.split(","))
        if len(values) != self.count:
            raise ValueError("expected two numbers")
        return values


@dataclass(frozen=True)
class Rows(Codec):
    """Points: rows of ``width`` numbers, rows separated by ';'."""

    width: int = 2
    limit: int = MAX_POINTS
    widget: bool = False

    def encode(self, value: Any) -> str:
        return ";".join(",".join(_num(v) for v in row) for row in value)

    def decode(self, text: str) -> tuple:
        rows = [r for r in text.split(";") if r.strip()]
        if len(rows) > self.limit:
            raise ValueError(f"{len(rows)} points is more than the {self.limit} the page handles")
        out = []
        for r in rows:
            parts = r.split(",")
            if len(parts) != self.width:
                raise ValueError(f"'{r}' should have {self.width} comma-separated numbers")
            out.append(tuple(_finite(p) for p in parts))
        return tuple(out)


@dataclass(frozen=True)
class TourStep(Codec):
    """A step of the guided tour, 1 to its length (0: not touring)."""

    widget: bool = False

    def decode(self, text: str) -> int:
        from .tour import TOUR  # the tour's steps are States: read when a link is, not when this module loads

        return Whole(lo=0, hi=len(TOUR)).decode(text)


def _view_keys() -> tuple:
    from .views import VIEWS  # the registry of views; read when a link is, not when this module loads

    return tuple(v.key for v in VIEWS)


def _model_keys() -> tuple:
    from .models import MODELS

    return tuple(MODELS)


def _figure_keys() -> tuple:
    from .gallery import FIGURES

    return ("", *(f.key for f in FIGURES))


def _field(default, codec: Codec, **kw):
    return field(default=default, metadata={"codec": codec}, **kw)


@dataclass(frozen=True)
class State:
    """Everything needed to redraw the page.

    ``points`` are (x, y) pairs for 1-D data or (x1, x2, y) triples for 2-D data (the patterns and
    general-case views); ``start`` holds the landscape coordinates where GD starts. Each field is
    declared once, with the codec that reads and writes it in the URL (its bounds and whether a
    widget shows it): the link parser, the widgets' limits and keys all come from here.
    """

    view: str = _field("explorer", Choice(options=_view_keys))
    preset: str = _field("poster", Choice(options=lambda: (*PRESETS, "custom")))
    model: str = _field("two", Choice(options=_model_keys))
    points: tuple = _field(PRESETS["poster"].settings["points"], Rows(width=2))
    points2d: tuple = _field(
        ((-1.0, -0.5, 1.0), (0.5, 1.0, -0.5), (1.0, -1.0, 0.8), (-0.3, 0.8, -1.0), (0.2, 0.1, 0.5)), Rows(width=3)
    )
    start: tuple = _field((0.4, 0.9), Numbers(count=2))
    lam: float = _field(0.0, Real(lo=0.0, hi=100.0))
    step: float = _field(0.05, Real(lo=1e-6, hi=100.0))
    steps: int = _field(300, Whole(lo=1, hi=MAX_STEPS))
    starts: int = _field(12, Whole(lo=0, hi=MAX_STARTS))
    seed: int = _field(0, Whole(lo=0, hi=2**31 - 1))
    neurons: int = _field(30, Whole(lo=1, hi=MAX_NEURONS))
    init_scale: float = _field(0.5, Real(lo=1e-6, hi=100.0))
    small_scale: float = _field(1e-3, Real(lo=1e-9, hi=100.0))
    large_scale: float = _field(1.0, Real(lo=1e-9, hi=100.0))
    camera: str = _field("iso", Choice(options=CAMERAS))
    basins: bool = _field(False, Flag())
    # The WebGL (3-D) charts are drawn on demand: seconds each on a machine without a graphics card.
    surface: bool = _field(False, Flag())  # the landscape as a 3-D surface beside the contour
    surface_paths: bool = _field(True, Flag())  # the GD paths on that surface
    bowl3d: bool = _field(False, Flag())  # the fixed-pattern bowl in 3-D rather than as a map
    frame: int = _field(-1, Whole(lo=-1, hi=MAX_STEPS, widget=False))  # -1: the last recorded step
    # Input dimension of the m-neuron views: 1 (``points``) or 2 (``points2d``), bias added.
    dims: int = _field(1, Dims())
    train_alpha: bool = _field(True, Flag())  # False keeps the second layer at its initial value
    new_label: float = _field(1.0, Real())  # label given to 2-D points added by a click
    gates: int = _field(1000, Whole(lo=1, hi=MAX_GATES))  # Gaussian gates for the sampled pattern count
    pattern: int = _field(0, Whole(lo=0, hi=MAX_PATTERN))  # highlighted activation region in the patterns view
    image: str = _field("svg", Choice(options=IMAGE_FORMATS))  # format of the camera button's export
    tour: int = _field(0, TourStep())  # step of the guided tour (explorer/tour.py), 0: not touring
    present: bool = _field(False, Flag())  # presentation mode: no sidebar or downloads, large type and figures
    figure: str = _field("", Choice(options=_figure_keys, widget=False))  # one figure alone (explorer/gallery.py)

    def to_query(self) -> dict[str, str]:
        """Short URL parameters, only those that differ from the defaults of its preset."""
        base = from_preset(self.preset)
        out = {"p": self.preset}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name != "preset" and value != getattr(base, f.name):
                out[f.name] = codec(f.name).encode(value)
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
                updates[f.name] = codec(f.name).decode(str(params[f.name]).strip())
            except ValueError as exc:
                messages.append(f"Ignored '{f.name}' in the link: {exc}")
        state = replace(state, **updates)
        return state, messages


def codec(name: str) -> Codec:
    """The codec of State field ``name``."""
    return _CODECS[name]


_CODECS: dict[str, Codec] = {f.name: f.metadata["codec"] for f in fields(State)}
#: State field -> key of the widget that shows it (every field whose codec says it has one).
WIDGET_FIELDS = tuple(name for name, c in _CODECS.items() if c.widget)


def bounds(name: str) -> dict:
    """``min_value``/``max_value`` for the widget of a numeric field, from its codec."""
    c = codec(name)
    if not isinstance(c, (Real, Whole)):
        raise ValueError(f"State field {name!r} is not a number")
    return dict(min_value=c.lo, max_value=c.hi)


def from_preset(name: str) -> State:
    """The state a preset opens with ('custom' keeps the defaults)."""
    if name == "custom":
        return State(preset="custom")
    return replace(State(), preset=name, **PRESETS[name].settings)


def check_presets() -> None:
    """Every preset names only State fields, with values its codec would accept: checked at import."""
    names = {f.name for f in fields(State)}
    for key, preset in PRESETS.items():
        unknown = set(preset.settings) - names
        if unknown:
            raise TypeError(f"Preset {key!r} sets {sorted(unknown)}, which are not State fields")
        for name, value in preset.settings.items():
            if name in ("view", "model"):
                continue  # registries checked by the tests: importing them here would import the panels
            codec(name).decode(codec(name).encode(value))


check_presets()


def as_dict(state: State) -> dict:
    return asdict(state)
