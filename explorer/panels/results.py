"""Results of training and solving for one state, built once and shared read-only across reruns."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import landscape as L
import solvers as S
from solvers.fixed_alpha import FixedAlphaSolution

from .. import compute, palette
from ..cache import cached
from ..figures.common import outcome_colours, run_names
from ..figures.ranges import axis_1d
from ..keys import TrainingKey
from ..models import MODELS, Model
from . import computed


@dataclass(frozen=True)
class ExplorerResults:
    """Everything the explorer draws for one training key; shared read-only across reruns.

    Built by :func:`results_for` from cached pieces: the runs, the optimum they are judged against,
    and what the figures overlay.

    Attributes
    ----------
    model : Model
    path : DescentPath
        The user's run (index 0) and the random starts.
    optimum : float
        The global optimum GD is judged against: the landscape's (alpha = 1) or problem (2)'s.
    colours : list of str
        One per run, by the valley it ends in.
    grid : ndarray (G,)
        Inputs at which the outputs are drawn.
    curves : list of dict
        Outputs of each run and of the optimum on ``grid``.
    box : ((lo, hi), (lo, hi)) or None
        The landscape's axes (landscape models).
    fixed : FixedAlphaSolution or None
        Every fixed-pattern problem of a landscape model.
    stars : list or None
        Landscape coordinates of the global minima.
    convex : ConvexSolution or None
        Problem (2) for the m-neuron model.
    """

    model: Model
    path: L.DescentPath
    optimum: float
    colours: list[str]
    grid: np.ndarray
    curves: list[dict]
    box: tuple | None = None
    fixed: FixedAlphaSolution | None = None
    stars: list | None = None
    convex: S.ConvexSolution | None = None


@cached()
def results_for(train: TrainingKey) -> ExplorerResults:
    """Shared, read-only results: Plotly figures and arrays are built once per training key."""
    state = train
    model = MODELS[state.model]
    box = fixed = stars = convex = None
    if model.landscape_dims:
        box = compute.landscape_box(state.model, state.points, state.start)
        # One batch for the user's start and the random ones: a GD step costs the same for 1 or 30 runs.
        coords = np.vstack(
            [
                np.asarray(state.start[: model.landscape_dims], dtype=float),
                compute.random_starts(state.model, box, state.starts, state.seed),
            ]
        )
        path = computed.descent_from(
            state.model, state.points, state.lam, state.step, state.steps, tuple(map(tuple, coords))
        )
        fixed = computed.fixed_alpha_optimum(state.model, state.points, state.lam)
        optimum, stars = fixed.objective, stars_of(state.model, fixed)
    else:
        path = computed.descent_init(
            state.model,
            state.points,
            state.lam,
            state.step,
            state.steps,
            1 + state.starts,
            state.seed,
            state.neurons,
            state.init_scale,
        )
        convex = computed.convex_optimum(state.points, state.lam, True)
        optimum = convex.objective
    _, colours = outcome_colours(path.final_loss, optimum)
    grid = axis_1d(compute.data_arrays(state.points)[0])
    curves = _curves(state, model, path, colours, grid, fixed, convex)
    return ExplorerResults(model, path, optimum, colours, grid, curves, box, fixed, stars, convex)


def stars_of(model_key: str, optimum) -> list:
    """Every landscape point where the global minimum is attained (both orders for two neurons)."""
    model = MODELS[model_key]
    best = np.isclose(optimum.values, optimum.objective, rtol=1e-7, atol=1e-9)
    stars = []
    for c in np.flatnonzero(best):
        coords = model.coordinates(optimum.minimisers[c])
        stars.append(tuple(coords))
        if model.swappable:
            stars.append(tuple(coords[::-1]))
    return (
        sorted(set((round(a, 6), round(b, 6)) for a, b in stars))
        if model.landscape_dims == 2
        else sorted(set(round(s[0], 6) for s in stars))
    )


def _curves(state: TrainingKey, model, path, colours, grid, fixed, convex) -> list[dict]:
    f = compute.outputs(state.model, path.final_W, path.final_alpha, grid)
    curves = []
    for r, (label, _) in enumerate(run_names(colours, path.final_loss)):
        curves.append(
            dict(
                f=f[r],
                name=label,
                group=label,
                colour=palette.BLACK if r == 0 else colours[r],
                width=3 if r == 0 else 1.3,
                on_pad=r == 0,
            )
        )
    if model.landscape_dims:
        W = fixed.W
        f_opt = compute.outputs(state.model, W[None], np.ones((1, W.shape[0])), grid)[0]
    else:
        W, alpha = convex.network()
        f_opt = compute.outputs(state.model, W[None], alpha[None], grid)[0]
    curves.append(
        dict(f=f_opt, name="global optimum (convex)", colour=palette.VERMILLION, width=3, dash="dash", on_pad=True)
    )
    return curves
