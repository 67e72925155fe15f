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
- the piece's probabilities become the mean of all (:func:`blend`), and the member's
  reading is kept beside it (``Piece.others``);
- a member with a span head (``span_head.onnx``) also classifies each span from its own
  token states, and the technique probabilities are the mean of the primary's and those
  (:func:`span_probs`).

Everything else (decoding, the end-to-end head, the attribution head) is the primary
network's. A model without members is untouched.
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
from ._decode import B_TAG, I_TAG, O_TAG, chars_to_token_span
from ._encoder import Piece, encode, plan_piece
from ._features import ArticleIndex
from ._heads import Heads, span_inputs
from ._session import InferenceSession, open_session, run_one
from ._tokens import prepare_tokenizer

Floats = npt.NDArray[np.float32]
Offsets = Sequence[tuple[int, int]]
MEMBER_FILES = ("config.json", "tokenizer.json", "tagger.onnx")


@dataclass(frozen=True)
class Member:
    """One more tagger of an ensemble: its tokenizer, window settings and session, and its
    span head (``None``: it only says where spans are)."""

    tokenizer: Tokenizer
    config: ModelConfig
    tagger: InferenceSession
    span_head: InferenceSession | None = None


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
            head = sub / "span_head.onnx"
            span_head = open_session(head) if head.is_file() else None
        except Exception as exc:  # onnxruntime and tokenizers raise their own types
            raise ModelError(f"{sub}: cannot load the ensemble member ({exc})") from None
        members.append(Member(tokenizer, config, tagger, span_head))
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


def read_piece(
    member: Member, text: str, offsets: Offsets, batch: int, pool: Executor | None = None
) -> Piece | None:
    """The characters ``offsets`` cover as ``member`` reads them (``None``: no token).

    Example:
        >>> # read_piece(network.members[0], text, piece.encoded.offsets, 1)
    """
    plan = plan_piece(member.tokenizer, member.config, text, offsets[0][0], offsets[-1][1])
    if plan is None:
        return None
    return encode(member.tagger, member.config, [plan], batch, pool=pool)[0]


def on_tokens(offsets: Offsets, other: Piece | None) -> Floats:
    """A member's BIO probabilities read off onto the tokens ``offsets`` (O where it read
    nothing)."""
    if other is None:
        return soft_tags(offsets, np.zeros((0, 2), dtype=np.int64), np.zeros((0, 3), np.float32))
    return soft_tags(offsets, np.asarray(other.encoded.offsets, dtype=np.int64), other.probs)


def blend(
    piece: Piece,
    text: str,
    members: Sequence[Member],
    batch: int,
    pool: Executor | None = None,
) -> Piece:
    """``piece`` with its BIO probabilities averaged with every member's (equal weights),
    and the members' readings kept in ``others`` for :func:`span_probs`.

    Example:
        >>> # piece = blend(piece, text, network.members, 1, network.pool)
    """
    if not members:
        return piece
    offsets = piece.encoded.offsets
    others = tuple(read_piece(m, text, offsets, batch, pool) for m in members)
    probs = [piece.probs] + [on_tokens(offsets, other) for other in others]
    return replace(piece, probs=np.mean(probs, axis=0).astype(np.float32), others=others)


def span_probs(
    heads: Heads,
    x: Floats,
    index: ArticleIndex,
    piece: Piece,
    spans: Sequence[tuple[int, int]],
    members: Sequence[Member] = (),
) -> Floats:
    """The technique probabilities of ``spans`` (``x``: their :func:`span_inputs` rows):
    the span head's, averaged with each member's that has a span head and reads the span.

    Example:
        >>> # span_probs(network.heads, x, index, piece, spans, network.members)
    """
    probs = heads.span_probs(x)
    if not any(m.span_head is not None for m in members):
        return probs
    total, count = probs.astype(np.float64), np.ones(len(spans))
    for member, other in zip(members, piece.others, strict=True):
        if member.span_head is None or other is None:
            continue
        held = [i for i, sp in enumerate(spans) if chars_to_token_span(other.encoded.offsets, *sp)]
        if held:
            rows = span_inputs(index, other, [spans[i] for i in held])
            total[held] += run_one(member.span_head, "probs", {"x": rows})
            count[held] += 1
    return (total / count[:, None]).astype(np.float32)
