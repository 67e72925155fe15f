"""The model behind the analysis routes: a bounded queue, and concurrent requests
micro-batched into shared :meth:`Model.pipe` runs.

Requests wait in one first-come queue. Each of ``concurrency`` worker threads takes the
oldest waiting request and every other waiting request with the same settings
(threshold, techniques), up to :data:`MAX_BATCH`, and runs them through one
:meth:`Model.pipe`, which overlaps one article's decoding with the next one's encoder
run. Each request gets its analysis as soon as the pipe yields it; a request whose text
cannot be analyzed gets its own error and the others are unaffected. Articles are not
packed into shared windows (``pack_articles=False``), so every analysis is the one
:meth:`Model.analyze` gives, whatever else was in the batch. A comparison is a job of its
own in the same queue, so it is neither starved nor ahead of its turn.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from .._compare import CompareOptions, Comparison, compare_texts
from .._errors import BusyError, InputError
from .._pipeline import Analysis, Model

# More articles in one pipe add little to its throughput; a cap keeps the other workers
# fed when requests arrive in a burst.
MAX_BATCH = 8

Key = tuple[float | None, tuple[str, ...] | None]


@dataclass(eq=False)
class _Job:
    """One request in the queue: an analysis (``key`` its settings) or a ``task`` run alone."""

    key: Key | None
    text: str = ""
    task: Callable[[], Any] | None = None
    result: Future[Any] = field(default_factory=Future)


class Analyzer:
    """At most ``concurrency`` model runs at once and at most ``queue`` more requests
    waiting; a request beyond that gets :class:`BusyError` (503 with ``Retry-After``) at
    once instead of waiting without end. Waiting analyses run together as a batch (see
    the module's docstring), so latency under load follows throughput.

    Example:
        >>> # Analyzer(model, concurrency=2, queue=16).analyze("They lie!", None, None)
    """

    def __init__(self, model: Model, concurrency: int, queue: int = 16) -> None:
        self.model = model
        self._concurrency = max(1, concurrency)
        self._capacity = self._concurrency + max(0, queue)
        self._admitted = 0
        self._waiting: list[_Job] = []
        self._workers: list[threading.Thread] = []
        self._cond = threading.Condition()
        self._seconds = 0.5  # running mean of one analysis, for Retry-After

    def retry_after(self) -> int:
        """Seconds until the queue has likely moved by one full round of slots."""
        rounds = self._capacity / self._concurrency
        return max(1, math.ceil(rounds * self._seconds))

    def waiting(self) -> int:
        """Requests queued and not yet taken by a worker."""
        with self._cond:
            return len(self._waiting)

    def analyze(self, text: str, threshold: float | None, techniques: list[str] | None) -> Analysis:
        """The analysis of ``text``, run alone or in a batch with other waiting requests.

        Raises:
            BusyError: when every slot and every place in the queue is taken.
            InputError: for an empty text, a bad threshold or an unknown technique.
        """
        key = (threshold, None if techniques is None else tuple(techniques))
        analysis: Analysis = self._submit(_Job(key, text))
        return analysis

    def compare(
        self,
        texts: tuple[str, str],
        sources: tuple[str, str],
        options: CompareOptions,
        threshold: float | None,
    ) -> Comparison:
        """Two texts analyzed and compared in one slot (their analyses and the encoder
        runs for the sentence vectors), so a comparison counts against the same bound.

        Raises:
            BusyError: when every slot and every place in the queue is taken.
            InputError: for an empty text (naming its source) or a bad threshold.
        """

        def task() -> Comparison:
            return compare_texts(self.model, *texts, options, sources, threshold)

        comparison: Comparison = self._submit(_Job(None, task=task))
        return comparison

    def _submit(self, job: _Job) -> Any:
        """Queue ``job`` and wait for its result (its error is raised here)."""
        with self._admission():
            with self._cond:
                self._start_workers()
                self._waiting.append(job)
                self._cond.notify()
            return job.result.result()

    @contextmanager
    def _admission(self) -> Iterator[None]:
        """Count the request in while the block runs; refuse it when all places are taken."""
        with self._cond:
            if self._admitted >= self._capacity:
                raise BusyError(
                    f"busy: {self._admitted} analyses running or waiting; try again shortly",
                    self.retry_after(),
                )
            self._admitted += 1
        try:
            yield
        finally:
            with self._cond:
                self._admitted -= 1

    def _start_workers(self) -> None:
        """Start the worker threads on first use (none exist for an app never asked)."""
        while len(self._workers) < self._concurrency:
            worker = threading.Thread(
                target=self._work, name=f"spinscope-analyzer-{len(self._workers)}", daemon=True
            )
            worker.start()
            self._workers.append(worker)

    def _work(self) -> None:
        while True:
            with self._cond:
                while not self._waiting:
                    self._cond.wait()
                batch = self._take()
            if batch[0].task is not None:
                self._run_task(batch[0])
            else:
                self._run_batch(batch)

    def _take(self) -> list[_Job]:
        """The oldest waiting job, with every waiting analysis of the same settings."""
        first = self._waiting[0]
        if first.key is None:
            batch = [first]
        else:
            batch = [j for j in self._waiting if j.key == first.key][:MAX_BATCH]
        self._waiting = [j for j in self._waiting if j not in batch]  # by identity
        return batch

    def _run_task(self, job: _Job) -> None:
        assert job.task is not None
        try:
            job.result.set_result(job.task())
        except BaseException as exc:  # raised again in the request's thread
            job.result.set_exception(exc)

    def _run_batch(self, batch: list[_Job]) -> None:
        """One :meth:`Model.pipe` over ``batch``, each result handed over as it comes."""
        threshold, techniques = batch[0].key or (None, None)
        started = time.monotonic()
        done = 0
        try:
            results = self.model.pipe_results(
                (j.text for j in batch),
                threshold=threshold,
                techniques=None if techniques is None else list(techniques),
                pack_articles=False,
            )
            for job, result in zip(batch, results, strict=True):
                if isinstance(result, InputError):
                    job.result.set_exception(result)
                else:
                    job.result.set_result(result)
                done += 1
        except BaseException as exc:  # raised again in each request's thread
            for job in batch[done:]:
                job.result.set_exception(exc)
        per_job = (time.monotonic() - started) / len(batch)
        self._seconds = 0.8 * self._seconds + 0.2 * per_job
