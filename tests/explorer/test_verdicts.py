"""The explorer's own verdicts on gradient-descent runs."""

from __future__ import annotations

import numpy as np

from explorer.compute import verdicts


def test_each_way_a_run_can_end_gets_its_own_verdict():
    final = np.array([1.0, 5.0, 5.0, 5.0, 5.0, 1.03, 1.03])
    halfway = np.array([1.0, 5.0, 5.04, 5.06, 7.0, 1.5, 1.03])
    converged = np.array([True, True, False, False, False, False, True])
    diverged = np.array([False, False, False, False, True, False, False])
    gap, words = verdicts(final, 1.0, converged, halfway, diverged)
    np.testing.assert_allclose(gap, [0.0, 4.0, 4.0, 4.0, 4.0, 0.03, 0.03])
    # converged above, stalled (fell 0.8 % over the second half), still falling (1.2 %), blew up,
    # approaching the optimum, a local minimum 3 % above it
    assert words == ["global", "stuck", "stuck", "still moving (more steps?)", "diverged", "near global", "stuck"]


def test_without_history_an_unconverged_run_is_still_moving():
    _, words = verdicts([2.0, 1.0 + 5e-5], 1.0, [False, False])
    assert words == ["still moving (more steps?)", "global"]


def test_zero_optimum_uses_absolute_gaps():
    _, words = verdicts([1e-5, 1e-3], 0.0, [True, True])
    assert words == ["global", "stuck"]
