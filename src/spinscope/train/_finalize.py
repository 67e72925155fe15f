"""After fitting and tuning: check calibration, compare precisions, write the model card.

Everything here runs the exported ONNX network through the same runtime code users get,
so the figures in the model card are the figures of the shipped model.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .._pipeline import Model
from .._semeval import (
    Corpus,
    CVReport,
    Report,
    format_cv,
    format_scores,
    predict_labels,
    score_e2e,
    score_si,
)
from ._hf_card import write_hf_readme


def reliability(pairs: Sequence[tuple[Model, Corpus]], bins: int = 5) -> list[dict[str, Any]]:
    """Calibration check: per confidence bin, mean confidence and share of spans that hit
    gold, pooled over each model's held-out articles."""
    rows: list[list[tuple[float, bool]]] = [[] for _ in range(bins)]
    for model, val in pairs:
        gold_by: dict[tuple[str, str | None], list[tuple[int, int]]] = defaultdict(list)
        for g in val.labels:
            gold_by[(g.article_id, g.technique)].append((g.start, g.end))
        for aid, text in val.articles.items():
            for s in model.predict(text):
                ok = any(a < s.end and s.start < b for a, b in gold_by[(aid, s.technique)])
                rows[min(bins - 1, int(s.confidence * bins))].append((s.confidence, ok))
    return [
        {
            "bin": f"{i / bins:.1f}-{(i + 1) / bins:.1f}",
            "spans": len(r),
            "mean_confidence": round(float(np.mean([c for c, _ in r])), 3),
            "hit_rate": round(float(np.mean([h for _, h in r])), 3),
        }
        for i, r in enumerate(rows)
        if r
    ]


def compare_fp32(fp32: Model, int8: Model, val: Corpus) -> dict[str, float]:
    """SI and end-to-end F1 of the fp32 and int8 networks under the same decoding."""
    out = {}
    for name, m in (("fp32", fp32), ("int8", int8)):
        si, pred = predict_labels(m, val.articles)
        out[f"{name}_si_f1"] = round(score_si(val.labels, si).f1, 4)
        out[f"{name}_e2e_micro_f1"] = round(score_e2e(val.labels, pred).micro.f1, 4)
    return out


def write_card(
    folder: Path,
    meta: dict[str, Any],
    report: Report | None = None,
    cv_report: CVReport | None = None,
) -> None:
    """Write ``MODEL_CARD.md``, ``README.md`` (the card with the Hugging Face metadata
    header, from ``config.json``, saved before) and ``validation.json``: the figures of the
    validation split (``report``) or of the cross-validation (``cv_report``)."""
    figures = cv_report.to_dict() if cv_report is not None else report.to_dict() if report else {}
    key = "cv_report" if cv_report is not None else "report"
    (folder / "validation.json").write_text(
        json.dumps({key: figures, **meta}, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    if cv_report is not None:
        figures_text = _card_cv_figures(cv_report, meta)
    elif report is not None:
        figures_text = _card_figures(report, meta)
    else:
        raise ValueError("write_card needs a report or a cv_report")
    card = "\n".join([_card_model(meta), _card_training(meta), _card_decoding(meta), figures_text])
    (folder / "MODEL_CARD.md").write_text(card, encoding="utf-8")
    write_hf_readme(folder)


def _card_model(meta: dict[str, Any]) -> str:
    cfg = meta["config"]
    if meta["n_val"]:
        validation = (
            f"Validation: every 5th article by numeric id ({meta['n_val']} articles; ids listed"
            " in\n`validation.json`)."
        )
    else:
        validation = (
            f"Validation: {meta['cv_folds']}-fold cross-validation by article (near duplicates"
            " kept in one fold):\none network with these settings per fold, fitted on the other"
            " folds, predicts it."
        )
    return f"""# spinscope model card: {cfg["model_id"]}

Token tagger (BIO), span technique classifier and end-to-end multi-label technique head
for the 14 propaganda techniques of SemEval-2020 Task 11, fine-tuned from {cfg["encoder"]}
(first {cfg["layers"]} layers), exported to ONNX with int8 weights ({meta["precision"]} shipped).
Runs on onnxruntime; no torch needed.{_card_extras(meta)}

## Data
Propaganda Techniques Corpus, training split only ({meta["n_train"]} articles for fitting).
{validation} The corpus's dev and test splits were not used.
"""


def _card_extras(meta: dict[str, Any]) -> str:
    """The evidence index and, for a distilled network, its teacher, in words."""
    lines = []
    if meta.get("evidence_rows"):
        lines.append(
            f"Evidence index: the tagger's vectors of the {meta['evidence_rows']} annotated"
            " technique fragments of the fitting articles (`evidence.npz`), shown as the"
            " most similar examples of each found span."
        )
    teacher = meta["train"].get("teacher")
    if teacher:
        lines.append(
            f"Distilled from the teacher network `{teacher}` (soft targets weighted"
            f" {meta['train'].get('distill')})."
        )
    if meta["train"].get("transfer"):
        lines.append(
            "Also fitted on the unlabelled texts of"
            f" `{meta['train'].get('transfer_texts')}` against the teacher's O/B/I targets"
            f" alone (`{meta['train']['transfer']}`)."
        )
    return "".join("\n" + line for line in lines)


def _card_training(meta: dict[str, Any]) -> str:
    tr = meta["train"]
    finalize = ""
    if meta["command"] != meta["fit_command"]:
        finalize = (
            "The network was fitted by the command above; export, tuning and this card come from\n"
            f"`{meta['command']}` (same checkpoint).\n"
        )
    return f"""## Command
```
{meta["fit_command"]}
```
{finalize}
Seed {tr["seed"]}; {tr["epochs"]} epochs, batch {tr["batch_size"]}, learning rate {tr["lr"]}
(heads {tr["head_lr"]}), windows of {tr["window_size"]} tokens overlapping by
{tr["window_overlap"]}.{_card_fitting(tr)} Fitting took {meta["fit_seconds"]:.0f} s on \
{meta["machine"]}.
"""


def _card_fitting(tr: dict[str, Any]) -> str:
    """What the card says of a partly frozen or bfloat16 fit (nothing for a plain one)."""
    notes = []
    if tr.get("freeze_layers"):
        notes.append(f" The embeddings and the first {tr['freeze_layers']} layers kept as loaded.")
        if tr.get("cache_frozen"):
            notes.append(" Their states computed once, without dropout.")
    if tr.get("bf16"):
        notes.append(" Computed in bfloat16.")
    return "".join(notes)


def _card_decoding(meta: dict[str, Any]) -> str:
    cfg = meta["config"]
    if meta["n_val"]:
        where = "the validation split"
        caveat = (
            "The thresholds were chosen on the\nsame articles the figures below are measured on,"
            " so the figures are slightly optimistic."
        )
    else:
        where = "out-of-fold predictions"
        caveat = (
            "They were chosen on the out-of-fold\npredictions of all folds pooled; in the"
            " figures below each fold is decoded with settings\nchosen on the other folds only."
        )
    return f"""## Decoding (tuned on {where})
Span threshold {cfg["span_threshold"]}; passages (span identification) join found spans of a
line up to {cfg["si_merge_gap"]} characters apart; besides its most probable technique a
span gets every technique whose end-to-end probability reaches {cfg["label_floor"]};
confidence threshold {cfg["confidence_threshold"]}, calibration (a, b) =
({cfg["calibration"][0]:.3f}, {cfg["calibration"][1]:.3f}). {caveat}
Span identification (SI) is scored on the passages; end to end on the spans with
techniques at the confidence threshold.{_card_filter(meta)}{_card_stacker(meta)}
"""


def _card_filter(meta: dict[str, Any]) -> str:
    rows = meta.get("filter_rows")
    if not rows:
        return ""
    keep = meta["config"].get("keep_threshold", 0.0)
    return f"""
Candidates are decoded at the span threshold above and kept when the span filter
(`span_filter.npz`) scores them at least {keep}: a logistic regression over each
candidate's span confidence, both heads' answers and article features, fitted on {rows}
out-of-fold candidates (in the figures below each fold's filter was fitted on the other
folds only)."""


def _card_stacker(meta: dict[str, Any]) -> str:
    rows = meta.get("stacker_rows")
    if not rows:
        return ""
    return f"""
Given spans (the TC task, `spinscope classify`) are classified by the technique stacker
(`technique_stacker.npz`): a logistic regression over the span head's probabilities and
article features (whether the span's words recur, whether another given span has the same
text), fitted on {rows} out-of-fold span-head predictions; in the figures below each fold's
stacker was fitted on the other folds only."""


def _card_figures(report: Report, meta: dict[str, Any]) -> str:
    return f"""## Validation figures (shipped {meta["precision"]} network)
```
{format_scores(report)}
```

fp32 versus int8 under the same decoding: {json.dumps(meta["fp32_vs_int8"])};
mean cosine of token states fp32/int8: {meta["hidden_cosine"]:.4f}.

Calibration check (confidence bin, spans, mean confidence, share that overlap a gold span of
the same technique): {json.dumps(meta["reliability"])}
{_card_limits(meta)}"""


def _card_cv_figures(report: CVReport, meta: dict[str, Any]) -> str:
    return f"""## Cross-validated figures (int8 fold networks, as shipped)
Reproduce with `spinscope evaluate --corpus PTC --cv {meta.get("cv_dir", "CV_DIR")}`.
```
{format_cv(report)}
```

Calibration check over the out-of-fold predictions (confidence bin, spans, mean confidence,
share that overlap a gold span of the same technique): {json.dumps(meta["reliability"])}
{_card_limits(meta)}"""


def _card_limits(meta: dict[str, Any]) -> str:
    basis = "the validation split" if meta["n_val"] else "out-of-fold predictions"
    return f"""
## Limits
English news only; trained on {meta["n_train"]} articles, so rare techniques
(Thought-terminating clichés, Bandwagon, Whataboutism) are found seldom. Confidences are
calibrated on {basis} by span overlap, not exact boundaries.
"""
