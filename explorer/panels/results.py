"""Results of training and solving for one state, built once and shared read-only across reruns."""

from __future__ import annotations

import numpy as np

from .. import compute, palette
from ..cache import cached
from ..figures.common import outcome_colours, run_names
from ..figures.ranges import axis_1d
from ..keys import TrainingKey
from ..models import MODELS
from . import computed


@cached()
def results_for(train: TrainingKey) -> dict:
    """Shared, read-only results: Plotly figures and arrays are built once per training key."""
    return _compute(train)


def _compute(state: TrainingKey) -> dict:
    """Everything the explorer draws, from cached pieces."""
    model = MODELS[state.model]
    out: dict = {"model": model}
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
        optimum = computed.fixed_alpha_optimum(state.model, state.points, state.lam)
        out.update(box=box, optimum=optimum.objective, fixed=optimum)
        out["stars"] = _stars(state, optimum)
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
        sol = computed.convex_optimum(state.points, state.lam, True)
        out.update(optimum=sol.objective, convex=sol)
    out["path"] = path
    _, out["colours"] = outcome_colours(path.final_loss, out["optimum"])
    out["grid"] = axis_1d(compute.data_arrays(state.points)[0])
    out["curves"] = _curves(state, out, path)
    return out


def _stars(state: TrainingKey, optimum) -> list:
    """Every landscape point where the global minimum is attained (both orders for two neurons)."""
    model = MODELS[state.model]
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


def _curves(state: TrainingKey, res: dict, path) -> list[dict]:
    model = res["model"]
    grid = res["grid"]
    f = compute.outputs(state.model, path.final_W, path.final_alpha, grid)
    curves = []
    for r, (label, _) in enumerate(run_names(res["colours"], path.final_loss)):
        curves.append(
            dict(
                f=f[r],
                name=label,
                group=label,
                colour=palette.BLACK if r == 0 else res["colours"][r],
                width=3 if r == 0 else 1.3,
                on_pad=r == 0,
            )
        )
    if model.landscape_dims:
        W = res["fixed"].W
        f_opt = compute.outputs(state.model, W[None], np.ones((1, W.shape[0])), grid)[0]
    else:
        W, alpha = res["convex"].network()
        f_opt = compute.outputs(state.model, W[None], alpha[None], grid)[0]
    curves.append(
        dict(f=f_opt, name="global optimum (convex)", colour=palette.VERMILLION, width=3, dash="dash", on_pad=True)
    )
    return curves
