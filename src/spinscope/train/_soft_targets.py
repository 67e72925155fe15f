"""What a teacher network says about the training articles, as data a student can use.

A teacher (a larger or earlier network, see :mod:`spinscope.train._distill`) reads every
training article once. What it says is kept in character terms, so a student with another
tokenizer can use it:

- for each teacher token, its character range and O/B/I probabilities (from the window
  where the token is furthest from an edge, as the run-time pipeline reads it);
- for each gold span (or, in transfer texts, each span the teacher decoded itself: silver
  spans), the teacher's technique distribution.

:func:`soft_tags` reads those probabilities off for the student's tokens;
:func:`average_targets` makes one teacher of several (an ensemble, whatever their
tokenizers); :func:`save_targets` and :func:`load_targets` keep them in one ``.npz``, so a
GPU machine fits a student without the teachers' weights. numpy only: no torch here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .._errors import TrainingError
from .._pipeline import soft_tags

Floats = npt.NDArray[np.float32]


@dataclass(frozen=True)
class ArticleTargets:
    """What the teacher says about one article.

    Attributes:
        offsets: ``(T, 2)`` character range of each teacher token.
        probs: ``(T, 3)`` O/B/I probabilities of each teacher token.
        spans: gold (or silver) span ``(start, end)`` -> technique probabilities.
    """

    offsets: npt.NDArray[np.int64]
    probs: Floats
    spans: dict[tuple[int, int], Floats]


def average_targets(teachers: Sequence[dict[str, ArticleTargets]]) -> dict[str, ArticleTargets]:
    """The mean of several teachers' targets: an ensemble as one teacher.

    Token probabilities are read off each teacher onto the first one's tokens (as
    :func:`soft_tags` reads them for a student) and averaged; a gold span's technique
    probabilities are averaged over the teachers that hold it. Only articles every teacher
    labelled are kept.

    Example:
        >>> p = np.array([[1.0, 0.0, 0.0]], dtype=np.float32)
        >>> q = np.array([[0.0, 0.5, 0.5]], dtype=np.float32)
        >>> off = np.array([[0, 4]])
        >>> a = ArticleTargets(off, p, {(0, 4): np.array([1.0, 0.0], dtype=np.float32)})
        >>> b = ArticleTargets(off, q, {(0, 4): np.array([0.0, 1.0], dtype=np.float32)})
        >>> both = average_targets([{"1": a}, {"1": b}])["1"]
        >>> both.probs.tolist(), both.spans[(0, 4)].tolist()
        ([[0.5, 0.25, 0.25]], [0.5, 0.5])
    """
    if not teachers:
        raise TrainingError("no teachers to average")
    shared = set(teachers[0]).intersection(*teachers[1:])
    out: dict[str, ArticleTargets] = {}
    for aid in sorted(shared):
        first = teachers[0][aid]
        tokens = [(int(a), int(b)) for a, b in first.offsets.tolist()]
        probs = np.mean(
            [first.probs] + [soft_tags(tokens, t[aid].offsets, t[aid].probs) for t in teachers[1:]],
            axis=0,
        ).astype(np.float32)
        spans = {}
        for key in sorted({k for t in teachers for k in t[aid].spans}):
            held = [t[aid].spans[key] for t in teachers if key in t[aid].spans]
            spans[key] = np.mean(held, axis=0).astype(np.float32)
        out[aid] = ArticleTargets(first.offsets, probs, spans)
    return out


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
