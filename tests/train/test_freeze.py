"""Fitting only the top of an encoder (``TrainConfig.freeze_layers``), in bfloat16 on the CPU."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
torch = pytest.importorskip("torch", reason="needs the train extra")

from spinscope import Corpus  # noqa: E402


def test_frozen_layers_keep_their_weights_and_the_top_learns(
    tiny_corpus: Path, tmp_path: Path
) -> None:
    from spinscope.train._fit import TrainConfig, fit
    from spinscope.train._net import load_checkpoint, load_encoder
    from spinscope.train._setup import default_encoder

    corpus = Corpus.load(tiny_corpus)
    config = TrainConfig(
        str(default_encoder()),
        epochs=1,
        layers=2,
        max_steps=2,
        lr=1e-3,
        freeze_layers=1,
        bf16=True,
    )
    ckpt = fit(corpus, sorted(corpus.articles), config, tmp_path)
    fitted, _, meta = load_checkpoint(ckpt)
    loaded = load_encoder(default_encoder(), 2)
    before = dict(loaded.named_parameters())
    after = dict(fitted.encoder.named_parameters())
    assert meta["config"]["freeze_layers"] == 1 and meta["config"]["bf16"] is True
    frozen = [n for n in before if n.startswith(("embeddings.", "encoder.layer.0."))]
    learned = [n for n in before if n.startswith("encoder.layer.1.")]
    assert frozen and learned
    for name in frozen:
        assert torch.equal(before[name], after[name]), name
    # The checkpoint is saved in float32 whatever the compute precision was.
    assert all(p.dtype == torch.float32 for p in after.values())
    assert any(not torch.equal(before[n], after[n]) for n in learned)


def test_freezing_more_layers_than_the_encoder_has_is_a_clear_error() -> None:
    from spinscope import TrainingError
    from spinscope.train._fit import freeze_lower
    from spinscope.train._net import Tagger, load_encoder
    from spinscope.train._setup import default_encoder

    tagger = Tagger(load_encoder(default_encoder(), 2))
    with pytest.raises(TrainingError, match="cannot freeze 3 layers"):
        freeze_lower(tagger, 3)
    freeze_lower(tagger, 2)
    trainable = [n for n, p in tagger.named_parameters() if p.requires_grad]
    assert "bio.weight" in trainable
    assert not [n for n in trainable if n.startswith(("encoder.embeddings.", "encoder.encoder."))]


def test_the_card_says_when_layers_were_frozen_or_computed_in_bf16() -> None:
    from spinscope.train._finalize import _card_fitting

    assert _card_fitting({"seed": 13}) == ""
    said = _card_fitting({"freeze_layers": 8, "bf16": True})
    assert "first 8 layers kept as loaded" in said and "bfloat16" in said
