"""Thread settings for torch loops made of many small operations."""

from __future__ import annotations

from contextlib import contextmanager

import torch
from threadpoolctl import ThreadpoolController


@contextmanager
def single_thread(device=None):
    """Run torch's CPU work on one thread inside the block, then restore the setting.

    Loops of many small tensor operations (this map, the fast convex solver) lose to thread
    synchronisation when the machine is shared: on the 2-core machines here a 200 x 200 x 300 map
    took 0.2-0.5 s on one thread and up to 15 s on two while other jobs ran.
    """
    if torch.device(device if device is not None else torch.get_default_device()).type != "cpu":
        yield
        return
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


_blas: ThreadpoolController | None = None


def one_blas_thread():
    """Limit numpy's and scipy's BLAS (and OpenMP) to one thread inside a ``with`` block.

    The native libraries are looked up once: ``threadpoolctl.threadpool_limits`` looks them up on every
    call, about 3 ms, a fifth of a small solve.
    """
    global _blas
    if _blas is None:
        _blas = ThreadpoolController()
    return _blas.limit(limits=1)
