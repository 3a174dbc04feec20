"""Problem (2) as the page solves it: warm-started across lambdas, never longer than a budget, and with
progress on the page when a solve takes more than a moment.

A solve that hits the budget is not an error: the library returns the best point it reached with a
certified gap, and the page says how close to optimal that is instead of calling it optimal.
"""

from __future__ import annotations

import time

import numpy as np
import streamlit as st

import solvers as S

BUDGET = 20.0  # seconds a solve may take before the page shows the best certified point
SHOW_AFTER = 1.0  # seconds before progress appears

# One store for the server: sessions dragging a slider over the same data share their solutions.
_WARM = S.WarmStarts()


def solve(X: np.ndarray, y: np.ndarray, lam: float) -> S.ConvexSolution:
    """Problem (2) over every activation region, with the library's fallback, a budget and progress."""
    start = time.perf_counter()
    box = None

    def progress(rounds: int, gap: float, objective: float) -> bool:
        nonlocal box
        elapsed = time.perf_counter() - start
        if elapsed >= SHOW_AFTER:
            if box is None:
                box = st.empty()
            rel = gap / objective if objective > 0 else gap
            box.info(
                f"Solving problem (2): round {rounds}, certified gap so far {rel:.1e} of the objective "
                f"({elapsed:.0f} s of at most {BUDGET:.0f} s)."
            )
        return False

    try:
        return _WARM.solve(X, y, lam, budget=BUDGET, progress=progress)
    finally:
        if box is not None:
            box.empty()


def closeness(sol: S.ConvexSolution) -> str:
    """How close to optimal a solution is certified to be, in words for a caption."""
    rel = sol.gap / abs(sol.objective) if sol.objective else sol.gap
    if sol.optimal:
        return f"optimal (certified gap {rel:.1e} of the objective)"
    return f"within {rel:.1e} of the optimum, certified (the solve {sol.stopped}; not proven optimal)"
