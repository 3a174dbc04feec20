"""The page's views: one entry each, in the order of the view picker.

Adding a view is one :class:`View` here plus its code: a ``render(state)`` that draws the view and a
``sidebar(state)`` that draws its settings (inside ``st.sidebar``). The link parser, the picker and
``app.py`` all read this list. Entries name their functions as ``"module:function"`` and import them
on first use, so that the State (which checks view names in links) never imports Streamlit.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Callable


def _lazy(target: str) -> Callable[..., Any]:
    """``"module:function"`` as a callable that imports the module when first called."""
    module, name = target.split(":")

    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(module), name)(*args, **kwargs)

    call.__qualname__ = call.__name__ = name
    return call


@dataclass(frozen=True)
class View:
    """One view of the page.

    Attributes
    ----------
    key : str
        Its name in links (``?view=key``).
    label : str
        Its name in the view picker.
    render : callable
        ``render(state)`` draws the view.
    sidebar : callable
        ``sidebar(state)`` draws its settings in the sidebar.
    shows_points : bool
        It draws the 1-D points ``state.points`` that the explorer's presets set: such a preset chosen here
        stays here; chosen elsewhere, it opens the explorer.
    """

    key: str
    label: str
    render: Callable[..., Any]
    sidebar: Callable[..., Any]
    shows_points: bool = True


def view(key: str, label: str, render: str, sidebar: str, shows_points: bool = True) -> View:
    return View(key, label, _lazy(render), _lazy(sidebar), shows_points)


VIEWS: tuple[View, ...] = (
    view(
        "explorer",
        "Two-neuron explorer",
        "explorer.panels.explorer_view:explorer_view",
        "explorer.panels.controls:explorer_sidebar",
    ),
    view(
        "general",
        "m neurons",
        "explorer.panels.general_view:general_view",
        "explorer.panels.view_controls:general_sidebar",
    ),
    view(
        "dynamics",
        "Initialisation",
        "explorer.panels.dynamics_view:dynamics_view",
        "explorer.panels.view_controls:dynamics_sidebar",
    ),
    view(
        "timing",
        "Convex vs GD time",
        "explorer.panels.timing_view:timing_view",
        "explorer.panels.view_controls:general_sidebar",
    ),
    view(
        "patterns",
        "2-D patterns",
        "explorer.panels.patterns_view:patterns_view",
        "explorer.panels.view_controls:patterns_sidebar",
        shows_points=False,  # 2-D inputs only
    ),
)


def view_of(key: str) -> View:
    """The view named ``key``."""
    for v in VIEWS:
        if v.key == key:
            return v
    raise ValueError(f"No view {key!r}; the views are {', '.join(v.key for v in VIEWS)}")
