"""A few-step smoke training through the real pipeline: fit, export, quantize, tune, load."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.slow
torch = pytest.importorskip("torch", reason="needs the train extra")

from spinscope import Corpus, load_model  # noqa: E402


def test_smoke_training_writes_a_loadable_model_with_card(trained: Path) -> None:
    for name in (
        "config.json",
        "tokenizer.json",
        "tagger.onnx",
        "span_head.onnx",
        "MODEL_CARD.md",
        "README.md",
        "validation.json",
    ):
        assert (trained / name).is_file(), name
    model = load_model(str(trained))
    assert model.config.layers == 1
    assert "si_f1" in model.config.validation
    analysis = model.analyze("They are corrupt traitors who hate our country!", threshold=0)
    assert analysis.model_id == model.model_id


def test_onnx_network_matches_torch(trained: Path) -> None:
    import onnxruntime as ort

    from spinscope.train._net import load_checkpoint

    tagger, _, _ = load_checkpoint(trained / "torch")
    ids = torch.randint(1000, 5000, (2, 20))
    mask = torch.ones_like(ids)
    mask[1, 15:] = 0
    with torch.no_grad():
        logits, hidden = tagger(ids, mask)
    session = ort.InferenceSession(str(trained / "tagger.fp32.onnx"))
    probs, onnx_hidden = session.run(
        None, {"input_ids": ids.numpy(), "attention_mask": mask.numpy()}
    )
    np.testing.assert_allclose(probs, torch.softmax(logits, -1).numpy(), atol=1e-4)
    np.testing.assert_allclose(onnx_hidden, hidden.numpy(), atol=1e-3)


def test_torch_and_numpy_span_pooling_agree() -> None:
    from spinscope._pipeline._features import pool_span
    from spinscope.train._net import pool_spans

    hidden = torch.randn(2, 6, 4)
    mask = torch.tensor([[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 0, 0]])
    got = pool_spans(hidden, mask, [0, 1], [(1, 3), (2, 4)]).numpy()
    for row, (r, (a, b)) in enumerate([(0, (1, 3)), (1, (2, 4))]):
        want = pool_span(hidden[r].numpy(), mask[r].numpy(), a, b)
        np.testing.assert_allclose(got[row], want, atol=1e-6)


def test_training_errors_are_clear(tmp_path: Path, tiny_corpus: Path) -> None:
    from spinscope import TrainingError
    from spinscope.train import train

    with pytest.raises(TrainingError, match="not a Hugging Face model directory"):
        train(tiny_corpus, tmp_path / "out", encoder=tmp_path)
    with pytest.raises(TrainingError, match="no checkpoint"):
        train(tiny_corpus, tmp_path / "out2", from_checkpoint=True)


@pytest.fixture(scope="module")
def cv_folder(
    trained: Path, tiny_corpus: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Path]:
    """Two folds over the tiny corpus. Each fold is the smoke network itself, which saw
    every article; cross-validation needs folds fitted apart, but the code path is the same.
    Removed after the module: CI's disk is small."""
    from spinscope._semeval import cv_folds

    folder = tmp_path_factory.mktemp("cv")
    folds = cv_folds(Corpus.load(tiny_corpus).articles, 2)
    (folder / "folds.json").write_text(json.dumps(folds))
    for k in (0, 1):
        shutil.copytree(trained, folder / f"fold{k}", ignore=shutil.ignore_patterns("e2e_head*"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_cv_training_tunes_decoding_on_the_folds(
    cv_folder: Path, trained: Path, tiny_corpus: Path, tmp_path: Path
) -> None:
    from spinscope import ModelConfig
    from spinscope._pipeline import FILTER_FILE, STACKER_FILE
    from spinscope._semeval import CVReport
    from spinscope.train import train

    out = tmp_path / "all"
    shutil.copytree(trained / "torch", out / "torch")
    report = train(tiny_corpus, out, layers=1, seed=3, from_checkpoint=True, cv=cv_folder)
    assert isinstance(report, CVReport)
    assert len(report.folds) == 2 and report.n_articles == 10
    model = load_model(str(out))
    assert model.config.validation["split"] == "2-fold cross-validation over 10 articles"
    assert model.config.validation["si_f1"] == report.to_dict()["pooled"]["si_f1"]
    assert model.config.validation["tc_micro_f1"] == report.to_dict()["pooled"]["tc_micro_f1"]
    assert (out / STACKER_FILE).is_file() and (out / FILTER_FILE).is_file()
    assert model.span_filter is not None
    for k in (0, 1):
        assert (cv_folder / f"fold{k}" / "e2e_head.onnx").is_file()
        assert (cv_folder / f"fold{k}" / STACKER_FILE).is_file()
        assert (cv_folder / f"fold{k}" / FILTER_FILE).is_file()
        fold = ModelConfig.load(cv_folder / f"fold{k}")
        assert 0.2 <= fold.span_threshold <= 0.6 and fold.validation == {}
        assert fold.keep_threshold > 0  # the filter decides which candidates stay
    corpus = Corpus.load(tiny_corpus)
    _check_saved_rows(cv_folder, corpus, model.config.techniques)
    aid = sorted(corpus.articles)[0]
    spans = [(lb.start, lb.end) for lb in corpus.labels if lb.article_id == aid]
    stacked = model.technique_probs(corpus.articles[aid], spans)
    alone = model.technique_probs(corpus.articles[aid], spans, stacked=False)
    assert stacked.shape == alone.shape and not np.allclose(stacked, alone)
    card = (out / "MODEL_CARD.md").read_text()
    assert "Cross-validated figures" in card and "2-fold cross-validation" in card
    assert f"--cv {cv_folder}" in card


def _check_saved_rows(cv_folder: Path, corpus: Corpus, techniques: tuple[str, ...]) -> None:
    """The out-of-fold stacker rows kept beside the folds: one a gold span technique, each
    from the fold that holds its article, its gold technique in ``y``."""
    from spinscope.train._stacker import ROWS_FILE

    folds = json.loads((cv_folder / "folds.json").read_text())
    with np.load(cv_folder / ROWS_FILE) as rows:
        x, y, fold = rows["x"], rows["y"], rows["fold"]
        columns = (rows["article"].tolist(), rows["start"].tolist(), rows["end"].tolist())
        found = list(zip(*columns, strict=True))
    assert x.shape[0] == len(y) == len(fold) == len(found) == len(corpus.labels)
    assert all(folds[a] == f for (a, _, _), f in zip(found, fold.tolist(), strict=True))
    gold = sorted((lb.article_id, lb.start, lb.end, lb.technique) for lb in corpus.labels)
    saved = [(a, s, e, techniques[t]) for (a, s, e), t in zip(found, y.tolist(), strict=True)]
    assert sorted(saved) == gold


def test_distilled_training_learns_from_a_teacher_checkpoint(
    trained: Path, tiny_corpus: Path, tmp_path: Path
) -> None:
    """The smoke network teaches a new one: it labels the articles, the student fits on the
    mixed targets, and the student's settings record where its targets came from."""
    import json

    from spinscope.train import train

    out = tmp_path / "student"
    train(tiny_corpus, out, layers=1, max_steps=2, epochs=1, seed=4, teacher=trained / "torch")
    config = json.loads((out / "torch" / "train.json").read_text())["config"]
    assert config["teacher"] == str(trained / "torch") and config["distill"] == 0.5
    model = load_model(str(out))
    assert model.analyze("They are corrupt traitors!", threshold=0).model_id == model.model_id


def test_saved_teacher_targets_fit_the_same_student_as_the_checkpoint(
    trained: Path, tiny_corpus: Path, tmp_path: Path
) -> None:
    """Targets labelled once and saved (float16) stand in for the teacher's weights: the
    student fitted from the file has the same training history as one fitted from the
    checkpoint, to the precision the file keeps."""
    import json

    from spinscope.train import train
    from spinscope.train._distill import label_corpus
    from spinscope.train._soft_targets import save_targets

    corpus = Corpus.load(tiny_corpus)
    labels = tmp_path / "full.npz"
    save_targets(labels, label_corpus(trained / "torch", corpus, sorted(corpus.articles), "cpu"))
    histories = []
    for name, teacher in (("ckpt", trained / "torch"), ("file", labels)):
        out = tmp_path / name
        train(tiny_corpus, out, layers=1, max_steps=2, epochs=1, seed=4, teacher=teacher)
        meta = json.loads((out / "torch" / "train.json").read_text())
        assert meta["config"]["teacher"] == str(teacher)
        histories.append([h["loss"] for h in meta["history"]])
    assert len(histories[0]) == len(histories[1]) > 0
    assert np.allclose(histories[0], histories[1], rtol=1e-3)


def test_a_teacher_that_agrees_with_gold_leaves_the_loss_unchanged(
    trained: Path, tiny_corpus: Path
) -> None:
    """Soft targets equal to the gold tags: any distillation weight gives the gold loss."""
    from spinscope._techniques import TECHNIQUE_NAMES
    from spinscope.train._batch import make_batch
    from spinscope.train._data import corpus_examples, technique_weights
    from spinscope.train._fit import _loss
    from spinscope.train._net import load_checkpoint, load_tokenizer

    tagger, head, meta = load_checkpoint(trained / "torch")
    tokenizer = load_tokenizer(trained / "torch" / "encoder")
    corpus = Corpus.load(tiny_corpus)
    examples = corpus_examples(tokenizer, corpus, TECHNIQUE_NAMES, 64, 8)[:4]
    for ex in examples:
        ex.soft = np.eye(3, dtype=np.float32)[ex.tags]
    batch = make_batch(examples, *meta["special_ids"])
    assert batch.soft is not None and batch.soft.shape == (*batch.ids.shape, 3)
    weights = torch.from_numpy(technique_weights(examples, len(TECHNIQUE_NAMES)))
    with torch.no_grad():
        gold = _loss(tagger, head, batch, weights, 0.0)
        mixed = _loss(tagger, head, batch, weights, 0.7)
    assert torch.isclose(gold, mixed, atol=1e-5)


def test_the_stacker_learns_what_the_head_misses() -> None:
    """A technique the head never predicts but one input feature marks is learnt, and a
    technique absent from the rows never wins."""
    pytest.importorskip("sklearn", reason="needs the train extra")
    from spinscope._pipeline import N_FEATURES, N_GIVEN
    from spinscope.train._stacker import fit_stacker

    rng = np.random.default_rng(0)
    n_inputs = 14 + N_FEATURES + N_GIVEN
    x = rng.normal(size=(400, n_inputs)).astype(np.float32)
    y = np.where(x[:, 20] > 0, 10, 8).astype(np.int64)
    stacker = fit_stacker(x, y, 14)
    probs = stacker.probs(x)
    assert (probs.argmax(axis=1) == y).mean() > 0.9
    assert probs[:, 0].max() < 1e-6


def test_the_span_filter_learns_which_candidates_are_annotated() -> None:
    pytest.importorskip("sklearn", reason="needs the train extra")
    from spinscope._pipeline import N_FILTER_INPUTS
    from spinscope.train._span_filter import fit_span_filter

    rng = np.random.default_rng(1)
    x = rng.normal(size=(500, N_FILTER_INPUTS)).astype(np.float32)
    y = x[:, 0] + 0.3 * rng.normal(size=500) > 0
    scores = fit_span_filter(x, y).scores(x)
    assert ((scores >= 0.5) == y).mean() > 0.85
