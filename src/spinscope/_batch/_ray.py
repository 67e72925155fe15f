"""The Ray engine: the same analysis on a Ray cluster, with Ray Data and an actor pool.

Each actor loads the model once and analyzes batches of articles; this process reads the
inputs and writes the store, as with the local engine. The input is fed in waves of a few
hundred articles so that memory stays flat on the driver however long the input is.

To use a real cluster, install spinscope (with the ``ray`` extra, and the same model
directory if not the shipped one) on every node, start the cluster (``ray start --head``
on one node, ``ray start --address HEAD:6379`` on the others), then run
``spinscope batch INPUT --engine ray --ray-address auto`` on the head node, or
``--ray-address ray://HEAD:10001`` from elsewhere.
"""

from __future__ import annotations

import logging
import pickle
from collections.abc import Iterable, Iterator
from typing import Any

from .._errors import SpinscopeError
from .._store import Failure, Result
from ._inputs import Item
from ._work import ModelSpec, analyze_items

WAVE = 512


class _Analyzer:
    """A Ray Data actor: loads the model in ``__init__``, analyzes one batch per call."""

    def __init__(self, spec: ModelSpec, threads: int, threshold: float | None) -> None:
        self.model = spec.load(threads=threads)
        self.threshold = threshold

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        import numpy as np

        items = [pickle.loads(b) for b in batch["item"]]
        outcomes = analyze_items(self.model, items, self.threshold)
        return {"outcome": np.array([pickle.dumps(o) for o in outcomes], dtype=object)}


def _waves(chunks: Iterable[list[Item]], size: int) -> Iterator[list[Item]]:
    wave: list[Item] = []
    for chunk in chunks:
        wave.extend(chunk)
        if len(wave) >= size:
            yield wave
            wave = []
    if wave:
        yield wave


def _start(address: str | None, workers: int, threads: int) -> bool:
    try:
        import ray
    except ModuleNotFoundError:
        raise SpinscopeError("--engine ray needs Ray: pip install 'spinscope[ray]'") from None
    if ray.is_initialized():
        return False
    quiet: dict[str, Any] = {"log_to_driver": False, "logging_level": logging.WARNING}
    try:
        if address:
            ray.init(address=address, **quiet)
        else:
            ray.init(num_cpus=max(workers * threads, 1), include_dashboard=False, **quiet)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise SpinscopeError(f"cannot start or join Ray at {address or 'local'}: {exc}") from None
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False
    ctx.print_on_execution_start = False
    return True


def run_ray(
    chunks: Iterable[list[Item]],
    spec: ModelSpec,
    workers: int,
    threshold: float | None = None,
    address: str | None = None,
    wave: int = WAVE,
) -> Iterator[list[Result | Failure]]:
    """Analyze ``chunks`` on Ray with ``workers`` actors; outcomes batch by batch.

    Raises:
        SpinscopeError: when Ray is missing or the cluster cannot be reached.
    """
    threads = max(1, spec.settings.threads // workers) if not address else spec.settings.threads
    started = _start(address, workers, threads)
    import ray

    try:
        for items in _waves(chunks, wave):
            ds = ray.data.from_items([{"item": pickle.dumps(i)} for i in items])
            out = ds.map_batches(
                _Analyzer,
                fn_constructor_args=(spec, threads, threshold),
                compute=ray.data.ActorPoolStrategy(size=workers),
                batch_size=8,
                num_cpus=threads,
            )
            for batch in out.iter_batches(batch_size=None, batch_format="numpy"):
                yield [pickle.loads(b) for b in batch["outcome"]]
    finally:
        if started:
            ray.shutdown()
