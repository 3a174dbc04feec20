"""The guided tour: the poster's argument in steps, each a preset, a view, a short text and the formula that matters.

A step is one :class:`Step` of :data:`TOUR`; ``?tour=k`` opens step k (1-based) from a link, and the page's
Back / Next buttons move through them. A step only sets the State (preset, view, a few fields), so leaving
the tour keeps everything it showed, editable. Plain Python: the panel that draws the tour is
``explorer/panels/tour_panel.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any, Mapping

from .panels import text
from .presets import PRESETS
from .state import State, codec, from_preset


@dataclass(frozen=True)
class Step:
    """One step of the tour: a ``title``; the ``preset`` it opens and the ``view`` it shows, with ``settings``
    (State fields) on top; its ``story`` (Markdown, a few sentences) and the ``formula`` that matters (LaTeX);
    and the keys of the ``figures`` to look at (:data:`explorer.gallery.FIGURES`), outlined on the page.
    """

    title: str
    preset: str
    view: str
    story: str
    formula: str
    figures: tuple[str, ...]
    settings: dict[str, Any] = field(default_factory=dict, hash=False)


def step(title, preset, view, story, formula, figures, **settings) -> Step:
    return Step(title, preset, view, story.strip(), formula, tuple(figures), settings)


TOUR: tuple[Step, ...] = (
    step(
        "Two points, two neurons",
        "poster",
        "explorer",
        """
The poster's smallest example: two data points, (−1, 1) and (1, 2), and a network of **two ReLU neurons** whose
second layer is fixed to α = 1, without weight decay (λ = 0). Each neuron is one number wᵢ; the black curve
is what gradient descent (GD) trained from your start, the dashed curve the best possible network.
""",
        r"f(x) = \max(0,\ x\,w_1) + \max(0,\ x\,w_2)",
        ("output",),
    ),
    step(
        "The landscape has three valleys",
        "poster",
        "explorer",
        """
The loss over the two weights (w₁, w₂) is **non-convex**. Thirteen GD runs, one from your start (black) and
twelve from random ones, each end in a valley with loss **0** (the global minimum, ★), **1** or **4**; runs of one
colour end in the same valley. Press ▶ Play to watch them, or click the contour to start GD elsewhere.
""",
        text.TWO_NEURON_LOSS,
        ("contour", "surface"),
        surface=True,  # the 3-D surface is drawn on demand; this step looks at it
    ),
    step(
        "Activation patterns cut it into convex pieces",
        "poster",
        "explorer",
        """
A neuron's **activation pattern** Dᵢ says which points it switches on. The shaded regions of the contour are the
weights that keep both patterns fixed: inside one, the loss is a **convex quadratic**. The kinks between regions
make the whole landscape non-convex, and the stuck valleys lie where a neuron is off on a point it needs.
""",
        r"D_i = \mathrm{diag}\big(\mathbb 1[x_j w_i \ge 0]\big)_{j=1,2},\qquad"
        r"\max(0, x w_i) = D_i\, x\, w_i",
        ("contour",),
    ),
    step(
        "Even one neuron has two local minima",
        "one_neuron",
        "explorer",
        """
With one neuron and the points (−1, 1) and (1, 0.5) the landscape is a curve with two pieces, one per
activation pattern. Each piece is a parabola; GD slides to the bottom of the piece it starts on: the global
minimum at w = −1 from a negative start, the local one at w = 0.5 from a positive start.
""",
        text.ONE_NEURON_LOSS,
        ("curve",),
    ),
    step(
        "Fix the patterns: a convex bowl",
        "poster",
        "explorer",
        """
Fix each neuron's pattern and the loss becomes a **convex** function of the weights, restricted to the cones
that keep those patterns: a bowl with one bottom. The table lists the minimum of every choice of patterns; the
smallest is the global minimum of the landscape, and a valley where GD stops is the bottom of its own bowl.
""",
        r"\min_{u_i \in \mathcal K_i}\ \big\|D_1 X u_1 + D_2 X u_2 - y\big\|_2^2,\qquad"
        r"\mathcal K_i = \{u : (2D_i - I) X u \ge 0\}",
        ("bowl",),
    ),
    step(
        "Problem (2): one convex problem over all patterns",
        "zigzag",
        "explorer",
        """
Train the second layer too and give the network enough neurons: the same idea becomes **one** convex problem (2),
with a pair of variables (uᵢ, vᵢ) per activation pattern. Its optimal value equals the optimum of the
non-convex problem (1), and its solution maps back to the optimal neurons. On ten zig-zag points GD on 30
neurons stops at the best straight line; the convex optimum (dashed) bends at almost every point.
""",
        text.OBJECTIVE_2 + r"\\" + text.MAPPING,
        ("output", "loss"),
    ),
    step(
        "A certificate of global optimality",
        "ten_neurons",
        "general",
        """
A convex problem comes with a **dual**: a lower bound on the optimum that can be checked over every activation
pattern. The objective of any network minus that bound is a **certified gap**: zero proves the network optimal.
Here GD on ten neurons stops in a spurious valley, and its certified gap says by how much.
""",
        r"\underbrace{\mathcal L(W, \alpha) - \text{lower bound}}_{\text{certified gap}} \;\ge\;"
        r"\mathcal L(W, \alpha) - \min (1) \;\ge\; 0",
        ("general_output", "general_loss"),
    ),
    step(
        "A window onto a high-dimensional landscape",
        "ten_neurons",
        "general",
        """
Ten neurons, each with a weight, a bias and a second-layer weight, make 30 parameters: no picture shows that
landscape. The loss on the **plane** through GD's start, its endpoint and the global optimum does: a hill
separates where GD stopped from the optimum, and the straight path between them climbs over it.
""",
        r"\theta(s, t) = \theta_{\text{start}} + s\,(\theta_{\text{GD}} - \theta_{\text{start}})"
        r" + t\,(\theta^\star - \theta_{\text{start}})",
        ("general_slice", "general_path"),
    ),
    step(
        "Small against large initialisation",
        "init_dynamics",
        "dynamics",
        """
The same data and network, started small or large. A **small** start sits on a plateau while its neurons turn,
then drops fast, and few distinct activation patterns remain: close to the sparse convex optimum. A **large**
start barely moves its kinks and fits the points with a wiggly curve (the lazy regime).
""",
        text.NETWORK_BIAS,
        ("dyn_loss", "dyn_patterns"),
    ),
    step(
        "How many activation patterns?",
        "plane_patterns",
        "patterns",
        """
Problem (2) has one pair of variables per activation pattern, so their number sets its size. For inputs in the
plane a pattern is a way of splitting the points by a line: seven points in general position have exactly
Cover's count of them, 44; in higher dimension there are about nᵈ, and solvers must sample them.
""",
        r"\#\{\text{patterns}\} = 2\sum_{k=0}^{2}\binom{n-1}{k}",
        ("pat_count", "pat_sphere"),
    ),
    step(
        "Solving the convex problem can be faster",
        "zigzag_many",
        "timing",
        """
On the ten zig-zag points with 500 neurons, the convex solver enumerates every pattern, solves (2) and certifies
the optimum, while gradient descent is still far from it after thousands of steps. The chart shows GD's
distance to the optimum against wall time, and where the convex solve had already finished.
""",
        r"\text{time}_{\text{GD}}\big(\tfrac{\mathcal L - p^\star}{p^\star} \le 10^{-3}\big)"
        r"\quad\text{vs}\quad \text{time}_{(2)}",
        ("timing_gap", "timing_bars"),
    ),
)

# Kept by every step: how the user looks at the page, not what it shows.
KEPT = ("present", "image", "camera")


def step_state(k: int, current: State | None = None) -> State:
    """The state of step k (1-based), keeping the current display settings of :data:`KEPT`."""
    s = TOUR[k - 1]
    state = replace(from_preset(s.preset), view=s.view, tour=k, **s.settings)
    if current is not None:
        state = replace(state, **{name: getattr(current, name) for name in KEPT})
    return state


def from_query(params: Mapping[str, str]) -> tuple[State, list[str]]:
    """Like :meth:`State.from_query`, but ``tour=k`` opens step k, with the link's other fields on top."""
    state, messages = State.from_query(params)
    if not state.tour:
        return state, messages
    step = step_state(state.tour)
    state, messages = State.from_query({**step.to_query(), **{k: v for k, v in params.items() if k != "p"}})
    if params.get("p", step.preset) != step.preset:
        messages.append(
            f"Ignored 'p' in the link: tour step {step.tour} opens its own example ('{step.preset}'); "
            "leave the tour to open another."
        )
    return state, messages


def check_tour() -> None:
    """Every step names a preset, a view and State fields that exist: checked at import."""
    names = {f.name for f in fields(State)}
    views = codec("view").choices()
    for k, s in enumerate(TOUR, start=1):
        if s.preset not in PRESETS:
            raise ValueError(f"Tour step {k} opens preset {s.preset!r}, which does not exist")
        if s.view not in views:
            raise ValueError(f"Tour step {k} shows view {s.view!r}, which does not exist")
        unknown = set(s.settings) - names
        if unknown:
            raise TypeError(f"Tour step {k} sets {sorted(unknown)}, which are not State fields")
        for name, value in s.settings.items():
            codec(name).decode(codec(name).encode(value))


check_tour()
