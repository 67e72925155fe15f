"""Tokenizing an article and packing windows into encoder batches.

Training and inference share these functions, so both see exactly the same inputs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from tokenizers import Tokenizer

from ._windows import Window


@dataclass(frozen=True)
class Encoded:
    """An article's tokens without special tokens, with character offsets into its text."""

    ids: npt.NDArray[np.int64]
    offsets: list[tuple[int, int]]

    def __len__(self) -> int:
        return len(self.offsets)


def prepare_tokenizer(tokenizer: Tokenizer) -> Tokenizer:
    """Switch off truncation and padding: windows are cut by spinscope, not the tokenizer."""
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


def encode_article(tokenizer: Tokenizer, text: str) -> Encoded:
    """Tokenize ``text`` keeping offsets into the original string.

    Tokens that cover no character (some tokenizers emit those) are dropped so that
    every token maps to a non-empty character range.
    """
    enc = tokenizer.encode(text, add_special_tokens=False)
    # Each property access builds a new list: read them once.
    offsets, all_ids = enc.offsets, enc.ids
    keep = [i for i, (a, b) in enumerate(offsets) if b > a]
    ids = np.asarray([all_ids[i] for i in keep], dtype=np.int64)
    return Encoded(ids, [offsets[i] for i in keep])


def pack_windows(
    ids: npt.NDArray[np.int64],
    windows: Sequence[Window],
    cls_id: int,
    sep_id: int,
    pad_id: int,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Build ``(input_ids, attention_mask)`` for ``windows``, padded to the longest.

    Position ``p`` of window ``w`` holds article token ``w[0] + p - 1`` (position 0 is
    the start token).

    Example:
        >>> x, m = pack_windows(np.arange(5), [(0, 3), (3, 5)], 101, 102, 0)
        >>> x.tolist(), m.tolist()
        ([[101, 0, 1, 2, 102], [101, 3, 4, 102, 0]], [[1, 1, 1, 1, 1], [1, 1, 1, 1, 0]])
    """
    return pack_rows([(ids, w) for w in windows], cls_id, sep_id, pad_id)


def pack_rows(
    rows: Sequence[tuple[npt.NDArray[np.int64], Window]],
    cls_id: int,
    sep_id: int,
    pad_id: int,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Like :func:`pack_windows`, for windows of several token sequences: each row is
    ``(ids, window)``, so one encoder batch can hold windows of many articles.

    Example:
        >>> x, m = pack_rows([(np.arange(5), (3, 5)), (np.arange(9, 12), (0, 1))], 101, 102, 0)
        >>> x.tolist(), m.tolist()
        ([[101, 3, 4, 102], [101, 9, 102, 0]], [[1, 1, 1, 1], [1, 1, 1, 0]])
    """
    width = max(b - a for _, (a, b) in rows) + 2
    input_ids = np.full((len(rows), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(rows), width), dtype=np.int64)
    for row, (ids, (a, b)) in enumerate(rows):
        n = b - a
        input_ids[row, 0] = cls_id
        input_ids[row, 1 : n + 1] = ids[a:b]
        input_ids[row, n + 1] = sep_id
        mask[row, : n + 2] = 1
    return input_ids, mask
