"""A solve that hits the page's budget shows how close it is certified to be, and the page stays usable."""

from __future__ import annotations

import pytest

import explorer.cache as cache
import explorer.solving as solving
import solvers.certificate as certificate
from tests.explorer.pagetest import open_page, texts


def _no_second_solve(*args, **kwargs):
    raise AssertionError("the page solved (2) again, with no budget, to certify a network")


@pytest.mark.parametrize("view", ["explorer", "general", "timing"])
def test_a_solve_stopped_by_the_budget_is_reported_as_within_a_gap_not_optimal(monkeypatch, view):
    monkeypatch.setattr(solving, "BUDGET", 0.0)
    monkeypatch.setattr(solving, "_WARM", type(solving._WARM)())  # no warm start from earlier tests
    # The networks are certified against the bound the budgeted solve reached, never by a solve of their own.
    monkeypatch.setattr(certificate, "solve_fast", _no_second_solve)
    cache.clear()
    try:
        at = open_page(p="zigzag", view=view, lam="0.0003")
        warnings = [w.value for w in at.warning]
        assert any("stopped early" in w and "certified" in w and "not proven optimal" in w for w in warnings), warnings
        assert not at.error and not at.exception
        assert "certified the optimum" not in texts(at)
    finally:
        cache.clear()


def test_progress_appears_only_for_a_long_solve(monkeypatch):
    shown = []

    class Box:
        def info(self, text):
            shown.append(text)

        def empty(self):
            pass

    monkeypatch.setattr(solving.st, "empty", lambda: Box())
    monkeypatch.setattr(solving, "SHOW_AFTER", 0.0)
    monkeypatch.setattr(solving, "_WARM", type(solving._WARM)())
    import numpy as np

    from landscape import with_bias

    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, 80)
    sol = solving.solve(with_bias(x), np.sin(3 * x) + 0.1 * rng.standard_normal(80), 1e-4)
    assert shown and all(t.startswith("Solving problem (2): round ") for t in shown)
    assert sol.optimal
    shown.clear()
    monkeypatch.setattr(solving, "SHOW_AFTER", 1e9)
    solving.solve(with_bias(x[:10]), np.sin(3 * x[:10]), 1e-2)
    assert not shown
