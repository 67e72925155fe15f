"""The local engine: the model in this process, or in a pool of worker processes.

Workers get chunks of articles and send back results; this process reads the inputs and
writes the store, so a worker never touches the database. At most two chunks per worker
are in flight, which keeps memory flat however long the input is. With one worker the
model runs in this process, as one pipe over every chunk, so the encoder keeps working
while a chunk is stored.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from .._errors import SpinscopeError
from .._pipeline import Model
from .._store import Failure, Result
from ._inputs import Item
from ._work import ModelSpec, analyze_chunks, analyze_items

# The model of a worker process, loaded once by its initializer: the pool calls a plain
# function per chunk, so the model has to live at module level in the worker.
_worker_model: Model | None = None
_worker_threshold: float | None = None


def _exit_with_parent(parent: int) -> None:
    # A parent killed with -9 cannot stop its pool; without this its workers live on.
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def _init_worker(spec: ModelSpec, threads: int, threshold: float | None, parent: int) -> None:
    global _worker_model, _worker_threshold
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    _worker_model = spec.load(threads=threads)
    _worker_threshold = threshold


def _work(items: list[Item]) -> list[Result | Failure]:
    assert _worker_model is not None
    return analyze_items(_worker_model, items, _worker_threshold)


def run_local(
    chunks: Iterable[list[Item]],
    spec: ModelSpec,
    workers: int,
    threshold: float | None = None,
) -> Iterator[list[Result | Failure]]:
    """Analyze ``chunks`` with ``workers`` processes (in this process when 1); one list of
    outcomes per chunk, in completion order.

    Raises:
        SpinscopeError: when a worker process dies (out of memory, killed).
    """
    threads = max(1, spec.settings.threads // workers)
    if workers <= 1:
        yield from analyze_chunks(spec.load(), chunks, threshold)
        return
    # spawn: a forked worker would inherit the parent's database connections.
    ctx = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(
        workers,
        mp_context=ctx,
        initializer=_init_worker,
        initargs=(spec, threads, threshold, os.getpid()),
    )
    it = iter(chunks)
    pending: set[Future[list[Result | Failure]]] = set()

    def fill() -> None:
        while len(pending) < 2 * workers:
            chunk = next(it, None)
            if chunk is None:
                return
            pending.add(pool.submit(_work, chunk))

    try:
        fill()
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()
            fill()
    except BrokenProcessPool:
        raise SpinscopeError(
            "a worker process died (out of memory?); run the same command again to resume"
        ) from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
