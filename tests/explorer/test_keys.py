"""Cache keys: each computation reads only its key, so a field missing from a key cannot go unnoticed."""

from __future__ import annotations

from dataclasses import fields, replace

import pytest

from explorer.keys import DynamicsKey, GeneralKey, OptimumKey, TrainingKey
from explorer.panels import general_runs as R
from explorer.panels.results import results_for
from explorer.state import State, from_preset


@pytest.mark.parametrize("preset", ["poster", "one_neuron", "neuron_bias", "zigzag"])
def test_explorer_results_are_computed_from_the_training_key_alone(preset):
    state = replace(from_preset(preset), steps=40)
    res = results_for(TrainingKey.of(state))  # reading a State field the key lacks raises AttributeError
    assert res.path.steps[-1] == 40 and res.model.key == state.model


@pytest.mark.parametrize("preset, dims", [("ten_neurons", 1), ("xor_plane", 2)])
def test_general_results_are_computed_from_the_general_key_alone(preset, dims):
    key = GeneralKey.of(replace(from_preset(preset), steps=30, neurons=5))
    assert key.dims == dims and (key.points2d == () if dims == 1 else key.points == ())
    res = R.results(key)
    assert len(res.run.history) == 31 and res.opt.ok
    assert R.optimum(key.optimum) is res.opt  # one optimum per data and lambda, shared


def test_dynamics_key_names_its_optimum():
    key = DynamicsKey.of(from_preset("init_dynamics"))
    assert key.optimum == OptimumKey(1, key.points, (), key.lam)


@pytest.mark.parametrize("key_type", [TrainingKey, GeneralKey, DynamicsKey, OptimumKey])
def test_every_key_field_follows_the_state(key_type):
    """A key copies its fields from the State: changing one of them changes the key, and no other does."""
    state = replace(State(), dims=1)
    base = key_type.of(state)
    names = {f.name for f in fields(key_type)}
    changes = {
        "points": ((0.0, 1.0),),
        "start": (1.0, 2.0),
        "lam": 0.5,
        "step": 0.3,
        "steps": 7,
        "starts": 3,
        "seed": 9,
        "neurons": 4,
        "init_scale": 0.2,
        "small_scale": 0.5,
        "large_scale": 2.0,
        "train_alpha": False,
        "model": "one",
        "camera": "top",
        "frame": 3,
        "image": "png",
        "gates": 5,
    }
    for name, value in changes.items():
        moved = key_type.of(replace(state, **{name: value}))
        assert (moved != base) == (name in names), name
    with pytest.raises(AttributeError):
        base.view  # noqa: B018 - a key holds no field its computation does not read
