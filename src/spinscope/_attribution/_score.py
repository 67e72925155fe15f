"""Scoring extracted attributions against gold ones (pure functions).

Three measures, pooled over a corpus:

- content characters: precision, recall and F1 of the characters predicted as content
  against the characters of gold contents (every character counts once per article);
- exact contents: F1 of whole contents, a predicted content matching a gold one when
  their fragments are identical;
- source accuracy: of the gold attributions that name a source and whose content shares
  a character with a predicted content, the share for which the prediction overlapping it
  most (ties: the one with fewest characters outside it, then the first) has a source
  sharing a character with the gold source.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields

from .._pipeline import Attribution

Fragments = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Counts:
    """The pooled counts the measures are computed from (they add up over articles)."""

    pred_chars: int = 0
    gold_chars: int = 0
    both_chars: int = 0
    pred_contents: int = 0
    gold_contents: int = 0
    exact: int = 0
    sourced: int = 0
    source_hits: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


@dataclass(frozen=True)
class Scores:
    """The measures; ``sourced`` is how many gold attributions the source accuracy reads."""

    content_precision: float
    content_recall: float
    content_f1: float
    exact_f1: float
    source_accuracy: float
    sourced: int


def chars(fragments: Iterable[tuple[int, int]]) -> set[int]:
    """The character positions of ``fragments``.

    Example:
        >>> sorted(chars([(0, 2), (5, 6)]))
        [0, 1, 5]
    """
    return {i for start, end in fragments for i in range(start, end)}


def _content_chars(attributions: Iterable[Attribution]) -> set[int]:
    return chars(f for a in attributions for f in a.content)


def _source_hit(gold: Attribution, pred: Sequence[Attribution]) -> bool | None:
    """Whether the prediction best overlapping ``gold``'s content names its source; ``None``
    when no prediction overlaps it (or gold names no source)."""
    if not gold.source or not gold.content:
        return None
    mine = _content_chars([gold])
    # Most shared characters first, then the closest fit (fewest extra), then the earliest.
    overlap = []
    for i, p in enumerate(pred):
        theirs = _content_chars([p])
        overlap.append((len(mine & theirs), -len(theirs - mine), -i))
    best, _, i = max(overlap, default=(0, 0, 1))
    if best == 0:
        return None
    i = -i
    return bool(chars(gold.source) & chars(pred[i].source))


def count(gold: Sequence[Attribution], pred: Sequence[Attribution]) -> Counts:
    """The counts of one article.

    Example:
        >>> gold = [Attribution(((10, 20),), ((5, 9),), ((0, 4),))]
        >>> pred = [Attribution(((10, 15),), ((5, 9),), ((0, 3),))]
        >>> c = count(gold, pred)
        >>> c.pred_chars, c.gold_chars, c.both_chars, c.exact, c.sourced, c.source_hits
        (5, 10, 5, 0, 1, 1)
    """
    g, p = _content_chars(gold), _content_chars(pred)
    gold_set: set[Fragments] = {a.content for a in gold if a.content}
    pred_set: set[Fragments] = {a.content for a in pred if a.content}
    hits = [h for h in (_source_hit(a, pred) for a in gold) if h is not None]
    return Counts(
        pred_chars=len(p),
        gold_chars=len(g),
        both_chars=len(g & p),
        pred_contents=len(pred_set),
        gold_contents=len(gold_set),
        exact=len(gold_set & pred_set),
        sourced=len(hits),
        source_hits=sum(hits),
    )


def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def scores(counts: Counts) -> Scores:
    """The measures from pooled counts.

    Example:
        >>> s = scores(Counts(pred_chars=5, gold_chars=10, both_chars=5, pred_contents=1,
        ...                   gold_contents=1, sourced=1, source_hits=1))
        >>> round(s.content_f1, 3), s.exact_f1, s.source_accuracy
        (0.667, 0.0, 1.0)
    """
    c = counts
    precision = _ratio(c.both_chars, c.pred_chars)
    recall = _ratio(c.both_chars, c.gold_chars)
    exact_p, exact_r = _ratio(c.exact, c.pred_contents), _ratio(c.exact, c.gold_contents)
    return Scores(
        content_precision=precision,
        content_recall=recall,
        content_f1=_f1(precision, recall),
        exact_f1=_f1(exact_p, exact_r),
        source_accuracy=_ratio(c.source_hits, c.sourced),
        sourced=c.sourced,
    )


def score_corpus(
    pairs: Iterable[tuple[Sequence[Attribution], Sequence[Attribution]]],
) -> Scores:
    """The measures over ``(gold, predicted)`` attributions of many articles, pooled.

    Example:
        >>> gold = [Attribution(((0, 4),))]
        >>> score_corpus([(gold, gold), (gold, [])]).content_recall
        0.5
    """
    total = Counts()
    for gold, pred in pairs:
        total = total + count(gold, pred)
    return scores(total)
