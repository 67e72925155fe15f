"""Cross-validated figures: each fold's model scored on the articles it never saw.

A cross-validation folder holds ``folds.json`` (article id -> fold) and one model
directory per fold, ``fold0/``, ``fold1/``, ..., each trained on the other folds' articles.
Every article is predicted once, by the model that did not see it, and the figures are
given two ways: per fold (mean and spread, which shows how much one split can mislead)
and pooled over all out-of-fold predictions (the steadier number, scored as one corpus).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._errors import InputError
from .._ingest import load_json
from .._pipeline import Forward, Model
from .._techniques import TECHNIQUE_NAMES, get_technique
from ._corpus import Corpus, Label
from ._evaluate import classify_labels, predict_labels
from ._scorer import score_e2e, score_si, score_tc

MEASURES = ("si_f1", "tc_micro_f1", "e2e_micro_f1", "e2e_macro_f1")


@dataclass(frozen=True)
class Predictions:
    """What the models predicted for a set of articles, for the three tasks."""

    si: list[Label]
    tc: list[Label]
    e2e: list[Label]


def figures(gold: Sequence[Label], pred: Predictions) -> dict[str, Any]:
    """The main measures and per-technique F1 of ``pred`` against ``gold``.

    Example:
        >>> g = [Label("1", 0, 4, "Doubt")]
        >>> f = figures(g, Predictions(g, g, g))
        >>> f["si_f1"], f["tc_micro_f1"], f["e2e_micro_f1"], f["tc"]["Doubt"]
        (1.0, 1.0, 1.0, 1.0)
    """
    tc = score_tc(gold, pred.tc)
    e2e = score_e2e(gold, pred.e2e)
    return {
        "si_f1": score_si(gold, pred.si).f1,
        "tc_micro_f1": tc.micro.f1,
        "e2e_micro_f1": e2e.micro.f1,
        "e2e_macro_f1": e2e.macro_f1,
        "tc": {k: v.f1 for k, v in tc.per_technique.items()},
        "e2e": {k: v.f1 for k, v in e2e.per_technique.items()},
    }


@dataclass(frozen=True)
class CVReport:
    """Per-fold and pooled figures of a cross-validation."""

    folds: list[dict[str, Any]]
    pooled: dict[str, Any]
    n_articles: int

    def spread(self, measure: str, technique_task: str | None = None) -> tuple[float, float]:
        """Mean and standard deviation over folds of a measure (or of one technique's F1,
        with ``technique_task`` ``"tc"`` or ``"e2e"`` and ``measure`` the technique)."""
        if technique_task is None:
            values = [f[measure] for f in self.folds]
        else:
            values = [f[technique_task].get(measure, 0.0) for f in self.folds]
        sd = statistics.stdev(values) if len(values) > 1 else 0.0
        return statistics.fmean(values), sd

    def to_dict(self) -> dict[str, Any]:
        """Plain numbers, for ``--json`` and the model card."""
        return {
            "articles": self.n_articles,
            "folds": len(self.folds),
            "pooled": _rounded(self.pooled),
            "mean": {m: round(self.spread(m)[0], 4) for m in MEASURES},
            "sd": {m: round(self.spread(m)[1], 4) for m in MEASURES},
            "per_fold": [_rounded(f) for f in self.folds],
        }


def _rounded(found: dict[str, Any]) -> dict[str, Any]:
    return {
        k: ({t: round(x, 4) for t, x in v.items()} if isinstance(v, dict) else round(v, 4))
        for k, v in found.items()
    }


def predict_fold(
    model: Model, corpus: Corpus, forwards: Mapping[str, Forward] | None = None
) -> Predictions:
    """One fold model's predictions on its held-out articles (gold spans for TC); an
    article with a kept forward pass in ``forwards`` is read from it, without inference."""
    kept = forwards or {}
    sources = {aid: kept.get(aid, text) for aid, text in corpus.articles.items()}
    si, e2e = predict_labels(model, sources)
    return Predictions(si, classify_labels(model, sources, corpus.labels), e2e)


def cross_validate(
    corpus: Corpus,
    folds: Mapping[str, int],
    model_of: Callable[[int], Model],
    progress: Callable[[int], None] | None = None,
    forwards: Mapping[str, Forward] | None = None,
) -> CVReport:
    """Score every fold's model on its held-out articles; pool the predictions too.
    ``forwards`` may hold articles' forward passes, each made by its own fold's network
    (``Model.forward``), so that the encoder does not run again for them.

    Raises:
        InputError: when an article of the corpus has no fold.
    """
    missing = sorted(set(corpus.articles) - set(folds))
    if missing:
        raise InputError(f"{len(missing)} articles have no fold (first: {missing[0]})")
    per_fold, pooled = [], Predictions([], [], [])
    for k in sorted(set(folds.values())):
        held = corpus.subset(a for a in corpus.articles if folds[a] == k)
        found = predict_fold(model_of(k), held, forwards)
        per_fold.append(figures(held.labels, found))
        pooled.si.extend(found.si)
        pooled.tc.extend(found.tc)
        pooled.e2e.extend(found.e2e)
        if progress:
            progress(k)
    return CVReport(per_fold, figures(corpus.labels, pooled), len(corpus.articles))


def load_cv_folder(folder: Path) -> tuple[dict[str, int], list[Path]]:
    """The fold of each article and the fold model directories of a CV folder.

    Raises:
        InputError: when ``folds.json`` is missing or is not an object of article id ->
            fold number, or a fold's model directory is missing.
    """
    path = folder / "folds.json"
    try:
        doc = load_json(path.read_bytes(), str(path))
    except OSError as exc:
        raise InputError(f"{folder}: no readable folds.json ({exc.strerror})") from None
    # Each article's fold is a whole number (bool is an int to Python, not a fold).
    if (
        not doc
        or not isinstance(doc, dict)
        or any(type(v) is not int or v < 0 for v in doc.values())
    ):
        raise InputError(f"{path}: expected an object of article id -> fold number")
    folds: dict[str, int] = {str(k): v for k, v in doc.items()}
    dirs = [folder / f"fold{k}" for k in sorted(set(folds.values()))]
    absent = [str(d) for d in dirs if not (d / "config.json").is_file()]
    if absent:
        raise InputError(f"fold model directories missing: {', '.join(absent)}")
    return folds, dirs


def format_cv(report: CVReport) -> str:
    """A plain-text table: pooled figure, fold mean ± sd, per technique."""
    names = {
        "si_f1": "SI F1",
        "tc_micro_f1": "TC micro-F1",
        "e2e_micro_f1": "end-to-end micro-F1",
        "e2e_macro_f1": "end-to-end macro-F1",
    }
    lines = [
        f"articles: {report.n_articles} in {len(report.folds)} folds "
        "(each predicted by the fold model that did not see it)",
        f"{'measure':<24}{'pooled':>8}{'mean':>9}{'sd':>8}",
    ]
    for m in MEASURES:
        mean, sd = report.spread(m)
        lines.append(f"{names[m]:<24}{report.pooled[m]:>8.4f}{mean:>9.4f}{sd:>8.4f}")
    lines += ["", f"{'technique':<40}{'TC pooled':>10}{'TC sd':>7}{'e2e pooled':>11}{'e2e sd':>8}"]
    for t in TECHNIQUE_NAMES:
        lines.append(
            f"{get_technique(t).title:<40}{report.pooled['tc'].get(t, 0.0):>10.4f}"
            f"{report.spread(t, 'tc')[1]:>7.4f}{report.pooled['e2e'].get(t, 0.0):>11.4f}"
            f"{report.spread(t, 'e2e')[1]:>8.4f}"
        )
    return "\n".join(lines)
