"""The network shapes the page can train, and how their parameters map onto objective (1)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import landscape as L


@dataclass(frozen=True)
class Model:
    """A network family shown on the page.

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
    """

    key: str
    label: str
    bias: bool
    train_alpha: bool
    fixed_neurons: int | None
    param_names: tuple[str, ...]

    @property
    def landscape_dims(self) -> int:
        """1 or 2 when L can be drawn over all trainable parameters, else 0."""
        return len(self.param_names)

    def design(self, x) -> np.ndarray:
        """The data matrix X (n, d) for scalar inputs ``x``."""
        x = np.asarray(x, dtype=np.float64)
        return L.with_bias(x) if self.bias else x[:, None]

    def weights(self, params) -> np.ndarray:
        """Landscape coordinates -> W (..., m, d) for the models drawn as a landscape.

        ``params`` has shape (..., landscape_dims).
        """
        params = np.asarray(params, dtype=np.float64)
        if self.key == "two":
            return params[..., :, None]  # (w1, w2) -> two neurons of one weight
        if self.key == "one":
            return params[..., None, :1]
        if self.key == "one_bias":
            return params[..., None, :]  # (w, b) -> one neuron [w, b]
        raise ValueError(f"Model {self.key!r} has no landscape coordinates.")

    def coordinates(self, W) -> np.ndarray:
        """Inverse of :meth:`weights`: W (..., m, d) -> (..., landscape_dims)."""
        W = np.asarray(W)
        if self.key == "two":
            return W[..., :, 0]
        return W[..., 0, :]


MODELS = {
    m.key: m
    for m in (
        Model("two", "Two neurons, α = 1 (the poster's figure)", False, False, 2, ("w₁", "w₂")),
        Model("one", "One neuron, α = 1", False, False, 1, ("w",)),
        Model("one_bias", "One neuron with bias, α = 1", True, False, 1, ("w", "b")),
        Model("many", "m neurons with bias, α trained", True, True, None, ()),
    )
}
