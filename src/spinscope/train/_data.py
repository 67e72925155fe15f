"""Turning a PTC corpus into encoder windows with token tags and span targets (no torch)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from tokenizers import Tokenizer

from .._pipeline import (
    B_TAG,
    I_TAG,
    ArticleIndex,
    chars_to_token_span,
    encode_article,
    merge_overlapping,
    plan_windows,
    soft_tags,
    span_features,
    span_window,
)
from .._semeval import Corpus, Label
from ._soft_targets import ArticleTargets

IGNORE = -100


@dataclass(frozen=True)
class SpanTarget:
    """A span inside one window (gold, or a transfer text's silver span): window positions
    (special tokens counted)."""

    start: int
    end: int
    features: npt.NDArray[np.float32]
    target: npt.NDArray[np.float32]
    chars: tuple[int, int] = (0, 0)


@dataclass
class WindowExample:
    """One encoder window of one article, ready to batch."""

    article_id: str
    ids: npt.NDArray[np.int64]
    tags: npt.NDArray[np.int64]
    spans: list[SpanTarget] = field(default_factory=list)
    # The teacher's O/B/I probabilities of the window's tokens, when distilling.
    soft: npt.NDArray[np.float32] | None = None
    # False for a transfer window (:mod:`._transfer`): its tags are not gold, only ``soft``
    # (and the teacher's targets of its silver spans, if any) is to be learnt from.
    labelled: bool = True

    @property
    def span_keys(self) -> list[tuple[int, int]]:
        """The character range of each span, in ``spans`` order."""
        return [sp.chars for sp in self.spans]


def token_tags(
    offsets: list[tuple[int, int]], spans: list[tuple[int, int]]
) -> npt.NDArray[np.int64]:
    """BIO tags of the tokens, from character spans (overlapping ones merged first).

    Example:
        >>> token_tags([(0, 2), (3, 5), (6, 8)], [(3, 8)]).tolist()
        [0, 1, 2]
    """
    tags = np.zeros(len(offsets), dtype=np.int64)
    for start, end in merge_overlapping(spans):
        hit = chars_to_token_span(offsets, start, end)
        if hit is None:
            continue
        a, b = hit
        tags[a] = B_TAG
        tags[a + 1 : b] = I_TAG
    return tags


def article_examples(
    tokenizer: Tokenizer,
    article_id: str,
    text: str,
    labels: list[Label],
    techniques: tuple[str, ...],
    window_size: int,
    window_overlap: int,
    teacher: ArticleTargets | None = None,
    distill: float = 0.0,
) -> list[WindowExample]:
    """Cut one annotated article into window examples.

    With a ``teacher``, each window also gets the teacher's soft O/B/I targets, and each
    span's technique target becomes ``(1 - distill) * gold + distill * teacher``.
    """
    enc = encode_article(tokenizer, text)
    if len(enc) == 0:
        return []
    tags = token_tags(enc.offsets, [(lb.start, lb.end) for lb in labels])
    windows = plan_windows(len(enc), window_size - 2, window_overlap)
    soft = None if teacher is None else soft_tags(enc.offsets, teacher.offsets, teacher.probs)
    examples = [
        WindowExample(article_id, enc.ids[a:b], tags[a:b], soft=None if soft is None else soft[a:b])
        for a, b in windows
    ]
    by_span: dict[tuple[int, int], set[str]] = defaultdict(set)
    for lb in labels:
        if lb.technique is not None:
            by_span[(lb.start, lb.end)].add(lb.technique)
    index = ArticleIndex.build(text)
    for (start, end), names in sorted(by_span.items()):
        hit = chars_to_token_span(enc.offsets, start, end)
        if hit is None:
            continue
        w, a, b = span_window(windows, *hit)
        target = np.zeros(len(techniques), dtype=np.float32)
        for name in names:
            target[techniques.index(name)] = 1.0 / len(names)
        if teacher is not None and (start, end) in teacher.spans:
            target = (1.0 - distill) * target + distill * teacher.spans[(start, end)]
        offset = windows[w][0] - 1
        examples[w].spans.append(
            SpanTarget(
                a - offset, b - offset, span_features(index, start, end), target, (start, end)
            )
        )
    return examples


def corpus_examples(
    tokenizer: Tokenizer,
    corpus: Corpus,
    techniques: tuple[str, ...],
    window_size: int,
    window_overlap: int,
    teacher: dict[str, ArticleTargets] | None = None,
    distill: float = 0.0,
) -> list[WindowExample]:
    """Window examples of every article in ``corpus``, in article id order (with the
    teacher's soft targets mixed in, when given; see :func:`article_examples`)."""
    by_article: dict[str, list[Label]] = defaultdict(list)
    for lb in corpus.labels:
        by_article[lb.article_id].append(lb)
    examples: list[WindowExample] = []
    for aid in sorted(corpus.articles):
        examples += article_examples(
            tokenizer,
            aid,
            corpus.articles[aid],
            by_article[aid],
            techniques,
            window_size,
            window_overlap,
            None if teacher is None else teacher[aid],
            distill,
        )
    return examples


def technique_weights(examples: list[WindowExample], n: int) -> npt.NDArray[np.float32]:
    """Class weights ``(max count / count) ** 0.5`` over the gold spans, so rare techniques
    count more."""
    counts = np.zeros(n, dtype=np.float64)
    for ex in examples:
        if not ex.labelled:  # a transfer window's spans are the teacher's, not the corpus's
            continue
        for sp in ex.spans:
            counts += sp.target
    counts = np.maximum(counts, 1.0)
    weights = np.sqrt(counts.max() / counts)
    return np.asarray(weights / weights.mean(), dtype=np.float32)
