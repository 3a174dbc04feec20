"""What the page computes, as plain functions of plain values (hashable inputs, numpy outputs).

The page caches each of these (explorer.panels.computed); nothing here knows about Streamlit.
"""

from __future__ import annotations

import numpy as np

import landscape as L
import solvers as S
from solvers.fixed_alpha import solve_fixed_alpha

from . import solving
from .models import MODELS

GRID = 101  # landscape resolution: fine enough for the kinks, light enough for a fast rerun
STUCK_TOLERANCE = 1e-4  # relative gap above which a run is called stuck


def data_arrays(points) -> tuple[np.ndarray, np.ndarray]:
    """(x, y) arrays from (x, y) pairs."""
    arr = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    return arr[:, 0], arr[:, 1]


def landscape_box(model_key: str, points, start) -> tuple[tuple[float, float], tuple[float, float]]:
    """Axis ranges wide enough for the global minimum, the start and some room around them."""
    x, y = data_arrays(points)
    smallest = float(np.min(np.abs(x[x != 0]))) if np.any(x != 0) else 1.0
    scale = max(1.0, float(np.max(np.abs(y))) / max(smallest, 1e-3))
    half = min(max(3.0, 1.5 * scale, 1.2 * float(np.max(np.abs(start)))), 50.0)
    hb = MODELS[model_key].second_half_width(half, y, start)
    return (-half, half), (-hb, hb)


def surface(model_key: str, points, lam: float, box, resolution: int = GRID):
    """Loss over the landscape coordinates.

    Returns
    -------
    a : ndarray (A,)
    b : ndarray (B,) or None for one-parameter models
    Z : ndarray (B, A) or (A,)
    """
    x, y = data_arrays(points)
    model = MODELS[model_key]
    a = np.linspace(*box[0], resolution)
    b = np.linspace(*box[1], resolution) if model.landscape_dims == 2 else None
    return a, b, model.surface(x, y, lam, a, b)


def pattern_regions(model_key: str, points, box, resolution: int = GRID):
    """Region index of every cell of the landscape grid of :func:`surface` and a label for each region.

    Returns
    -------
    index : ndarray of int (B, A) or (A,)
    labels : list of str
        One per region index, e.g. "D₁ = diag(0,1) · D₂ = diag(1,0)".
    """
    x, _ = data_arrays(points)
    model = MODELS[model_key]
    a = np.linspace(*box[0], resolution)
    b = np.linspace(*box[1], resolution) if model.landscape_dims == 2 else None
    coords = a[:, None] if b is None else np.stack(np.meshgrid(a, b), axis=-1)
    W = model.weights(coords)  # (..., m, d)
    act = (W @ model.design(x).T) >= 0  # (..., m, n)
    flat = act.reshape(-1, act.shape[-2] * act.shape[-1])
    if flat.shape[1] <= 62:
        # Each row as a number, first column most significant (so the order is that of the rows):
        # np.unique on numbers is many times faster than on rows.
        codes = flat @ (1 << np.arange(flat.shape[1] - 1, -1, -1, dtype=np.int64))
        _, first, index = np.unique(codes, return_index=True, return_inverse=True)
    else:
        _, first, index = np.unique(flat, axis=0, return_index=True, return_inverse=True)
    labels = []
    for key in flat[first]:
        rows = key.reshape(act.shape[-2], act.shape[-1])
        labels.append(" · ".join(pattern_name(r, i, len(rows)) for i, r in enumerate(rows)))
    return index.reshape(act.shape[:-2]), labels


SUBSCRIPTS = "₁₂₃₄₅₆₇₈₉"


def pattern_name(row, i: int = 0, count: int = 1) -> str:
    """``D₁ = diag(0,1)`` for small n, a bit string beyond eight points."""
    name = f"D{SUBSCRIPTS[i]}" if count > 1 else "D"
    bits = "".join("1" if v else "0" for v in row)
    return f"{name} = diag({','.join(bits)})" if len(bits) <= 8 else f"{name} = {bits}"


def _design(model_key: str, points):
    x, y = data_arrays(points)
    return MODELS[model_key], x, y


def descent_from(model_key: str, points, lam, step, steps, coords) -> L.DescentPath:
    """GD for a landscape model (alpha = 1) from given landscape coordinates, shape (R, dims)."""
    model, x, y = _design(model_key, points)
    W0 = model.weights(np.asarray(coords, dtype=np.float64).reshape(-1, model.landscape_dims))
    return _descent(model, x, y, W0, None, lam, step, steps)


def _descent(model, x, y, W0, alpha0, lam, step, steps) -> L.DescentPath:
    """GD as the explorer runs it: closed-form gradient, about 150 records, the model's second layer."""
    kw = dict(lam=lam, step=step, steps=steps, train_alpha=model.train_alpha, record_every=record_every(steps))
    return L.gradient_descent(model.design(x), y, W0, alpha0, gradient="closed_form", **kw)


def random_starts(model_key: str, box, count: int, seed: int) -> np.ndarray:
    """``count`` landscape coordinates drawn uniformly in the box, (count, dims)."""
    dims = MODELS[model_key].landscape_dims
    lo = np.array([r[0] for r in box])[:dims]
    hi = np.array([r[1] for r in box])[:dims]
    return lo + (hi - lo) * np.random.default_rng(seed).random((count, dims))


def descent_init(model_key: str, points, lam, step, steps, count, seed, neurons, init_scale) -> L.DescentPath:
    """GD for the m-neuron model from ``count`` Gaussian initialisations (alpha trained)."""
    model, x, y = _design(model_key, points)
    W0, alpha0 = L.initial_weights(count, neurons, 2 if model.bias else 1, scale=init_scale, seed=seed)
    return _descent(model, x, y, W0, alpha0, lam, step, steps)


def record_every(steps: int) -> int:
    return max(1, steps // 150)


def fixed_alpha_optimum(model_key: str, points, lam):
    """Exact global minimum of the landscape models (alpha = 1) through the convex route."""
    x, y = data_arrays(points)
    model = MODELS[model_key]
    return solve_fixed_alpha(model.design(x), y, lam, neurons=model.fixed_neurons)


def convex_data(points, bias: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """X (with the bias column if ``bias``) and y of problem (2) for a network with a trained second layer."""
    x, y = data_arrays(points)
    return (L.with_bias(x) if bias else x[:, None]), y


def convex_optimum(points, lam, bias: bool = True) -> S.ConvexSolution:
    """Problem (2) for a network with a trained second layer, over every activation pattern."""
    return solving.solve(*convex_data(points, bias), lam)


def unresolved_inputs(points, bias: bool = True) -> int:
    """Inputs closer to another than the pattern enumeration resolves (:func:`solvers.unresolved_inputs`)."""
    return S.unresolved_inputs(convex_data(points, bias)[0]) if points else 0


def outputs(model_key: str, W, alpha, grid) -> np.ndarray:
    """Network outputs on a grid of inputs for a batch of networks: W (B, m, d), alpha (B, m) -> (B, G)."""
    return L.outputs(W, alpha, MODELS[model_key].design(grid))


PLATEAU_DROP = 1e-2  # relative fall of the loss over the second half of a run below which it has stalled
NEAR_GLOBAL = 0.05  # relative gap under which a run that is still moving is called near the optimum


def verdicts(final_loss, optimum: float, converged, halfway_loss=None, diverged=None) -> tuple[np.ndarray, list[str]]:
    """Gap of each run to the global optimum and a verdict on where it ended.

    'diverged'; 'global' (at the optimum); 'near global' (within 5 %, not converged: it is still
    approaching it); 'stuck' (above it, and converged or stalled: its loss fell by less than 1 % over
    the second half of the run, which needs ``halfway_loss``); otherwise 'still moving'.
    """
    final_loss = np.asarray(final_loss, dtype=float)
    gap = final_loss - optimum
    rel = L.relative_gap(final_loss, optimum)
    if halfway_loss is None:
        stalled = np.zeros(len(final_loss), dtype=bool)
    else:
        halfway_loss = np.asarray(halfway_loss, dtype=float)
        stalled = halfway_loss - final_loss <= PLATEAU_DROP * np.abs(halfway_loss)
    blown = np.zeros(len(final_loss), dtype=bool) if diverged is None else np.asarray(diverged, dtype=bool)
    words = []
    for r, c, d, s in zip(rel, converged, blown, stalled):
        if d:
            words.append("diverged")
        elif r <= STUCK_TOLERANCE:
            words.append("global")
        elif r <= NEAR_GLOBAL and not c:
            words.append("near global")
        elif c or s:
            words.append("stuck")
        else:
            words.append("still moving (more steps?)")
    return gap, words


BASIN_GRID = 200


def basins(points, lam, step, steps, box):
    """Final GD loss from every start of a 200 x 200 grid over the landscape box (two neurons).

    Returns
    -------
    a : ndarray (200,), b : ndarray (200,), final : ndarray (200, 200)
    """
    x, y = data_arrays(points)
    a = np.linspace(*box[0], BASIN_GRID)
    b = np.linspace(*box[1], BASIN_GRID)
    return a, b, L.basin_map(x, y, a, b, lam=lam, step=step, steps=steps)


def certified_gaps(points, lam, W, alpha, lower: float = float("nan")) -> np.ndarray:
    """Objective (1) of each network minus the certified global optimum (trained-alpha model, bias).

    W : (B, m, 2), alpha : (B, m) -> (B,). ``lower`` is a certified lower bound already known for these
    points and lambda (``ConvexSolution.lower``), which spares one solve of (2) per network.
    """
    x, y = data_arrays(points)
    X = L.with_bias(x)
    return np.array([S.optimality_gap(W[b], alpha[b], X, y, lam, lower=lower) for b in range(len(W))])
