"""The network shapes the page can train, and how their parameters map onto objective (1)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import landscape as L


@dataclass(frozen=True)
class Model:
    """A network family shown on the page; each family is a subclass, and one entry of :data:`MODELS`.

    Attributes
    ----------
    key : str
    label : str
    bias : bool
        Inputs get a column of ones (the bias is a coordinate of each w_i).
    train_alpha : bool
        False fixes the second layer to alpha = 1, as in the poster's two-neuron figure.
    fixed_neurons : int or None
        Number of neurons, or None when the user chooses m.
    param_names : tuple of str
        Names of the trainable scalars when there are at most two (the landscape axes).
    swappable : bool
        Its neurons can trade places without changing the network, so every optimum has a mirror image.
    log_loss : bool
        Its loss is drawn on a log scale.
    """

    key: str
    label: str
    bias: bool
    train_alpha: bool
    fixed_neurons: int | None
    param_names: tuple[str, ...]
    swappable: bool = False
    log_loss: bool = False

    @property
    def landscape_dims(self) -> int:
        """1 or 2 when L can be drawn over all trainable parameters, else 0."""
        return len(self.param_names)

    def design(self, x) -> np.ndarray:
        """The data matrix X (n, d) for scalar inputs ``x``."""
        x = np.asarray(x, dtype=np.float64)
        return L.with_bias(x) if self.bias else x[:, None]

    def weights(self, params) -> np.ndarray:
        """Landscape coordinates (..., landscape_dims) -> W (..., m, d) for the models drawn as a landscape."""
        raise ValueError(f"Model {self.key!r} has no landscape coordinates.")

    def coordinates(self, W) -> np.ndarray:
        """Inverse of :meth:`weights`: W (..., m, d) -> (..., landscape_dims)."""
        return np.asarray(W)[..., 0, :]

    def surface(self, x, y, lam: float, a, b) -> np.ndarray:
        """Loss (1) over the landscape grid: (len(b), len(a)), or (len(a),) for one parameter."""
        W = self.weights(np.stack(np.meshgrid(a, b), axis=-1))  # (B, A, 1, 2)
        pre = np.maximum(W[..., 0, :] @ self.design(x).T, 0.0)  # (B, A, n)
        r = pre - y
        return np.sum(r * r, axis=-1) + 0.5 * lam * (np.sum(W[..., 0, :] ** 2, axis=-1) + 1.0)

    def second_half_width(self, half: float, y, start) -> float:
        """Half-width of the landscape's second axis, given the first one's."""
        return half


@dataclass(frozen=True)
class TwoNeurons(Model):
    """Two neurons of one weight each, alpha = 1: the poster's figure over (w1, w2)."""

    def weights(self, params) -> np.ndarray:
        return np.asarray(params, dtype=np.float64)[..., :, None]

    def coordinates(self, W) -> np.ndarray:
        return np.asarray(W)[..., :, 0]

    def surface(self, x, y, lam: float, a, b) -> np.ndarray:
        return L.loss_grid(x, y, a, b, lam)


@dataclass(frozen=True)
class OneNeuron(Model):
    """One neuron of one weight, alpha = 1: a loss curve."""

    def weights(self, params) -> np.ndarray:
        return np.asarray(params, dtype=np.float64)[..., None, :1]

    def surface(self, x, y, lam: float, a, b) -> np.ndarray:
        return L.loss_curve(x, y, a, lam)


@dataclass(frozen=True)
class OneNeuronWithBias(Model):
    """One neuron [w, b], alpha = 1: the landscape over (w, b)."""

    def weights(self, params) -> np.ndarray:
        return np.asarray(params, dtype=np.float64)[..., None, :]

    def second_half_width(self, half: float, y, start) -> float:
        # The bias axis follows the labels, not the inverse input spacing that sets the weight axis.
        return min(max(2.0, 1.5 * float(np.max(np.abs(y))), 1.2 * abs(start[1])), 50.0)


@dataclass(frozen=True)
class ManyNeurons(Model):
    """m neurons with bias and a trained second layer: no landscape to draw, a convex optimum to reach."""


MODELS: dict[str, Model] = {
    m.key: m
    for m in (
        TwoNeurons("two", "Two neurons, α = 1 (the poster's figure)", False, False, 2, ("w₁", "w₂"), swappable=True),
        OneNeuron("one", "One neuron, α = 1", False, False, 1, ("w",)),
        OneNeuronWithBias("one_bias", "One neuron with bias, α = 1", True, False, 1, ("w", "b")),
        ManyNeurons("many", "m neurons with bias, α trained", True, True, None, (), log_loss=True),
    )
}
