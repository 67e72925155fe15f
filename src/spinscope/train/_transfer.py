"""Transfer texts: unlabelled news a distilled student also fits on, taught by the teacher alone.

A student learns from the teacher's soft O/B/I targets on the 371 annotated articles; on
more text (PolNeAR's political news, say) the teacher's targets are the only ones there
are, and more of them is the usual way a student gets closer to its teacher. A transfer
window has no gold tags (so the gold cross-entropy skips it) and no gold spans; only the
distillation term of :func:`._fit._loss` reads its tokens. When the teacher also decoded
its own spans in the texts (``teacher_labels.py --texts --silver T``), those are the
window's spans, each with the teacher's technique distribution as its target, so the
technique head learns from the texts too.

The teacher labels the texts once, as it labels the training articles
(:func:`._distill.label_corpus` on a :class:`~spinscope.Corpus` without labels), and the
targets travel in the same ``.npz`` (:func:`._soft_targets.save_targets`). numpy only.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from tokenizers import Tokenizer

from .._errors import TrainingError
from .._pipeline import (
    ArticleIndex,
    chars_to_token_span,
    encode_article,
    plan_windows,
    soft_tags,
    span_features,
    span_window,
)
from .._semeval import Corpus
from ._data import SpanTarget, WindowExample
from ._soft_targets import ArticleTargets, load_targets


def read_texts(folder: Path, limit: int = 0) -> Corpus:
    """The ``*.txt`` files of ``folder`` as a corpus without labels, ids their file stems.

    With ``limit``, an evenly spaced choice of that many in name order (file names that
    start with the publisher, as PolNeAR's do, then keep every publisher's share).

    Raises:
        TrainingError: when ``folder`` holds no text file or one is not UTF-8.

    Example:
        >>> # read_texts(Path("../shared/polnear/train/text"), limit=300).articles
    """
    paths = sorted(folder.glob("*.txt"))
    if not paths:
        raise TrainingError(f"{folder}: no .txt files to use as transfer texts")
    if 0 < limit < len(paths):
        picks = np.linspace(0, len(paths) - 1, limit).round().astype(int)
        paths = [paths[i] for i in sorted(set(picks.tolist()))]
    articles: dict[str, str] = {}
    for path in paths:
        try:
            articles[path.stem] = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise TrainingError(f"{path}: not UTF-8 text ({exc.reason})") from None
    return Corpus(articles, [])


def transfer_examples(
    tokenizer: Tokenizer,
    texts: dict[str, str],
    targets: dict[str, ArticleTargets],
    window_size: int,
    window_overlap: int,
) -> list[WindowExample]:
    """Unlabelled window examples of ``texts`` carrying the teacher's soft targets.

    Example:
        >>> # transfer_examples(tok, corpus.articles, load_targets(npz), 256, 32)
    """
    examples: list[WindowExample] = []
    for aid in sorted(texts):
        enc = encode_article(tokenizer, texts[aid])
        if len(enc) == 0:
            continue
        teacher = targets[aid]
        soft = soft_tags(enc.offsets, teacher.offsets, teacher.probs)
        zeros = np.zeros(len(enc), dtype=np.int64)
        windows = plan_windows(len(enc), window_size - 2, window_overlap)
        found = [
            WindowExample(aid, enc.ids[a:b], zeros[a:b], soft=soft[a:b], labelled=False)
            for a, b in windows
        ]
        _add_silver_spans(found, windows, enc.offsets, texts[aid], teacher)
        examples += found
    return examples


def _add_silver_spans(
    examples: list[WindowExample],
    windows: list[tuple[int, int]],
    offsets: list[tuple[int, int]],
    text: str,
    teacher: ArticleTargets,
) -> None:
    """Give each window the teacher's own spans inside it (``teacher.spans``, present when
    the texts were labelled with silver spans), the teacher's technique distribution as
    each one's target."""
    if not teacher.spans:
        return
    index = ArticleIndex.build(text)
    for (start, end), probs in sorted(teacher.spans.items()):
        hit = chars_to_token_span(offsets, start, end)
        if hit is None:
            continue
        w, a, b = span_window(windows, *hit)
        shift = windows[w][0] - 1
        examples[w].spans.append(
            SpanTarget(
                a - shift,
                b - shift,
                span_features(index, start, end),
                np.asarray(probs, dtype=np.float32),
                (start, end),
            )
        )


def load_transfer(
    tokenizer: Tokenizer, targets: Path, texts: Path, window_size: int, window_overlap: int
) -> list[WindowExample]:
    """The transfer windows of every text the ``targets`` file covers, read from ``texts``.

    Raises:
        TrainingError: when a text the targets name is missing from ``texts``.
    """
    taught = load_targets(targets)
    corpus = read_texts(texts)
    missing = sorted(set(taught) - set(corpus.articles))
    if missing:
        raise TrainingError(
            f"{targets}: {len(missing)} labelled texts are not in {texts} (e.g. {missing[0]})"
        )
    chosen = {aid: corpus.articles[aid] for aid in taught}
    return transfer_examples(tokenizer, chosen, taught, window_size, window_overlap)
