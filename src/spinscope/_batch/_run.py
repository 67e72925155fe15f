"""A batch run: read inputs, skip what the store already holds, analyze the rest, store it.

Every chunk of results is committed in one transaction. A run killed at any point loses
at most the chunks in flight; run again, it skips what was committed and never stores an
article twice (the store's unique keys make a repeated save a no-op), and marks the killed
run ``abandoned``. A chunk the store refuses is stored article by article, so only the
article it cannot hold becomes a failure.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from .._errors import InputError, StoreError
from .._store import Failure, Result, Store
from ._inputs import Item, check_inputs, read_inputs
from ._work import ModelSpec

ENGINES = ("local", "ray")
MAX_FAILURES_KEPT = 1000


@dataclass(frozen=True)
class BatchOptions:
    """How a batch runs.

    Attributes:
        workers: Worker processes (local engine) or model actors (Ray).
        chunk_size: Articles per task sent to a worker, and per transaction.
        threshold: Minimum confidence of stored spans; the model's default when ``None``.
        max_bytes: Larger articles are recorded as failed.
        engine: ``local`` or ``ray``.
        ray_address: A Ray cluster to join (``ray://host:10001`` or ``auto``); a local
            one is started when ``None``.
    """

    workers: int = 2
    chunk_size: int = 8
    threshold: float | None = None
    max_bytes: int = 20_000_000
    engine: str = "local"
    ray_address: str | None = None

    def __post_init__(self) -> None:
        if self.workers < 1:
            raise InputError(f"--workers {self.workers}: must be at least 1")
        if self.chunk_size < 1:
            raise InputError(f"chunk size {self.chunk_size}: must be at least 1")
        if self.engine not in ENGINES:
            raise InputError(f"unknown engine {self.engine!r}; use one of {', '.join(ENGINES)}")
        if self.threshold is not None and not 0 <= self.threshold <= 1:
            raise InputError(f"--threshold {self.threshold} is not between 0 and 1")


@dataclass
class BatchSummary:
    """What a run did. ``failures`` keeps the first 1,000 for the summary (all are stored)."""

    run_id: int
    model_id: str
    analyzed: int = 0
    skipped: int = 0
    failed: int = 0
    seconds: float = 0.0
    status: str = "running"
    failures: list[Failure] = field(default_factory=list)
    abandoned: list[int] = field(default_factory=list)

    @property
    def seen(self) -> int:
        return self.analyzed + self.skipped + self.failed

    @property
    def rate(self) -> float:
        """Articles analyzed per second."""
        return self.analyzed / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        """One line for the end of a run.

        Example:
            >>> BatchSummary(1, "m", 10, 2, 1, 5.0, "finished").line()
            'run 1 finished: 10 analyzed, 2 skipped as already done, 1 failed (2.00 articles/s)'
        """
        return (
            f"run {self.run_id} {self.status}: {self.analyzed:,} analyzed, "
            f"{self.skipped:,} skipped as already done, {self.failed:,} failed "
            f"({self.rate:.2f} articles/s)"
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "run": self.run_id,
            "model": self.model_id,
            "status": self.status,
            "analyzed": self.analyzed,
            "skipped": self.skipped,
            "failed": self.failed,
            "seconds": round(self.seconds, 3),
            "articles_per_second": round(self.rate, 3),
            "failures": [{"location": f.location, "reason": f.reason} for f in self.failures],
            "abandoned_runs": self.abandoned,
        }


Progress = Callable[[BatchSummary], None]


def _fail(store: Store, summary: BatchSummary, items: list[Failure]) -> None:
    if not items:
        return
    store.record_failures(summary.run_id, items)
    summary.failed += len(items)
    room = MAX_FAILURES_KEPT - len(summary.failures)
    summary.failures.extend(items[: max(0, room)])


def _save(store: Store, run_id: int, results: list[Result]) -> tuple[int, list[Failure]]:
    """Store ``results`` in one transaction; when the store refuses it, each on its own.

    How many were new, and a failure for each article the store cannot hold, so that one
    bad article neither loses the good ones of its chunk nor stops every rerun. When the
    store itself is gone, recording those failures raises the :class:`StoreError`.
    """
    try:
        return store.save(run_id, results), []
    except StoreError:
        pass  # find which article it was: the transaction stored none of them
    new, failed = 0, []
    for r in results:
        try:
            new += store.save(run_id, [r])
        except StoreError as exc:
            reason = str(exc).removeprefix(f"{store.target}: ")
            failed.append(Failure(r.location or r.article.key, reason, r.article.key))
    return new, failed


def _todo(
    stream: Iterator[Item | Failure],
    store: Store,
    summary: BatchSummary,
    chunk_size: int,
    progress: Progress,
) -> Iterator[list[Item]]:
    # Look up what is done a block at a time: memory stays flat and lookups stay few.
    block_size = max(64, chunk_size * 8)
    while block := list(islice(stream, block_size)):
        items = [x for x in block if isinstance(x, Item)]
        _fail(store, summary, [x for x in block if isinstance(x, Failure)])
        done = store.done_keys(summary.model_id, [i.key for i in items])
        todo = [i for i in items if i.key not in done]
        summary.skipped += len(items) - len(todo)
        if len(todo) < len(block):
            progress(summary)
        for i in range(0, len(todo), chunk_size):
            yield todo[i : i + chunk_size]


def _engine(
    options: BatchOptions, spec: ModelSpec
) -> Callable[[Iterator[list[Item]]], Iterator[list[Result | Failure]]]:
    if options.engine == "ray":
        from ._ray import run_ray

        return lambda chunks: run_ray(
            chunks, spec, options.workers, options.threshold, options.ray_address
        )
    from ._local import run_local

    return lambda chunks: run_local(chunks, spec, options.workers, options.threshold)


def run_batch(
    inputs: list[str],
    store: Store,
    spec: ModelSpec,
    options: BatchOptions | None = None,
    progress: Progress | None = None,
) -> BatchSummary:
    """Analyze every article of ``inputs`` not yet in ``store`` for this model, and store it.

    Args:
        inputs: Folders of .txt/.html files, .jsonl or .csv files, or single files.
        store: Where results go.
        spec: The model each worker loads.
        options: Engine, workers and limits.
        progress: Called with the running summary after each stored chunk.

    Raises:
        InputError: for a missing or unknown input (before anything runs).
        StoreError: when the store cannot be written.

    Returns:
        The run's summary; its status is ``interrupted`` after Ctrl-C (what was committed
        stays, and running again resumes).

    Example:
        >>> # run_batch(["dump.jsonl"], Store.open("spinscope.db"), ModelSpec())
    """
    options = options or BatchOptions()
    check_inputs(inputs)
    model_id = spec.model_id()
    # Before this run exists: a run of this process is never taken for a dead one.
    abandoned = store.abandon_dead_runs()
    run_id = store.start_run(model_id, options.engine, options.workers, inputs)
    summary = BatchSummary(run_id, model_id, abandoned=abandoned)
    report = progress or (lambda _s: None)
    started = time.perf_counter()
    stream = read_inputs(inputs, options.max_bytes)
    chunks = _todo(stream, store, summary, options.chunk_size, report)
    try:
        for outcomes in _engine(options, spec)(chunks):
            results = [x for x in outcomes if isinstance(x, Result)]
            new, unstored = _save(store, run_id, results)
            summary.analyzed += new
            # Saved by a concurrent run, or the same key twice in the input.
            summary.skipped += len(results) - len(unstored) - new
            _fail(store, summary, [x for x in outcomes if isinstance(x, Failure)] + unstored)
            summary.seconds = time.perf_counter() - started
            report(summary)
        summary.status = "finished"
    except KeyboardInterrupt:
        summary.status = "interrupted"
    except BaseException:
        summary.status = "failed"
        raise
    finally:
        summary.seconds = time.perf_counter() - started
        store.finish_run(run_id, summary.status, summary.analyzed, summary.skipped, summary.failed)
    return summary
