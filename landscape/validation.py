"""Checks at the library boundary: turn user input into float64 arrays or raise a readable ValueError."""

from __future__ import annotations

import math

import numpy as np


def _real(value, name: str) -> None:
    if np.iscomplexobj(value):
        raise ValueError(f"{name} has complex entries: give real numbers.")


def as_matrix(X, name: str = "X") -> np.ndarray:
    """Return ``X`` as a float64 array of shape (n, d); a 1-D input becomes one column."""
    _real(X, name)
    try:
        arr = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric, got {type(X).__name__}: {exc}") from None
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a matrix of shape (n, d); got an array with {arr.ndim} dimensions.")
    if arr.shape[0] == 0:
        raise ValueError(f"{name} is empty: add at least one data point.")
    if arr.shape[1] == 0:
        raise ValueError(f"{name} has no columns: each data point needs at least one coordinate.")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values: replace them with finite numbers.")
    return arr


def as_vector(v, length: int | None = None, name: str = "y") -> np.ndarray:
    """Return ``v`` as a finite float64 vector, optionally of a required length."""
    _real(v, name)
    try:
        arr = np.asarray(v, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric, got {type(v).__name__}: {exc}") from None
    if arr.ndim == 0:
        arr = arr[None]
    if arr.ndim == 2 and 1 in arr.shape:
        arr = arr.reshape(-1)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a vector; got shape {arr.shape}.")
    if length is not None and arr.shape[0] != length:
        raise ValueError(f"{name} has {arr.shape[0]} entries but {length} were expected (one per data point).")
    if arr.shape[0] == 0:
        hint = "add at least one data point" if name in ("x", "y") else "give at least one value"
        raise ValueError(f"{name} is empty: {hint}.")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values: replace them with finite numbers.")
    return arr


def as_data(X, y) -> tuple[np.ndarray, np.ndarray]:
    """Validate a dataset: ``X`` (n, d) and ``y`` (n,), both finite float64."""
    Xa = as_matrix(X, "X")
    ya = as_vector(y, Xa.shape[0], "y")
    return Xa, ya


def as_nonnegative(value, name: str) -> float:
    """Return a finite float >= 0 (used for lambda)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}.") from None
    if not math.isfinite(v):
        raise ValueError(f"{name} must be finite, got {v}.")
    if v < 0:
        raise ValueError(f"{name} must be >= 0 (it weighs the regularisation), got {v}.")
    return v


def as_positive(value, name: str) -> float:
    """Return a finite float > 0 (used for step sizes and scales)."""
    v = as_nonnegative(value, name)
    if v == 0:
        raise ValueError(f"{name} must be > 0, got 0.")
    return v


def as_count(value, name: str, minimum: int = 1, maximum: int | None = None) -> int:
    """Return an int in [minimum, maximum]."""
    try:
        v = int(value)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"{name} must be a whole number, got {value!r}.") from None
    if v != value and not (isinstance(value, float) and value.is_integer()):
        raise ValueError(f"{name} must be a whole number, got {value!r}.")
    if v < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {v}.")
    if maximum is not None and v > maximum:
        raise ValueError(f"{name} must be at most {maximum}, got {v}.")
    return v
