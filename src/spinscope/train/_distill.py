"""Knowledge distillation: a fitted teacher network labels the articles a student fits on.

A teacher (a larger encoder fitted with :func:`spinscope.train._fit.fit`, e.g.
all-mpnet-base-v2, or the shipped network for a smaller student) reads every training
article once; :mod:`._soft_targets` says what is kept. The student is then fitted on a mix
of the gold targets and these (``distill`` weight): soft targets carry the teacher's doubt
about edges and near-miss techniques, which one-hot gold labels cannot.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from .._pipeline import candidate_spans, encode_article, owners, plan_windows
from .._semeval import Corpus, Label
from .._techniques import TECHNIQUE_NAMES
from ._batch import autocast, make_batch
from ._data import article_examples
from ._net import SpanHead, Tagger, load_checkpoint, load_tokenizer, pool_spans
from ._soft_targets import ArticleTargets, Floats, load_targets


def teacher_targets(
    teacher: Path, corpus: Corpus, ids: list[str], device: str
) -> dict[str, ArticleTargets]:
    """The targets of ``ids``: read from ``teacher`` when it is an ``.npz`` written by
    :func:`~._soft_targets.save_targets`, else labelled by the teacher checkpoint folder
    ``teacher``."""
    if teacher.suffix == ".npz":
        return load_targets(teacher, ids)
    return label_corpus(teacher, corpus, ids, device)


def label_corpus(
    ckpt: Path, corpus: Corpus, ids: list[str], device: str, silver: float | None = None
) -> dict[str, ArticleTargets]:
    """Run the teacher checkpoint over ``ids`` of ``corpus``: ``{article id: ArticleTargets}``.

    With ``silver`` (a span threshold), each article's spans are the teacher's own, decoded
    from its O/B/I probabilities as the pipeline decodes candidates, and their technique
    distributions are the teacher's (for unlabelled transfer texts, whose only spans these
    are); without it, they are the corpus's gold spans. The teacher then reads each text
    twice (once for its probabilities, once for its spans' techniques).
    """
    teacher = _Teacher.load(ckpt, device)
    by_article = _labels_by_article(corpus)
    out: dict[str, ArticleTargets] = {}
    with torch.no_grad(), autocast(device):
        for aid in ids:
            text = corpus.articles[aid]
            labels = by_article.get(aid, [])
            if silver is not None:
                first = teacher.label(aid, text, [])
                labels = silver_labels(aid, text, first, silver)
            out[aid] = teacher.label(aid, text, labels)
    return out


def silver_labels(aid: str, text: str, targets: ArticleTargets, threshold: float) -> list[Label]:
    """The spans the teacher's O/B/I probabilities decode to at ``threshold``, as labels.

    Their technique is a placeholder: the teacher's run reads only where a span is, and
    its own technique distribution becomes the span's target.

    Example:
        >>> offsets = np.array([[0, 2], [3, 8], [9, 13]])
        >>> probs = np.array([[.9, .05, .05], [.1, .8, .1], [.9, .05, .05]], np.float32)
        >>> [(lb.start, lb.end) for lb in silver_labels("a", "So awful then",
        ...     ArticleTargets(offsets, probs, {}), 0.5)]
        [(3, 8)]
    """
    offsets = [(int(a), int(b)) for a, b in targets.offsets]
    return [
        Label(aid, start, end, TECHNIQUE_NAMES[0])
        for start, end, _ in candidate_spans(text, offsets, targets.probs, threshold)
    ]


@dataclass(frozen=True)
class _Teacher:
    """A teacher checkpoint loaded once, labelling one article at a time."""

    tagger: Tagger
    head: SpanHead
    tokenizer: Any
    window: tuple[int, int]
    special_ids: tuple[int, int, int]
    device: str

    @classmethod
    def load(cls, ckpt: Path, device: str) -> _Teacher:
        tagger, head, meta = load_checkpoint(ckpt)
        tagger.to(device)
        head.to(device)
        cfg = meta["config"]
        cls_id, sep_id, pad_id = meta["special_ids"]
        return cls(
            tagger,
            head,
            load_tokenizer(ckpt / "encoder"),
            (cfg["window_size"], cfg["window_overlap"]),
            (cls_id, sep_id, pad_id),
            device,
        )

    def label(self, aid: str, text: str, labels: list[Label]) -> ArticleTargets:
        """The teacher's O/B/I probabilities of ``text`` and its technique distribution
        of each of ``labels``' spans."""
        enc = encode_article(self.tokenizer, text)
        windows = plan_windows(len(enc), self.window[0] - 2, self.window[1])
        examples = article_examples(
            self.tokenizer, aid, text, labels, TECHNIQUE_NAMES, *self.window
        )
        probs, span_probs = _run_teacher(
            self.tagger, self.head, examples, self.special_ids, self.device
        )
        token_probs = np.zeros((len(enc), 3), dtype=np.float32)
        for t, w in enumerate(owners(len(enc), windows).tolist()):
            token_probs[t] = probs[w][t - windows[w][0] + 1]
        keys = [k for ex in examples for k in ex.span_keys]
        return ArticleTargets(
            np.asarray(enc.offsets, dtype=np.int64).reshape(-1, 2),
            token_probs,
            dict(zip(keys, span_probs, strict=True)),
        )


def _labels_by_article(corpus: Corpus) -> dict[str, list[Any]]:
    by_article: dict[str, list[Any]] = {}
    for lb in corpus.labels:
        by_article.setdefault(lb.article_id, []).append(lb)
    return by_article


def _run_teacher(
    tagger: Tagger,
    head: SpanHead,
    examples: list[Any],
    special_ids: tuple[int, int, int],
    device: str,
) -> tuple[list[Floats], list[Floats]]:
    """Per window, O/B/I probabilities of its rows; per span, technique probabilities."""
    if not examples:
        return [], []
    b = make_batch(examples, *special_ids).to(device)
    logits, hidden = tagger(b.ids, b.mask)
    probs = torch.softmax(logits.float(), dim=-1).cpu().numpy()
    span_probs: list[Floats] = []
    if b.rows:
        assert b.features is not None
        pooled = pool_spans(hidden, b.mask, b.rows, b.bounds)
        scores = head(torch.cat([pooled.float(), b.features], dim=1))
        span_probs = list(torch.softmax(scores.float(), dim=1).cpu().numpy())
    return list(probs), span_probs
