"""Starting points that reproduce the poster and its blog post."""
from __future__ import annotations

import numpy as np

ZIGZAG_X = np.linspace(-0.5, 0.5, 10)
ZIGZAG_Y = np.where(np.arange(10) % 2 == 0, -0.25, 0.25) + 0.5 * ZIGZAG_X

# Each preset lists only what differs from the State defaults.
PRESETS: dict[str, dict] = {
    "poster": dict(
        title="a · Two points, two neurons (the poster)",
        blurb="Points (−1, 1) and (1, 2), α = 1, λ = 0. Gradient descent ends in one of three valleys: "
        "loss 0 (global), 1 or 4 (stuck).",
        model="two",
        points=((-1.0, 1.0), (1.0, 2.0)),
        start=(0.4, 0.9),
        lam=0.0,
        step=0.05,
        steps=300,
        starts=12,
    ),
    "one_neuron": dict(
        title="b · One neuron, two local minima",
        blurb="Points (−1, 1) and (1, 0.5): the curve L(w) has a global minimum at w = −1 and a local one "
        "at w = 0.5. Which one GD finds depends only on the sign of the start.",
        model="one",
        points=((-1.0, 1.0), (1.0, 0.5)),
        start=(0.8, 0.0),
        lam=0.0,
        step=0.05,
        steps=200,
        starts=8,
    ),
    "neuron_bias": dict(
        title="c · One neuron with bias: the kink moves",
        blurb="Inputs −0.2 and 1 with labels 0.5 and 1. The neuron's activation point −b/w moves during "
        "training until both points are active.",
        model="one_bias",
        points=((-0.2, 0.5), (1.0, 1.0)),
        start=(1.5, 0.4),
        lam=0.0,
        step=0.05,
        steps=400,
        starts=8,
    ),
    "zigzag": dict(
        title="d · Ten zig-zag points, many neurons",
        blurb="Ten points in [−0.5, 0.5] that zig-zag. Gradient descent on 30 neurons against the global "
        "optimum from the convex problem (2).",
        model="many",
        points=tuple(zip(np.round(ZIGZAG_X, 4).tolist(), np.round(ZIGZAG_Y, 4).tolist())),
        neurons=30,
        lam=1e-3,
        step=0.05,
        steps=3000,
        starts=4,
        init_scale=0.5,
    ),
    "init_scale": dict(
        title="e · Linear data: small vs large initialisation",
        blurb="Four points near y = 0.6x + 0.7 and many neurons. A small start trains in the rich regime "
        "(a plateau, then neurons align); a large one barely moves its kinks.",
        model="many",
        points=((-0.7, 0.28), (-0.3, 0.52), (0.7, 1.12), (0.8, 1.18)),
        neurons=100,
        lam=1e-3,
        step=0.02,
        steps=2000,
        starts=1,
        init_scale=0.01,
    ),
}
