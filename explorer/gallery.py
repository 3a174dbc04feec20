"""Every figure of the page, by name: what ``?figure=NAME`` shows alone, what a view's export holds, and the
text alternative drawn under each figure.

One :class:`Figure` per chart, in the order of its view. ``make(state)`` returns the Plotly figure and a
caption that says what it shows in numbers, or None when the figure is not drawn for that state (a contour
for a one-parameter model, a slice without an optimum). The key is the chart's key on the page
(``explorer.panels.show.figure(fig, key, ...)``), so the page, the links and the export agree. Entries name
their function as ``"module:function"`` and import it on first use, as :mod:`explorer.views` does: every
figure is made by ``explorer.panels.figure_notes.make(key, state)``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Callable

from .panels import text
from .views import _lazy


@dataclass(frozen=True)
class Figure:
    """One figure of the page.

    Attributes
    ----------
    key : str
        Its chart key on the page and its name in links (``?figure=key``).
    view : str
        The view that shows it.
    label : str
        A short name (headings of the export, the figure picker).
    filename : str
        Stem of its downloads.
    make : callable
        ``make(state) -> (figure, caption) or None``.
    formulas : tuple of str
        LaTeX formulas that go with it in the export.
    """

    key: str
    view: str
    label: str
    filename: str
    make: Callable[..., Any]
    formulas: tuple[str, ...] = ()


COVER = r"\#\{\text{regions}\} \le 2\sum_{k=0}^{2}\binom{n-1}{k}\quad\text{(Cover, 1965)}"


def figure(key: str, view: str, label: str, filename: str, *formulas: str) -> Figure:
    make = _lazy("explorer.panels.figure_notes:make")
    return Figure(key, view, label, filename, functools.partial(make, key), tuple(formulas))


FIGURES: tuple[Figure, ...] = (
    figure("contour", "explorer", "The landscape as a contour", "landscape-contour", text.TWO_NEURON_LOSS),
    figure("surface", "explorer", "The landscape as a surface", "landscape-surface"),
    figure("curve", "explorer", "The loss curve of one neuron", "loss-curve", text.ONE_NEURON_LOSS),
    figure("loss", "explorer", "Loss against step", "loss-vs-step", text.OBJECTIVE_1),
    figure("output", "explorer", "What the networks compute", "network-output", text.NETWORK),
    figure("bowl", "explorer", "Patterns fixed: a convex bowl", "fixed-pattern-bowl", text.OBJECTIVE_2, text.CONES),
    figure(
        "general_output", "general", "Gradient descent and the global optimum", "m-neurons-output", text.NETWORK_BIAS
    ),
    figure("general_loss", "general", "Loss against step", "m-neurons-loss", text.OBJECTIVE_1, text.OBJECTIVE_2),
    figure("general_slice", "general", "The loss on a plane", "landscape-slice"),
    figure("general_path", "general", "The straight path to the optimum", "straight-path-loss"),
    figure("dyn_anim_small", "dynamics", "Training from a small start", "dynamics-small-start", text.NETWORK_BIAS),
    figure("dyn_anim_large", "dynamics", "Training from a large start", "dynamics-large-start"),
    figure("dyn_patterns", "dynamics", "Distinct activation patterns", "distinct-patterns"),
    figure("dyn_loss", "dynamics", "Loss, small against large start", "loss-small-vs-large", text.OBJECTIVE_1),
    figure("timing_bars", "timing", "Wall-clock time", "convex-vs-gd-time", text.OBJECTIVE_2),
    figure("timing_gap", "timing", "Distance to the optimum against time", "gd-gap-vs-time"),
    figure("pat_count", "patterns", "How many activation regions", "pattern-count", COVER),
    figure("pat_sphere", "patterns", "The regions on the sphere of neurons", "pattern-regions", text.CONES),
    figure("pat_plane", "patterns", "One neuron's line in the input plane", "pattern-neuron"),
)


def figure_of(key: str) -> Figure:
    """The figure named ``key``."""
    for f in FIGURES:
        if f.key == key:
            return f
    raise ValueError(f"No figure {key!r}; the figures are {', '.join(f.key for f in FIGURES)}")


def of_view(view: str) -> tuple[Figure, ...]:
    """The figures of a view, in page order."""
    return tuple(f for f in FIGURES if f.view == view)
