"""The convex side: pattern choices and their convex minima, problem (2), the bowl, and the run table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

import solvers as S
from solvers import SolverError
from solvers.fixed_alpha import fixed_pattern_surface, solve_fixed_patterns, solved_choice

from .. import compute, session
from ..cache import cached, memo
from ..figures import bowl_figure, bowl_map_figure
from ..figures.common import fmt, neurons
from ..keys import TrainingKey
from ..models import MODELS
from ..state import State
from . import computed, show, text
from .results import ExplorerResults, results_for


def clean(values):
    """Zero out solver round-off (|v| < 1e-10) so that tables say 0 where the theory says 0."""
    v = np.asarray(values, dtype=float)
    return np.where(np.abs(v) < 1e-10, 0.0, v) if v.ndim else (0.0 if abs(v) < 1e-10 else float(v))


def convex_panel(state: State, res: ExplorerResults) -> None:
    st.subheader("4 · The convex problem behind it")
    model = MODELS[state.model]
    if model.landscape_dims:
        _fixed_alpha(state, res)
    _problem_2(state, res)
    _run_table(state, res)


def _fixed_alpha(state: State, res: ExplorerResults) -> None:
    st.markdown(text.FIXED_PATTERNS)
    if MODELS[state.model].swappable:
        st.latex(
            r"\mathcal L(u_1, u_2) = \big\|D_1 X u_1 + D_2 X u_2 - y\big\|_2^2 + \tfrac{\lambda}{2}"
            r"\big(u_1^2 + u_2^2 + 2\big),\quad u_i \in \mathcal K_i"
        )
    else:
        st.latex(
            r"\mathcal L(u) = \big\|D X u - y\big\|_2^2 + \tfrac{\lambda}{2}\big(\|u\|^2 + 1\big),"
            r"\quad u \in \mathcal K"
        )
    fixed = res.fixed
    model = MODELS[state.model]
    rows = []
    for c, choice in enumerate(fixed.choices):
        names = [compute.pattern_name(fixed.patterns[p], i, len(choice)) for i, p in enumerate(choice)]
        coords = model.coordinates(fixed.minimisers[c])
        rows.append(
            {
                "patterns": " · ".join(names),
                "convex minimum": clean(fixed.values[c]),
                "minimiser": "(" + ", ".join(fmt(v) for v in np.ravel(coords)) + ")",
                "global?": "★ global" if np.isclose(fixed.values[c], fixed.objective, rtol=1e-7, atol=1e-9) else "",
            }
        )
    table = pd.DataFrame(rows).sort_values("convex minimum", kind="stable")
    st.metric(
        "Global minimum of the landscape",
        fmt(fixed.objective),
        help=f"Smallest of {len(rows)} convex minima, solved in {fixed.solve_seconds * 1e3:.0f} ms.",
    )
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        height=min(38 + 35 * len(rows), 320),
        column_config={
            "patterns": st.column_config.TextColumn(width="large"),
            "convex minimum": st.column_config.NumberColumn(format="%.6g"),
            "global?": st.column_config.TextColumn(width="small"),
        },
    )
    st.caption(
        "Every choice of patterns is listed, including a neuron sitting exactly on a kink (such as w = 0, "
        "which switches every point on) and a dead neuron (all points off): gradient descent can stop at "
        "either."
    )
    if model.landscape_dims == 2:
        _, middle, _ = st.columns([1, 4, 1])
        with middle:
            _bowl(state, res)


@st.fragment
def _bowl(state: State, res: ExplorerResults) -> None:
    """The bowl of one run's patterns. A fragment: choosing another run or the 3-D view redraws only this."""
    state = session.read_widgets()
    path = res.path
    labels = [f"run {r}: loss {fmt(v)}" + (" (your start)" if r == 0 else "") for r, v in enumerate(path.final_loss)]
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    r = left.selectbox(
        "Patterns of the GD endpoint", range(len(labels)), format_func=lambda i: labels[i], key="bowl_run"
    )
    right.toggle(
        "3-D bowl",
        key=session.WIDGETS["bowl3d"],
        help="The bowl as a surface in 3-D (drag to turn it); drawing it takes seconds without a graphics card.",
    )
    r = min(r, len(labels) - 1)
    try:
        fig, value = bowl_for(TrainingKey.of(state), r, state.bowl3d)
    except SolverError as exc:
        st.error(str(exc))
        return
    show.figure(fig, "bowl", "fixed-pattern-bowl")
    same = np.isclose(value, path.final_loss[r], rtol=1e-4, atol=1e-6)
    if path.diverged[r]:
        verdict = " — this run diverged: it is frozen at its last finite point, far from the bowl's bottom."
    elif same:
        verdict = " — equal: GD found the bottom of this bowl."
    else:
        verdict = " — GD has not reached the bottom of this bowl yet (more steps, or it sits on a region boundary)."
    shading = "" if state.bowl3d else "In colour: the cones where the patterns hold; grey: outside them. "
    st.caption(
        shading + f"Minimum over the cones: **{fmt(value)}**; GD endpoint loss: **{fmt(path.final_loss[r])}**" + verdict
    )
    session.publish(state)


@cached(size=64)
def bowl_for(train: TrainingKey, r: int, three_d: bool = False):
    """The fixed-pattern convex loss of run r's final patterns (a map, or a 3-D surface), and its minimum over
    the cones."""
    u1, u2, Z, feasible, centre, value, names = bowl_data(train, r)
    title = "Patterns of this endpoint fixed: a convex bowl"
    draw = bowl_figure if three_d else bowl_map_figure
    return draw(u1, u2, Z, feasible, centre, value, names=names, title=title), value


@cached(size=64)
def bowl_data(train: TrainingKey, r: int):
    """Run r's fixed-pattern loss on a grid around its minimum over the cones: the axes, the loss, where
    the patterns hold, the minimiser, the minimum and the axis names."""
    res = results_for(train)
    patterns = res.path.patterns[-1, r]  # (m, n)
    x, y = compute.data_arrays(train.points)
    model = MODELS[train.model]
    X = model.design(x)
    # The fixed-alpha optimum has already solved every choice of region patterns.
    known = solved_choice(res.fixed, patterns)
    if known is None:
        U, values, _ = solve_fixed_patterns(X, y, train.lam, patterns[None])
        known = U[0], float(values[0])
    minimiser, value = known
    centre = np.asarray(model.coordinates(minimiser), dtype=float)
    half = max(2.0, 1.5 * float(np.max(np.abs(centre))))
    u1 = np.linspace(-half, half, 61)
    u2 = np.linspace(-half, half, 61)
    W = model.weights(np.stack(np.meshgrid(u1, u2), axis=-1))  # (B, A, m, d)
    Z, feasible = fixed_pattern_surface(X, y, train.lam, patterns, W)
    names = ("u₁", "u₂") if model.swappable else ("u_w", "u_b")
    return u1, u2, Z, feasible, tuple(centre), value, names


def _problem_2(state: State, res: ExplorerResults) -> None:
    st.markdown(text.PROBLEM_2)
    st.latex(text.OBJECTIVE_2)
    st.latex(text.CONES)
    st.latex(text.MAPPING)
    bias = MODELS[state.model].bias
    try:
        sol = res.convex or computed.convex_optimum(state.points, state.lam, bias)
    except (ValueError, SolverError) as exc:
        st.error(f"Problem (2) could not be solved: {exc}")
        return
    W, alpha = sol.network()
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Optimal value of (2)", fmt(sol.objective))
    c2.metric(
        "Activation regions",
        f"{sol.n_patterns}",
        help="Patterns of open regions of weight space: "
        "lower-dimensional faces (such as w = 0) add nothing to problem (2).",
    )
    unresolved = computed.unresolved_inputs(state.points, bias)
    c2.caption(
        "sampled: not certified"
        if not sol.exact
        else "all that float64 resolves"
        if unresolved
        else "all of them (exact)"
    )
    c3.metric("Neurons after mapping", f"{len(alpha)}")
    c4.metric("Solve time", f"{sol.solve_seconds * 1e3:.1f} ms")
    c4.caption(f"solver: {sol.method}")
    if not sol.optimal:
        st.warning(
            f"The solve stopped early ({sol.stopped}). The network shown is within {sol.gap:.1e} of the global "
            f"optimum — certified, but not proven optimal. Fewer points or a larger λ solve faster."
        )
    if unresolved:
        st.warning(text.UNRESOLVED_NOTE.format(count=unresolved))
    if S.SOLVERS[sol.method].certified:
        st.caption(
            f"**Certificate.** The dual check over all {sol.n_patterns} patterns gives a lower bound "
            f"{fmt(sol.lower)} on the optimum, so the value above is within {sol.gap:.1e} of the true global "
            "optimum — a proof, not an estimate."
        )
    model = MODELS[state.model]
    if model.landscape_dims:
        k = model.fixed_neurons
        st.caption(
            f"Problem (2) is the global optimum over networks of **any width with a trained second layer α**; "
            f"the landscape above has {neurons(k)} with α = 1, so its minimum "
            f"({fmt(res.optimum)}) can only be higher or equal. Here (2) uses {neurons(len(alpha))}"
            + (", some with negative α." if np.any(alpha < 0) else ".")
        )
    with st.expander(f"The {len(alpha)} optimal neurons mapped back from (2)"):
        cols = {"w": W[:, 0], "α": alpha}
        if bias:
            cols["b"] = W[:, 1]
            with np.errstate(divide="ignore", invalid="ignore"):
                cols["kink −b/w"] = np.where(W[:, 0] != 0, -W[:, 1] / W[:, 0], np.nan)
        st.dataframe(pd.DataFrame(cols), width="stretch", hide_index=False)


def _run_table(state: State, res: ExplorerResults) -> None:
    path = res.path
    halfway = path.loss[np.searchsorted(path.steps, path.steps[-1] // 2)]
    gap, verdict = compute.verdicts(path.final_loss, res.optimum, path.converged, halfway, path.diverged)
    model = MODELS[state.model]
    table = {"run": ["your start" if r == 0 else f"random {r}" for r in range(len(gap))]}
    if model.landscape_dims:
        coords = model.coordinates(path.W)
        table["start"] = [", ".join(f"{v:.4g}" for v in c) for c in coords[0]]
        table["end"] = [", ".join(f"{v:.4g}" for v in c) for c in coords[-1]]
    table.update(
        {
            "final loss": clean(path.final_loss),
            "gap to global optimum": clean(gap),
            "verdict": verdict,
            "steps taken": path.stopped_at,
            "status": [
                "diverged" if d else "converged" if c else "step limit" for d, c in zip(path.diverged, path.converged)
            ],
        }
    )
    if not model.landscape_dims:
        try:
            lower = res.convex.lower if res.convex.exact else float("nan")
            gaps = memo(
                "certified_gaps",
                (TrainingKey.of(state), lower),
                lambda: compute.certified_gaps(state.points, state.lam, path.final_W, path.final_alpha, lower),
            )
            table["certified gap"] = clean(gaps)
        except (ValueError, SolverError) as exc:
            st.caption(f"No certificate: {exc}")
    st.markdown(f"**Every gradient-descent run** against the global optimum **{fmt(res.optimum)}**")
    st.dataframe(
        pd.DataFrame(table),
        hide_index=True,
        width="stretch",
        column_config={
            "final loss": st.column_config.NumberColumn(format="%.6g"),
            "gap to global optimum": st.column_config.NumberColumn(format="%.3g"),
            "certified gap": st.column_config.NumberColumn(
                format="%.3g",
                help="Objective (1) of this network minus a certified lower "
                "bound on the global optimum (solvers.optimality_gap): ≈ 0 proves it optimal.",
            ),
        },
    )
