"""Full-batch vanilla gradient descent on objective (1), many initialisations at once (torch).

The gradient comes from torch autograd by default, or from its closed form (same values, a few times
faster per step on the small networks of the explorer, where each step is dominated by overhead)::

    P = W X^T,  r = relu(P)^T alpha - y
    d/d alpha = 2 relu(P) r + lam alpha
    d/d W_i   = 2 alpha_i ((1[P_i > 0] * r) X) + lam W_i

with the ReLU's derivative taken as 0 at 0, as autograd takes it.
"""

from __future__ import annotations

import time
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

from .threads import single_thread
from .validation import as_count, as_data, as_nonnegative, as_positive


@dataclass(frozen=True)
class DescentPath:
    """The recorded trajectory of a batch of gradient-descent runs.

    Attributes
    ----------
    steps : ndarray of int, shape (T,)
        Step index of each record (0 is the initialisation; the last is the final step taken, or the
        last step asked for when ``history`` was kept).
    W : ndarray, shape (T, B, m, d)
        First-layer weights of each of the B runs at each record.
    alpha : ndarray, shape (T, B, m)
        Second-layer weights.
    loss : ndarray, shape (T, B)
        Objective (1) at each record; a run that stopped keeps its last value.
    patterns : ndarray of bool, shape (T, B, m, n), or None
        Activation pattern ``1[X w_i >= 0]`` of every neuron (None when not recorded).
    converged : ndarray of bool, shape (B,)
        The gradient norm fell below the tolerance.
    diverged : ndarray of bool, shape (B,)
        The loss became non-finite or exploded; the run is frozen at its last finite iterate.
    stopped_at : ndarray of int, shape (B,)
        Number of gradient steps each run actually took.
    history : ndarray, shape (steps + 1, B), or None
        Objective (1) after every step (row t: after t steps), kept with ``history=True``; a run that
        stopped keeps its last value.
    seconds : ndarray, shape (steps + 1,), or None
        Wall-clock time of the descent itself when row t of ``history`` was known (progress reports
        excluded).
    """

    steps: np.ndarray
    W: np.ndarray
    alpha: np.ndarray
    loss: np.ndarray
    patterns: np.ndarray | None
    converged: np.ndarray
    diverged: np.ndarray
    stopped_at: np.ndarray
    history: np.ndarray | None = None
    seconds: np.ndarray | None = None

    @property
    def final_W(self) -> np.ndarray:
        """Shape (B, m, d)."""
        return self.W[-1]

    @property
    def final_alpha(self) -> np.ndarray:
        """Shape (B, m)."""
        return self.alpha[-1]

    @property
    def final_loss(self) -> np.ndarray:
        """Shape (B,)."""
        return self.loss[-1]

    @property
    def diverged_at(self) -> np.ndarray:
        """Step at which each run blew up, -1 for runs that did not: shape (B,)."""
        return np.where(self.diverged, self.stopped_at + 1, -1)

    @property
    def total_seconds(self) -> float:
        """Wall-clock time of the whole descent (needs ``history``)."""
        if self.seconds is None:
            raise ValueError("Timing is kept only with gradient_descent(..., history=True).")
        return float(self.seconds[-1])


def batched_objective(W: torch.Tensor, alpha: torch.Tensor, X: torch.Tensor, y: torch.Tensor, lam: float):
    """Objective (1) for a batch of networks: W (B, m, d), alpha (B, m) -> (B,)."""
    hidden = torch.relu(W @ X.T)  # (B, m, n)
    residual = (alpha.unsqueeze(1) @ hidden).squeeze(1) - y
    return (residual * residual).sum(-1) + 0.5 * lam * ((W * W).sum((1, 2)) + (alpha * alpha).sum(-1))


def objective_and_gradient(W, alpha, X, y, lam: float, train_alpha: bool = True):
    """Objective (1) and its closed-form gradient for a batch of networks (no autograd).

    Parameters
    ----------
    W : tensor (B, m, d)
    alpha : tensor (B, m)
    X : tensor (n, d)
    y : tensor (n,)

    Returns
    -------
    loss : tensor (B,)
    grad_W : tensor (B, m, d)
    grad_alpha : tensor (B, m), or None when ``train_alpha`` is False
    """
    P = W @ X.T  # (B, m, n)
    hidden = P.clamp_min(0.0)
    residual = (alpha.unsqueeze(1) @ hidden).squeeze(1).sub_(y)  # (B, n)
    loss = residual.square().sum(-1)
    twice = residual.mul(2.0).unsqueeze(1)  # (B, 1, n)
    grad_W = ((P > 0) * twice @ X).mul_(alpha.unsqueeze(-1))
    grad_alpha = (hidden * twice).sum(-1) if train_alpha else None
    if lam:  # skipped at lam = 0, where it would only add zeros
        loss.add_(W.square().sum((1, 2)).add_(alpha.square().sum(-1)), alpha=0.5 * lam)
        grad_W.add_(W, alpha=lam)
        if grad_alpha is not None:
            grad_alpha.add_(alpha, alpha=lam)
    return loss, grad_W, grad_alpha


def _autograd_objective_and_gradient(W, alpha, X, y, lam: float, train_alpha: bool = True):
    """As :func:`objective_and_gradient`, differentiated by torch autograd."""
    W = W.detach().requires_grad_(True)
    alpha = alpha.detach().requires_grad_(train_alpha)
    loss = batched_objective(W, alpha, X, y, lam)
    grads = torch.autograd.grad(loss.sum(), [W, alpha] if train_alpha else [W])
    return loss.detach(), grads[0], grads[1] if train_alpha else None


GRADIENTS = {"autograd": _autograd_objective_and_gradient, "closed_form": objective_and_gradient}


def _batch(arr, name: str, trailing: tuple[int, ...]) -> np.ndarray:
    a = np.asarray(arr, dtype=np.float64)
    if a.ndim == len(trailing):
        a = a[None]
    if a.ndim != len(trailing) + 1 or a.shape[1:] != trailing:
        want = " x ".join(str(t) for t in trailing)
        raise ValueError(f"{name} must have shape ({want}) or (batch, {want}); got {a.shape}.")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} contains NaN or infinite values.")
    return a


def initial_weights(batch: int, m: int, d: int, scale: float = 1.0, seed: int = 0):
    """Gaussian initialisation with standard deviation ``scale`` for both layers.

    Returns
    -------
    W0 : ndarray, shape (batch, m, d)
    alpha0 : ndarray, shape (batch, m)
    """
    batch = as_count(batch, "batch")
    m = as_count(m, "m")
    d = as_count(d, "d")
    scale = as_positive(scale, "scale")
    rng = np.random.default_rng(seed)
    return scale * rng.standard_normal((batch, m, d)), scale * rng.standard_normal((batch, m))


ProgressCallback = Callable[[int, int], None]


def gradient_descent(
    X,
    y,
    W0,
    alpha0=None,
    *,
    lam: float = 0.0,
    step: float = 0.01,
    steps: int = 1000,
    train_alpha: bool = True,
    record_every: int | None = None,
    grad_tol: float = 1e-9,
    divergence_factor: float = 1e8,
    gradient: str = "autograd",
    history: bool = False,
    record_patterns: bool = True,
    progress: ProgressCallback | None = None,
    progress_every: int = 100,
    device=None,
) -> DescentPath:
    """Run ``theta <- theta - step * grad L(theta)`` on objective (1) from a batch of starts.

    Parameters
    ----------
    X : array_like, shape (n, d)
    y : array_like, shape (n,)
    W0 : array_like, shape (m, d) or (B, m, d)
        Initial first layers; a leading batch dimension runs B independent descents at once.
    alpha0 : array_like, shape (m,) or (B, m), optional
        Initial second layers; defaults to ones (the poster's fixed second layer).
    lam : float >= 0
        Weight decay; the penalty is (lam/2)(||W||^2 + ||alpha||^2).
    step : float > 0
        Step size gamma.
    steps : int
        Maximum number of steps (1 ... 1,000,000).
    train_alpha : bool
        If False, alpha stays at ``alpha0`` and only W is trained.
    record_every : int, optional
        Keep every k-th iterate (the first and last are always kept). Defaults to about 500 records.
    grad_tol : float
        A run stops (converged) when the norm of its gradient falls to this; 0 never stops a run
        early (every run takes every step, as the m-neuron views train).
    divergence_factor : float
        A run is flagged diverged when its loss exceeds ``divergence_factor * (initial loss + 1)``
        or stops being finite; it is frozen at its last finite iterate.
    gradient : {"autograd", "closed_form"}
        How the gradient is computed: torch autograd, or the closed form of the module docstring. Both
        give the same path up to round-off; the closed form has less overhead per step.
    history : bool
        Also keep the loss after every step and the wall-clock time at which it was known
        (``DescentPath.history``, ``.seconds``); the records then run to ``steps`` even when every
        run stopped earlier.
    record_patterns : bool
        Keep the activation patterns of every record (T x B x m x n booleans: turn off for wide
        networks on many points).
    progress : callable, optional
        ``progress(done, steps)`` is called every ``progress_every`` steps and at the end; its time
        is left out of ``seconds``.
    progress_every : int
    device : torch device, optional
        Where to compute; defaults to torch's default device.

    Returns
    -------
    DescentPath
    """
    X, y = as_data(X, y)
    n, d = X.shape
    lam = as_nonnegative(lam, "lam")
    step = as_positive(step, "step size")
    steps = as_count(steps, "steps", minimum=1, maximum=1_000_000)
    grad_tol = as_nonnegative(grad_tol, "grad_tol")
    divergence_factor = as_positive(divergence_factor, "divergence_factor")
    W0 = np.asarray(W0, dtype=np.float64)
    m = W0.shape[-2] if W0.ndim >= 2 else 0
    W0 = _batch(W0, "W0", (m, d))
    B = W0.shape[0]
    alpha0 = np.ones((B, m)) if alpha0 is None else _batch(alpha0, "alpha0", (m,))
    if alpha0.shape[0] not in (1, B):
        raise ValueError(f"alpha0 has batch size {alpha0.shape[0]} but W0 has {B}.")
    alpha0 = np.broadcast_to(alpha0, (B, m)).copy()
    if record_every is None:
        record_every = max(1, -(-steps // 500))
    record_every = as_count(record_every, "record_every")
    progress_every = as_count(progress_every, "progress_every")
    if gradient not in GRADIENTS:
        raise ValueError(f"gradient must be one of {sorted(GRADIENTS)}; got {gradient!r}.")
    options = _Options(
        lam,
        step,
        steps,
        train_alpha,
        record_every,
        grad_tol,
        divergence_factor,
        history,
        record_patterns,
        progress,
        progress_every,
    )

    # Without autograd in the loop, inference mode drops torch's per-operation bookkeeping.
    mode = torch.inference_mode() if gradient == "closed_form" else nullcontext()
    with single_thread(device), mode:
        return _descend(X, y, W0, alpha0, options, GRADIENTS[gradient], device)


@dataclass(frozen=True)
class _Options:
    """The validated settings of one call of :func:`gradient_descent`."""

    lam: float
    step: float
    steps: int
    train_alpha: bool
    record_every: int
    grad_tol: float
    divergence_factor: float
    history: bool
    record_patterns: bool
    progress: ProgressCallback | None
    progress_every: int


def _descend(X, y, W0, alpha0, o: _Options, evaluate, device) -> DescentPath:
    """The GD loop on validated inputs."""
    lam, step, steps, train_alpha = o.lam, o.step, o.steps, o.train_alpha
    B = W0.shape[0]
    kw = dict(dtype=torch.float64, device=device)
    Xt, yt = torch.as_tensor(X, **kw), torch.as_tensor(y, **kw)
    W = torch.as_tensor(W0, **kw).clone()
    alpha = torch.as_tensor(alpha0, **kw).clone()
    active = torch.ones(B, dtype=torch.bool, device=Xt.device)
    converged = torch.zeros_like(active)
    diverged = torch.zeros_like(active)

    records: dict[str, list] = {"steps": [], "W": [], "alpha": [], "loss": [], "patterns": []}

    def record(t: int, loss: torch.Tensor) -> None:
        records["steps"].append(t)
        records["W"].append(W.detach().cpu().numpy().copy())
        records["alpha"].append(alpha.detach().cpu().numpy().copy())
        records["loss"].append(loss.detach().cpu().numpy().copy())
        if o.record_patterns:
            records["patterns"].append((W.detach() @ Xt.T >= 0).cpu().numpy())

    with torch.no_grad():
        initial = batched_objective(W, alpha, Xt, yt, lam)
    if not torch.all(torch.isfinite(initial)):
        raise ValueError("The initial loss is not finite: the initial weights or data are too large.")
    ceiling = o.divergence_factor * (initial + 1.0)
    lowest_ceiling = float(ceiling.min())
    last_loss = initial.clone()
    prev_W, prev_alpha = W.clone(), alpha.clone()
    history = torch.empty((steps + 1, B), **kw) if o.history else None
    seconds = np.empty(steps + 1) if o.history else None
    reporting = 0.0  # time spent in progress callbacks, left out of ``seconds``
    t = 0
    # Step at which a run stopped (-1: still running); kept on the host side to avoid per-step syncs.
    stop_step = torch.full((B,), -1, dtype=torch.int64, device=Xt.device)
    running = B
    start = time.perf_counter()
    for t in range(steps + 1):
        loss, grad_W, grad_alpha = evaluate(W, alpha, Xt, yt, lam, train_alpha)
        # Losses are >= 0 and NaN fails every comparison, so one scalar test clears the usual case.
        if not float(loss.sum()) <= lowest_ceiling:
            bad = active & (~torch.isfinite(loss) | (loss > ceiling))
            if bool(bad.any()):
                # A run that blew up is frozen at its last finite iterate, never returned as NaN.
                diverged |= bad
                active &= ~bad
                stop_step = torch.where(bad, t - 1, stop_step)
                running = int(active.sum())
                W = torch.where(bad[:, None, None], prev_W, W)
                alpha = torch.where(bad[:, None], prev_alpha, alpha)
                loss, grad_W, grad_alpha = evaluate(W, alpha, Xt, yt, lam, train_alpha)
        last_loss = loss if running == B else torch.where(active, loss, last_loss)
        if history is not None and seconds is not None:
            history[t] = last_loss
            seconds[t] = time.perf_counter() - start - reporting
        if t % o.record_every == 0:
            record(t, last_loss)
        if t == steps or running == 0:
            break
        if o.grad_tol > 0:  # with no tolerance every run takes every step: no norm, no sync
            gnorm2 = grad_W.square().sum((1, 2))
            if grad_alpha is not None:
                gnorm2 += grad_alpha.square().sum(-1)
            newly = active & (gnorm2 <= o.grad_tol * o.grad_tol)
            if bool(newly.any()):
                converged |= newly
                active &= ~newly
                stop_step = torch.where(newly, t, stop_step)
                running = int(active.sum())
        prev_W, prev_alpha = W, alpha
        W = W - step * grad_W
        if grad_alpha is not None:
            alpha = alpha - step * grad_alpha
        if running < B:  # stopped runs stay where they are
            W = torch.where(active[:, None, None], W, prev_W)
            alpha = torch.where(active[:, None], alpha, prev_alpha)
        if o.progress is not None and (t + 1) % o.progress_every == 0 and t + 1 < steps:
            began = time.perf_counter()
            o.progress(t + 1, steps)
            reporting += time.perf_counter() - began
    stopped_at = torch.where(stop_step >= 0, stop_step, t)
    if records["steps"][-1] != t:
        record(t, last_loss)
    if history is not None and seconds is not None and t < steps:
        # Every run has stopped: the rest of the history repeats the last row, and the last record,
        # whose weights are also those of the last step asked for, is labelled with it.
        history[t + 1 :] = last_loss
        seconds[t + 1 :] = seconds[t]
        records["steps"][-1] = steps
    if o.progress is not None:
        o.progress(steps, steps)

    return DescentPath(
        steps=np.asarray(records["steps"], dtype=np.int64),
        W=np.stack(records["W"]),
        alpha=np.stack(records["alpha"]),
        loss=np.stack(records["loss"]),
        patterns=np.stack(records["patterns"]) if o.record_patterns else None,
        converged=converged.cpu().numpy(),
        diverged=diverged.cpu().numpy(),
        stopped_at=stopped_at.cpu().numpy(),
        history=None if history is None else history.cpu().numpy(),
        seconds=seconds,
    )
