"""Sidebar settings of each view: one function per view, named in :data:`explorer.views.VIEWS`.

Every widget's key and bounds come from its State field (:func:`number`), so a setting is one line.
"""

from __future__ import annotations

import streamlit as st

from .. import session
from ..state import State, bounds

LAMBDA_HELP = "Objective (1) uses λ/2 Σ(‖wᵢ‖² + αᵢ²); problem (2) uses λ Σ‖uᵢ‖."
SCALE_HELP = "Standard deviation of the initial weights of both layers."


def number(field: str, label: str, **kw) -> None:
    """A number input for State field ``field``, with its widget key and bounds."""
    st.number_input(label, **bounds(field), key=session.WIDGETS[field], **kw)


def descent_settings(step_help: str | None = None) -> None:
    """λ, the step size and the number of steps, shared by every view that trains."""
    st.subheader("Gradient descent")
    number("lam", "λ (weight decay)", format="%.4g", step=0.001, help=LAMBDA_HELP)
    number("step", "Step size γ", format="%.4g", step=0.01, help=step_help)
    number("steps", "Steps", step=100)


def general_sidebar(state: State) -> None:
    """Settings of the m-neuron and timing views (call inside ``st.sidebar``)."""
    st.segmented_control(
        "Inputs",
        [1, 2],
        key=session.WIDGETS["dims"],
        required=True,
        format_func=lambda d: "1-D + bias" if d == 1 else "2-D + bias",
        help="1-D: points (x, y) and the output is a curve. 2-D: points (x₁, x₂) with a label y, and the "
        "output is a surface over the plane. A bias is appended to every input.",
    )
    st.subheader("Network")
    number("neurons", "Neurons m", help="Width of the hidden layer (1 to 1000). Each neuron has a bias.")
    number("init_scale", "Initialisation scale", format="%.3g", help=SCALE_HELP)
    st.toggle(
        "Train the second layer α",
        key=session.WIDGETS["train_alpha"],
        help="Off: α stays at its random initial value and only the first layer W is trained. "
        "The convex optimum of (2) is then a lower bound GD need not reach.",
    )
    descent_settings()
    number("seed", "Seed", help="Seed of the Gaussian initialisation.")


def dynamics_sidebar(state: State) -> None:
    """Settings of the initialisation view (call inside ``st.sidebar``)."""
    st.subheader("Network")
    number("neurons", "Neurons m")
    for size in ("small", "large"):
        help_ = f"Standard deviation of the initial weights, {size} start."
        number(f"{size}_scale", f"{size.capitalize()} initialisation scale", format="%.2g", help=help_)
    descent_settings(step_help="The large start uses a smaller step if γ would make it diverge.")
    number("seed", "Seed", help="Seed of the Gaussian initialisation.")


def patterns_sidebar(state: State) -> None:
    """Settings of the 2-D patterns view (call inside ``st.sidebar``)."""
    st.subheader("Sampling")
    number(
        "gates",
        "Random neurons (gates)",
        step=100,
        help="Solvers for higher-dimensional data sample patterns from random Gaussian neurons; "
        "this many are drawn to see how many regions sampling finds.",
    )
    number("seed", "Seed")
