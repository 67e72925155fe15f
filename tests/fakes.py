"""A fake model for unit tests: a word-level tokenizer and stand-ins for the ONNX sessions.

The fake tagger marks every token of ``LOADED`` as a span; the fake span head answers
Repetition for phrases that occur more than once in the article, Loaded_Language otherwise.
All three implement :class:`spinscope._pipeline.InferenceSession`; each row of their output
depends on that row of input alone, so how windows are batched never changes a result.

``fake_model(attribution=True)`` adds a fake attribution head: "mayor" is a source, "said"
a cue, and everything from a double quote to the next is content.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from tokenizers import Tokenizer, normalizers, pre_tokenizers
from tokenizers.models import WordLevel

from spinscope import Analysis, InputError, Model, ModelConfig, Settings
from spinscope._batch import ModelSpec
from spinscope._pipeline import (
    TAGS,
    AttributionHead,
    Decoding,
    Forward,
    Member,
    SpanFilter,
    TechniqueStacker,
)

Array = npt.NDArray[Any]

WORDS = ["the", "they", "are", "and", "our", "a", "of", "to", "is", "city", "save", "this", "plan"]
LOADED = ["traitors", "liars", "disgrace", "shameful", "cronies"]
# After LOADED, so the ids (and so the states) of the words above stay as they were.
SAID = ["mayor", "said", '"']
HIDDEN = 4
REPETITION = 10
LOADED_LANGUAGE = 8


def fake_tokenizer() -> Tokenizer:
    vocab = {"[PAD]": 0, "[CLS]": 1, "[SEP]": 2, "[UNK]": 3}
    for w in WORDS:
        vocab[w] = len(vocab)
    for w in LOADED:
        vocab[w] = 100 + len(vocab)
    for w in SAID:
        vocab[w] = len(vocab)
    tok = Tokenizer(WordLevel(vocab, unk_token="[UNK]"))
    tok.normalizer = normalizers.Lowercase()
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    return tok


class FakeTagger:
    """Records the shape of every batch it runs."""

    def __init__(self) -> None:
        self.calls = 0
        self.shapes: list[tuple[int, int]] = []

    def run(self, output_names: list[str], input_feed: dict[str, Array]) -> list[Array]:
        self.calls += 1
        ids = input_feed["input_ids"]
        self.shapes.append((ids.shape[0], ids.shape[1]))
        inside = ids >= 100
        probs = np.zeros((*ids.shape, 3), dtype=np.float32)
        probs[..., 0] = np.where(inside, 0.1, 0.9)
        probs[..., 1] = np.where(inside, 0.8, 0.05)
        probs[..., 2] = np.where(inside, 0.1, 0.05)
        hidden = np.stack([ids % 7, ids % 5, ids % 3, np.ones_like(ids)], axis=-1).astype(
            np.float32
        )
        return [probs, hidden]


class GatedTagger(FakeTagger):
    """Holds every run until ``gate`` is set; ``entered`` says a run has started."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.entered = threading.Event()

    def run(self, output_names: list[str], input_feed: dict[str, Array]) -> list[Array]:
        self.entered.set()
        assert self.gate.wait(10)
        return super().run(output_names, input_feed)


def _token_ids(states: Array) -> Array:
    """The token ids below 105 back from the fake tagger's states ``[id % 7, id % 5, id % 3]``."""
    table = {(i % 7, i % 5, i % 3): i for i in range(105)}
    return np.asarray([table[(int(a), int(b), int(c))] for a, b, c, _ in states])


class FakeAttributionSession:
    """Tags "mayor" B-Source, "said" B-Cue, and each double quote to the next as content."""

    def run(self, output_names: list[str], input_feed: dict[str, Array]) -> list[Array]:
        tok = fake_tokenizer()
        source, cue, quote = (tok.token_to_id(w) for w in SAID)
        tags, inside = [], False
        for i in _token_ids(input_feed["states"][0]):
            if i == quote:
                tags.append(6 if inside else 5)
                inside = not inside
            else:
                tags.append(6 if inside else 1 if i == source else 3 if i == cue else 0)
        return [np.eye(len(TAGS), dtype=np.float32)[tags][None]]


def fake_attribution_head() -> AttributionHead:
    return AttributionHead(FakeAttributionSession(), Decoding(), {"tags": list(TAGS)})


class FakeE2EHead:
    """Echoes the classification probabilities and adds Loaded_Language at 0.5."""

    def run(self, output_names: list[str], input_feed: dict[str, Array]) -> list[Array]:
        x = input_feed["x"]
        labels = x[:, -14:].copy()
        labels[:, LOADED_LANGUAGE] = np.maximum(labels[:, LOADED_LANGUAGE], 0.5)
        return [labels]


class FakeSpanHead:
    def run(self, output_names: list[str], input_feed: dict[str, Array]) -> list[Array]:
        x = input_feed["x"]
        assert x.shape[1] == 3 * HIDDEN + 11
        probs = np.full((len(x), 14), 0.01, dtype=np.float32)
        repeated = x[:, 3 * HIDDEN] > np.log1p(1.5)
        probs[np.arange(len(x)), np.where(repeated, REPETITION, LOADED_LANGUAGE)] = 0.87
        return [probs]


def fake_model(
    window_size: int = 8,
    settings: Settings | None = None,
    label_floor: float = 0.6,
    model_id: str = "fake-model",
    tagger: FakeTagger | None = None,
    pool: Executor | None = None,
    attribution: bool = False,
    stacker: TechniqueStacker | None = None,
    span_filter: SpanFilter | None = None,
    members: Sequence[Member] = (),
    **config: Any,
) -> Model:
    cfg = ModelConfig(
        model_id,
        window_size=window_size,
        window_overlap=2,
        cls_id=1,
        sep_id=2,
        pad_id=0,
        hidden_size=HIDDEN,
        span_threshold=0.5,
        confidence_threshold=0.3,
        label_floor=label_floor,
        calibration=(1.0, 0.0),
        **config,
    )
    return Model(
        Path("fake"),
        cfg,
        fake_tokenizer(),
        tagger or FakeTagger(),
        FakeSpanHead(),
        FakeE2EHead(),
        settings or Settings(),
        pool,
        fake_attribution_head() if attribution else None,
        stacker,
        span_filter,
        members,
    )


@dataclass(frozen=True)
class FakeSpec(ModelSpec):
    """A batch model recipe that loads the fake model (picklable, for worker processes).

    ``delay`` seconds are spent per article, to kill runs midway in tests.
    """

    model_name: str = "fake-model"
    delay: float = 0.0

    def model_id(self) -> str:
        return self.model_name

    def load(self, threads: int | None = None) -> Model:
        model = fake_model(model_id=self.model_name)
        if self.delay:
            return _SlowModel(model, self.delay)
        return model


class _SlowModel(Model):
    def __init__(self, inner: Model, delay: float) -> None:
        self.__dict__.update(inner.__dict__)
        self._delay = delay

    def analyze(
        self,
        text: str | Forward,
        threshold: float | None = None,
        techniques: list[str] | None = None,
    ) -> Analysis:
        time.sleep(self._delay)
        return super().analyze(text, threshold, techniques)

    def pipe_results(
        self,
        texts: Iterable[str],
        batch_size: int | None = None,
        threshold: float | None = None,
        techniques: list[str] | None = None,
        pack_articles: bool = False,
    ) -> Iterator[Analysis | InputError]:
        results = super().pipe_results(texts, batch_size, threshold, techniques, pack_articles)
        return self._slowly(results)

    def _slowly(self, results: Iterator[Analysis | InputError]) -> Iterator[Analysis | InputError]:
        for result in results:
            time.sleep(self._delay)
            yield result


class BreakingModel(Model):
    """``inner`` with a bug: raises an internal error on texts holding ``breaks``, once the
    pipe reaches them; ``pipes`` counts the pipes opened."""

    def __init__(self, inner: Model, breaks: str = "\x00never") -> None:
        self.__dict__.update(inner.__dict__)
        self.pipes = 0
        self.breaks = breaks

    def pipe_results(
        self, texts: Iterable[str], *args: Any, **kwargs: Any
    ) -> Iterator[Analysis | InputError]:
        self.pipes += 1
        for text in texts:
            if self.breaks in text:
                raise RuntimeError("boom")
            yield from super().pipe_results([text], *args, **kwargs)
