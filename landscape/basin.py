"""Basins of attraction of the poster's two-neuron landscape: gradient descent from every grid point.

Same model as :func:`landscape.loss_grid` (scalar inputs, no bias, alpha fixed to 1) and the same
update, loss, stopping and divergence rules as :func:`landscape.gradient_descent` with
``train_alpha=False``. That function records whole trajectories through autograd; here only the
final loss of each start is wanted, so a lean loop with the gradient written out runs every start
of the grid at once (``relu'(0) = 0``, as in torch's autograd).
"""

from __future__ import annotations

import numpy as np
import torch

from .grid import _scalar_data
from .threads import single_thread
from .validation import as_count, as_nonnegative, as_positive, as_vector


def basin_map(
    x,
    y,
    w1,
    w2,
    lam: float = 0.0,
    step: float = 0.05,
    steps: int = 300,
    *,
    grad_tol: float = 1e-9,
    divergence_factor: float = 1e8,
    device=None,
) -> np.ndarray:
    """Final loss of gradient descent started from every point ``(w1[j], w2[i])`` of a grid.

    Each start runs ``w <- w - step * grad L(w)`` on
    ``L(w1, w2) = sum_j (max(0, x_j w1) + max(0, x_j w2) - y_j)^2 + (lam/2)(w1^2 + w2^2 + 2)``;
    the final loss tells which valley (basin) the start fell into.

    Parameters
    ----------
    x, y : array_like, shape (n,)
        Scalar inputs and labels.
    w1 : array_like, shape (a,)
        Starting values of the first neuron's weight (horizontal axis).
    w2 : array_like, shape (b,)
        Starting values of the second neuron's weight (vertical axis).
    lam : float >= 0
    step : float > 0
        Step size gamma.
    steps : int
        Maximum number of steps (1 ... 1,000,000).
    grad_tol : float
        A start stops (converged) when its gradient norm falls below this.
    divergence_factor : float
        A start whose loss exceeds ``divergence_factor * (initial loss + 1)`` or stops being finite is
        frozen at its last finite iterate, as in :func:`landscape.gradient_descent`.
    device : torch device, optional

    Returns
    -------
    ndarray, shape (b, a)
        ``L[i, j]`` = final loss of the run started at ``(w1[j], w2[i])`` -- the orientation of
        :func:`landscape.loss_grid`.
    """
    xt, yt = _scalar_data(x, y)
    lam = as_nonnegative(lam, "lam")
    step = as_positive(step, "step size")
    steps = as_count(steps, "steps", minimum=1, maximum=1_000_000)
    grad_tol = as_nonnegative(grad_tol, "grad_tol")
    divergence_factor = as_positive(divergence_factor, "divergence_factor")
    a = torch.from_numpy(np.ascontiguousarray(as_vector(w1, name="w1"))).to(device)
    b = torch.from_numpy(np.ascontiguousarray(as_vector(w2, name="w2"))).to(device)
    xt, yt = xt.to(device), yt.to(device)
    # With scalar inputs and no bias a neuron's only state is its sign: w > 0 activates the points with
    # x > 0 (prediction x * w), w < 0 those with x < 0. So the data enter through six sums, and each
    # step costs O(1) per start whatever n is. This is the same loss and gradient, only regrouped.
    pos, neg = xt > 0, xt < 0
    A2, A1 = float((xt[pos] ** 2).sum()), float((xt[pos] * yt[pos]).sum())
    C2, C1 = float((xt[neg] ** 2).sum()), float((xt[neg] * yt[neg]).sum())
    Y0 = float((yt * yt).sum()) + lam  # + (lam / 2) * (alpha_1^2 + alpha_2^2), alpha = (1, 1)
    w_1 = a[None, :].expand(len(b), len(a)).reshape(-1).clone()
    w_2 = b[:, None].expand(len(b), len(a)).reshape(-1).clone()

    def loss_and_grad(w_1, w_2):
        up = w_1.clamp(min=0) + w_2.clamp(min=0)  # summed weight of the neurons facing right
        down = w_1.clamp(max=0) + w_2.clamp(max=0)
        loss = up * (A2 * up - 2 * A1) + down * (C2 * down - 2 * C1) + Y0 + 0.5 * lam * (w_1 * w_1 + w_2 * w_2)
        g_up, g_down = 2 * (A2 * up - A1), 2 * (C2 * down - C1)
        # relu'(0) = 0, as in torch's autograd: a neuron at exactly 0 gets only the decay term.
        g_1 = torch.where(w_1 > 0, g_up, torch.where(w_1 < 0, g_down, 0.0)) + lam * w_1
        g_2 = torch.where(w_2 > 0, g_up, torch.where(w_2 < 0, g_down, 0.0)) + lam * w_2
        return loss, g_1, g_2

    with torch.no_grad(), single_thread(device):
        loss, g_1, g_2 = loss_and_grad(w_1, w_2)
        if not bool(torch.all(torch.isfinite(loss))):
            raise ValueError("The initial loss is not finite: the grid or data are too large.")
        ceiling = divergence_factor * (loss + 1.0)
        active = torch.ones_like(loss, dtype=torch.bool)
        prev_1, prev_2 = w_1, w_2
        tol2 = grad_tol * grad_tol
        for t in range(steps + 1):
            if t > 0:
                loss, g_1, g_2 = loss_and_grad(w_1, w_2)
            bad = active & (~torch.isfinite(loss) | (loss > ceiling))
            if bool(bad.any()):
                # Frozen at the last finite iterate, never reported as NaN.
                active &= ~bad
                w_1 = torch.where(bad, prev_1, w_1)
                w_2 = torch.where(bad, prev_2, w_2)
                loss, g_1, g_2 = loss_and_grad(w_1, w_2)
            if t == steps or not bool(active.any()):
                break
            active &= g_1 * g_1 + g_2 * g_2 > tol2
            prev_1, prev_2 = w_1, w_2
            rate = step * active.to(w_1.dtype)
            w_1 = w_1 - rate * g_1
            w_2 = w_2 - rate * g_2
        # The expanded quadratic cancels near zero loss: report the loss from the residuals.
        r = torch.relu(w_1[:, None] * xt) + torch.relu(w_2[:, None] * xt) - yt
        last = (r * r).sum(-1) + 0.5 * lam * (w_1 * w_1 + w_2 * w_2) + lam
    return last.reshape(len(b), len(a)).cpu().numpy()
