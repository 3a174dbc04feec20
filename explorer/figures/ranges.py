"""Where the figures look: input axes and boxes around the data, the same for every view."""

from __future__ import annotations

import numpy as np

OUTPUT_GRID_1D = 241  # inputs at which a 1-D network output is drawn


def axis_1d(inputs: np.ndarray, pad: float = 0.25, count: int = OUTPUT_GRID_1D) -> np.ndarray:
    """Evenly spaced inputs over the data (n,) or (n, 1), ``pad`` times its span (at least 1) beyond each end."""
    x = np.asarray(inputs, dtype=np.float64).reshape(len(inputs), -1)[:, 0]
    lo, hi = float(x.min()), float(x.max())
    span = max(hi - lo, 1.0)
    return np.linspace(lo - pad * span, hi + pad * span, count)


def box_2d(inputs: np.ndarray, pad: float = 0.25) -> tuple[tuple[float, float], tuple[float, float]]:
    """The rectangle around 2-D inputs (n, 2), ``pad`` times its span (at least 1) beyond each side."""
    lo, hi = inputs.min(axis=0), inputs.max(axis=0)
    span = np.maximum(hi - lo, 1.0)
    lo, hi = lo - pad * span, hi + pad * span
    return (float(lo[0]), float(hi[0])), (float(lo[1]), float(hi[1]))
