"""Full-batch gradient descent on objective (1) for wide networks, with per-step timing and progress.

:func:`landscape.gradient_descent` records the weights and patterns of every iterate it keeps; this
trainer keeps the loss and the wall-clock time of *every* step, snapshots the weights only on a
schedule, and runs in chunks so that a caller can report progress. Both take the gradient from
:func:`landscape.descent.objective_and_gradient` (closed form, ReLU derivative 0 at 0 as in autograd).
It runs one torch thread: the matrices are small (m x n), and two threads on two busy cores are many
times slower than one.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

from landscape.descent import FinalIterate, objective_and_gradient
from landscape.threads import single_thread

DIVERGENCE_FACTOR = 1e8  # a loss this many times (initial + 1) counts as diverged, as in the library


@dataclass(frozen=True)
class Run(FinalIterate):
    """A batch of B gradient-descent runs.

    Attributes
    ----------
    loss : ndarray (steps + 1, B)
        Objective (1) before each step (row t: after t steps); a stopped run keeps its last value.
    seconds : ndarray (steps + 1,)
        Wall-clock time since the start when row t of ``loss`` was known.
    snap_steps : ndarray of int (T,)
        Steps at which the weights were kept (0 and the last are always kept).
    W : ndarray (T, B, m, d)
    alpha : ndarray (T, B, m)
    diverged : ndarray of bool (B,)
        The loss blew up; the run is frozen at its last finite iterate.
    diverged_at : ndarray of int (B,)
        Step at which it blew up (-1 if it did not).
    """

    loss: np.ndarray
    seconds: np.ndarray
    snap_steps: np.ndarray
    W: np.ndarray
    alpha: np.ndarray
    diverged: np.ndarray
    diverged_at: np.ndarray

    @property
    def steps(self) -> int:
        return len(self.loss) - 1

    @property
    def total_seconds(self) -> float:
        return float(self.seconds[-1])


def snapshot_schedule(steps: int, count: int = 200) -> np.ndarray:
    """About ``count`` evenly spaced steps from 0 to ``steps`` (both included)."""
    every = max(1, -(-steps // count))
    out = np.arange(0, steps + 1, every)
    return out if out[-1] == steps else np.append(out, steps)


def train(
    X,
    y,
    W0,
    alpha0,
    *,
    lam: float,
    step: float,
    steps: int,
    train_alpha: bool = True,
    snapshots: int = 200,
    chunk: int = 100,
    progress: Callable[[int, int], None] | None = None,
) -> Run:
    """Run ``steps`` steps of full-batch gradient descent from each of B starts.

    Parameters
    ----------
    X : ndarray (n, d)
    y : ndarray (n,)
    W0 : ndarray (B, m, d)
    alpha0 : ndarray (B, m)
    lam, step : float
        Weight decay (lambda/2 convention of objective (1)) and step size gamma.
    steps : int
    train_alpha : bool
        False keeps alpha at ``alpha0``.
    snapshots : int
        About how many evenly spaced iterates to keep.
    chunk : int
        ``progress(done, steps)`` is called every ``chunk`` steps.
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    W0 = np.asarray(W0, dtype=np.float64)
    alpha0 = np.asarray(alpha0, dtype=np.float64)
    if W0.ndim != 3 or alpha0.shape != W0.shape[:2] or W0.shape[2] != X.shape[1]:
        raise ValueError(f"W0 must be (B, m, {X.shape[1]}) and alpha0 (B, m); got {W0.shape} and {alpha0.shape}.")
    if not (np.all(np.isfinite(W0)) and np.all(np.isfinite(alpha0))):
        raise ValueError("The initial weights are not finite.")
    if not (np.isfinite(step) and step > 0):
        raise ValueError("The step size must be a positive number.")
    if not (np.isfinite(lam) and lam >= 0):
        raise ValueError("λ must be a number ≥ 0.")
    steps = int(steps)
    keep_set = set(snapshot_schedule(steps, snapshots).tolist())
    B = W0.shape[0]
    with single_thread(), torch.inference_mode():  # no autograd bookkeeping per operation
        Xt = torch.as_tensor(X)
        yt = torch.as_tensor(y)
        W = torch.as_tensor(W0).clone()
        a = torch.as_tensor(alpha0).clone()
        losses = torch.empty(steps + 1, B, dtype=torch.float64)
        seconds = np.empty(steps + 1)
        active = torch.ones(B, dtype=torch.bool)
        diverged_at = torch.full((B,), -1, dtype=torch.int64)
        snaps_W, snaps_a, kept = [], [], []
        ceiling = None
        prev_W, prev_a = W, a
        start = time.perf_counter()
        for t in range(steps + 1):
            loss, gW, ga = objective_and_gradient(W, a, Xt, yt, lam, train_alpha)
            if ceiling is None:
                if not bool(torch.isfinite(loss).all()):
                    raise ValueError("The initial loss is not finite: the initial weights or data are too large.")
                ceiling = DIVERGENCE_FACTOR * (loss + 1.0)
            bad = active & (~torch.isfinite(loss) | (loss > ceiling))
            if bool(bad.any()):
                # Freeze the run at its last finite iterate (kept in prev_W / prev_a).
                diverged_at = torch.where(bad, torch.full_like(diverged_at, t), diverged_at)
                active &= ~bad
                W = torch.where(bad[:, None, None], prev_W, W)
                a = torch.where(bad[:, None], prev_a, a)
                loss = torch.where(bad, losses[t - 1], loss)
            losses[t] = loss
            seconds[t] = time.perf_counter() - start
            if t in keep_set:
                kept.append(t)
                snaps_W.append(W.numpy().copy())
                snaps_a.append(a.numpy().copy())
            if t == steps:
                break
            if not bool(active.any()):
                # Every run is frozen: the rest of the history repeats the last row.
                losses[t + 1:] = loss
                seconds[t + 1:] = seconds[t]
                if kept[-1] != t:
                    snaps_W.append(W.numpy().copy())
                    snaps_a.append(a.numpy().copy())
                    kept.append(t)
                kept[-1] = steps  # the frozen weights are also those of the last step
                break
            prev_W, prev_a = W, a
            W = torch.where(active[:, None, None], W - step * gW, W)
            if train_alpha:
                a = torch.where(active[:, None], a - step * ga, a)
            if progress is not None and (t + 1) % chunk == 0:
                progress(t + 1, steps)
    if progress is not None:
        progress(steps, steps)
    return Run(
        loss=losses.numpy(),
        seconds=seconds,
        snap_steps=np.asarray(kept, dtype=np.int64),
        W=np.stack(snaps_W),
        alpha=np.stack(snaps_a),
        diverged=(diverged_at >= 0).numpy(),
        diverged_at=diverged_at.numpy(),
    )
