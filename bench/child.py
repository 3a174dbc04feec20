"""Run one benchmark step in a child process with a time limit.

Generic solvers (cvxpy), the peer and the largest problems can take minutes or never end; running
them in a child lets the benchmark stop them and say so instead of hanging. Children come from a
fork server that has imported the project but run nothing yet, so forking is cheap (no re-import
per case) and safe (no thread pools of the parent are copied mid-flight).
"""

from __future__ import annotations

import multiprocessing as mp
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

_CTX = mp.get_context("forkserver")
_CTX.set_forkserver_preload(["numpy", "cvxpy", "landscape", "solvers", "bench.solver_cases"])


@dataclass
class ChildRun:
    """What a child sent before it finished, failed or was stopped.

    Attributes
    ----------
    items : list
        Every item the step yielded, in order (those sent before a time-out included).
    error : str
        ``"ExceptionName: message"`` if the step raised, or why the child died; empty otherwise.
    timed_out : bool
        True if the child was stopped at the time limit.
    """

    items: list = field(default_factory=list)
    error: str = ""
    timed_out: bool = False


def _serve(send, step: Callable[..., Iterator], args: tuple) -> None:
    try:
        for item in step(*args):
            send.send(("item", item))
        send.send(("done", ""))
    except Exception as exc:  # noqa: BLE001 -- a failing solver is a result to report, not a crash
        send.send(("error", f"{type(exc).__name__}: {exc}"))


def run_child(step: Callable[..., Iterator], *args, timeout: float) -> ChildRun:
    """Run the generator function ``step(*args)`` in a child and collect what it yields.

    Parameters
    ----------
    step : callable
        A module-level generator function (it is pickled by name); each yielded item is sent back as
        soon as it is ready, so a step that yields partial results keeps them when it is stopped.
    timeout : float
        Seconds after which the child is killed.
    """
    recv, send = _CTX.Pipe(duplex=False)  # a pipe, not a Queue: a killed child leaves no semaphore behind
    proc = _CTX.Process(target=_serve, args=(send, step, args), daemon=True)
    proc.start()
    send.close()  # only the child writes: if it dies, reading ends at once
    run = ChildRun()
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            run.timed_out = True
            break
        if not recv.poll(left):
            continue
        try:
            kind, value = recv.recv()
        except EOFError:  # killed by the system (memory, signal) without a word
            proc.join()
            run.error = f"child exited with code {proc.exitcode}"
            break
        if kind != "item":
            run.error = value
            break
        run.items.append(value)
    if proc.is_alive():
        proc.kill()
    proc.join()
    recv.close()
    return run
