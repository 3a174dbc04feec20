"""Core speed: vectorised landscape and batched GD against naive loops, and problem (2) in cvxpy
written vectorised against one constraint per pattern. Ratios are baseline time / our time."""
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
            (f"solve_convex cvxpy {label} n={n} (P={sol.n_patterns})", f"{ours:.2f} s", f"{base:.2f} s",
             f"{base / ours:.1f}x (|diff| {agree:.0e})")
        )
    print_table(rows, ("case", "ours", "naive baseline", "speed-up"))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
