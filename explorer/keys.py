"""What each cached computation of the page depends on: one frozen key per computation, built from the State.

A computation takes its key, never the State, so it can read only the fields its key holds: a field
forgotten here fails loudly (AttributeError) instead of serving a stale result.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any, Self


class _Key:
    """A key copies its fields, by name, from the State."""

    @classmethod
    def of(cls, state: Any) -> Self:
        return cls(**{f.name: getattr(state, f.name) for f in fields(cls)})  # type: ignore[arg-type]


@dataclass(frozen=True)
class TrainingKey(_Key):
    """The explorer's GD runs, optimum and figures: model, data, start and training settings."""

    model: str
    points: tuple
    start: tuple
    lam: float
    step: float
    steps: int
    starts: int
    seed: int
    neurons: int
    init_scale: float


def _chosen_data(key: Any) -> Any:
    """Keep only the data of the chosen input dimension: the other cannot change the result, so it must
    not split the cache."""
    return replace(key, points=key.points if key.dims == 1 else (), points2d=key.points2d if key.dims == 2 else ())


@dataclass(frozen=True)
class OptimumKey(_Key):
    """The convex optimum of the m-neuron views: the data and lambda only."""

    dims: int
    points: tuple
    points2d: tuple
    lam: float

    @classmethod
    def of(cls, state: Any) -> Self:
        return _chosen_data(super().of(state))


@dataclass(frozen=True)
class GeneralKey(OptimumKey):
    """One GD run of the m-neuron and timing views against the optimum of its data and lambda."""

    step: float
    steps: int
    seed: int
    neurons: int
    init_scale: float
    train_alpha: bool

    @property
    def optimum(self) -> OptimumKey:
        return OptimumKey(self.dims, self.points, self.points2d, self.lam)


@dataclass(frozen=True)
class DynamicsKey(_Key):
    """The small and large starts of the initialisation view (1-D data)."""

    points: tuple
    neurons: int
    lam: float
    step: float
    steps: int
    seed: int
    small_scale: float
    large_scale: float

    @property
    def optimum(self) -> OptimumKey:
        return OptimumKey(1, self.points, (), self.lam)
