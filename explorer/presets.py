"""Starting points that reproduce the poster and its blog post.

A preset is one entry of :data:`PRESETS`: a title, a blurb and the State fields it sets (checked
against the State's fields and codecs when :mod:`explorer.state` is imported).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Preset:
    """A named starting point of the page.

    Attributes
    ----------
    title : str
        Shown in the preset picker.
    blurb : str
        What the preset shows, under the picker.
    settings : dict
        The State fields that differ from the defaults. A preset that sets ``view`` opens in that
        view from anywhere; the others keep the current view.
    """

    title: str
    blurb: str
    settings: dict[str, Any] = field(default_factory=dict, hash=False)

    @property
    def view(self) -> str | None:
        return self.settings.get("view")


def preset(title: str, blurb: str, **settings: Any) -> Preset:
    return Preset(title, blurb, settings)


ZIGZAG_X = np.linspace(-0.5, 0.5, 10)
ZIGZAG_Y = np.where(np.arange(10) % 2 == 0, -0.25, 0.25) + 0.5 * ZIGZAG_X

# Each preset lists only what differs from the State defaults.
PRESETS: dict[str, Preset] = {
    "poster": preset(
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
    "one_neuron": preset(
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
    "neuron_bias": preset(
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
    "zigzag": preset(
        title="d · Ten zig-zag points, many neurons",
        blurb="Ten points in [−0.5, 0.5] that zig-zag. From a small start, gradient descent on 30 neurons drops "
        "within 50 steps to the loss of the best straight line (0.61) and sits there; the convex problem (2) "
        "finds the global optimum (0.072), with a kink at almost every point.",
        model="many",
        points=tuple(zip(np.round(ZIGZAG_X, 4).tolist(), np.round(ZIGZAG_Y, 4).tolist())),
        neurons=30,
        lam=1e-3,
        step=0.05,
        steps=400,
        starts=4,
        init_scale=0.1,
    ),
    "init_scale": preset(
        title="e · Linear data: small vs large initialisation",
        blurb="Four points near y = 0.6x + 0.7 and many neurons. A small start trains in the rich regime "
        "(a plateau, then neurons align); a large one barely moves its kinks.",
        model="many",
        points=((-0.7, 0.28), (-0.3, 0.52), (0.7, 1.12), (0.8, 1.18)),
        neurons=100,
        lam=1e-3,
        step=0.02,
        steps=300,
        starts=1,
        init_scale=0.01,
    ),
}

# The m-neuron views (general case, initialisation dynamics, timing, 2-D patterns). A preset that names a
# view opens there from a link or from the two-neuron explorer.
BUMPS = ((-1.0, 0.2), (-0.5, 1.0), (0.0, 0.2), (0.5, 1.0), (1.0, 0.2))
XOR_PLANE = (
    (-0.8, -0.8, 1.0),
    (0.8, 0.8, 1.0),
    (-0.8, 0.8, -1.0),
    (0.8, -0.8, -1.0),
    (-0.3, -0.4, 0.5),
    (0.4, 0.3, 0.5),
    (-0.4, 0.3, -0.5),
    (0.3, -0.4, -0.5),
)
SCATTER_PLANE = (
    (-0.9, -0.3, 1.0),
    (-0.5, 0.7, -1.0),
    (-0.1, -0.8, 1.0),
    (0.2, 0.3, -1.0),
    (0.6, -0.5, 1.0),
    (0.9, 0.6, -1.0),
    (0.1, 0.9, 1.0),
)

PRESETS.update(
    {
        "ten_neurons": preset(
            title="f · m neurons: the minimum GD finds with 10 neurons (poster)",
            blurb="Five points with two bumps, ten neurons, λ = 0.01. From this start gradient descent stops in a "
            "spurious valley: several kinks pile up at x = −0.5 and none serves the second bump. The convex "
            "problem (2) gives the global optimum, which fits both.",
            view="general",
            dims=1,
            points=BUMPS,
            neurons=10,
            lam=1e-2,
            step=0.02,
            steps=5000,
            seed=0,
            init_scale=0.5,
        ),
        "zigzag_many": preset(
            title="g · m neurons: the blog's ten zig-zag points, 500 neurons",
            blurb="Ten zig-zag points in [−0.5, 0.5], 500 neurons, λ = 10⁻³. The optimum needs a sharp kink at "
            "almost every point; gradient descent creeps towards it and is still far away after thousands of "
            "steps, while the convex solver certifies it in a fraction of a second.",
            view="general",
            dims=1,
            points=tuple(zip(np.round(ZIGZAG_X, 4).tolist(), np.round(ZIGZAG_Y, 4).tolist())),
            neurons=500,
            lam=1e-3,
            step=0.02,
            steps=4000,
            seed=0,
            init_scale=0.05,
        ),
        "init_dynamics": preset(
            title="h · Initialisation: small vs large start, 1000 neurons (blog)",
            blurb="Four points of linear data. A small start sits on a plateau while the neurons turn to a few "
            "directions, then the loss drops fast and few distinct patterns remain; a large start barely moves "
            "its kinks and fits the points with a wiggly curve (the lazy regime).",
            view="dynamics",
            dims=1,
            points=((-0.7, 0.28), (-0.3, 0.52), (0.7, 1.12), (0.8, 1.18)),
            neurons=1000,
            lam=1e-5,
            step=0.01,
            steps=1000,
            seed=0,
            small_scale=1e-4,
            large_scale=1.0,
        ),
        "xor_plane": preset(
            title="i · m neurons on 2-D inputs: XOR-like labels",
            blurb="Eight points in the plane whose labels follow the sign of x₁·x₂: no single neuron can fit "
            "them. Each neuron is a line in the input plane; compare GD's surface with the convex optimum.",
            view="general",
            dims=2,
            points2d=XOR_PLANE,
            neurons=50,
            lam=1e-2,
            step=0.02,
            steps=3000,
            seed=0,
            init_scale=0.5,
        ),
        "plane_patterns": preset(
            title="j · Activation patterns of seven points in the plane",
            blurb="Seven points in general position: every way a line can split them is one activation "
            "region, and their number meets Cover's bound 2·Σₖ₌₀² C(n−1, k) = 44. Add three points on one "
            "line and the count falls below it.",
            view="patterns",
            dims=2,
            points2d=SCATTER_PLANE,
            gates=200,
        ),
    }
)
