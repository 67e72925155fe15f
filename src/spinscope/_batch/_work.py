"""What a batch worker does with a list of articles, whatever engine runs it.

Workers get a :class:`ModelSpec` (a picklable recipe) rather than a model, and load the
model once each.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from .._errors import SpinscopeError
from .._pipeline import Model, ModelConfig, default_model_path
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
        return self.path or self.settings.model or default_model_path()

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
    :class:`Failure` and the rest go on.

    Articles are batched on their own (no packing), so each analysis is the one
    :meth:`Model.analyze` gives. A result's ``seconds`` is its preparation (decoding, HTML
    extraction) plus its share of the pipe's time.
    """
    out: dict[int, Result | Failure] = {}
    ready: list[tuple[int, ArticleRecord, float]] = []
    for n, item in enumerate(items):
        t0 = time.perf_counter()
        try:
            record = prepare(item)
        except Exception as exc:
            out[n] = _failure(item, exc)
            continue
        ready.append((n, record, time.perf_counter() - t0))
    for n, outcome in _analyze(model, items, ready, threshold):
        out[n] = outcome
    return [out[n] for n in range(len(items))]


def _analyze(
    model: Model,
    items: list[Item],
    ready: list[tuple[int, ArticleRecord, float]],
    threshold: float | None,
) -> Iterator[tuple[int, Result | Failure]]:
    """The outcome of each prepared article, by item index. An error the pipe raises (a
    bug must not end a million-article run) fails the article it was working on, and the
    pipe starts again after it."""
    done = 0
    while done < len(ready):
        texts = (record.text for _, record, _ in ready[done:])
        t0 = time.perf_counter()
        try:
            for found in model.pipe_results(texts, threshold=threshold, pack_articles=False):
                n, record, prepared = ready[done]
                done += 1
                t1 = time.perf_counter()
                if isinstance(found, Exception):
                    yield n, _failure(items[n], found)
                else:
                    yield n, Result(record, found, prepared + t1 - t0, items[n].location)
                t0 = t1
        except Exception as exc:
            n = ready[done][0]
            done += 1
            yield n, _failure(items[n], exc)


def _failure(item: Item, exc: Exception) -> Failure:
    """Why ``item`` failed: a spinscope error's message, or an internal error."""
    if isinstance(exc, SpinscopeError):
        return Failure(item.location, _reason(exc, item.location), item.key)
    return Failure(item.location, f"internal error: {type(exc).__name__}: {exc}", item.key)


def _reason(exc: Exception, location: str) -> str:
    # Messages start with the location already shown beside them; keep only the reason.
    msg = str(exc)
    return msg[len(location) + 2 :] if msg.startswith(location + ": ") else msg
