"""Core speed: vectorised landscape and batched GD against naive loops, the closed-form gradient
against autograd, one neuron's fixed-pattern problems in closed form against cvxpy, and problem (2)
in cvxpy written vectorised against one constraint per pattern. Ratios are baseline time / our time."""

from __future__ import annotations

import sys
import time

import cvxpy as cp
import numpy as np

import landscape as L
import solvers as S
from bench.timing import best_of, print_table


def naive_grid(x, y, w1, w2):
    out = np.empty((len(w2), len(w1)))
    for i, b in enumerate(w2):
        for j, a in enumerate(w1):
            r = np.maximum(x * a, 0) + np.maximum(x * b, 0) - y
            out[i, j] = r @ r
    return out


def naive_cvxpy(X, y, lam, patterns):
    """Problem (2) with a Python loop: one variable pair and two constraints per pattern."""
    us, vs, cons, terms = [], [], [], []
    for p in patterns:
        D = np.diag(p.astype(float))
        u, v = cp.Variable(X.shape[1]), cp.Variable(X.shape[1])
        s = np.diag(2 * p.astype(float) - 1)
        cons += [s @ X @ u >= 0, s @ X @ v >= 0]
        terms.append(D @ X @ (u - v))
        us.append(u)
        vs.append(v)
    obj = cp.sum_squares(sum(terms) - y) + lam * sum(cp.norm(u, 2) + cp.norm(v, 2) for u, v in zip(us, vs))
    prob = cp.Problem(cp.Minimize(obj), cons)
    prob.solve(solver=cp.CLARABEL)
    return prob.value


def main() -> None:
    rng = np.random.default_rng(0)
    rows = []

    x = rng.uniform(-1, 1, 50)
    y = np.sin(3 * x)
    w = np.linspace(-3, 3, 256)
    ours = best_of(lambda: L.loss_grid(x, y, w, w))
    base = best_of(lambda: naive_grid(x, y, w, w), repeat=1)
    assert np.allclose(L.loss_grid(x, y, w, w), naive_grid(x, y, w, w))
    rows.append(("loss_grid 256x256, n=50", f"{ours * 1e3:.1f} ms", f"{base * 1e3:.0f} ms", f"{base / ours:.0f}x"))

    X = L.with_bias(rng.uniform(-1, 1, 20))
    yy = np.sin(3 * X[:, 0])
    W0, a0 = L.initial_weights(64, 10, 2, scale=0.5, seed=1)
    kw = dict(lam=0.01, step=0.02, steps=2000, grad_tol=0.0)
    ours = best_of(lambda: L.gradient_descent(X, yy, W0, a0, **kw), repeat=2)
    start = time.perf_counter()
    for b in range(64):
        L.gradient_descent(X, yy, W0[b], a0[b], **kw)
    base = time.perf_counter() - start
    rows.append(("GD 64 starts x 2000 steps (m=10, n=20)", f"{ours:.2f} s", f"{base:.2f} s", f"{base / ours:.1f}x"))

    # The page's runs: closed-form gradient against autograd, the same path.
    page_runs = [
        (
            "poster: 2 neurons, 13 starts x 300 steps",
            np.array([[-1.0], [1.0]]),
            np.array([1.0, 2.0]),
            rng.uniform(-3, 3, (13, 2, 1)),
            None,
            dict(lam=0.0, step=0.05, steps=300, train_alpha=False),
        ),
        (
            "zig-zag: 30 neurons, 5 starts x 400 steps",
            L.with_bias(np.linspace(-0.5, 0.5, 10)),
            np.where(np.arange(10) % 2 == 0, -0.25, 0.25) + 0.5 * np.linspace(-0.5, 0.5, 10),
            *L.initial_weights(5, 30, 2, scale=0.1, seed=0),
            dict(lam=1e-3, step=0.05, steps=400),
        ),
    ]
    for label, Xp, yp, Wp, ap, kw in page_runs:
        kw = dict(kw, record_every=2)
        ours = best_of(lambda: L.gradient_descent(Xp, yp, Wp, ap, gradient="closed_form", **kw))
        base = best_of(lambda: L.gradient_descent(Xp, yp, Wp, ap, **kw))
        same = np.abs(
            L.gradient_descent(Xp, yp, Wp, ap, gradient="closed_form", **kw).loss
            - L.gradient_descent(Xp, yp, Wp, ap, **kw).loss
        ).max()
        rows.append(
            (
                f"GD closed form vs autograd, {label}",
                f"{ours * 1e3:.0f} ms",
                f"{base * 1e3:.0f} ms",
                f"{base / ours:.1f}x (|diff| {same:.0e})",
            )
        )

    from solvers.fixed_alpha import solve_fixed_alpha, solve_fixed_patterns

    xb = rng.uniform(-1, 1, 150)
    Xb, yb = L.with_bias(xb), np.sin(3 * xb)
    ours = best_of(lambda: solve_fixed_alpha(Xb, yb, 0.01, neurons=1))
    fixed = solve_fixed_alpha(Xb, yb, 0.01, neurons=1)
    sets = fixed.patterns[fixed.choices]
    start = time.perf_counter()
    _, ref, _ = solve_fixed_patterns(Xb, yb, 0.01, sets, method="cvxpy")
    base = time.perf_counter() - start
    rows.append(
        (
            f"one neuron with bias, all {len(sets)} patterns (n=150): closed form vs cvxpy",
            f"{ours * 1e3:.0f} ms",
            f"{base:.2f} s",
            f"{base / ours:.0f}x (ours - cvxpy in [{(fixed.values - ref).min():.0e}, "
            f"{(fixed.values - ref).max():.0e}])",
        )
    )

    cases = [("1-D+bias", n, L.with_bias(rng.uniform(-1, 1, n))) for n in (50, 100, 200)]
    cases += [("2-D+bias", n, L.with_bias(rng.normal(size=(n, 2)))) for n in (10, 20, 30)]
    for label, n, Xc in cases:
        yc = np.sin(3 * Xc[:, 0]) + 0.1 * rng.normal(size=n)
        sol = S.solve_convex(Xc, yc, 0.01, method="cvxpy")
        start = time.perf_counter()
        value = naive_cvxpy(Xc, yc, 0.01, sol.patterns)
        base = time.perf_counter() - start
        ours = sol.solve_seconds
        agree = abs(value - sol.objective) / max(1.0, abs(sol.objective))
        rows.append(
            (
                f"solve_convex cvxpy {label} n={n} (P={sol.n_patterns})",
                f"{ours:.2f} s",
                f"{base:.2f} s",
                f"{base / ours:.1f}x (|diff| {agree:.0e})",
            )
        )
    print_table(rows, ("case", "ours", "naive baseline", "speed-up"))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
