"""Figure plumbing: cached figures are plain specs that refuse changes."""

from __future__ import annotations

import pytest

from explorer.figures.common import build


def test_plain_figures_refuse_changes_instead_of_ignoring_them():
    fig = build([dict(type="scatter", x=[0, 1], y=[1, 2])], {}, title="t")
    assert fig.to_dict()["data"][0]["y"] == [1, 2]
    for change in (lambda: fig.update_layout(height=10), lambda: fig.add_trace(dict(type="scatter"))):
        with pytest.raises(TypeError, match="read-only"):
            change()
    assert fig.validated().update_layout(height=10).layout.height == 10
