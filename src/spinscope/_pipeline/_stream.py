"""Articles through the encoder and heads as a stream: what ``Model.analyze`` and
``Model.pipe`` run.

Each article is cut into pieces of at most ``settings.piece_chars`` characters, each piece
into windows (:func:`~._encoder.plan_piece`). Pieces are gathered into chunks, encoded,
decoded and asked about in input order, and each piece's token states are dropped once
its candidates are found; an article is yielded as soon as its last piece is done.

- Unpacked (``pack=False``), every piece is a chunk of its own, its windows batched in
  order: the numbers of ``Model.analyze``, whatever the neighbouring articles.
- Packed, a chunk gathers pieces of consecutive articles until it holds
  ``LOOKAHEAD_BATCHES * batch_size`` windows, and its windows are batched by length.
  Fewer, fuller runs; but the int8 tagger quantizes each batch with one scale, so an
  article's numbers then depend slightly on its neighbours.

Either way at most one chunk of states is held: memory stays bounded however many and
however long the texts.

Measured on the first 100 PTC training articles (2 threads, medians of 3, two sessions):
packed is no faster than unpacked (6.7 and 5.3 against 7.0 and 6.0 articles/s; a news
article's windows are already full, so there is no padding to save), and the span sets of
84 articles differ (+459/-471 of 1,743 spans, confidences up to 0.11 apart), about as much
as changing ``settings.batch_windows`` from 8 to 1 moves them. On 100 headlines packing is
1.5x faster. Hence unpacked by default.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from .._errors import InputError
from ._candidates import piece_candidates
from ._choose import Candidate
from ._encoder import Plan, encode, plan_piece
from ._features import ArticleIndex
from ._loading import Network
from ._text import split_pieces

LOOKAHEAD_BATCHES = 4
"""Packed: a chunk holds windows for this many encoder batches (and at most one piece more)."""

Found = tuple[str, list[Candidate]]
"""An article's text and its candidates."""


@dataclass
class _Article:
    """An article on its way: the candidates of its pieces done so far."""

    text: str
    index: ArticleIndex
    found: list[Candidate] = field(default_factory=list)


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
        article = _Article(item, ArticleIndex.build(item))
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

    Example:
        >>> # next(find_candidates(network, ["They lie."], 0.5, 8))[1][0].start
    """
    min_windows = LOOKAHEAD_BATCHES * batch_size if pack else 0
    for chunk in _chunks(_steps(network, items), min_windows):
        plans = [step.plan for step in chunk if step.plan is not None]
        pieces = deque(encode(network.tagger, network.config, plans, batch_size, by_length=pack))
        for step in chunk:
            article = step.article
            if isinstance(article, InputError):
                yield article
                continue
            if step.plan is not None:
                piece = pieces.popleft()  # its states are dropped with this reference
                article.found += piece_candidates(article.index, piece, threshold, network.heads)
            if step.last:
                yield article.text, article.found
