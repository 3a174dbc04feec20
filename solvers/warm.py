"""Solutions kept per dataset, so that the next lambda starts from the nearest one already solved.

Dragging a lambda slider asks for problem (2) on the same data again and again. The fast solver takes a
warm start (the neurons of an earlier solution); this store finds the right one: same data, nearest
lambda on a log scale. It keeps a few datasets, least recently used first out, and is safe to share
between threads (the page's server runs sessions in threads).
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections import OrderedDict
from typing import Callable

import numpy as np

from landscape.validation import as_data, as_nonnegative

from .convex import solve_with_fallback
from .solution import ConvexSolution


def data_key(X: np.ndarray, y: np.ndarray) -> str:
    """A digest of the data: equal arrays give equal keys."""
    h = hashlib.blake2b(digest_size=16)
    for a in (X, y):
        a = np.ascontiguousarray(a, dtype=np.float64)
        h.update(str(a.shape).encode())
        h.update(a.tobytes())
    return h.hexdigest()


class WarmStarts:
    """Solve (2) for a dataset, starting from the stored solution with the nearest lambda.

    Parameters
    ----------
    datasets : int
        How many datasets to remember.
    per_dataset : int
        How many lambdas to remember per dataset.
    solve : callable
        ``solve(X, y, lam, warm=..., **options) -> ConvexSolution``; by default the library's
        fast-then-reference :func:`solvers.solve_with_fallback`.
    """

    def __init__(self, datasets: int = 8, per_dataset: int = 16, solve: Callable[..., ConvexSolution] | None = None):
        self.datasets, self.per_dataset = datasets, per_dataset
        self._solve = solve or solve_with_fallback
        self._store: OrderedDict[str, OrderedDict[float, ConvexSolution]] = OrderedDict()
        self._lock = threading.Lock()

    def nearest(self, X, y, lam: float) -> ConvexSolution | None:
        """The stored solution on this data whose lambda is nearest on a log scale (None if none)."""
        return self._nearest(data_key(X, y), lam)

    def _nearest(self, key: str, lam: float) -> ConvexSolution | None:
        if lam <= 0:
            return None
        with self._lock:
            known = self._store.get(key)
            if not known:
                return None
            lams = [v for v in known if v > 0]
            if not lams:
                return None
            best = min(lams, key=lambda v: abs(math.log(v / lam)))
            return known[best]

    def solve(self, X, y, lam, **options) -> ConvexSolution:
        """Problem (2) at ``lam``, warm-started when this data was solved before (options pass through)."""
        X, y = as_data(X, y)
        lam = as_nonnegative(lam, "lam")
        key = data_key(X, y)
        warm = self._nearest(key, lam)
        sol = self._solve(X, y, lam, warm=warm, **options) if warm is not None else self._solve(X, y, lam, **options)
        if sol.method == "fast" and sol.optimal:
            self._remember(key, lam, sol)
        return sol

    def _remember(self, key: str, lam: float, sol: ConvexSolution) -> None:
        with self._lock:
            known = self._store.setdefault(key, OrderedDict())
            self._store.move_to_end(key)
            known[lam] = sol
            known.move_to_end(lam)
            while len(known) > self.per_dataset:
                known.popitem(last=False)
            while len(self._store) > self.datasets:
                self._store.popitem(last=False)
