"""What a batch worker does with a list of articles, whatever engine runs it.

Workers get a :class:`ModelSpec` (a picklable recipe) rather than a model, and load the
model once each.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from .._errors import SpinscopeError
from .._pipeline import Analysis, Model, ModelConfig, model_folder
from .._settings import Settings
from .._store import ArticleRecord, Failure, Result
from ._inputs import Item, prepare


@dataclass(frozen=True)
class ModelSpec:
    """How a worker loads the model: a model directory (the shipped model when ``None``).

    Example:
        >>> ModelSpec().model_id().startswith("spinscope")
        True
    """

    path: Path | None = None
    settings: Settings = field(default_factory=Settings)

    def directory(self) -> Path:
        return model_folder(self.path, self.settings)

    def model_id(self) -> str:
        """The model's id, read from its config without loading the network."""
        return ModelConfig.load(self.directory()).model_id

    def load(self, threads: int | None = None) -> Model:
        settings = self.settings if threads is None else replace(self.settings, threads=threads)
        return Model.load(self.directory(), settings)


def analyze_items(
    model: Model, items: list[Item], threshold: float | None = None
) -> list[Result | Failure]:
    """Analyze each item, in order, through :meth:`Model.pipe_results`; a bad one becomes a
    :class:`Failure` and the rest go on (:func:`analyze_chunks` with one chunk).

    Example:
        >>> # outcomes = analyze_items(model, [Item("k", "a.txt", "They lie!")])
    """
    return next(analyze_chunks(model, [items], threshold))


def analyze_chunks(
    model: Model, chunks: Iterable[list[Item]], threshold: float | None = None
) -> Iterator[list[Result | Failure]]:
    """The outcomes of each chunk of items, in order, from one pipe over all of them.

    One pipe rather than one a chunk: while the caller stores a chunk, the encoder threads
    already run the next articles, and no pipe starts empty. Articles are batched on their
    own (no packing), so each analysis is the one :meth:`Model.analyze` gives. A result's
    ``seconds`` is its preparation (decoding, HTML extraction) plus its share of the pipe's
    time. An error the pipe raises (a bug must not end a million-article run) fails the
    article it was working on, and the pipe starts again after it; an error reading
    ``chunks`` is raised once the articles read before it are done.

    Example:
        >>> # for outcomes in analyze_chunks(model, chunks): store(outcomes)
    """
    feed = _Feed(iter(chunks))
    t0 = time.perf_counter()
    while True:
        try:
            texts = feed.texts()
            for found in model.pipe_results(texts, threshold=threshold, pack_articles=False):
                t1 = time.perf_counter()
                feed.answer(found, t1 - t0)
                t0 = t1
                yield from feed.finished()
            break
        except Exception as exc:
            if not feed.inflight:
                raise
            feed.answer(exc, 0.0)
            yield from feed.finished()
    yield from feed.finished()
    if feed.error is not None:
        raise feed.error


@dataclass
class _Chunk:
    """A chunk's outcomes so far; complete when none is waiting for the pipe."""

    outcomes: list[Result | Failure | None]
    waiting: int = 0


@dataclass(frozen=True)
class _Entry:
    """A prepared article handed to the pipe, and where its outcome goes."""

    chunk: _Chunk
    n: int
    item: Item
    record: ArticleRecord
    prepared: float


@dataclass
class _Feed:
    """Reads chunks into the pipe and keeps what it has read but not yet got back."""

    chunks: Iterator[list[Item]]
    pending: deque[_Chunk] = field(default_factory=deque)
    inflight: deque[_Entry] = field(default_factory=deque)
    error: Exception | None = None
    _entries: Iterator[_Entry] | None = None

    def texts(self) -> Iterator[str]:
        """A pipe's input: the articles a broken pipe read but did not answer, then new
        ones, each kept in flight until :meth:`answer`."""
        if self._entries is None:
            self._entries = self.entries()
        again = list(self.inflight)
        yield from (e.record.text for e in again)
        for e in self._entries:
            self.inflight.append(e)
            yield e.record.text

    def entries(self) -> Iterator[_Entry]:
        """Each item that prepares, in order; one that does not fails in its chunk."""
        while True:
            try:
                items = next(self.chunks, None)
            except Exception as exc:
                # The input or the store, not an article: raised after the pipe drains.
                self.error = exc
                return
            if items is None:
                return
            # The whole chunk is prepared before its first article goes in, so it is done
            # as soon as its last answer comes, not when the next chunk is read.
            chunk = _Chunk([None] * len(items))
            ready = []
            for n, item in enumerate(items):
                t0 = time.perf_counter()
                try:
                    record = prepare(item)
                except Exception as exc:
                    chunk.outcomes[n] = _failure(item, exc)
                    continue
                ready.append(_Entry(chunk, n, item, record, time.perf_counter() - t0))
            chunk.waiting = len(ready)
            self.pending.append(chunk)
            yield from ready

    def answer(self, found: Analysis | Exception, seconds: float) -> None:
        """The outcome of the oldest article in flight."""
        e = self.inflight.popleft()
        outcome: Result | Failure
        if isinstance(found, Exception):
            outcome = _failure(e.item, found)
        else:
            outcome = Result(e.record, found, e.prepared + seconds, e.item.location)
        e.chunk.outcomes[e.n] = outcome
        e.chunk.waiting -= 1

    def finished(self) -> Iterator[list[Result | Failure]]:
        """The complete chunks at the head of the line."""
        while self.pending and not self.pending[0].waiting:
            outcomes = self.pending.popleft().outcomes
            yield [o for o in outcomes if o is not None]


def _failure(item: Item, exc: Exception) -> Failure:
    """Why ``item`` failed: a spinscope error's message, or an internal error."""
    if isinstance(exc, SpinscopeError):
        return Failure(item.location, _reason(exc, item.location), item.key)
    return Failure(item.location, f"internal error: {type(exc).__name__}: {exc}", item.key)


def _reason(exc: Exception, location: str) -> str:
    # Messages start with the location already shown beside them; keep only the reason.
    msg = str(exc)
    return msg[len(location) + 2 :] if msg.startswith(location + ": ") else msg
