"""A fit cut short resumes at its last finished epoch and ends where an uncut fit ends."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow
torch = pytest.importorskip("torch", reason="needs the train extra")

from spinscope import Corpus  # noqa: E402


class Cut(Exception):
    """The machine going away in the middle of an epoch."""


def _examples(tiny_corpus: Path) -> tuple[list[Any], tuple[int, int, int]]:
    from transformers import AutoTokenizer

    from spinscope._pipeline import prepare_tokenizer
    from spinscope._techniques import TECHNIQUE_NAMES
    from spinscope.train._data import corpus_examples
    from spinscope.train._setup import default_encoder

    corpus = Corpus.load(tiny_corpus)
    hf_tok = AutoTokenizer.from_pretrained(str(default_encoder()), local_files_only=True)
    tokenizer = prepare_tokenizer(hf_tok.backend_tokenizer)
    examples = corpus_examples(
        tokenizer, corpus.subset(sorted(corpus.articles)[:3]), TECHNIQUE_NAMES, 128, 16
    )
    return examples, (hf_tok.cls_token_id, hf_tok.sep_token_id, hf_tok.pad_token_id or 0)


def _run(
    examples: list[Any], special: tuple[int, int, int], resume: Path | None, epochs: int = 3
) -> tuple[list[dict[str, float]], dict[str, Any]]:
    """A one-layer network fitted from the seed, as ``fit`` builds it."""
    from spinscope._pipeline import N_FEATURES
    from spinscope._techniques import TECHNIQUE_NAMES
    from spinscope.train._fit import TrainConfig, seed_everything, train_steps
    from spinscope.train._net import SpanHead, Tagger, load_encoder
    from spinscope.train._setup import default_encoder

    config = TrainConfig(str(default_encoder()), epochs=epochs, layers=1, batch_size=4, seed=5)
    seed_everything(config.seed)
    encoder = load_encoder(default_encoder(), 1)
    tagger = Tagger(encoder)
    head = SpanHead(encoder.config.hidden_size, N_FEATURES, len(TECHNIQUE_NAMES))
    history = train_steps(tagger, head, examples, config, special, "cpu", resume)
    state = {f"tagger.{k}": v for k, v in tagger.state_dict().items()}
    state.update({f"head.{k}": v for k, v in head.state_dict().items()})
    return history, state


def test_a_fit_cut_in_its_second_epoch_resumes_and_ends_as_an_uncut_fit(
    tiny_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from spinscope.train import _fit

    examples, special = _examples(tiny_corpus)
    history, state = _run(examples, special, None)

    resume = tmp_path / "resume.pt"
    real = _fit._epoch_batches
    calls = {"n": 0}

    def cut_in_epoch_two(*args: Any) -> list[list[int]]:
        calls["n"] += 1
        batches = real(*args)
        return batches if calls["n"] < 2 else [batches[0], *([[-1]] * len(batches))]

    def failing_batch(examples: list[Any], idx: list[int], *rest: Any) -> Any:
        if idx == [-1]:
            raise Cut
        return real_batch(examples, idx, *rest)

    real_batch = _fit._batch
    monkeypatch.setattr(_fit, "_epoch_batches", cut_in_epoch_two)
    monkeypatch.setattr(_fit, "_batch", failing_batch)
    with pytest.raises(Cut):
        _run(examples, special, resume)
    assert resume.is_file()  # epoch one was kept; epoch two had taken one step
    monkeypatch.undo()

    resumed_history, resumed = _run(examples, special, resume)
    assert not resume.exists()
    assert resumed_history == history
    assert resumed.keys() == state.keys()
    for name, value in state.items():
        assert torch.equal(value, resumed[name]), name


def test_a_kept_epoch_of_other_settings_is_not_resumed(tiny_corpus: Path, tmp_path: Path) -> None:
    from spinscope.train._resume import Progress, Resumable, fingerprint

    examples, special = _examples(tiny_corpus)
    resume = tmp_path / "resume.pt"
    layer = torch.nn.Linear(2, 2)
    optimizer = torch.optim.AdamW(layer.parameters())
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: 1.0)
    import random

    Resumable(resume, fingerprint({"seed": 1}, [])).save(
        {"tagger": layer}, optimizer, schedule, random.Random(0), Progress(1, 9, 0.5, [])
    )
    # Another fit (here: other settings) starts from the beginning and replaces the file.
    history, _ = _run(examples, special, resume, epochs=1)
    assert [h["epoch"] for h in history] == [1.0]
    assert not resume.exists()
    restored = Resumable(resume, fingerprint({"seed": 1}, [])).restore(
        {"tagger": layer}, optimizer, schedule, random.Random(0)
    )
    assert restored == Progress()


def test_the_fingerprint_tells_other_labels_and_other_teachers_apart() -> None:
    import numpy as np

    from spinscope.train._data import WindowExample
    from spinscope.train._resume import fingerprint

    ids = np.array([101, 7, 8, 102])
    base = WindowExample("a", ids, np.array([0, 1, 2, 0]))
    relabelled = WindowExample("a", ids, np.array([0, 1, 0, 0]))
    taught = WindowExample("a", ids, base.tags, soft=np.full((4, 3), 1 / 3, dtype=np.float32))
    keys = {fingerprint({"seed": 1}, [ex]) for ex in (base, relabelled, taught)}
    assert len(keys) == 3
    assert fingerprint({"seed": 1}, [base]) == fingerprint({"seed": 1}, [base])
