"""A batch model recipe whose model takes its time: ``delay`` seconds per article, spent in
``Model.pipe_results`` (what batch workers call), so that tests can kill runs midway."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from spinscope import Model
from spinscope._errors import InputError
from spinscope._pipeline import Analysis
from tests.fakes import FakeSpec, fake_model


class SlowModel(Model):
    """``inner`` with ``delay`` seconds spent on each article it yields."""

    def __init__(self, inner: Model, delay: float) -> None:
        self.__dict__.update(inner.__dict__)
        self._delay = delay

    def pipe_results(
        self, texts: Iterable[str], *args: Any, **kwargs: Any
    ) -> Iterator[Analysis | InputError]:
        for found in super().pipe_results(texts, *args, **kwargs):
            time.sleep(self._delay)
            yield found


@dataclass(frozen=True)
class SlowSpec(FakeSpec):
    """Loads the fake model slowed down by ``delay`` seconds an article (picklable)."""

    delay: float = 0.01

    def load(self, threads: int | None = None) -> Model:
        return SlowModel(fake_model(model_id=self.model_name), self.delay)
