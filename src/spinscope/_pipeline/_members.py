"""An ensemble's other taggers: more networks read each piece, their BIO probabilities averaged.

Averaging two different encoders per character was the largest span-identification gain
measured on the cross-validation folds (``benchmarks/experiments.md``: v3 and
all-mpnet-base-v2 together, +0.013 to +0.025 SI over the better one). A model directory
whose ``config.json`` names ``members`` (sub-directories, each with its own
``config.json``, ``tokenizer.json`` and ``tagger.onnx``) runs them too:

- each member tokenizes the piece's characters with its own tokenizer and reads them in
  its own windows (:func:`~._encoder.plan_piece`, :func:`~._encoder.encode`);
- its token probabilities are read off onto the primary tagger's tokens by characters
  (:func:`soft_tags`), whatever the two tokenizers;
- the piece's probabilities become the mean of all (:func:`blend`).

Everything after that (decoding, the technique heads, which read the primary's token
states) is the primary network's. A model without members is untouched.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt
from tokenizers import Tokenizer

from .._errors import ModelError
from ._config import ModelConfig
from ._decode import B_TAG, I_TAG, O_TAG
from ._encoder import Piece, encode, plan_piece
from ._session import InferenceSession, open_session
from ._tokens import prepare_tokenizer

Floats = npt.NDArray[np.float32]
Offsets = Sequence[tuple[int, int]]
MEMBER_FILES = ("config.json", "tokenizer.json", "tagger.onnx")


@dataclass(frozen=True)
class Member:
    """One more tagger of an ensemble: its tokenizer, window settings and session."""

    tokenizer: Tokenizer
    config: ModelConfig
    tagger: InferenceSession


def load_members(folder: Path, names: Sequence[str]) -> tuple[Member, ...]:
    """The members ``names`` (sub-directories of ``folder``) of a model directory.

    Raises:
        ModelError: when a member's directory lacks a file or cannot be read.

    Example:
        >>> load_members(Path("/nonexistent"), [])
        ()
    """
    members = []
    for name in names:
        sub = folder / name
        missing = [f for f in MEMBER_FILES if not (sub / f).is_file()]
        if missing:
            raise ModelError(f"{sub}: not an ensemble member (missing {', '.join(missing)})")
        config = ModelConfig.load(sub)
        try:
            tokenizer = prepare_tokenizer(Tokenizer.from_file(str(sub / "tokenizer.json")))
            tagger = open_session(sub / "tagger.onnx")
        except Exception as exc:  # onnxruntime and tokenizers raise their own types
            raise ModelError(f"{sub}: cannot load the ensemble member ({exc})") from None
        members.append(Member(tokenizer, config, tagger))
    return tuple(members)


def soft_tags(tokens: Offsets, other: npt.NDArray[np.int64], probs: Floats) -> Floats:
    """O/B/I probabilities for ``tokens``, read off another tokenizer's tokens ``other``.

    Each token takes the other token holding its first character. When that one started
    earlier (this tokenizer cut the word finer), the token is inside a word, so its B
    becomes I. A token no other token covers is O.

    Example:
        >>> t = np.array([[0, 6], [7, 9]])
        >>> p = np.array([[0.25, 0.75, 0.0], [0.5, 0.0, 0.5]], dtype=np.float32)
        >>> soft_tags([(0, 2), (2, 6), (7, 9)], t, p).tolist()
        [[0.25, 0.75, 0.0], [0.25, 0.0, 0.75], [0.5, 0.0, 0.5]]
    """
    out = np.zeros((len(tokens), 3), dtype=np.float32)
    out[:, O_TAG] = 1.0
    ends = other[:, 1].tolist() if len(other) else []
    for i, (start, _end) in enumerate(tokens):
        j = bisect_right(ends, start)
        if j >= len(other) or other[j, 0] > start:
            continue
        row = probs[j].astype(np.float32)
        if other[j, 0] < start:
            row = row.copy()
            row[I_TAG] += row[B_TAG]
            row[B_TAG] = 0.0
        out[i] = row
    return out


def member_probs(
    member: Member, text: str, offsets: Offsets, batch: int, pool: Executor | None = None
) -> Floats:
    """What ``member`` says of the characters ``offsets`` cover, on those tokens.

    Example:
        >>> # member_probs(network.members[0], text, piece.encoded.offsets, 1)
    """
    plan = plan_piece(member.tokenizer, member.config, text, offsets[0][0], offsets[-1][1])
    if plan is None:  # the member's tokenizer found nothing to read: it says O
        return soft_tags(offsets, np.zeros((0, 2), dtype=np.int64), np.zeros((0, 3), np.float32))
    piece = encode(member.tagger, member.config, [plan], batch, pool=pool)[0]
    return soft_tags(offsets, np.asarray(piece.encoded.offsets, dtype=np.int64), piece.probs)


def blend(
    piece: Piece,
    text: str,
    members: Sequence[Member],
    batch: int,
    pool: Executor | None = None,
) -> Piece:
    """``piece`` with its BIO probabilities averaged with every member's (equal weights).

    Example:
        >>> # piece = blend(piece, text, network.members, 1, network.pool)
    """
    if not members:
        return piece
    offsets = piece.encoded.offsets
    probs = [piece.probs] + [member_probs(m, text, offsets, batch, pool) for m in members]
    return replace(piece, probs=np.mean(probs, axis=0).astype(np.float32))
