"""Training: fit the network with torch, export it to ONNX, tune and document it; or
fine-tune an existing model on a team's corrections (:func:`finetune`).

Needs the ``train`` extra (torch, transformers, the encoder wheel). Nothing outside this
subpackage imports torch, and importing it does not either: each entry point sets torch's
environment up first (:func:`._setup.prepare_torch`), then imports the modules that use it.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._errors import TrainingError
from .._pipeline import Model, ModelConfig
from .._semeval import Corpus, CVReport, Report, evaluate, validation_ids
from ._finetune import finetune
from ._finetune_card import FinetuneOptions, FinetuneResult, format_comparison
from ._hf_card import render_hf_readme, write_hf_readme
from ._setup import DEFAULT_ENCODER_NAME, default_encoder, encoder_dir, prepare_torch

if TYPE_CHECKING:
    from ._fit import TrainConfig

SHIPPED_FILES = (
    "config.json",
    "tokenizer.json",
    "tagger.onnx",
    "span_head.onnx",
    "e2e_head.onnx",
    "evidence.npz",
    "technique_stacker.npz",
    "span_filter.npz",
    "MODEL_CARD.md",
    "README.md",
)

__all__ = [
    "FinetuneOptions",
    "FinetuneResult",
    "default_encoder",
    "finetune",
    "format_comparison",
    "render_hf_readme",
    "ship",
    "train",
    "write_hf_readme",
]


@dataclass(frozen=True)
class _Split:
    """The corpus and its split: articles to fit on and articles to validate on."""

    corpus: Corpus
    train_ids: list[str]
    val_ids: list[str]
    val: Corpus

    @classmethod
    def of(cls, corpus: Corpus, cv: bool) -> _Split:
        """Every 5th article by id held out; with ``cv``, every article fitted on (the
        cross-validation folds validate instead)."""
        val_ids = [] if cv else validation_ids(corpus.articles)
        train_ids = sorted(set(corpus.articles) - set(val_ids))
        return cls(corpus, train_ids, val_ids, corpus.subset(val_ids))


def train(
    corpus: Path | Corpus,
    out: Path,
    encoder: Path | None = None,
    seed: int = 13,
    epochs: int = 4,
    layers: int = 4,
    max_steps: int = 0,
    from_checkpoint: bool = False,
    command: str = "",
    cv: Path | None = None,
    *,
    lr: float = 8e-5,
    teacher: Path | None = None,
    distill: float = 0.5,
    device: str = "cpu",
) -> Report | CVReport:
    """Train a model on a labelled corpus (a PTC-format folder, or a :class:`Corpus` read
    from anything else) and write a loadable model directory to ``out``.

    Without ``cv``, every 5th article by id is held out for validation; decoding is tuned
    and the figures are measured on it. With ``cv`` (a folder of fold networks, see
    :mod:`spinscope.train._cv`), the network is fitted on every article, decoding is tuned
    on the folds' out-of-fold predictions and the figures are cross-validated. Either way
    they are saved with the model (``config.json``, ``validation.json``, ``MODEL_CARD.md``);
    ``out/torch`` keeps the torch checkpoint. With ``teacher`` (``OUT/torch`` of a network
    fitted on the same articles), the network is distilled from it (weight ``distill``,
    :mod:`spinscope.train._distill`). ``device`` is where torch fits (``cuda`` on a GPU).

    Example:
        >>> # report = train(Path("../shared/ptc/train"), Path("runs/v1"))
    """
    prepare_torch()
    from ._export import export_checkpoint
    from ._fit import TrainConfig

    loaded = corpus if isinstance(corpus, Corpus) else Corpus.load(corpus)
    split = _Split.of(loaded, cv is not None)
    enc_path = encoder_dir(encoder)
    out.mkdir(parents=True, exist_ok=True)
    settings = TrainConfig(str(enc_path), seed, epochs, lr=lr, layers=layers, max_steps=max_steps)
    if teacher is not None:
        settings = replace(settings, teacher=str(teacher), distill=distill)
    _fit_unless_continuing(split, settings, out, from_checkpoint, command, device)
    export_checkpoint(
        out, out / "torch", DEFAULT_ENCODER_NAME if encoder is None else enc_path.name
    )
    e2e_rows = _fit_e2e_head(out, split, seed)
    run = {
        "command": command or f"spinscope train --corpus {corpus} --out {out}",
        "given_command": command,
        "e2e_head_rows": e2e_rows,
    }
    if cv is not None:
        return _finish_cv(out, split, cv, run)
    return _finish_split(out, split, run)


def _finish_split(out: Path, split: _Split, run: dict[str, Any]) -> Report:
    """Tune decoding on the validation split, choose the precision, measure, document."""
    from ._tuning import Part, tune_decoding

    int8 = Model.load(out, tagger_file="tagger.int8.onnx")
    fields, trace = tune_decoding([Part(int8, split.val)])
    int8 = int8.with_config(replace(int8.config, **fields))
    final, precision, versus = _choose_precision(out, int8, split.val)
    report = evaluate(final, split.val, split.corpus.subset(split.train_ids).labels)
    config = _save_validated_config(out, final.config, _split_figures(report))
    run |= {"precision": precision, "fp32_vs_int8": versus, "tuning": trace}
    run["evidence_rows"] = _write_evidence(out, split)
    _document(out, config, split, run, report=report, final=final)
    return report


def _finish_cv(out: Path, split: _Split, cv: Path, run: dict[str, Any]) -> CVReport:
    """Tune decoding on the CV folds' out-of-fold predictions; ship int8, the precision the
    folds were scored with; document the cross-validated figures."""
    from ._cv import cv_decoding

    tuning = cv_decoding(split.corpus, cv)
    report = tuning.report
    shutil.copyfile(out / "tagger.int8.onnx", out / "tagger.onnx")
    tuning.stacker.save(out)
    tuning.span_filter.save(out)
    final = Model.load(out)
    config = replace(final.config, **tuning.fields)
    config = _save_validated_config(out, config, _cv_figures(report))
    run |= {"precision": "int8", "tuning": tuning.trace, "cv_dir": str(cv)}
    run["stacker_rows"] = tuning.stacker_rows
    run["filter_rows"] = tuning.filter_rows
    run["evidence_rows"] = _write_evidence(out, split)
    _document(out, config, split, run, cv_report=report)
    return report


def _write_evidence(out: Path, split: _Split) -> int:
    """The evidence index of the finished model over its training articles' annotated
    spans (``evidence.npz``); returns how many fragments it holds."""
    from ._evidence import build_index

    index = build_index(Model.load(out), split.corpus, split.train_ids)
    index.save(out)
    return sum(len(texts) for texts in index.texts.values())


def _fit_unless_continuing(
    split: _Split,
    settings: TrainConfig,
    out: Path,
    from_checkpoint: bool,
    command: str,
    device: str,
) -> None:
    """Fit the network, or check that ``out/torch`` holds a checkpoint to continue from."""
    from ._fit import fit

    ckpt = out / "torch"
    if from_checkpoint:
        if not (ckpt / "train.json").is_file():
            raise TrainingError(f"{ckpt}: no checkpoint to continue from")
    else:
        fit(split.corpus, split.train_ids, settings, out, command, device)


def _fit_e2e_head(out: Path, split: _Split, seed: int) -> int:
    """Fit the end-to-end head, export it and keep its weights; the number of rows it saw."""
    from ._e2e_head import export_e2e_head, fit_e2e_head, save_e2e_head, stage_data

    (out / "e2e_head.onnx").unlink(missing_ok=True)
    tagger_only = Model.load(out, tagger_file="tagger.int8.onnx")
    # The head learns from spans found at a lower threshold than decoding uses, so it also
    # sees borderline spans; few epochs, since the tagger already fits these articles.
    stage_model = tagger_only.with_config(replace(tagger_only.config, span_threshold=0.2))
    x, y = stage_data(stage_model, split.corpus, split.train_ids)
    e2e_head = fit_e2e_head(x, y, seed, epochs=10)
    export_e2e_head(e2e_head, x.shape[1], out)
    save_e2e_head(e2e_head, out / "torch")
    return len(x)


def _choose_precision(out: Path, int8: Model, val: Corpus) -> tuple[Model, str, dict[str, float]]:
    """Ship the int8 tagger unless its F1 is more than 0.01 off the fp32 one's; returns the
    shipped model, its precision and both networks' figures."""
    from ._finalize import compare_fp32

    fp32 = Model.load(out, tagger_file="tagger.fp32.onnx").with_config(int8.config)
    versus = compare_fp32(fp32, int8, val)
    close = all(
        abs(versus[f"fp32_{k}"] - versus[f"int8_{k}"]) <= 0.01 for k in ("si_f1", "e2e_micro_f1")
    )
    precision = "int8" if close else "fp32"
    shutil.copyfile(out / f"tagger.{precision}.onnx", out / "tagger.onnx")
    return Model.load(out).with_config(int8.config), precision, versus


def _split_figures(report: Report) -> dict[str, Any]:
    figures = report.to_dict()
    return {
        "split": "every 5th PTC train article by numeric id",
        "si_f1": figures["si"]["f1"],
        "tc_micro_f1": figures["tc_micro_f1"],
        "e2e_micro_f1": figures["e2e_micro"]["f1"],
        "e2e_macro_f1": figures["e2e_macro_f1"],
    }


def _cv_figures(report: CVReport) -> dict[str, Any]:
    pooled = report.to_dict()["pooled"]
    return {
        "split": f"{len(report.folds)}-fold cross-validation over {report.n_articles} articles",
        **{m: pooled[m] for m in ("si_f1", "tc_micro_f1", "e2e_micro_f1", "e2e_macro_f1")},
    }


def _save_validated_config(out: Path, config: ModelConfig, figures: dict[str, Any]) -> ModelConfig:
    validated = replace(config, validation=figures)
    validated.save(out)
    return validated


def _document(
    out: Path,
    config: ModelConfig,
    split: _Split,
    run: dict[str, Any],
    report: Report | None = None,
    final: Model | None = None,
    cv_report: CVReport | None = None,
) -> None:
    """Write the model card and ``validation.json`` with the figures measured."""
    from ._export import hidden_cosine
    from ._finalize import reliability, write_card

    trained: dict[str, Any] = json.loads((out / "torch" / "train.json").read_text(encoding="utf-8"))
    meta: dict[str, Any] = {
        "config": {**config.__dict__},
        "train": trained["config"],
        "n_train": len(split.train_ids),
        "n_val": len(split.val_ids),
        "val_ids": split.val_ids,
        "command": run["command"],
        "fit_command": trained.get("command") or run["given_command"],
        "fit_seconds": float(trained.get("fit_seconds", 0.0)),
        "machine": f"{platform.machine()} with {os.cpu_count()} CPU cores",
        "precision": run["precision"],
        "tuning": run["tuning"],
        "e2e_head_rows": run["e2e_head_rows"],
        "evidence_rows": run.get("evidence_rows", 0),
        "stacker_rows": run.get("stacker_rows", 0),
        "filter_rows": run.get("filter_rows", 0),
    }
    if final is not None and report is not None:
        val_texts = [split.val.articles[a] for a in split.val_ids[:4]]
        meta["fp32_vs_int8"] = run["fp32_vs_int8"]
        meta["hidden_cosine"] = hidden_cosine(out, final, val_texts)
        meta["reliability"] = reliability([(final.with_config(config), split.val)])
    if cv_report is not None:
        from ._cv import fold_models

        meta["cv_dir"] = run["cv_dir"]
        meta["cv_folds"] = len(cv_report.folds)
        meta["reliability"] = reliability(fold_models(split.corpus, Path(run["cv_dir"])))
    write_card(out, meta, report=report, cv_report=cv_report)


def ship(out: Path, package_model_dir: Path) -> None:
    """Copy the files a model directory needs from a training output ``out``."""
    package_model_dir.mkdir(parents=True, exist_ok=True)
    for name in SHIPPED_FILES:
        shutil.copyfile(out / name, package_model_dir / name)
