"""Articles through the encoder and heads as a stream: what ``Model.analyze`` and
``Model.pipe`` run.

Each article is cut into pieces of at most ``settings.piece_chars`` characters, each piece
into windows (:func:`~._encoder.plan_piece`). Pieces are gathered into chunks, encoded,
decoded and asked about in input order, and each piece's token states are dropped once
its candidates (and, when the model has an attribution head, its attributions) are
found; an article is yielded as soon as its last piece is done.

- Unpacked (``pack=False``), every piece is a chunk of its own, its windows batched in
  order: the numbers of ``Model.analyze``, whatever the neighbouring articles.
- Packed, a chunk gathers pieces of consecutive articles until it holds
  ``LOOKAHEAD_BATCHES * batch_size`` windows, and its windows are batched by length.
  With batches of several windows that means fewer, fuller runs, but the int8 tagger
  quantizes each batch with one scale, so an article's numbers then depend slightly on
  its neighbours (the span sets of 84 of 100 training articles differed at batches of 8).

By default every run is one window (``settings.batch_windows`` 1), so a window's numbers
are its own whatever else runs, and packing changes nothing but chunk sizes. Runs go to
the network's thread pool, one thread each, and the next chunks encode while this one is
decoded: on 100 training articles, 1.25x the articles/s of one two-thread run of 8
windows at a time, with half the peak memory (``benchmarks/experiments.md``).

At most ``CHUNKS_AHEAD + 1`` chunks of states are held (one decoding, the next ones
encoding): memory stays bounded however many and however long the texts.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from .._errors import InputError
from ._candidates import piece_candidates
from ._choose import Candidate
from ._encoder import Piece, Plan, plan_piece, submit
from ._features import ArticleIndex
from ._loading import Network
from ._members import blend
from ._roles import Attribution
from ._text import split_pieces

LOOKAHEAD_BATCHES = 4
"""Packed: a chunk holds windows for this many encoder batches (and at most one piece more)."""
CHUNKS_AHEAD = 2
"""Chunks submitted to the encoder beyond the one being decoded. With one, the pool ran
dry whenever the next article encoded faster than this one decoded (the cores were 83%
busy over 100 training articles); with two they stay busy."""


class Found(NamedTuple):
    """An article's text, its candidates and its attributions (``None``: no head)."""

    text: str
    candidates: list[Candidate]
    attributions: list[Attribution] | None = None


@dataclass
class _Article:
    """An article on its way: the candidates (and attributions) of its pieces so far."""

    text: str
    index: ArticleIndex
    found: list[Candidate] = field(default_factory=list)
    said: list[Attribution] | None = None


@dataclass(frozen=True)
class _Step:
    """One piece of an article (``plan`` is ``None`` when it holds no token), or an error
    that stands in for an article."""

    article: _Article | InputError
    plan: Plan | None
    last: bool

    @property
    def windows(self) -> int:
        return 0 if self.plan is None else len(self.plan.windows)


def _steps(network: Network, items: Iterable[str | InputError]) -> Iterator[_Step]:
    """The pieces of every item in order, planned one at a time."""
    for item in items:
        if isinstance(item, InputError):
            yield _Step(item, None, True)
            continue
        said: list[Attribution] | None = None if network.attribution_head is None else []
        article = _Article(item, ArticleIndex.build(item), said=said)
        ranges = split_pieces(item, network.settings.piece_chars) or [(0, 0)]
        for k, (start, end) in enumerate(ranges):
            plan = plan_piece(network.tokenizer, network.config, item, start, end)
            yield _Step(article, plan, k == len(ranges) - 1)


def _chunks(steps: Iterable[_Step], min_windows: int) -> Iterator[list[_Step]]:
    """Consecutive steps, cut as soon as a chunk holds ``min_windows`` windows.

    Example:
        >>> steps = [_Step(InputError("x"), None, True)] * 3
        >>> [len(c) for c in _chunks(steps, 0)], [len(c) for c in _chunks(steps, 1)]
        ([1, 1, 1], [3])
    """
    chunk: list[_Step] = []
    held = 0
    for step in steps:
        chunk.append(step)
        held += step.windows
        if held >= min_windows:
            yield chunk
            chunk, held = [], 0
    if chunk:
        yield chunk


def find_candidates(
    network: Network,
    items: Iterable[str | InputError],
    threshold: float,
    batch_size: int,
    pack: bool = False,
) -> Iterator[Found | InputError]:
    """Each item's text and candidates (decoded at span ``threshold``), in input order; an
    :class:`InputError` item is passed through in its place.

    While one chunk is decoded here, the next is already running on the network's thread
    pool, so the cores encode while Python decodes.

    Example:
        >>> # next(find_candidates(network, ["They lie."], 0.5, 8))[1][0].start
    """
    min_windows = LOOKAHEAD_BATCHES * batch_size if pack else 0
    ahead: deque[tuple[list[_Step], Callable[[], list[Piece]]]] = deque()
    for chunk in _chunks(_steps(network, items), min_windows):
        plans = [step.plan for step in chunk if step.plan is not None]
        wait = submit(
            network.tagger, network.config, plans, batch_size, by_length=pack, pool=network.pool
        )
        ahead.append((chunk, wait))
        if len(ahead) > CHUNKS_AHEAD:
            yield from _decode_chunk(network, threshold, *ahead.popleft())
    while ahead:
        yield from _decode_chunk(network, threshold, *ahead.popleft())


def _decode_chunk(
    network: Network, threshold: float, chunk: list[_Step], wait: Callable[[], list[Piece]]
) -> Iterator[Found | InputError]:
    """Decode one encoded chunk; yield each article whose last piece it holds."""
    pieces = deque(wait())
    for step in chunk:
        article = step.article
        if isinstance(article, InputError):
            yield article
            continue
        if step.plan is not None:
            piece = pieces.popleft()  # its states are dropped with this reference
            batch = network.settings.batch_windows
            piece = blend(piece, article.text, network.members, batch, network.pool)
            article.found += piece_candidates(
                article.index,
                piece,
                threshold,
                network.heads,
                network.span_filter,
                network.config.keep_threshold,
                network.members,
            )
            head = network.attribution_head
            if head is not None and article.said is not None:
                # Per piece, from the states just read: no second encoder run.
                article.said += head.piece_attributions(article.text, piece)
        if step.last:
            yield Found(article.text, article.found, article.said)
