"""Reading the network's states for training and evaluation: kept states and given spans.

``Model.analyze`` drops each piece's token states once it is decoded. Tuning decodes the
same articles at many thresholds, and the end-to-end head learns from the states of
given spans, so :func:`forward` keeps them (a :class:`Forward`); :func:`technique_probs`
classifies given spans (the SemEval TC task), through the technique stacker when the
model has one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .._errors import InputError
from ._candidates import piece_candidates
from ._choose import Candidate
from ._decode import chars_to_token_span
from ._encoder import Piece, encode, plan_piece, plan_pieces
from ._features import ArticleIndex
from ._heads import span_inputs
from ._loading import Network
from ._members import blend, span_probs
from ._roles import Attribution
from ._stacker import stacker_inputs
from ._text import split_pieces

Spans = Sequence[tuple[int, int]]


@dataclass(frozen=True)
class Forward:
    """One article run through the encoder; decoding it again costs no inference."""

    text: str
    index: ArticleIndex
    pieces: list[Piece]

    def covers(self, start: int) -> bool:
        """Whether character ``start`` lies within the tokens of a piece."""
        return any(p.covers(start) for p in self.pieces)


def forward(network: Network, text: str) -> Forward:
    """Run the encoder over ``text`` as ``Model.analyze`` does, keeping every piece's states.

    Example:
        >>> # forward(network, "They lie.").pieces[0].probs.shape
    """
    net = network
    plans = plan_pieces(net.tokenizer, net.config, text, net.settings.piece_chars)
    batch = net.settings.batch_windows
    pieces = [encode(net.tagger, net.config, [plan], batch, pool=net.pool)[0] for plan in plans]
    pieces = [blend(p, text, net.members, batch, net.pool) for p in pieces]
    return Forward(text, ArticleIndex.build(text), pieces)


def forward_candidates(network: Network, fwd: Forward, threshold: float) -> list[Candidate]:
    """Decode kept states again at span ``threshold`` (no encoder run).

    Example:
        >>> # forward_candidates(network, forward(network, text), 0.3)
    """
    keep = network.config.keep_threshold
    return [
        cand
        for piece in fwd.pieces
        for cand in piece_candidates(
            fwd.index, piece, threshold, network.heads, network.span_filter, keep, network.members
        )
    ]


def forward_span_inputs(
    network: Network, fwd: Forward, spans: Spans
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """Head inputs and classification probabilities of ``spans`` from kept states (training
    the end-to-end head reads these). Every span must start within a piece's tokens.

    Example:
        >>> # x, probs = forward_span_inputs(network, fwd, [(0, 4)])
    """
    by_piece: dict[int, list[int]] = defaultdict(list)
    for i, (start, _) in enumerate(spans):
        k = next(k for k, p in enumerate(fwd.pieces) if p.covers(start))
        by_piece[k].append(i)
    parts = []
    for k, idxs in by_piece.items():
        piece, mine = fwd.pieces[k], [spans[i] for i in idxs]
        x = span_inputs(fwd.index, piece, mine)
        parts.append(
            (idxs, x, span_probs(network.heads, x, fwd.index, piece, mine, network.members))
        )
    rows = np.empty((len(spans), parts[0][1].shape[1]), dtype=np.float32)
    probs = np.empty((len(spans), parts[0][2].shape[1]), dtype=np.float32)
    for idxs, x, p in parts:
        rows[idxs], probs[idxs] = x, p
    return rows, probs


def _piece_of(network: Network, source: str | Forward, where: tuple[int, int]) -> Piece | None:
    """The encoded piece of characters ``where`` (``None``: it holds no token): encoded
    now from the text, or the one a :class:`Forward` kept (the same tokens and windows)."""
    if isinstance(source, Forward):
        start, end = where
        return next((p for p in source.pieces if start <= p.encoded.offsets[0][0] < end), None)
    plan = plan_piece(network.tokenizer, network.config, source, *where)
    if plan is None:
        return None
    batch = network.settings.batch_windows
    piece = encode(network.tagger, network.config, [plan], batch, pool=network.pool)[0]
    return blend(piece, source, network.members, batch, network.pool)


def forward_attributions(network: Network, fwd: Forward) -> list[Attribution] | None:
    """The attribution head's findings from kept states, piece by piece as ``Model.analyze``
    reads them (``None``: the model has no attribution head)."""
    head = network.attribution_head
    if head is None:
        return None
    return [found for piece in fwd.pieces for found in head.piece_attributions(fwd.text, piece)]


def _check_spans(text: str, spans: Spans) -> None:
    for start, end in spans:
        if not 0 <= start < end <= len(text):
            raise InputError(
                f"span [{start}, {end}) lies outside the text of {len(text)} characters"
            )


def technique_probs(
    network: Network, source: str | Forward, spans: Spans, stacked: bool = True
) -> npt.NDArray[np.float32]:
    """Technique probabilities ``(len(spans), techniques)`` for given character spans of
    an article's text, or of a :class:`Forward` (its kept states are read again: no
    inference, and the same probabilities when windows run one at a time).

    Each span is read in the piece that holds most of it, clipped to that piece. With
    ``stacked`` and a model that has a technique stacker, the span head's probabilities
    are weighed again with the article and the other given spans (see ``_stacker``);
    ``stacked=False`` gives the span head's own (the stacker is fitted on those).

    Raises:
        InputError: for a span outside the text or covering no token.

    Example:
        >>> # technique_probs(network, "They lie.", [(5, 8)]).argmax(axis=1)
    """
    text = source if isinstance(source, str) else source.text
    _check_spans(text, spans)
    net = network
    ranges = split_pieces(text, net.settings.piece_chars)
    todo: dict[int, list[tuple[int, tuple[int, int]]]] = defaultdict(list)
    for i, (start, end) in enumerate(spans):
        k = max(range(len(ranges)), key=lambda k: min(end, ranges[k][1]) - max(start, ranges[k][0]))
        todo[k].append((i, (max(start, ranges[k][0]), min(end, ranges[k][1]))))
    index = ArticleIndex.build(text) if isinstance(source, str) else source.index
    result = np.zeros((len(spans), len(net.config.techniques)), dtype=np.float32)
    for k, items in sorted(todo.items()):
        piece = _piece_of(net, source, ranges[k])
        for i, clipped in items:
            if piece is None or not chars_to_token_span(piece.encoded.offsets, *clipped):
                raise InputError(f"span {list(spans[i])} covers no word of the text")
        assert piece is not None
        mine = [sp for _, sp in items]
        x = span_inputs(index, piece, mine)
        probs = span_probs(net.heads, x, index, piece, mine, net.members)
        for (i, _), p in zip(items, probs, strict=True):
            result[i] = p
    if stacked and net.stacker is not None:
        return net.stacker.probs(stacker_inputs(index, spans, result))
    return result
