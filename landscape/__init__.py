"""The non-convex side: two-layer ReLU networks, objective (1), its landscapes and gradient descent.

See :mod:`landscape.network` for the conventions (sum of squares, lambda/2 weight decay, bias as a
column of ones, float64).
"""

from . import dynamics, plane
from .basin import basin_map
from .degeneracy import Degeneracies, degeneracies
from .descent import DescentPath, gradient_descent, initial_weights
from .gaps import REACHED, first_within, relative_gap
from .grid import loss_curve, loss_grid
from .network import activation_patterns, objective, predict, with_bias
from .neurons import STRONG_SHARE, clip_line, kinks, lines_2d, outputs, strengths, strong, surface_2d
from .plane import Slice, landscape_slice
from .step_size import stable_step

__all__ = [
    "REACHED",
    "STRONG_SHARE",
    "Degeneracies",
    "Slice",
    "clip_line",
    "degeneracies",
    "dynamics",
    "first_within",
    "kinks",
    "landscape_slice",
    "lines_2d",
    "outputs",
    "plane",
    "relative_gap",
    "stable_step",
    "strengths",
    "strong",
    "surface_2d",
    "DescentPath",
    "activation_patterns",
    "basin_map",
    "gradient_descent",
    "initial_weights",
    "loss_curve",
    "loss_grid",
    "objective",
    "predict",
    "with_bias",
]
