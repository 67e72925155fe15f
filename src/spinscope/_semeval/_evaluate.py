"""Running a model over a labelled corpus and scoring it next to simple baselines."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._errors import InputError
from .._pipeline import Forward, Model
from .._techniques import TECHNIQUE_NAMES, get_technique
from ._corpus import Corpus, Label
from ._scorer import SpanScore, TechniqueScores, score_e2e, score_si, score_tc

_LINE = re.compile(r"[^\n]+")


def line_baseline(articles: Mapping[str, str], technique: str | None = None) -> list[Label]:
    """Every non-empty line as one span (the SI baseline), optionally with one technique.

    Example:
        >>> [(lb.start, lb.end) for lb in line_baseline({"1": "Title\\n\\nBody text"})]
        [(0, 5), (7, 16)]
    """
    return [
        Label(aid, m.start(), m.end(), technique)
        for aid, text in articles.items()
        for m in _LINE.finditer(text)
        if m.group().strip()
    ]


def most_frequent_technique(labels: Iterable[Label]) -> str:
    """The technique with most spans in ``labels`` (the TC baseline's answer).

    Example:
        >>> most_frequent_technique([Label("1", 0, 1, "Doubt"), Label("1", 2, 3, "Doubt")])
        'Doubt'
    """
    counts = Counter(lb.technique for lb in labels if lb.technique)
    return counts.most_common(1)[0][0] if counts else "Loaded_Language"


def predict_labels(
    model: Model,
    articles: Mapping[str, str | Forward],
    threshold: float | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[list[Label], list[Label]]:
    """The model's span identification and end-to-end predictions for every article (its
    text, or its kept :class:`Forward` from ``model``'s network, read without inference).

    Span identification takes the analysis's passages (every decoded span, nearby ones
    joined); end to end takes the spans with techniques at the confidence ``threshold``.

    Returns:
        ``(si_labels, e2e_labels)``.
    """
    si: list[Label] = []
    e2e: list[Label] = []
    for aid in sorted(articles):
        text = articles[aid]
        analysis = model.analyze(text, threshold)
        si += [Label(aid, start, end) for start, end in analysis.passages]
        e2e += [Label(aid, s.start, s.end, s.technique) for s in analysis.spans]
        if progress:
            progress(aid)
    return si, e2e


def classify_labels(
    model: Model, articles: Mapping[str, str | Forward], spans: Sequence[Label]
) -> list[Label]:
    """Fill in the technique of every span (the TC task), keeping input order; an article
    is given as its text or its kept :class:`Forward`, as for :func:`predict_labels`.

    Where the same span is listed k times, its k most probable techniques are given, so a
    span with several gold techniques can get them all.
    """
    by_article: dict[str, list[int]] = defaultdict(list)
    for i, lb in enumerate(spans):
        by_article[lb.article_id].append(i)
    result: list[Label | None] = [None] * len(spans)
    for aid, idxs in by_article.items():
        if aid not in articles:
            raise InputError(f"spans name article {aid}, which is not in the articles folder")
        probs = model.technique_probs(articles[aid], [(spans[i].start, spans[i].end) for i in idxs])
        seen: Counter[tuple[int, int]] = Counter()
        for i, p in zip(idxs, probs, strict=True):
            key = (spans[i].start, spans[i].end)
            rank = seen[key]
            seen[key] += 1
            k = int(np.argsort(-p)[min(rank, len(p) - 1)])
            result[i] = Label(aid, spans[i].start, spans[i].end, model.config.techniques[k])
    return [lb for lb in result if lb is not None]


@dataclass(frozen=True)
class Report:
    """Model figures next to baselines on one corpus."""

    si: SpanScore
    si_baseline: SpanScore
    tc: TechniqueScores
    tc_baseline: TechniqueScores
    e2e: TechniqueScores
    e2e_baseline: TechniqueScores
    n_articles: int

    def to_dict(self) -> dict[str, Any]:
        """Figures as plain numbers (what the model card and ``--format json`` show)."""

        def span(s: SpanScore) -> dict[str, float]:
            return {
                "f1": round(s.f1, 4),
                "precision": round(s.precision, 4),
                "recall": round(s.recall, 4),
                "n_pred": s.n_pred,
                "n_gold": s.n_gold,
            }

        return {
            "articles": self.n_articles,
            "si": span(self.si),
            "si_baseline_lines": span(self.si_baseline),
            "tc_micro_f1": round(self.tc.micro.f1, 4),
            "tc_baseline_most_frequent": round(self.tc_baseline.micro.f1, 4),
            "e2e_micro": span(self.e2e.micro),
            "e2e_macro_f1": round(self.e2e.macro_f1, 4),
            "e2e_baseline_micro_f1": round(self.e2e_baseline.micro.f1, 4),
            "e2e_baseline_macro_f1": round(self.e2e_baseline.macro_f1, 4),
            "e2e_per_technique": {k: span(v) for k, v in self.e2e.per_technique.items()},
            "tc_per_technique": {k: span(v) for k, v in self.tc.per_technique.items()},
        }


def evaluate(
    model: Model,
    corpus: Corpus,
    train_labels: Iterable[Label] = (),
    threshold: float | None = None,
    progress: Callable[[str], None] | None = None,
) -> Report:
    """Score ``model`` on ``corpus`` for SI, TC and end to end, beside the baselines.

    Args:
        train_labels: Labels the TC baseline takes its most frequent technique from
            (the corpus's own labels when empty).
    """
    gold = corpus.labels
    si_pred, pred = predict_labels(model, corpus.articles, threshold, progress)
    tc_pred = classify_labels(model, corpus.articles, gold)
    frequent = most_frequent_technique(list(train_labels) or gold)
    lines = line_baseline(corpus.articles)
    return Report(
        si=score_si(gold, si_pred),
        si_baseline=score_si(gold, lines),
        tc=score_tc(gold, tc_pred),
        tc_baseline=score_tc(gold, [Label(g.article_id, g.start, g.end, frequent) for g in gold]),
        e2e=score_e2e(gold, pred),
        e2e_baseline=score_e2e(gold, line_baseline(corpus.articles, frequent)),
        n_articles=len(corpus.articles),
    )


def format_scores(report: Report) -> str:
    """A plain-text table of the report, per technique included."""
    rows = [
        ("SI F1", report.si.f1, report.si_baseline.f1, "baseline: every line a span"),
        ("  SI precision", report.si.precision, report.si_baseline.precision, ""),
        ("  SI recall", report.si.recall, report.si_baseline.recall, ""),
        (
            "TC micro-F1",
            report.tc.micro.f1,
            report.tc_baseline.micro.f1,
            "baseline: most frequent technique",
        ),
        (
            "end-to-end micro-F1",
            report.e2e.micro.f1,
            report.e2e_baseline.micro.f1,
            "baseline: every line a span of the most frequent technique",
        ),
        ("end-to-end macro-F1", report.e2e.macro_f1, report.e2e_baseline.macro_f1, ""),
    ]
    lines = [f"articles: {report.n_articles}", f"{'task':<24}{'model':>9}{'baseline':>10}"]
    lines += [f"{name:<24}{m:>9.4f}{b:>10.4f}   {note}".rstrip() for name, m, b, note in rows]
    lines += ["", f"{'technique':<40}{'gold':>6}{'e2e F1':>9}{'TC F1':>8}"]
    for name in TECHNIQUE_NAMES:
        e = report.e2e.per_technique.get(name)
        t = report.tc.per_technique.get(name)
        n_gold = t.n_gold if t else 0
        lines.append(
            f"{get_technique(name).title:<40}{n_gold:>6}{(e.f1 if e else 0.0):>9.4f}"
            f"{(t.f1 if t else 0.0):>8.4f}"
        )
    return "\n".join(lines)
