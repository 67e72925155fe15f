"""Decoding tuned on held-out predictions: span threshold, passage gap, keep threshold (of
the span filter, when the model has one), label floor, confidence calibration and
confidence threshold.

The same code tunes on one validation split or on the out-of-fold predictions of a
cross-validation. Either way the evidence is a list of :class:`Part`: a model and the
articles it never saw. Scores pool the parts into one corpus, as the SemEval scorer would
score their concatenated predictions.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import numpy.typing as npt

from .._pipeline import (
    ArticleIndex,
    Candidate,
    Forward,
    Model,
    choose_techniques,
    filter_inputs,
    join_nearby,
)
from .._semeval import Corpus, Label, score_e2e, score_si

SPAN_THRESHOLDS = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
# With a span filter, candidates are decoded at a low threshold and the filter's score
# decides (span threshold and keep threshold tuned together).
FILTER_SPAN_THRESHOLDS = (0.2, 0.25)
KEEP_THRESHOLDS = tuple(round(0.15 + 0.025 * i, 3) for i in range(13))
MERGE_GAPS = (0, 12, 25, 50, 80)
LABEL_FLOORS = (1.01, 0.7, 0.5, 0.4, 0.3, 0.2)
CONFIDENCE_THRESHOLDS = tuple(round(0.02 * i, 2) for i in range(31))
# The ModelConfig fields this module chooses; everything else is the network's own.
DECODING_FIELDS = (
    "span_threshold",
    "si_merge_gap",
    "label_floor",
    "calibration",
    "confidence_threshold",
    "keep_threshold",
)


class Part:
    """One model and the articles it never saw, with its forward passes kept.

    Decoding the kept states at another threshold costs no inference, so a grid search
    runs the encoder once per article.
    """

    def __init__(self, model: Model, corpus: Corpus) -> None:
        self.model = model
        self.corpus = corpus
        self._forwards: dict[str, Forward] = {
            aid: model.forward(text) for aid, text in corpus.articles.items()
        }
        self._candidates: dict[float, dict[str, list[Candidate]]] = {}
        self._scores: dict[float, dict[str, npt.NDArray[np.float64]]] = {}

    def with_model(self, model: Model) -> Part:
        """The same articles and kept forward passes under ``model``, which must share the
        network that made them (another config, a span filter added)."""
        part = copy.copy(self)
        part.model = model
        part._candidates, part._scores = {}, {}
        return part

    @property
    def forwards(self) -> Mapping[str, Forward]:
        """Each held-out article's kept forward pass, by article id."""
        return self._forwards

    def article_index(self, aid: str) -> ArticleIndex:
        """The article-wide counts of article ``aid`` (kept with its forward pass)."""
        return self._forwards[aid].index

    def candidates(self, threshold: float, keep: float = 0.0) -> dict[str, list[Candidate]]:
        """Every article's candidates at span ``threshold`` (cached), less those the model's
        span filter scores under ``keep`` (none when ``keep`` is 0 or there is no filter)."""
        if threshold not in self._candidates:
            every = self.model.with_config(replace(self.model.config, keep_threshold=0.0))
            self._candidates[threshold] = {
                aid: every.candidates(f, threshold) for aid, f in self._forwards.items()
            }
        found = self._candidates[threshold]
        span_filter = self.model.span_filter
        if keep <= 0 or span_filter is None:
            return found
        if threshold not in self._scores:
            self._scores[threshold] = {
                aid: span_filter.scores(filter_inputs(self._forwards[aid].index, cands))
                for aid, cands in found.items()
            }
        scores = self._scores[threshold]
        return {
            aid: [c for c, s in zip(cands, scores[aid], strict=True) if s >= keep]
            for aid, cands in found.items()
        }


def pooled_gold(parts: Sequence[Part]) -> list[Label]:
    """The gold labels of every part's articles."""
    return [lb for part in parts for lb in part.corpus.labels]


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


def tune_span(
    parts: Sequence[Part], thresholds: Sequence[float] = SPAN_THRESHOLDS
) -> tuple[float, int, float, dict[str, float]]:
    """The span threshold, passage merge gap and (with a span filter) keep threshold with
    the best pooled span identification F1; ``thresholds`` are the span thresholds tried
    without a filter.

    Returns:
        ``(threshold, gap, keep, trace)``, the trace keyed ``"threshold/gap"`` (with a
        filter ``"threshold/keep/gap"``); ``keep`` is 0 without a filter.
    """
    gold = pooled_gold(parts)
    filtered = all(part.model.span_filter is not None for part in parts)
    grid = (
        [(t, k) for t in FILTER_SPAN_THRESHOLDS for k in KEEP_THRESHOLDS]
        if filtered
        else [(t, 0.0) for t in thresholds]
    )
    trace = {}
    for t, keep in grid:
        found = [
            (part.corpus.articles[aid], aid, [(c.start, c.end) for c in cands])
            for part in parts
            for aid, cands in part.candidates(t, keep).items()
        ]
        for gap in MERGE_GAPS:
            pred = [
                Label(aid, a, b)
                for text, aid, spans in found
                for a, b in join_nearby(text, spans, gap)
            ]
            key = f"{t}/{keep}/{gap}" if filtered else f"{t}/{gap}"
            trace[key] = round(score_si(gold, pred).f1, 4)
    best = max(trace, key=lambda k: trace[k]).split("/")
    keep = float(best[1]) if filtered else 0.0
    return float(best[0]), int(best[-1]), keep, trace


def _e2e_labels(
    parts: Sequence[Part],
    threshold: float,
    floor: float,
    calibration: tuple[float, float],
    keep: float = 0.0,
) -> list[tuple[Label, float]]:
    """Every candidate's chosen techniques as labels with their confidence."""
    out = []
    for part in parts:
        config = replace(part.model.config, calibration=calibration)
        for aid, cands in part.candidates(threshold, keep).items():
            out += [
                (Label(aid, s.start, s.end, s.technique), s.confidence)
                for s in choose_techniques(cands, config, floor)
            ]
    return out


def _fit_pooled_calibration(
    parts: Sequence[Part], threshold: float, floor: float, keep: float = 0.0
) -> tuple[float, float]:
    """Calibration fitted on whether each chosen technique overlaps a gold span of it."""
    gold_by: dict[tuple[str, str | None], list[tuple[int, int]]] = defaultdict(list)
    for g in pooled_gold(parts):
        gold_by[(g.article_id, g.technique)].append((g.start, g.end))
    raw, hit = [], []
    for lb, conf in _e2e_labels(parts, threshold, floor, (1.0, 0.0), keep):
        raw.append(conf)
        spans = gold_by[(lb.article_id, lb.technique)]
        hit.append(any(a < lb.end and lb.start < b for a, b in spans))
    if not raw:
        return (1.0, 0.0)
    return fit_calibration(np.array(raw), np.array(hit, dtype=float))


def tune_labels(
    parts: Sequence[Part], threshold: float, keep: float = 0.0
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Label floor, calibration and confidence threshold for pooled end-to-end micro-F1,
    the spans found at span ``threshold`` (and kept at ``keep``).

    Returns:
        ``(fields, trace)``: the three ModelConfig fields and the scores tried.
    """
    gold = pooled_gold(parts)
    trace: dict[str, Any] = {"label_floor": {}, "confidence_threshold": {}}
    for floor in LABEL_FLOORS:
        pred = [lb for lb, _ in _e2e_labels(parts, threshold, floor, (1.0, 0.0), keep)]
        trace["label_floor"][floor] = round(score_e2e(gold, pred).micro.f1, 4)
    best_floor = max(trace["label_floor"], key=lambda f: trace["label_floor"][f])
    calibration = _fit_pooled_calibration(parts, threshold, best_floor, keep)
    labelled = _e2e_labels(parts, threshold, best_floor, calibration, keep)
    for c in CONFIDENCE_THRESHOLDS:
        f1 = score_e2e(gold, [lb for lb, conf in labelled if conf >= c]).micro.f1
        trace["confidence_threshold"][c] = round(f1, 4)
    best_c = max(trace["confidence_threshold"], key=lambda c: trace["confidence_threshold"][c])
    fields = {"label_floor": best_floor, "calibration": calibration, "confidence_threshold": best_c}
    return fields, trace


def tune_decoding(
    parts: Sequence[Part], thresholds: Sequence[float] = SPAN_THRESHOLDS
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Every decoding setting (:data:`DECODING_FIELDS`), tuned on the pooled parts
    (``thresholds``: the span thresholds tried without a span filter).

    Example:
        >>> # fields, trace = tune_decoding([Part(model, validation_corpus)])
        >>> # model = model.with_config(replace(model.config, **fields))
    """
    threshold, gap, keep, span_trace = tune_span(parts, thresholds)
    fields, trace = tune_labels(parts, threshold, keep)
    trace["span_threshold"] = span_trace
    spans = {"span_threshold": threshold, "si_merge_gap": gap, "keep_threshold": keep}
    return {**spans, **fields}, trace
