"""Speed of the m-neuron views: wide-network GD, the dynamics pair, the landscape slice, and page
interactions. Each row compares against a baseline measured in the same run:

* training: the page's gradient descent (closed-form gradient, every step timed) against the
  library's autograd ``gradient_descent`` on the same problem (both on one torch thread, so the
  comparison is of the code, not of thread contention), and against training the same neurons one
  at a time;
* page: the first (cold) run of a view against a rerun that hits the caches, in AppTest.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

import landscape as L
from bench.timing import best_of, print_table
from explorer import dynamics as D
from explorer import general as G
from explorer.presets import PRESETS
from landscape import plane
from landscape.threads import single_thread

APP = str(Path(__file__).resolve().parents[1] / "app.py")
BUDGET_MS = 150


def _problem(dims: int, n: int = 50, seed: int = 0):
    rng = np.random.default_rng(seed)
    inputs = rng.uniform(-1, 1, (n, dims))
    y = np.sin(3 * inputs[:, 0]) + (np.sign(inputs[:, 0] * inputs[:, 1]) if dims == 2 else 0.0)
    return inputs, L.with_bias(inputs), y


def training_rows() -> list[tuple]:
    rows = []
    for dims in (1, 2):
        _, X, y = _problem(dims)
        W0, a0 = L.initial_weights(1, 1000, dims + 1, scale=0.1, seed=0)
        kw = dict(lam=1e-3, step=0.005, steps=2000)
        ours = best_of(lambda: G.train(X, y, W0, a0, **kw), repeat=2)
        with single_thread():
            start = time.perf_counter()
            ref = L.gradient_descent(X, y, W0, a0, train_alpha=True, grad_tol=0.0, **kw)
            base = time.perf_counter() - start
        check = abs(G.train(X, y, W0, a0, **kw).final_loss[0] - ref.final_loss[0])
        rows.append(
            (
                f"GD m=1000 x 2000 steps, n=50, {dims}-D + bias",
                f"{ours:.2f} s",
                f"{base:.2f} s (autograd)",
                f"{base / ours:.1f}x (|loss diff| {check:.0e})",
            )
        )
    # One neuron at a time: separate width-1 runs (what a per-neuron loop would cost), 200 steps; 100 of
    # the 1000 are timed and the total extrapolated.
    _, X, y = _problem(1)
    W0, a0 = L.initial_weights(1, 1000, 2, scale=0.1, seed=0)
    ours = best_of(lambda: G.train(X, y, W0, a0, lam=1e-3, step=0.005, steps=200), repeat=2)
    start = time.perf_counter()
    for i in range(100):
        G.train(X, y, W0[:, i : i + 1], a0[:, i : i + 1], lam=1e-3, step=0.005, steps=200)
    base = 10 * (time.perf_counter() - start)
    rows.append(
        (
            "GD m=1000 x 200 steps vs 1000 width-1 runs",
            f"{ours:.2f} s",
            f"{base:.2f} s (100 timed, x10)",
            f"{base / ours:.0f}x",
        )
    )
    return rows


def view_rows() -> list[tuple]:
    rows = []
    blog = PRESETS["init_dynamics"].settings
    _, X, y = D.data_1d(blog["points"])
    start = time.perf_counter()
    small, large = D.pair(
        X, y, 1000, blog["small_scale"], blog["large_scale"], blog["step"], blog["steps"], blog["lam"], 0
    )
    ours = time.perf_counter() - start
    with single_thread():
        start = time.perf_counter()
        for reg in (small, large):
            W0, a0 = reg.run.W[0], reg.run.alpha[0]
            L.gradient_descent(X, y, W0, a0, lam=blog["lam"], step=reg.step, steps=blog["steps"], grad_tol=0.0)
        base = time.perf_counter() - start
    rows.append(
        (
            "dynamics pair: 2 x 1000 neurons x 1000 steps",
            f"{ours:.2f} s",
            f"{base:.2f} s (autograd)",
            f"{base / ours:.1f}x",
        )
    )

    _, X, y = _problem(1)
    run = G.descend(X, y, 1000, 0.1, 0, 1e-3, 0.005, 2000)
    opt = G.convex_optimum(X, y, 1e-3)
    W0, a0 = G.initial_network(1000, 2, 0.1, 0)
    args = (X, y, 1e-3, (W0[0], a0[0]), (run.final_W[0], run.final_alpha[0]), (opt.W, opt.alpha))
    ours = best_of(lambda: plane.landscape_slice(*args), repeat=2)

    def naive_grid():
        sl = plane.landscape_slice(*args, resolution=11)
        for a in sl.a[::4]:
            for b in sl.b[::4]:
                L.objective(*sl.network(a, b), X, y, 1e-3)
        return len(sl.a[::4]) * len(sl.b[::4])

    start = time.perf_counter()
    count = naive_grid()
    per_point = (time.perf_counter() - start) / count
    sl = plane.landscape_slice(*args)
    base = per_point * sl.Z.size
    rows.append(
        (
            f"landscape slice m=1000, n=50 ({sl.Z.shape[0]}x{sl.Z.shape[1]} grid)",
            f"{ours:.2f} s",
            f"{base:.2f} s (objective per point, extrapolated)",
            f"{base / ours:.1f}x",
        )
    )

    for dims in (1, 2):
        _, X, y = _problem(dims, n=20 if dims == 2 else 50)
        sol = G.convex_optimum(X, y, 1e-2)
        run = G.descend(X, y, 200, 0.01, 0, 1e-2, 0.01, 4000)
        hit = L.first_within(run.history[:, 0], sol.objective) if sol.ok else None
        if hit is not None:
            gd = f"{run.seconds[hit]:.2f} s ({hit} steps)"
        else:
            gd = f"> {run.total_seconds:.2f} s (not reached)"
        ratio = (run.seconds[hit] if hit is not None else run.total_seconds) / sol.seconds if sol.ok else float("nan")
        rows.append(
            (
                f"timing view: convex solve vs GD to 1e-3, n={len(y)} {dims}-D, m=200",
                f"{sol.seconds:.2f} s",
                gd,
                f"{ratio:.1f}x" + ("" if hit is not None else "+"),
            )
        )
    return rows


def page_rows() -> list[tuple]:
    from streamlit.testing.v1 import AppTest

    rng = np.random.default_rng(1)
    pts = ";".join(f"{x:.3f},{np.sin(3 * x):.3f}" for x in np.sort(rng.uniform(-1, 1, 50)))
    cases = [
        ("m neurons, default", dict(view="general")),
        (
            "m neurons, m=1000 x 2000 steps, 50 points",
            dict(view="general", points=pts, neurons=1000, steps=2000, init_scale=0.1, step=0.005, lam=0.001),
        ),
        ("m neurons, 2-D XOR preset", dict(p="xor_plane")),
        ("initialisation preset (1000 neurons)", dict(p="init_dynamics")),
        ("convex vs GD time, zig-zag preset", dict(p="zigzag_many", view="timing")),
        ("2-D patterns preset", dict(p="plane_patterns")),
    ]
    rows = []
    for label, query in cases:
        at = AppTest.from_file(APP, default_timeout=300)
        for k, v in query.items():
            at.query_params[k] = str(v)
        start = time.perf_counter()
        at.run()
        cold = time.perf_counter() - start
        assert not at.exception, [e.value for e in at.exception]
        warm = best_of(lambda: at.run(), repeat=3)
        ok = "ok" if warm * 1e3 <= BUDGET_MS else "over"
        rows.append(
            (
                f"page: {label}",
                f"{warm * 1e3:.0f} ms (cached rerun, {ok})",
                f"{cold:.2f} s (cold)",
                f"{cold / warm:.0f}x",
            )
        )
    return rows


def main() -> None:
    rows = training_rows() + view_rows() + page_rows()
    print_table(rows, ("case", "ours", "baseline", "speed-up"))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
