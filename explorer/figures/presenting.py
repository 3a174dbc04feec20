"""Figures for a screen or a slide: a copy with another height and larger type, the original left untouched."""

from __future__ import annotations

import copy

import plotly.graph_objects as go

from .common import PlainFigure

LARGER = 1.3  # type scale of presentation mode


def _scaled(font: dict | None, scale: float, default: float) -> dict:
    font = dict(font or {})
    font["size"] = round(float(font.get("size") or default) * scale, 1)
    return font


USUAL_BOTTOM = 80  # pixels of bottom margin an ordinary figure needs for its axis


def extra_height(layout: dict) -> int:
    """Pixels of a figure's bottom margin beyond what an axis needs."""
    return max(0, int((layout.get("margin") or {}).get("b", 0)) - USUAL_BOTTOM)


def for_screen(fig: go.Figure, height: int | None, *, larger: bool = True) -> go.Figure:
    """A read-only copy of ``fig`` ``height`` pixels tall (None keeps its height; a bottom margin deeper than an
    axis needs comes on top), with its type scaled by :data:`LARGER` when ``larger``. Cached figures are shared:
    this never changes ``fig``."""
    if height is None and not larger:
        return fig
    spec = fig.to_dict()
    layout = copy.deepcopy(spec.get("layout", {}))
    if height is not None:
        # A deep bottom margin holds controls and a legend (the contour's player), not plot: it comes on top,
        # so that the plot itself is as tall as the screen allows.
        layout["height"] = int(height) + extra_height(layout)
    if larger:
        layout["font"] = _scaled(layout.get("font"), LARGER, 14)
        title = layout.get("title")
        if isinstance(title, dict):
            layout["title"] = dict(title, font=_scaled(title.get("font"), LARGER, 16))
        for note in layout.get("annotations") or []:
            if isinstance(note, dict) and note.get("font", {}).get("size"):
                note["font"] = _scaled(note["font"], LARGER, 12)
    return PlainFigure({**spec, "layout": layout})
