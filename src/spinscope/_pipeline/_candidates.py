"""From a piece's token probabilities to candidate spans with technique probabilities.

Decoding is apart from the network: :func:`candidate_spans` is a pure function of the text,
the token offsets and the BIO probabilities. :func:`piece_candidates` then asks the
technique heads about the decoded spans, and the span filter (``_span_filter``) which to
keep when the model has one.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from ._choose import Candidate
from ._decode import (
    chars_to_token_span,
    decode_bio,
    merge_overlapping,
    split_at_line_breaks,
    tidy_span,
    token_span_to_chars,
)
from ._encoder import Piece
from ._evidence import span_vectors
from ._features import N_FEATURES, ArticleIndex
from ._heads import Heads, span_inputs
from ._members import Member, span_probs
from ._span_filter import SpanFilter, keep_candidates


def candidate_spans(
    text: str,
    offsets: Sequence[tuple[int, int]],
    probs: npt.NDArray[np.float32],
    threshold: float,
) -> list[tuple[int, int, float]]:
    """Character spans ``(start, end, confidence)`` from per-token BIO probabilities.

    Tagged token runs are mapped to characters, cut at line breaks, snapped to whole
    words and rid of the function words they end on; word pieces decoded apart that snap
    to the same word are merged, keeping the highest confidence among the merged parts.

    Example:
        >>> text = "So shameful\\nAwful"
        >>> offsets = [(0, 2), (3, 7), (7, 11), (12, 17)]
        >>> p = np.array([[.9, .05, .05], [.1, .8, .1], [.1, .2, .7], [.1, .1, .8]])
        >>> [(text[a:b], round(c, 2)) for a, b, c in candidate_spans(text, offsets, p, 0.5)]
        [('shameful', 0.9), ('Awful', 0.9)]
    """
    found: dict[tuple[int, int], float] = {}
    for a, b, conf in decode_bio(probs, threshold):
        start, end = token_span_to_chars(offsets, a, b)
        for part in split_at_line_breaks(text, start, end):
            snapped = tidy_span(text, *part)
            if snapped and chars_to_token_span(offsets, *snapped):
                found[snapped] = max(conf, found.get(snapped, 0.0))
    # Each found span lies inside one merged span; one sweep in start order gives each
    # merged span the best confidence of its parts (a scan per span was quadratic).
    parts = sorted(found.items())
    result, i = [], 0
    for a, b in merge_overlapping(list(found)):
        best = 0.0
        while i < len(parts) and parts[i][0][0] < b:
            best = max(best, parts[i][1])
            i += 1
        result.append((a, b, best))
    return result


def piece_candidates(
    index: ArticleIndex,
    piece: Piece,
    threshold: float,
    heads: Heads,
    span_filter: SpanFilter | None = None,
    keep: float = 0.0,
    members: Sequence[Member] = (),
) -> list[Candidate]:
    """The candidates of one piece: decoded spans and both heads' answers for them (an
    ensemble's ``members`` with span heads classify them too); with ``span_filter``, those
    whose filter score reaches ``keep``.

    Example:
        >>> # piece_candidates(ArticleIndex.build(text), piece, 0.5, network.heads)
    """
    decoded = candidate_spans(index.text, piece.encoded.offsets, piece.probs, threshold)
    if not decoded:
        return []
    spans = [(a, b) for a, b, _ in decoded]
    x = span_inputs(index, piece, spans)
    probs = span_probs(heads, x, index, piece, spans, members)
    labels = heads.labels(x, probs)
    # A float16 copy: a view would keep every head row of the piece alive until the
    # article is done, which on a 5 MB text is tens of thousands of candidates.
    vectors = span_vectors(x).astype(np.float16)
    found = [
        Candidate(a, b, c, p, q, v)
        for (a, b, c), p, q, v in zip(decoded, probs, labels, vectors, strict=True)
    ]
    if span_filter is None:
        return found
    return keep_candidates(index, found, span_filter, keep, x[:, -N_FEATURES:])
