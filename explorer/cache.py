"""The page's one cache: results computed once per key and shared read-only across reruns and users.

Every cached computation goes through :func:`memo` (or the :func:`cached` decorator, which keys a
function by its arguments): a small least-recently-used store per computation, held by Streamlit for
the life of the server. A miss computes in the caller's run, so a computation may draw a progress
bar while it works, which Streamlit's own caches could not replay. Keys are hashable: the frozen
keys of :mod:`explorer.keys`, numbers and strings. Results are shared: treat them as read-only.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from typing import Any, Callable, TypeVar

import streamlit as st

SIZE = 32  # results kept per computation
_LOCK = threading.Lock()
T = TypeVar("T")


@st.cache_resource(show_spinner=False)
def _stores() -> dict[str, OrderedDict]:
    return {}


def memo(name: str, key: Any, compute: Callable[[], T], size: int = SIZE) -> T:
    """``compute()`` once per ``key`` (kept for the last ``size`` keys of computation ``name``)."""
    stores = _stores()
    with _LOCK:
        store = stores.setdefault(name, OrderedDict())
        if key in store:
            store.move_to_end(key)
            return store[key]
    value = compute()
    with _LOCK:
        store[key] = value
        while len(store) > size:
            store.popitem(last=False)
    return value


def has(name: str, key: Any) -> bool:
    """Whether ``key`` of computation ``name`` is already known (so no spinner is needed)."""
    with _LOCK:
        return key in _stores().get(name, {})


def cached(size: int = SIZE) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Decorator: memoise a function of hashable arguments under its qualified name."""

    def wrap(fn: Callable[..., T]) -> Callable[..., T]:
        name = f"{fn.__module__}.{fn.__qualname__}"

        @functools.wraps(fn)
        def call(*args: Any) -> T:
            return memo(name, args, lambda: fn(*args), size)

        return call

    return wrap


def clear() -> None:
    """Forget every result (the benchmarks open the page cold)."""
    with _LOCK:
        _stores().clear()
