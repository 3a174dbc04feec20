"""The non-convex side: two-layer ReLU networks, objective (1), its landscapes and gradient descent.

See :mod:`landscape.network` for the conventions (sum of squares, lambda/2 weight decay, bias as a
column of ones, float64).
"""
from .basin import basin_map
from .descent import DescentPath, gradient_descent, initial_weights
from .grid import loss_curve, loss_grid
from .network import activation_patterns, objective, predict, with_bias

__all__ = [
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
