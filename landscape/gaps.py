"""How far a training loss is from the global optimum, in one convention for every view."""

from __future__ import annotations

import numpy as np

REACHED = 1e-3  # gradient descent "reached" the optimum when within this relative gap
ZERO = 1e-9  # an optimum this small is zero (solver round-off): gaps to it are absolute


def relative_gap(loss, optimum: float) -> np.ndarray:
    """``(loss - optimum) / optimum`` (absolute when the optimum is about 0)."""
    loss = np.asarray(loss, dtype=np.float64)
    scale = abs(optimum) if abs(optimum) > ZERO else 1.0
    return (loss - optimum) / scale


def first_within(loss, optimum: float, rel: float = REACHED) -> int | None:
    """First step whose loss is within ``rel`` (relative) of the optimum, or None."""
    hit = np.flatnonzero(relative_gap(loss, optimum) <= rel)
    return int(hit[0]) if len(hit) else None
