"""The SemEval-2020 Task 11 measures: span identification, technique classification, end to end.

Definitions follow ``../shared/ptc/README.md``: spans are character ranges ``[start, end)``;
spans that share a character are merged, spans that only touch stay apart; every
predicted span earns ``|s∩t|/|s|`` precision and every gold span ``|s∩t|/|t|`` recall.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .._pipeline import merge_overlapping
from .._techniques import TECHNIQUE_NAMES
from ._corpus import Label


@dataclass(frozen=True)
class SpanScore:
    """Partial-overlap span scores, with the sums they come from.

    Example:
        >>> SpanScore(1.0, 0.5, 2, 1).f1
        0.5
    """

    precision_sum: float
    recall_sum: float
    n_pred: int
    n_gold: int

    @property
    def precision(self) -> float:
        return self.precision_sum / self.n_pred if self.n_pred else 0.0

    @property
    def recall(self) -> float:
        return self.recall_sum / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p > 0 and r > 0 else 0.0

    def __add__(self, other: SpanScore) -> SpanScore:
        return SpanScore(
            self.precision_sum + other.precision_sum,
            self.recall_sum + other.recall_sum,
            self.n_pred + other.n_pred,
            self.n_gold + other.n_gold,
        )


_ZERO = SpanScore(0.0, 0.0, 0, 0)


def _by_article(labels: Iterable[Label]) -> dict[str, list[tuple[int, int]]]:
    out: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for lb in labels:
        out[lb.article_id].append((lb.start, lb.end))
    return out


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _span_sums(gold: Sequence[Label], pred: Sequence[Label]) -> SpanScore:
    gold_by, pred_by = _by_article(gold), _by_article(pred)
    total = _ZERO
    for aid in set(gold_by) | set(pred_by):
        g = merge_overlapping(gold_by.get(aid, []))
        p = merge_overlapping(pred_by.get(aid, []))
        ps = sum(_overlap(s, t) / (s[1] - s[0]) for s in p for t in g)
        rs = sum(_overlap(s, t) / (t[1] - t[0]) for s in p for t in g)
        total = total + SpanScore(ps, rs, len(p), len(g))
    return total


def score_si(gold: Sequence[Label], pred: Sequence[Label]) -> SpanScore:
    """Span identification (SI) with partial-overlap credit; techniques are ignored.

    Example:
        >>> g = [Label("1", 0, 10)]
        >>> round(score_si(g, [Label("1", 5, 15)]).f1, 3)
        0.5
    """
    return _span_sums(gold, pred)


@dataclass(frozen=True)
class TechniqueScores:
    """Scores of a multi-technique task: the micro figure and one per technique."""

    micro: SpanScore
    per_technique: dict[str, SpanScore] = field(default_factory=dict)

    @property
    def macro_f1(self) -> float:
        """Mean F1 over the techniques that have gold spans."""
        f1s = [s.f1 for s in self.per_technique.values() if s.n_gold]
        return sum(f1s) / len(f1s) if f1s else 0.0


def score_e2e(gold: Sequence[Label], pred: Sequence[Label]) -> TechniqueScores:
    """End to end: the SI measure per technique, micro- and macro-averaged.

    A predicted span earns credit only against gold spans of its own technique.

    Example:
        >>> g = [Label("1", 0, 10, "Doubt"), Label("1", 0, 4, "Slogans")]
        >>> p = [Label("1", 0, 10, "Doubt"), Label("1", 5, 10, "Slogans")]
        >>> s = score_e2e(g, p)
        >>> round(s.micro.precision, 2), round(s.micro.recall, 2)
        (0.5, 0.5)
    """
    per = {}
    for name in TECHNIQUE_NAMES:
        g = [lb for lb in gold if lb.technique == name]
        p = [lb for lb in pred if lb.technique == name]
        if g or p:
            per[name] = _span_sums(g, p)
    micro = sum(per.values(), _ZERO)
    return TechniqueScores(micro, per)


def score_tc(gold: Sequence[Label], pred: Sequence[Label]) -> TechniqueScores:
    """Technique classification of given spans: micro-F1 is the share labelled right.

    Predictions for a span carrying several gold techniques are matched to them so as to
    maximise agreement (a multiset intersection per span). Per technique, ``precision_sum``
    and ``recall_sum`` both count the correct labels.

    Example:
        >>> g = [Label("1", 0, 4, "Doubt"), Label("1", 0, 4, "Slogans")]
        >>> p = [Label("1", 0, 4, "Slogans"), Label("1", 0, 4, "Repetition")]
        >>> score_tc(g, p).micro.f1
        0.5
    """
    gold_at: dict[tuple[str, int, int], Counter[str]] = defaultdict(Counter)
    pred_at: dict[tuple[str, int, int], Counter[str]] = defaultdict(Counter)
    for lb in gold:
        gold_at[(lb.article_id, lb.start, lb.end)][lb.technique or ""] += 1
    for lb in pred:
        pred_at[(lb.article_id, lb.start, lb.end)][lb.technique or ""] += 1
    correct: Counter[str] = Counter()
    for key, g in gold_at.items():
        correct += g & pred_at.get(key, Counter())
    n_gold = Counter(lb.technique or "" for lb in gold)
    n_pred = Counter(lb.technique or "" for lb in pred)
    per = {
        name: SpanScore(correct[name], correct[name], n_pred[name], n_gold[name])
        for name in TECHNIQUE_NAMES
        if n_gold[name] or n_pred[name]
    }
    total = sum(correct.values())
    return TechniqueScores(SpanScore(total, total, len(pred), len(gold)), per)
