"""The State codec: every field declared once, read and written in links, bounded for the widgets."""

from __future__ import annotations

import math
from dataclasses import fields, replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from explorer import state as S
from explorer.models import MODELS
from explorer.presets import PRESETS, Preset
from explorer.session import WIDGETS
from explorer.state import State, codec, from_preset
from explorer.views import VIEWS, view_of

finite = st.floats(min_value=-S.MAX_ABS, max_value=S.MAX_ABS, allow_nan=False)


def values_of(c: S.Codec):
    """Every value a codec accepts, as a hypothesis strategy."""
    if isinstance(c, S.Choice):
        return st.sampled_from(c.choices())
    if isinstance(c, S.Real):
        return st.floats(min_value=c.lo, max_value=c.hi, allow_nan=False)
    if isinstance(c, S.Whole):
        return st.integers(min_value=c.lo, max_value=c.hi)
    if isinstance(c, S.Flag):
        return st.booleans()
    if isinstance(c, S.Dims):
        return st.sampled_from((1, 2))
    if isinstance(c, S.Numbers):
        return st.tuples(*[finite] * c.count)
    if isinstance(c, S.TourStep):
        from explorer.tour import TOUR

        return st.integers(min_value=0, max_value=len(TOUR))
    if isinstance(c, S.Rows):
        return st.lists(st.tuples(*[finite] * c.width), max_size=6).map(tuple)
    raise AssertionError(f"no strategy for {c!r}")


states = st.fixed_dictionaries({f.name: values_of(codec(f.name)) for f in fields(State)}).map(lambda d: State(**d))


@given(states)
def test_every_state_survives_a_round_trip_through_its_link(state):
    query = state.to_query()
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in query.items())
    back, messages = State.from_query(query)
    assert messages == []
    assert back == state


@given(st.sampled_from([f.name for f in fields(State) if f.name != "preset"]), st.text(max_size=12))
def test_a_tampered_value_is_ignored_with_a_message_or_taken_within_bounds(name, text):
    state, messages = State.from_query({"p": "poster", name: text})
    if messages:
        assert len(messages) == 1 and messages[0].startswith(f"Ignored '{name}' in the link: ")
        assert getattr(state, name) == getattr(from_preset("poster"), name)
    value = getattr(state, name)
    c = codec(name)
    if isinstance(c, (S.Real, S.Whole)):
        assert c.lo <= value <= c.hi and math.isfinite(value)


# field | link value | why it is refused
REFUSALS = """
lam       | -1     | λ must be ≥ 0
lam       | 101    | outside 0…100
step      | 0      | must be > 0
steps     | 2.5    | not a whole number
neurons   | 5000   | outside 1…1000
points    | 1,2;3  | should have 2 comma-separated numbers
points2d  | 1,2,x  | not a number
start     | 1,2,3  | expected two numbers
new_label | 1e9    | beyond
basins    | yes    | expected 0 or 1
dims      | 3      | expected 1 or 2
image     | gif    | 'gif' is not one of svg, png
view      | nowhere| is not one of
"""


@pytest.mark.parametrize(
    "name, text, reason", [[c.strip() for c in row.split("|")] for row in REFUSALS.split("\n")[1:-1]]
)
def test_codecs_say_why_they_refuse(name, text, reason):
    with pytest.raises(ValueError, match=reason):
        codec(name).decode(text)


def test_widget_keys_and_bounds_come_from_the_fields():
    assert set(WIDGETS) == {f.name for f in fields(State)} - {"points", "points2d", "start", "frame", "tour", "figure"}
    assert all(key == f"w_{name}" for name, key in WIDGETS.items())
    assert S.bounds("neurons") == dict(min_value=1, max_value=S.MAX_NEURONS)
    assert S.bounds("lam") == dict(min_value=0.0, max_value=100.0)
    with pytest.raises(ValueError, match="not a number"):
        S.bounds("camera")


def test_registries_agree_with_the_state():
    assert codec("view").choices() == tuple(v.key for v in VIEWS)
    assert codec("model").choices() == tuple(MODELS)
    for key, preset in PRESETS.items():
        from_preset(key)  # every preset opens
        assert preset.view is None or view_of(preset.view)
        assert preset.settings.get("model", "two") in MODELS
    with pytest.raises(ValueError, match="No view"):
        view_of("nowhere")


def test_a_preset_that_names_no_state_field_is_refused_at_import(monkeypatch):
    monkeypatch.setitem(PRESETS, "broken", Preset("x", "y", {"neurns": 3}))
    with pytest.raises(TypeError, match="neurns"):
        S.check_presets()
    monkeypatch.setitem(PRESETS, "broken", Preset("x", "y", {"neurons": 0}))
    with pytest.raises(ValueError, match="outside"):
        S.check_presets()


def test_the_default_state_is_the_poster_and_custom_keeps_defaults():
    assert from_preset("poster") == replace(State(), preset="poster")
    assert from_preset("custom") == State(preset="custom")
