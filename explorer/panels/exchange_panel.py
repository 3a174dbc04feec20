"""Data in and out on the page: upload points as CSV, download them, the GD networks and the optimum as JSON,
and the whole view as one HTML file. Reading and writing live in :mod:`explorer.exchange` and
:mod:`explorer.export`; this module only draws the buttons and applies an upload to the State.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import streamlit as st

import landscape as L
import solvers as S
from solvers import SolverError

from .. import compute, gallery, session
from ..exchange import Network, NetworksFile, networks_json, parse_points_csv, points_csv
from ..export import Section, view_html
from ..models import MODELS
from ..presets import PRESETS
from ..state import MAX_POINTS, State
from ..views import view_of
from . import computed

TITLE = "The hidden convex landscape of two-layer ReLU networks"
UPLOAD_NOTE = "_upload_note"


def _upload_key(view: str) -> str:
    return f"upload_{view}"


def _apply_upload(view: str) -> None:
    """File-uploader callback (runs before the widgets are drawn): load the file's points, or say why not."""
    key = _upload_key(view)
    file = st.session_state.get(key)
    if file is None:
        st.session_state.pop(UPLOAD_NOTE, None)
        return
    widths = (2,) if view == "explorer" else (2, 3)
    try:
        rows = parse_points_csv(file.getvalue(), widths=widths)
    except ValueError as exc:
        hint = " The two-neuron explorer takes 1-D inputs: x,y." if "expected 2 (x,y) per line" in str(exc) else ""
        st.session_state[UPLOAD_NOTE] = ("error", f"{file.name}: {exc}{hint} The current points are kept.")
        return
    state = session.current()
    if len(rows[0]) == 2:
        state = replace(state, points=rows, dims=1 if view != "explorer" else state.dims)
    else:
        state = replace(state, points2d=rows, dims=2)
    session.put(replace(state, frame=-1))
    st.session_state[UPLOAD_NOTE] = ("success", f"Loaded {len(rows)} points from {file.name}.")


def data_io(state: State, networks=None) -> None:
    """Upload and download the points of the current view; ``networks()`` gives the JSON files to download."""
    if state.present:
        return  # presentation mode offers nothing to download
    view = state.view
    # Always open: an expander would be drawn anew, closed, when an upload changes the panels above it.
    with st.container(border=True, key="data_io"):
        st.markdown("**Your data in and out**: a CSV of points in, the points and the networks out.")
        left, right = st.columns([3, 2])
        columns = "x,y" if view == "explorer" else "x,y (1-D inputs) or x1,x2,y (2-D inputs)"
        left.file_uploader(
            "Upload points (CSV)",
            type=["csv", "txt"],
            key=_upload_key(view),
            on_change=_apply_upload,
            args=(view,),
            help=f"One point per line: {columns}. A header line is optional; at most {MAX_POINTS} points. "
            "A file with a problem is refused with the line that has it, and the current points stay.",
        )
        kind, note = st.session_state.get(UPLOAD_NOTE, (None, None))
        if kind == "error":
            left.error(note)
        elif kind == "success":
            left.success(note)
        with right:
            field = "points" if view == "explorer" or state.dims == 1 else "points2d"
            points = getattr(state, field)
            st.download_button(
                "⬇ Points (CSV)",
                data=points_csv(points) if points else "x,y\n",
                file_name="points.csv",
                mime="text/csv",
                key="download_points",
                on_click="ignore",
                disabled=not points,
            )
            files = networks() if networks is not None and points else {}
            for label, (name, make) in files.items():
                st.download_button(
                    label,
                    data=make,
                    file_name=name,
                    mime="application/json",
                    key=f"download_{name}",
                    on_click="ignore",
                    help="W (one neuron per row), α, λ, the data X (bias column included) and y, the objective (1) "
                    "and the certified gap: landscape.objective(W, alpha, X, y, lam) gives the objective back.",
                )


# --- the networks of each view --------------------------------------------------------------------------


def _network(name, W, alpha, X, y, lam, gap=None) -> Network:
    return Network(name, W, alpha, float(L.objective(W, alpha, X, y, lam)), gap)


def _gap(W, alpha, X, y, lam, lower) -> float | None:
    try:
        return float(S.optimality_gap(W, alpha, X, y, lam, lower=lower))
    except (ValueError, SolverError):
        return None


def explorer_networks(state: State, res) -> dict:
    """The explorer's GD runs and its optimum as JSON downloads (built when clicked)."""
    model = MODELS[state.model]
    x, y = compute.data_arrays(state.points)
    X = model.design(x)
    lam = state.lam
    try:
        sol = res.convex or computed.convex_optimum(state.points, lam, model.bias)
    except (ValueError, SolverError):
        sol = None
    lower = sol.lower if sol is not None and sol.exact else None
    path = res.path

    def runs() -> str:
        nets = [
            _network(
                "your start" if r == 0 else f"random start {r}",
                path.final_W[r],
                path.final_alpha[r],
                X,
                y,
                lam,
                _gap(path.final_W[r], path.final_alpha[r], X, y, lam, lower),
            )
            for r in range(len(path.final_loss))
        ]
        note = f"Gradient-descent endpoints of the two-neuron explorer ({model.label}), {int(path.steps[-1])} steps."
        return networks_json(NetworksFile(X, y, lam, tuple(nets), lower, note))

    def optimum() -> str:
        nets = []
        if sol is not None:
            W, alpha = sol.network()
            nets.append(_network("optimum of (2)", W, alpha, X, y, lam, sol.gap))
        if res.fixed is not None:
            W = res.fixed.W
            nets.append(_network("global minimum with α = 1", W, np.ones(len(W)), X, y, lam))
        note = "The global optimum of (1) from the convex problem (2), mapped back to neurons."
        return networks_json(NetworksFile(X, y, lam, tuple(nets), lower, note))

    files = {"⬇ GD networks (JSON)": ("gd-networks.json", runs)}
    if sol is not None or res.fixed is not None:
        files["⬇ Optimal network (JSON)"] = ("optimal-network.json", optimum)
    return files


def general_networks(state: State, res) -> dict:
    """The m-neuron view's GD network and the optimum as JSON downloads."""
    X, y, lam = res.X, res.y, state.lam
    opt = res.opt

    def run() -> str:
        net = _network(f"gradient descent, {state.steps} steps", res.W, res.alpha, X, y, lam, res.certified)
        return networks_json(NetworksFile(X, y, lam, (net,), None, "The m-neuron view's gradient-descent network."))

    def optimum() -> str:
        net = _network("optimum of (2)", opt.W, opt.alpha, X, y, lam, opt.certified_gap)
        note = "The global optimum of (1) from the convex problem (2), mapped back to neurons."
        return networks_json(NetworksFile(X, y, lam, (net,), None, note))

    files = {"⬇ GD network (JSON)": ("gd-network.json", run)}
    if opt.ok:
        files["⬇ Optimal network (JSON)"] = ("optimal-network.json", optimum)
    return files


# --- the whole view -------------------------------------------------------------------------------------


def view_sections(state: State) -> list[Section]:
    """Every figure the view draws for ``state``, with its caption and formulas."""
    sections = []
    for entry in gallery.of_view(state.view):
        shown = entry.make(state)
        if shown is not None:
            sections.append(Section(entry.key, entry.label, shown[0], shown[1], entry.formulas))
    return sections


def whole_view_export(state: State) -> None:
    """A button that downloads the view as one HTML file (at the foot of the page)."""
    try:
        sections = view_sections(state)
    except (ValueError, SolverError):
        sections = []
    if not sections:
        return
    label = view_of(state.view).label
    intro = PRESETS[state.preset].blurb if state.preset in PRESETS else ""
    link = _link(state)
    st.divider()
    st.download_button(
        f"⬇ The whole view as one HTML file ({len(sections)} figures, captions and formulas)",
        data=lambda: view_html(TITLE, label, sections, intro=intro, link=link),
        file_name=f"hidden-convex-{state.view}.html",
        mime="text/html",
        key="download_view",
        on_click="ignore",
        help="One self-contained file that opens offline: every figure of this view (interactive), its caption "
        "and the formulas. Print it (or save it as PDF) for a handout: figures become still images sized to the page.",
    )


def _link(state: State) -> str:
    query = "&".join(f"{k}={v}" for k, v in state.to_query().items())
    try:
        base = str(st.context.url or "").split("?")[0]
    except (AttributeError, RuntimeError):
        base = ""
    return f"{base}?{query}" if base else f"?{query}"
