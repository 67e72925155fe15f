"""Knowledge distillation: a fitted teacher network's soft targets for a student.

A teacher (a larger encoder fitted with :func:`spinscope.train._fit.fit`, e.g.
all-mpnet-base-v2) reads every training article once. What it says is kept in character
terms, so a student with another tokenizer can use it:

- for each teacher token, its character range and O/B/I probabilities (from the window
  where the token is furthest from an edge, as the run-time pipeline reads it);
- for each gold span, the teacher's technique distribution.

The student is then fitted on a mix of the gold targets and these (``distill`` weight):
soft targets carry the teacher's doubt about edges and near-miss techniques, which one-hot
gold labels cannot.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .._errors import TrainingError
from .._pipeline import B_TAG, I_TAG, O_TAG, encode_article, owners, plan_windows
from .._semeval import Corpus

Floats = npt.NDArray[np.float32]


@dataclass(frozen=True)
class ArticleTargets:
    """What the teacher says about one article.

    Attributes:
        offsets: ``(T, 2)`` character range of each teacher token.
        probs: ``(T, 3)`` O/B/I probabilities of each teacher token.
        spans: gold span ``(start, end)`` -> technique probabilities.
    """

    offsets: npt.NDArray[np.int64]
    probs: Floats
    spans: dict[tuple[int, int], Floats]


def soft_tags(
    student: Sequence[tuple[int, int]], teacher: npt.NDArray[np.int64], probs: Floats
) -> Floats:
    """O/B/I probabilities for the student's tokens, read off the teacher's tokens.

    Each student token takes the teacher token holding its first character. When that
    teacher token started earlier (the student cut a word finer), the student token is
    inside a word, so the teacher's B becomes I. A student token no teacher token covers
    is O.

    Example:
        >>> t = np.array([[0, 6], [7, 9]])
        >>> p = np.array([[0.25, 0.75, 0.0], [0.5, 0.0, 0.5]], dtype=np.float32)
        >>> soft_tags([(0, 2), (2, 6), (7, 9)], t, p).tolist()
        [[0.25, 0.75, 0.0], [0.25, 0.0, 0.75], [0.5, 0.0, 0.5]]
    """
    out = np.zeros((len(student), 3), dtype=np.float32)
    out[:, O_TAG] = 1.0
    ends = teacher[:, 1].tolist() if len(teacher) else []
    for i, (start, _end) in enumerate(student):
        j = bisect_right(ends, start)
        if j >= len(teacher) or teacher[j, 0] > start:
            continue
        row = probs[j].astype(np.float32)
        if teacher[j, 0] < start:
            row = row.copy()
            row[I_TAG] += row[B_TAG]
            row[B_TAG] = 0.0
        out[i] = row
    return out


def teacher_targets(
    teacher: Path, corpus: Corpus, ids: list[str], device: str
) -> dict[str, ArticleTargets]:
    """The targets of ``ids``: read from ``teacher`` when it is an ``.npz`` written by
    :func:`save_targets`, else labelled by the teacher checkpoint folder ``teacher``."""
    if teacher.suffix == ".npz":
        return load_targets(teacher, ids)
    return label_corpus(teacher, corpus, ids, device)


def label_corpus(
    ckpt: Path, corpus: Corpus, ids: list[str], device: str
) -> dict[str, ArticleTargets]:
    """Run the teacher checkpoint over ``ids`` of ``corpus``: ``{article id: ArticleTargets}``."""
    import torch

    from .._techniques import TECHNIQUE_NAMES
    from ._data import article_examples
    from ._fit import load_checkpoint, load_tokenizer

    tagger, head, meta = load_checkpoint(ckpt)
    tagger.to(device)
    head.to(device)
    tokenizer = load_tokenizer(ckpt / "encoder")
    cfg = meta["config"]
    cls_id, sep_id, pad_id = meta["special_ids"]
    by_article = _labels_by_article(corpus)
    out: dict[str, Any] = {}
    with torch.no_grad(), autocast(device):
        for aid in ids:
            text = corpus.articles[aid]
            enc = encode_article(tokenizer, text)
            windows = plan_windows(len(enc), cfg["window_size"] - 2, cfg["window_overlap"])
            examples = article_examples(
                tokenizer,
                aid,
                text,
                by_article.get(aid, []),
                TECHNIQUE_NAMES,
                cfg["window_size"],
                cfg["window_overlap"],
            )
            probs, span_probs = _run_teacher(
                tagger, head, examples, (cls_id, sep_id, pad_id), device
            )
            token_probs = np.zeros((len(enc), 3), dtype=np.float32)
            for t, w in enumerate(owners(len(enc), windows).tolist()):
                token_probs[t] = probs[w][t - windows[w][0] + 1]
            keys = [k for ex in examples for k in ex.span_keys]
            out[aid] = ArticleTargets(
                np.asarray(enc.offsets, dtype=np.int64).reshape(-1, 2),
                token_probs,
                dict(zip(keys, span_probs, strict=True)),
            )
    return out


def _labels_by_article(corpus: Corpus) -> dict[str, list[Any]]:
    by_article: dict[str, list[Any]] = {}
    for lb in corpus.labels:
        by_article.setdefault(lb.article_id, []).append(lb)
    return by_article


def autocast(device: str) -> Any:
    """bf16 autocast on a GPU; nothing on the CPU (where bf16 training is slower)."""
    import contextlib

    import torch

    if device.startswith("cuda"):
        return torch.autocast("cuda", dtype=torch.bfloat16)
    return contextlib.nullcontext()


def _run_teacher(
    tagger: Any, head: Any, examples: list[Any], special_ids: tuple[int, int, int], device: str
) -> tuple[list[Floats], list[Floats]]:
    """Per window, O/B/I probabilities of its rows; per gold span, technique probabilities."""
    import torch

    from ._fit import make_batch
    from ._net import pool_spans

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


def save_targets(path: Path, targets: dict[str, ArticleTargets]) -> None:
    """Write the teacher's targets of every article into one ``.npz``.

    Probabilities are kept as float16 (soft targets need no more, and a labelled corpus
    then travels to a GPU machine in a few MB); offsets as int32.

    Example:
        >>> # save_targets(Path("labels/full.npz"), label_corpus(ckpt, corpus, ids, "cpu"))
    """
    arrays: dict[str, Any] = {}
    for aid, t in targets.items():
        arrays[f"{aid}/offsets"] = t.offsets.astype(np.int32)
        arrays[f"{aid}/probs"] = t.probs.astype(np.float16)
        arrays[f"{aid}/spans"] = np.asarray(list(t.spans), dtype=np.int32).reshape(-1, 2)
        arrays[f"{aid}/span_probs"] = (
            np.stack(list(t.spans.values())).astype(np.float16)
            if t.spans
            else np.zeros((0, 0), np.float16)
        )
    np.savez_compressed(path, **arrays)


def load_targets(path: Path, ids: Sequence[str] | None = None) -> dict[str, ArticleTargets]:
    """Read what :func:`save_targets` wrote (only ``ids``, when given).

    Raises:
        TrainingError: when the file is unreadable or lacks one of ``ids``.
    """
    try:
        with np.load(path) as data:
            stored = {key.rsplit("/", 1)[0] for key in data.files}
            wanted = sorted(stored) if ids is None else list(ids)
            missing = [aid for aid in wanted if aid not in stored]
            if missing:
                raise TrainingError(
                    f"{path}: no teacher targets for {len(missing)} of the articles to fit "
                    f"(e.g. {missing[0]}); label them with the same fold assignment"
                )
            return {aid: _targets_of(data, aid) for aid in wanted}
    except (OSError, ValueError) as exc:
        raise TrainingError(f"{path}: not a file of teacher targets ({exc})") from None


def _targets_of(data: Any, aid: str) -> ArticleTargets:
    spans = data[f"{aid}/spans"]
    probs = data[f"{aid}/span_probs"].astype(np.float32)
    return ArticleTargets(
        data[f"{aid}/offsets"].astype(np.int64),
        data[f"{aid}/probs"].astype(np.float32),
        {(int(a), int(b)): p for (a, b), p in zip(spans, probs, strict=False)},
    )
