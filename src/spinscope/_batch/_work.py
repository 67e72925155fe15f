"""What a batch worker does with a list of articles, whatever engine runs it.

Workers get a :class:`ModelSpec` (a picklable recipe) rather than a model, and load the
model once each.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from .._errors import SpinscopeError
from .._pipeline import Model, ModelConfig, default_model_path
from .._settings import Settings
from .._store import Failure, Result
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
    """Analyze each item; a bad one becomes a :class:`Failure` and the rest go on."""
    out: list[Result | Failure] = []
    for item in items:
        t0 = time.perf_counter()
        try:
            record = prepare(item)
            analysis = model.analyze(record.text, threshold=threshold)
        except SpinscopeError as exc:
            out.append(Failure(item.location, _reason(exc, item.location), item.key))
            continue
        except Exception as exc:  # a bug must not end a million-article run
            reason = f"internal error: {type(exc).__name__}: {exc}"
            out.append(Failure(item.location, reason, item.key))
            continue
        out.append(Result(record, analysis, time.perf_counter() - t0))
    return out


def _reason(exc: Exception, location: str) -> str:
    # Messages start with the location already shown beside them; keep only the reason.
    msg = str(exc)
    return msg[len(location) + 2 :] if msg.startswith(location + ": ") else msg
