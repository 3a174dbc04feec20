"""Sidebar settings of the m-neuron views (general case, timing, initialisation, 2-D patterns): one
function per view, named in :data:`explorer.views.VIEWS`."""

from __future__ import annotations

import streamlit as st

from .. import session
from ..state import State, bounds


def general_sidebar(state: State) -> None:
    """Settings of the m-neuron and timing views (call inside ``st.sidebar``)."""
    w = session.WIDGETS
    st.segmented_control(
        "Inputs",
        [1, 2],
        key=w["dims"],
        required=True,
        format_func=lambda d: "1-D + bias" if d == 1 else "2-D + bias",
        help="1-D: points (x, y) and the output is a curve. 2-D: points (x₁, x₂) with a label y, and the "
        "output is a surface over the plane. A bias is appended to every input.",
    )
    st.subheader("Network")
    st.number_input(
        "Neurons m",
        **bounds("neurons"),
        key=w["neurons"],
        help="Width of the hidden layer (1 to 1000). Each neuron has a bias.",
    )
    st.number_input(
        "Initialisation scale",
        **bounds("init_scale"),
        key=w["init_scale"],
        format="%.3g",
        help="Standard deviation of the initial weights of both layers.",
    )
    st.toggle(
        "Train the second layer α",
        key=w["train_alpha"],
        help="Off: α stays at its random initial value and only the first layer W is trained. "
        "The convex optimum of (2) is then a lower bound GD need not reach.",
    )
    _descent(w)


def dynamics_sidebar(state: State) -> None:
    """Settings of the initialisation view (call inside ``st.sidebar``)."""
    w = session.WIDGETS
    st.subheader("Network")
    st.number_input("Neurons m", **bounds("neurons"), key=w["neurons"])
    st.number_input(
        "Small initialisation scale",
        **bounds("small_scale"),
        key=w["small_scale"],
        format="%.2g",
        help="Standard deviation of the initial weights, small start.",
    )
    st.number_input(
        "Large initialisation scale",
        **bounds("large_scale"),
        key=w["large_scale"],
        format="%.2g",
        help="Standard deviation of the initial weights, large start.",
    )
    _descent(w, note="The large start uses a smaller step if γ would make it diverge.")


def patterns_sidebar(state: State) -> None:
    """Settings of the 2-D patterns view (call inside ``st.sidebar``)."""
    w = session.WIDGETS
    st.subheader("Sampling")
    st.number_input(
        "Random neurons (gates)",
        **bounds("gates"),
        key=w["gates"],
        step=100,
        help="Solvers for higher-dimensional data sample patterns from random Gaussian neurons; "
        "this many are drawn to see how many regions sampling finds.",
    )
    st.number_input("Seed", **bounds("seed"), key=w["seed"])


def _descent(w: dict, note: str | None = None) -> None:
    st.subheader("Gradient descent")
    st.number_input(
        "λ (weight decay)",
        **bounds("lam"),
        key=w["lam"],
        format="%.4g",
        step=0.001,
        help="Objective (1) uses λ/2 Σ(‖wᵢ‖² + αᵢ²); problem (2) uses λ Σ‖uᵢ‖.",
    )
    st.number_input("Step size γ", **bounds("step"), key=w["step"], format="%.4g", step=0.01, help=note)
    st.number_input("Steps", **bounds("steps"), key=w["steps"], step=100)
    st.number_input("Seed", **bounds("seed"), key=w["seed"], help="Seed of the Gaussian initialisation.")
