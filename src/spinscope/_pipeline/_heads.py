"""The technique heads: what they read about a span, and their two runs.

- preprocess: :func:`span_inputs` pools the tagger's token states over each span (from
  the window that holds it with most context) and appends the article-level span
  features; one row a span;
- run: :meth:`Heads.span_probs` runs the classification head (a softmax over the
  techniques: the one technique of a span), :meth:`Heads.labels` the end-to-end head
  (independent probabilities of every technique used in or around a span).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ._decode import chars_to_token_span
from ._encoder import Piece
from ._features import ArticleIndex, pool_span, span_features, window_context
from ._session import InferenceSession, run_one
from ._windows import span_window


def span_inputs(
    index: ArticleIndex, piece: Piece, char_spans: Sequence[tuple[int, int]]
) -> npt.NDArray[np.float32]:
    """What the span heads read: pooled token states and span features, one row a span.

    Every span must cover a token of ``piece``.

    Example:
        >>> from spinscope._pipeline._tokens import Encoded
        >>> enc = Encoded(np.arange(2), [(0, 3), (4, 7)])
        >>> h = np.arange(8, dtype=np.float32).reshape(4, 2)
        >>> piece = Piece(enc, [(0, 2)], np.zeros((2, 3)), [h], [np.ones(4, dtype=np.int64)])
        >>> span_inputs(ArticleIndex.build("bad men"), piece, [(4, 7)])[0, :6].tolist()
        [4.0, 5.0, 4.0, 5.0, 3.0, 4.0]
    """
    rows = []
    contexts: dict[int, npt.NDArray[np.float32]] = {}
    for start, end in char_spans:
        hit = chars_to_token_span(piece.encoded.offsets, start, end)
        assert hit is not None  # callers pass spans that cover tokens of this piece
        w, a, b = span_window(piece.windows, *hit)
        shift = piece.windows[w][0] - 1
        if w not in contexts:
            contexts[w] = window_context(piece.hidden[w], piece.masks[w])
        pooled = pool_span(piece.hidden[w], piece.masks[w], a - shift, b - shift, contexts[w])
        rows.append(np.concatenate([pooled, span_features(index, start, end)]))
    return np.stack(rows).astype(np.float32)


@dataclass(frozen=True)
class Heads:
    """The classification head and, when the model has one, the end-to-end head.

    Example:
        >>> class Softmax:
        ...     def run(self, output_names, input_feed):
        ...         return [np.full((len(input_feed["x"]), 2), 0.5)]
        >>> heads = Heads(Softmax(), None)
        >>> x = np.zeros((1, 3), dtype=np.float32)
        >>> heads.labels(x, heads.span_probs(x)).tolist()  # no e2e head: the softmax
        [[0.5, 0.5]]
    """

    span_head: InferenceSession
    e2e_head: InferenceSession | None

    def span_probs(self, x: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """Softmax over the techniques for each row of :func:`span_inputs`."""
        return run_one(self.span_head, "probs", {"x": x})

    def labels(
        self, x: npt.NDArray[np.float32], probs: npt.NDArray[np.float32]
    ) -> npt.NDArray[np.float32]:
        """Independent technique probabilities from span inputs and the head's softmax;
        the softmax itself when the model has no end-to-end head."""
        if self.e2e_head is None:
            return probs
        return run_one(self.e2e_head, "labels", {"x": np.concatenate([x, probs], axis=1)})
