"""The frozen bottom's states cached once (``TrainConfig.cache_frozen``, ``train._frozen``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytestmark = pytest.mark.slow
torch = pytest.importorskip("torch", reason="needs the train extra")

from spinscope import Corpus  # noqa: E402

SPECIAL = (1, 2, 0)


def _examples(lengths: list[int]) -> list[Any]:
    from spinscope.train._data import WindowExample

    rng = np.random.default_rng(0)
    return [
        WindowExample(str(i), rng.integers(5, 90, size=n).astype(np.int64), np.zeros(n, np.int64))
        for i, n in enumerate(lengths)
    ]


def _encoders() -> list[Any]:
    """Tiny random BERT (as MiniLM) and MPNet (as all-mpnet-base-v2, with its position bias)."""
    from transformers import BertConfig, BertModel, MPNetConfig, MPNetModel

    shape: dict[str, Any] = {"vocab_size": 100, "hidden_size": 32, "num_hidden_layers": 4}
    shape |= {"num_attention_heads": 4, "intermediate_size": 64}
    torch.manual_seed(0)
    encoders: list[Any] = [BertModel(BertConfig(**shape)), MPNetModel(MPNetConfig(**shape))]
    return [encoder.eval() for encoder in encoders]


@pytest.mark.parametrize("model", [0, 1], ids=["bert", "mpnet"])
@pytest.mark.parametrize("bf16", [False, True], ids=["fp32", "bf16"])
def test_the_top_layers_over_cached_states_give_the_whole_encoders_states(
    model: int, bf16: bool
) -> None:
    from spinscope.train._batch import autocast, make_batch
    from spinscope.train._frozen import frozen_states, padded, top_states

    encoder = _encoders()[model]
    examples = _examples([7, 12, 3, 12, 9])
    cache = frozen_states(encoder, examples, 2, SPECIAL, bf16=bf16, batch_size=2)
    assert [len(s) for s in cache] == [n + 2 for n in (7, 12, 3, 12, 9)]
    b = make_batch(examples, *SPECIAL)
    with torch.no_grad(), autocast("cpu", bf16):
        whole = encoder(input_ids=b.ids, attention_mask=b.mask).last_hidden_state
        top = top_states(encoder, 2, padded(cache, b.ids.shape[1]), b.ids, b.mask)
    real = b.mask.bool()
    assert torch.allclose(whole[real].float(), top[real].float(), atol=1e-5)
    # The encoder is whole again: all its layers and its own embeddings.
    assert len(encoder.encoder.layer) == 4
    assert type(encoder.embeddings).__name__.endswith("Embeddings")


def test_the_cache_is_computed_without_dropout_and_leaves_the_mode_as_it_was() -> None:
    from spinscope.train._frozen import frozen_states

    encoder = _encoders()[0].train()
    examples = _examples([5, 8])
    first = frozen_states(encoder, examples, 3, SPECIAL)
    second = frozen_states(encoder, examples, 3, SPECIAL)
    assert all(torch.equal(a, b) for a, b in zip(first, second, strict=True))
    assert encoder.training and len(encoder.encoder.layer) == 4


def test_a_cached_fit_keeps_the_frozen_weights_learns_the_top_and_says_so(
    tiny_corpus: Path, tmp_path: Path
) -> None:
    from spinscope.train._finalize import _card_fitting
    from spinscope.train._fit import TrainConfig, fit
    from spinscope.train._net import load_checkpoint, load_encoder
    from spinscope.train._setup import default_encoder

    corpus = Corpus.load(tiny_corpus)
    config = TrainConfig(
        str(default_encoder()), epochs=1, layers=2, max_steps=2, lr=1e-3, freeze_layers=1
    )
    cached = TrainConfig(**{**config.__dict__, "cache_frozen": True})
    fitted, _, meta = load_checkpoint(fit(corpus, sorted(corpus.articles), cached, tmp_path))
    before = dict(load_encoder(default_encoder(), 2).named_parameters())
    after = dict(fitted.encoder.named_parameters())
    assert set(before) == set(after)  # the saved encoder has its embeddings and both layers
    for name in before:  # the pooler is in no loss, so it stays as loaded too
        unchanged = torch.equal(before[name], after[name])
        assert unchanged == name.startswith(("embeddings.", "encoder.layer.0.", "pooler.")), name
    assert meta["config"]["cache_frozen"] is True
    assert "computed once" in _card_fitting(meta["config"])
