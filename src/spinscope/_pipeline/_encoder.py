"""The encoder stage: pieces of text -> token windows -> tagger runs -> per-token states.

Three steps, as named functions:

- preprocess: :func:`plan_piece` tokenizes one piece of an article and cuts it into
  overlapping windows (a :class:`Plan`);
- run: :func:`submit` packs the windows of one or more plans into batches and runs the
  tagger session on each batch, on the model's thread pool (:func:`encode` waits for it);
- postprocess: each plan's window outputs become a :class:`Piece`: every token's BIO
  probabilities, read from the window where it sits furthest from an edge, and the token
  states the technique heads pool.

The shipped tagger is dynamically int8-quantized: one activation scale per input tensor,
so which windows share a batch (and their padding) slightly changes the numbers; alone in
its run (the default), a window's numbers are its own.
:func:`batches_in_order` is the batching of one article that ``Model.analyze`` has always
used; :func:`batches_by_length` packs windows of many articles with less padding.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from tokenizers import Tokenizer

from ._config import ModelConfig
from ._session import InferenceSession
from ._text import split_pieces
from ._tokens import Encoded, encode_article, pack_rows
from ._windows import Window, owner_windows, plan_windows

WindowOutput = tuple[npt.NDArray[np.float32], npt.NDArray[np.float32], npt.NDArray[np.int64]]
"""The tagger's view of one window: tag probabilities, token states, attention mask."""


@dataclass(frozen=True)
class Plan:
    """One piece of an article, tokenized (offsets into the whole article) and windowed."""

    encoded: Encoded
    windows: list[Window]


@dataclass(frozen=True)
class Piece:
    """The encoder's view of one piece of an article.

    Attributes:
        encoded: The piece's tokens, with offsets into the whole article.
        windows: The windows the tokens were read in.
        probs: ``(tokens, 3)`` BIO probabilities, one row per token.
        hidden: Per window, its ``(positions, hidden size)`` token states.
        masks: Per window, its attention mask.
        others: The same characters as an ensemble's members read them, in the order of
            the network's members (``None``: that member found no token); empty for one
            network (see ``_members``).
    """

    encoded: Encoded
    windows: list[Window]
    probs: npt.NDArray[np.float32]
    hidden: list[npt.NDArray[np.float32]]
    masks: list[npt.NDArray[np.int64]]
    others: tuple[Piece | None, ...] = ()

    def covers(self, start: int) -> bool:
        """Whether character ``start`` of the article lies within this piece's tokens."""
        return self.encoded.offsets[0][0] <= start < self.encoded.offsets[-1][1]


def plan_piece(
    tokenizer: Tokenizer, config: ModelConfig, text: str, start: int, end: int
) -> Plan | None:
    """Tokenize ``text[start:end]`` and cut it into windows; ``None`` when it has no token.

    Example:
        >>> from tokenizers import Tokenizer, models, pre_tokenizers
        >>> tok = Tokenizer(models.WordLevel({"a": 5, "[UNK]": 1}, unk_token="[UNK]"))
        >>> tok.pre_tokenizer = pre_tokenizers.Whitespace()
        >>> plan = plan_piece(tok, ModelConfig("m", window_size=4, window_overlap=1),
        ...                   "x a a a a", 2, 9)
        >>> plan.encoded.offsets[0], plan.windows
        ((2, 3), [(0, 2), (1, 3), (2, 4)])
    """
    enc = encode_article(tokenizer, text[start:end])
    if len(enc) == 0:
        return None
    enc = Encoded(enc.ids, [(a + start, b + start) for a, b in enc.offsets])
    return Plan(enc, plan_windows(len(enc), config.window_size - 2, config.window_overlap))


def plan_pieces(
    tokenizer: Tokenizer, config: ModelConfig, text: str, piece_chars: int
) -> Iterator[Plan]:
    """Plan the pieces of ``text`` that hold a token, one at a time (memory stays bounded).

    Example:
        >>> from tokenizers import Tokenizer, models, pre_tokenizers
        >>> tok = Tokenizer(models.WordLevel({"a": 5, "[UNK]": 1}, unk_token="[UNK]"))
        >>> tok.pre_tokenizer = pre_tokenizers.Whitespace()
        >>> [len(p.encoded) for p in plan_pieces(tok, ModelConfig("m"), "a a\\na a a", 5)]
        [2, 3]
    """
    for start, end in split_pieces(text, piece_chars):
        plan = plan_piece(tokenizer, config, text, start, end)
        if plan is not None:
            yield plan


def batches_in_order(n_windows: int, size: int) -> list[list[int]]:
    """Consecutive groups of at most ``size`` windows, in order (one article's batching).

    Example:
        >>> batches_in_order(5, 2)
        [[0, 1], [2, 3], [4]]
    """
    step = max(1, size)
    return [list(range(i, min(i + step, n_windows))) for i in range(0, n_windows, step)]


def batches_by_length(lengths: Sequence[int], size: int) -> list[list[int]]:
    """Groups of at most ``size`` windows of similar length, so little padding is run.

    Windows are sorted longest first (ties keep their order) and cut into groups.

    Example:
        >>> batches_by_length([254, 30, 254, 12, 40], 2)
        [[0, 2], [4, 1], [3]]
    """
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    step = max(1, size)
    return [order[i : i + step] for i in range(0, len(order), step)]


def run_tagger(
    tagger: InferenceSession,
    config: ModelConfig,
    rows: Sequence[tuple[npt.NDArray[np.int64], Window]],
) -> list[WindowOutput]:
    """One tagger run over windows ``(token ids, window)``, padded to the longest.

    Example:
        >>> class Tagger:
        ...     def run(self, output_names, input_feed):
        ...         x = input_feed["input_ids"]
        ...         return [np.zeros((*x.shape, 3)), np.ones((*x.shape, 2))]
        >>> out = run_tagger(Tagger(), ModelConfig("m"), [(np.arange(9), (0, 3))])
        >>> [a.shape for a in out[0]]
        [(5, 3), (5, 2), (5,)]
    """
    c = config
    input_ids, mask = pack_rows(rows, c.cls_id, c.sep_id, c.pad_id)
    probs, hidden = tagger.run(
        ["probs", "hidden"], {"input_ids": input_ids, "attention_mask": mask}
    )
    return [(probs[r], hidden[r], mask[r]) for r in range(len(rows))]


def assemble(plan: Plan, outputs: Sequence[WindowOutput]) -> Piece:
    """A piece from the outputs of its windows: each token's probabilities come from the
    window that owns it (see :func:`owner_windows`).

    Example:
        >>> plan = Plan(Encoded(np.arange(3), [(0, 1), (2, 3), (4, 5)]), [(0, 2), (1, 3)])
        >>> p = [np.full((4, 3), w, dtype=np.float32) for w in (0, 1)]
        >>> outputs = [(p[w], p[w], np.ones(4, dtype=np.int64)) for w in (0, 1)]
        >>> assemble(plan, outputs).probs[:, 0].tolist()
        [0.0, 0.0, 1.0]
    """
    windows = plan.windows
    owners = owner_windows(len(plan.encoded), windows)
    token_probs = np.stack(
        [outputs[w][0][t - windows[w][0] + 1] for t, w in enumerate(owners)]
    ).astype(np.float32)
    hidden = [out[1] for out in outputs]
    masks = [out[2] for out in outputs]
    return Piece(plan.encoded, windows, token_probs, hidden, masks)


def submit(
    tagger: InferenceSession,
    config: ModelConfig,
    plans: Sequence[Plan],
    batch_size: int,
    by_length: bool = False,
    pool: Executor | None = None,
) -> Callable[[], list[Piece]]:
    """Start running the windows of ``plans`` through the tagger, ``batch_size`` windows a
    run; the returned function waits for the runs and gives each plan's :class:`Piece`.

    With a ``pool`` the runs go to its threads (onnxruntime releases the GIL, so they use
    as many cores as the pool has threads) and the caller goes on meanwhile; without one
    they run here, before this returns. In order (``by_length=False``) for one plan this is
    ``Model.analyze``'s batching; ``by_length`` groups windows of all plans by length.

    Example:
        >>> class Tagger:
        ...     def run(self, output_names, input_feed):
        ...         x = input_feed["input_ids"]
        ...         return [np.zeros((*x.shape, 3)), np.ones((*x.shape, 2))]
        >>> plan = Plan(Encoded(np.arange(3), [(0, 1), (2, 3), (4, 5)]), [(0, 2), (1, 3)])
        >>> wait = submit(Tagger(), ModelConfig("m"), [plan, plan], 3, True)
        >>> [p.probs.shape for p in wait()]
        [(3, 3), (3, 3)]
    """
    rows = [(plan.encoded.ids, w) for plan in plans for w in plan.windows]
    if by_length:
        groups = batches_by_length([b - a for _, (a, b) in rows], batch_size)
    else:
        groups = batches_in_order(len(rows), batch_size)

    def run(group: list[int]) -> list[WindowOutput]:
        return run_tagger(tagger, config, [rows[i] for i in group])

    if pool is None:
        done = [run(group) for group in groups]
        return lambda: _pieces(plans, groups, done)
    futures = [pool.submit(run, group) for group in groups]
    return lambda: _pieces(plans, groups, [f.result() for f in futures])


def _pieces(
    plans: Sequence[Plan], groups: list[list[int]], results: list[list[WindowOutput]]
) -> list[Piece]:
    """Each plan's piece from the outputs of the batches ``groups`` (window indices)."""
    outputs: dict[int, WindowOutput] = {}
    for group, result in zip(groups, results, strict=True):
        outputs.update(zip(group, result, strict=True))
    pieces, first = [], 0
    for plan in plans:
        mine = [outputs[first + w] for w in range(len(plan.windows))]
        pieces.append(assemble(plan, mine))
        first += len(plan.windows)
    return pieces


def encode(
    tagger: InferenceSession,
    config: ModelConfig,
    plans: Sequence[Plan],
    batch_size: int,
    by_length: bool = False,
    pool: Executor | None = None,
) -> list[Piece]:
    """Run the windows of ``plans`` through the tagger and wait: :func:`submit`, waited for.

    Example:
        >>> # piece = encode(network.tagger, network.config, [plan], 1, pool=network.pool)[0]
    """
    return submit(tagger, config, plans, batch_size, by_length, pool)()
