"""Cross-validated decoding: tune on the fold networks' out-of-fold predictions.

A cross-validation folder (``folds.json`` and ``fold0/`` ... ``foldK/``, each a network
fitted on the other folds' articles; ``benchmarks/cv_train.py`` makes one) gives every
training article one prediction by a network that never saw it. Here each fold network
gets its end-to-end head and its decoding, and the model trained on all articles gets
decoding tuned on all the out-of-fold predictions:

- fold k's decoding is tuned on the other folds' out-of-fold predictions only, so the
  figures of fold k never choose their own settings (``spinscope evaluate --cv`` then
  reproduces the cross-validated figures from the saved fold directories);
- the shipped decoding is tuned on all folds pooled: five times the evidence of one split;
- the span filter (``_span_filter``) and the technique stacker (``_stacker``) are fitted
  the same way: per fold on the other folds' out-of-fold rows (candidates, gold spans),
  and on all of them for the shipped model. The decoding of fold k is tuned on the other
  folds' candidates as their own filters keep them, and those filters saw fold k's rows:
  a second-order leak into fold k's thresholds (not into its predictions).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .._pipeline import Model, ModelConfig, SpanFilter, TechniqueStacker
from .._semeval import Corpus, CVReport, cross_validate, load_cv_folder
from ._span_filter import cv_span_filters
from ._stacker import cv_stackers
from ._tuning import Part, tune_decoding

Progress = Callable[[str], None]


def complete_fold(fold_dir: Path, corpus: Corpus, held_out: set[str], seed: int = 13) -> None:
    """Give a fitted fold network its end-to-end head, fitted on the fold's training articles
    as ``spinscope train`` fits it (candidates at span threshold 0.2, 10 epochs).

    A fold that already has ``e2e_head.onnx`` is left as it is.
    """
    from ._e2e_head import export_e2e_head, fit_e2e_head, stage_data

    if (fold_dir / "e2e_head.onnx").is_file():
        return
    shutil.copyfile(fold_dir / "tagger.int8.onnx", fold_dir / "tagger.onnx")
    model = Model.load(fold_dir, tagger_file="tagger.int8.onnx")
    # Every candidate, whatever span filter and keep threshold an earlier run left in the
    # fold directory: the head is fitted as `spinscope train` fits the shipped one.
    stage = model.with_config(replace(model.config, span_threshold=0.2, keep_threshold=0.0))
    train_ids = sorted(set(corpus.articles) - held_out)
    x, y = stage_data(stage, corpus, train_ids)
    export_e2e_head(fit_e2e_head(x, y, seed, epochs=10), x.shape[1], fold_dir)


def fold_parts(
    corpus: Corpus, folds: Mapping[str, int], dirs: list[Path], progress: Progress | None = None
) -> dict[int, Part]:
    """Each complete fold network with its held-out articles, forward passes kept."""
    parts = {}
    for k, fold_dir in enumerate(dirs):
        held = {a for a, f in folds.items() if f == k}
        complete_fold(fold_dir, corpus, held)
        parts[k] = Part(Model.load(fold_dir, tagger_file="tagger.onnx"), corpus.subset(held))
        if progress:
            progress(f"fold {k}: {len(held)} held-out articles read")
    return parts


def fold_models(corpus: Corpus, cv_dir: Path) -> list[tuple[Model, Corpus]]:
    """Each fold's model, as saved, with its held-out articles."""
    folds, dirs = load_cv_folder(cv_dir)
    return [
        (Model.load(d), corpus.subset(a for a, f in folds.items() if f == k))
        for k, d in enumerate(dirs)
    ]


def save_fold_decoding(fold_dir: Path, fields: Mapping[str, Any]) -> None:
    """Write decoding ``fields`` into a fold's ``config.json``."""
    config = ModelConfig.load(fold_dir)
    replace(config, **fields, validation={}).save(fold_dir)


@dataclass(frozen=True)
class CVTuning:
    """What the folds' out-of-fold predictions choose for a model trained on all articles."""

    fields: dict[str, Any]
    """Decoding settings tuned on every fold's out-of-fold predictions."""
    trace: dict[str, Any]
    """How the tuning went (scores of the settings tried)."""
    report: CVReport
    """The cross-validated figures: each fold decoded with settings, and classified with a
    stacker, chosen on the other folds only."""
    stacker: TechniqueStacker
    """The technique stacker fitted on every fold's out-of-fold rows."""
    stacker_rows: int
    """How many rows (gold span techniques) it was fitted on."""
    span_filter: SpanFilter
    """The span filter fitted on every fold's out-of-fold candidates."""
    filter_rows: int
    """How many candidates it was fitted on."""


def cv_decoding(corpus: Corpus, cv_dir: Path, progress: Progress | None = None) -> CVTuning:
    """Fit the span filter, tune decoding and fit the technique stacker cross-validated,
    and score them.

    Example:
        >>> # tuning = cv_decoding(Corpus.load(ptc), Path("~/spinscope-cv")); tuning.fields
    """
    folds, dirs = load_cv_folder(cv_dir)
    parts = fold_parts(corpus, folds, dirs, progress)
    span_filter, filter_rows = cv_span_filters(parts, dirs, progress)
    # Reloaded with their filters; the kept forward passes stay valid (same networks).
    parts = {k: p.with_model(Model.load(dirs[k])) for k, p in parts.items()}
    for k, fold_dir in enumerate(dirs):
        others = [p for j, p in parts.items() if j != k]
        fields_k, _ = tune_decoding(others)
        save_fold_decoding(fold_dir, fields_k)
        if progress:
            progress(f"fold {k}: decoding tuned on the other folds: {fields_k}")
    # Every later pass reads the kept forward passes: the encoder ran once per article.
    kept = {aid: fwd for part in parts.values() for aid, fwd in part.forwards.items()}
    stacker, rows = cv_stackers(corpus, folds, dirs, progress, kept)
    report = cross_validate(corpus, folds, lambda k: Model.load(dirs[k]), forwards=kept)
    fields, trace = tune_decoding(list(parts.values()))
    return CVTuning(fields, trace, report, stacker, rows, span_filter, filter_rows)
