"""What each cached computation of the page depends on: one frozen key per computation, built from the State.

A computation takes its key, never the State, so it can read only the fields its key holds: a field
forgotten here fails loudly (AttributeError) instead of serving a stale result.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any


def _copy(cls, state: Any):
    return cls(**{f.name: getattr(state, f.name) for f in fields(cls)})


@dataclass(frozen=True)
class TrainingKey:
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

    @classmethod
    def of(cls, state: Any) -> TrainingKey:
        return _copy(cls, state)


@dataclass(frozen=True)
class OptimumKey:
    """The convex optimum of the m-neuron views: the data and lambda only."""

    dims: int
    points: tuple
    points2d: tuple
    lam: float

    @classmethod
    def of(cls, state: Any) -> OptimumKey:
        return cls(
            state.dims, state.points if state.dims == 1 else (), state.points2d if state.dims == 2 else (), state.lam
        )


@dataclass(frozen=True)
class GeneralKey:
    """One GD run of the m-neuron and timing views against the optimum of :class:`OptimumKey`."""

    dims: int
    points: tuple
    points2d: tuple
    lam: float
    step: float
    steps: int
    seed: int
    neurons: int
    init_scale: float
    train_alpha: bool

    @classmethod
    def of(cls, state: Any) -> GeneralKey:
        return cls(**{**_copy(cls, state).__dict__, **OptimumKey.of(state).__dict__})

    @property
    def optimum(self) -> OptimumKey:
        return OptimumKey(self.dims, self.points, self.points2d, self.lam)


@dataclass(frozen=True)
class DynamicsKey:
    """The small and large starts of the initialisation view (1-D data)."""

    points: tuple
    neurons: int
    lam: float
    step: float
    steps: int
    seed: int
    small_scale: float
    large_scale: float

    @classmethod
    def of(cls, state: Any) -> DynamicsKey:
        return _copy(cls, state)

    @property
    def optimum(self) -> OptimumKey:
        return OptimumKey(1, self.points, (), self.lam)
