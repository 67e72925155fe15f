"""After fitting: tune decoding on the validation split, calibrate confidences, measure, document.

Everything here runs the exported ONNX network through the same runtime code users get,
so the figures in the model card are the figures of the shipped model.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .._pipeline import Model, choose_techniques, join_nearby
from .._semeval import Corpus, Label, Report, format_scores, predict_labels, score_e2e, score_si

SPAN_THRESHOLDS = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
MERGE_GAPS = (0, 12, 25, 50, 80)
LABEL_FLOORS = (1.01, 0.7, 0.5, 0.4, 0.3, 0.2)
CONFIDENCE_THRESHOLDS = tuple(round(0.02 * i, 2) for i in range(31))


def fit_calibration(
    raw: npt.NDArray[np.float64], hit: npt.NDArray[np.float64]
) -> tuple[float, float]:
    """Logistic regression of ``hit`` on ``logit(raw)``: ``(a, b)``.

    Damped Newton steps (halved until the log loss falls) with a small ridge towards the
    identity keep the fit finite and stable.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> raw = rng.uniform(0.01, 0.99, 4000)
        >>> a, b = fit_calibration(raw, (rng.uniform(size=4000) < raw).astype(float))
        >>> round(a, 1), round(b, 1)
        (1.0, 0.0)
    """
    p = np.clip(raw, 1e-6, 1 - 1e-6)
    x = np.stack([np.log(p / (1 - p)), np.ones_like(p)], axis=1)
    prior = np.array([1.0, 0.0])
    ridge = 1e-3 * len(p)

    def loss(w: npt.NDArray[np.float64]) -> float:
        z = x @ w
        return float(np.sum(np.logaddexp(0, z) - hit * z) + 0.5 * ridge * np.sum((w - prior) ** 2))

    w = prior.copy()
    current = loss(w)
    for _ in range(100):
        q = 1 / (1 + np.exp(-np.clip(x @ w, -30, 30)))
        grad = x.T @ (q - hit) + ridge * (w - prior)
        hess = x.T @ (x * (q * (1 - q))[:, None]) + ridge * np.eye(2)
        step = np.linalg.solve(hess, grad)
        scale = 1.0
        while scale > 1e-4 and loss(w - scale * step) > current:
            scale /= 2
        w = w - scale * step
        previous, current = current, loss(w)
        if previous - current < 1e-9:
            break
    return float(w[0]), float(w[1])


def tune_span_threshold(model: Model, val: Corpus) -> tuple[float, int, dict[str, float]]:
    """The decoding threshold and passage merge gap with the best span identification F1
    on ``val``."""
    forwards = {aid: model.forward(t) for aid, t in val.articles.items()}
    trace = {}
    for t in SPAN_THRESHOLDS:
        found = {
            aid: [(c.start, c.end) for c in model.candidates(f, t)] for aid, f in forwards.items()
        }
        for gap in MERGE_GAPS:
            pred = [
                Label(aid, a, b)
                for aid, spans in found.items()
                for a, b in join_nearby(val.articles[aid], spans, gap)
            ]
            trace[f"{t}/{gap}"] = round(score_si(val.labels, pred).f1, 4)
    best = max(trace, key=lambda k: trace[k])
    best_threshold, best_gap = best.split("/")
    return float(best_threshold), int(best_gap), trace


def tune_e2e(model: Model, val: Corpus) -> tuple[Model, dict[str, Any]]:
    """Choose the multi-label floor and the confidence threshold for end-to-end micro-F1 on
    ``val``, and fit the confidence calibration there."""
    gold = val.labels
    cands = {aid: model.candidates(text) for aid, text in val.articles.items()}
    plain = replace(model.config, calibration=(1.0, 0.0))
    trace: dict[str, Any] = {"label_floor": {}, "confidence_threshold": {}}

    def e2e_labels(config: Any, floor: float, threshold: float = 0.0) -> list[Label]:
        return [
            Label(aid, s.start, s.end, s.technique)
            for aid, cs in cands.items()
            for s in choose_techniques(cs, config, floor)
            if s.confidence >= threshold
        ]

    for floor in LABEL_FLOORS:
        trace["label_floor"][floor] = round(score_e2e(gold, e2e_labels(plain, floor)).micro.f1, 4)
    best_floor = max(trace["label_floor"], key=lambda f: trace["label_floor"][f])
    gold_by: dict[tuple[str, str | None], list[tuple[int, int]]] = defaultdict(list)
    for g in gold:
        gold_by[(g.article_id, g.technique)].append((g.start, g.end))
    raw, hit = [], []
    for aid, cs in cands.items():
        for s in choose_techniques(cs, plain, best_floor):
            raw.append(s.confidence)
            hit.append(any(a < s.end and s.start < b for a, b in gold_by[(aid, s.technique)]))
    calibration = fit_calibration(np.array(raw), np.array(hit, dtype=float)) if raw else (1.0, 0.0)
    calibrated = replace(plain, label_floor=best_floor, calibration=calibration)
    for c in CONFIDENCE_THRESHOLDS:
        f1 = score_e2e(gold, e2e_labels(calibrated, best_floor, c)).micro.f1
        trace["confidence_threshold"][c] = round(f1, 4)
    best_c = max(trace["confidence_threshold"], key=lambda c: trace["confidence_threshold"][c])
    return model.with_config(replace(calibrated, confidence_threshold=best_c)), trace


def reliability(model: Model, val: Corpus, bins: int = 5) -> list[dict[str, Any]]:
    """Calibration check: per confidence bin, mean confidence and share of spans that hit gold."""
    gold_by: dict[tuple[str, str | None], list[tuple[int, int]]] = defaultdict(list)
    for g in val.labels:
        gold_by[(g.article_id, g.technique)].append((g.start, g.end))
    rows: list[list[tuple[float, bool]]] = [[] for _ in range(bins)]
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


def write_card(folder: Path, report: Report, meta: dict[str, Any]) -> None:
    """Write ``MODEL_CARD.md`` and ``validation.json``."""
    figures = report.to_dict()
    (folder / "validation.json").write_text(
        json.dumps({"report": figures, **meta}, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    card = "\n".join(
        [_card_model(meta), _card_training(meta), _card_decoding(meta), _card_figures(report, meta)]
    )
    (folder / "MODEL_CARD.md").write_text(card, encoding="utf-8")


def _card_model(meta: dict[str, Any]) -> str:
    cfg = meta["config"]
    return f"""# spinscope model card: {cfg["model_id"]}

Token tagger (BIO), span technique classifier and end-to-end multi-label technique head
for the 14 propaganda techniques of SemEval-2020 Task 11, fine-tuned from {cfg["encoder"]}
(first {cfg["layers"]} layers), exported to ONNX with int8 weights ({meta["precision"]} shipped).
Runs on onnxruntime; no torch needed.

## Data
Propaganda Techniques Corpus, training split only ({meta["n_train"]} articles for fitting).
Validation: every 5th article by numeric id ({meta["n_val"]} articles; ids listed in
`validation.json`). The corpus's dev and test splits were not used.
"""


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
{tr["window_overlap"]}. Fitting took {meta["fit_seconds"]:.0f} s on {meta["machine"]}.
"""


def _card_decoding(meta: dict[str, Any]) -> str:
    cfg = meta["config"]
    return f"""## Decoding (tuned on the validation split)
Span threshold {cfg["span_threshold"]}; passages (span identification) join found spans of a
line up to {cfg["si_merge_gap"]} characters apart; besides its most probable technique a
span gets every technique whose end-to-end probability reaches {cfg["label_floor"]};
confidence threshold {cfg["confidence_threshold"]}, calibration (a, b) =
({cfg["calibration"][0]:.3f}, {cfg["calibration"][1]:.3f}). The thresholds were chosen on the
same articles the figures below are measured on, so the figures are slightly optimistic.
Span identification (SI) is scored on the passages; end to end on the spans with
techniques at the confidence threshold.
"""


def _card_figures(report: Report, meta: dict[str, Any]) -> str:
    return f"""## Validation figures (shipped {meta["precision"]} network)
```
{format_scores(report)}
```

fp32 versus int8 under the same decoding: {json.dumps(meta["fp32_vs_int8"])};
mean cosine of token states fp32/int8: {meta["hidden_cosine"]:.4f}.

Calibration check (confidence bin, spans, mean confidence, share that overlap a gold span of
the same technique): {json.dumps(meta["reliability"])}

## Limits
English news only; trained on {meta["n_train"]} articles, so rare techniques
(Thought-terminating clichés, Bandwagon, Whataboutism) are found seldom. Confidences are
calibrated on the validation split by span overlap, not exact boundaries.
"""
