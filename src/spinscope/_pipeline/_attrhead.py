"""The attribution head at run time: token states of a piece -> tags -> attributions.

The head is a small ONNX network (``attribution_head.onnx`` in a model directory, with
``attribution.json`` beside it) that reads the token states the propaganda tagger has
already computed, so finding attributions costs no second encoder run. Each token's state
is read from the window where it sits furthest from an edge, as the pipeline reads its
probabilities. ``Model.analyze`` runs it on each piece before the piece's states are
dropped (:meth:`AttributionHead.piece_attributions`); :meth:`AttributionHead.attributions`
reads the pieces of a kept :class:`~._reading.Forward` joined into one sequence
(training and benchmarks). It lives in ``_pipeline`` because ``Model`` loads and runs it;
``_attribution`` re-exports it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ._encoder import Piece
from ._roles import TAGS, Attribution, Decoding, decode_attributions
from ._session import InferenceSession, open_session
from ._windows import owner_windows

HEAD_FILE = "attribution_head.onnx"
CONFIG_FILE = "attribution.json"
States = npt.NDArray[np.float32]
Offsets = list[tuple[int, int]]


def owners(n_tokens: int, windows: Sequence[tuple[int, int]]) -> npt.NDArray[np.int64]:
    """For each token, the window where it sits furthest from an edge (ties: the earlier).

    The pipeline's rule for a token's probabilities, so the head reads the same states.

    Example:
        >>> owners(10, [(0, 4), (3, 7), (6, 10)]).tolist()
        [0, 0, 0, 0, 1, 1, 1, 2, 2, 2]
    """
    return np.asarray(owner_windows(n_tokens, windows), dtype=np.int64)


def piece_states(piece: Piece) -> States:
    """Every token's ``(hidden size,)`` state in one piece, each from its owner window.

    Example:
        >>> # piece_states(piece).shape == (len(piece.encoded), hidden_size)
    """
    own = owners(len(piece.encoded), piece.windows)
    starts = np.asarray([w[0] for w in piece.windows], dtype=np.int64)
    # Position 0 of a window is its start token, so token t sits at t - start + 1.
    pos = np.arange(len(own)) - starts[own] + 1
    out = np.empty((len(own), piece.hidden[0].shape[-1]), dtype=np.float32)
    for w in range(len(piece.windows)):
        mine = own == w
        out[mine] = piece.hidden[w][pos[mine]]
    return out


def token_states(pieces: Sequence[Piece]) -> tuple[States, Offsets]:
    """Every token's ``(hidden size,)`` state and its character offsets, pieces joined.

    Example:
        >>> # states, offsets = token_states(model.forward(text).pieces)
    """
    rows = [piece_states(piece) for piece in pieces]
    offsets: Offsets = [o for piece in pieces for o in piece.encoded.offsets]
    if not rows:
        return np.zeros((0, 0), dtype=np.float32), offsets
    return np.concatenate(rows), offsets


@dataclass(frozen=True)
class AttributionHead:
    """The attribution head of a model directory, run by onnxruntime.

    Attributes:
        session: The ``attribution_head.onnx`` session: input ``states``
            ``(1, tokens, hidden size)``, output ``probs`` ``(1, tokens, 7)``.
        decoding: How its role spans are grouped into attributions.
        config: ``attribution.json`` as read (labels, network shape, training notes).
    """

    session: InferenceSession
    decoding: Decoding
    config: dict[str, Any]

    @classmethod
    def load(cls, folder: Path) -> AttributionHead | None:
        """The head in model directory ``folder``, or ``None`` when it has none.

        Example:
            >>> AttributionHead.load(Path("/nonexistent")) is None
            True
        """
        if not (folder / HEAD_FILE).is_file() or not (folder / CONFIG_FILE).is_file():
            return None
        config = json.loads((folder / CONFIG_FILE).read_text(encoding="utf-8"))
        if tuple(config.get("tags", ())) != TAGS:
            return None
        decoding = Decoding(**config.get("decoding", {}))
        return cls(open_session(folder / HEAD_FILE), decoding, config)

    def probs(self, states: States) -> States:
        """``(tokens, 7)`` tag probabilities of token states ``(tokens, hidden size)``.

        Example:
            >>> # head.probs(token_states(model.forward(text).pieces)[0]).argmax(axis=1)
        """
        if len(states) == 0:
            return np.zeros((0, len(TAGS)), dtype=np.float32)
        (out,) = self.session.run(["probs"], {"states": states[None].astype(np.float32)})
        return np.asarray(out[0], dtype=np.float32)

    def attributions(self, text: str, pieces: Sequence[Piece]) -> list[Attribution]:
        """The attributions of ``text`` from the states its forward pass kept (``pieces``).

        Example:
            >>> # fwd = model.forward(text); head.attributions(fwd.text, fwd.pieces)[0].source
        """
        states, offsets = token_states(pieces)
        tags = self.probs(states).argmax(axis=1).tolist()
        return decode_attributions(text, offsets, tags, self.decoding)

    def piece_attributions(self, text: str, piece: Piece) -> list[Attribution]:
        """The attributions of one piece of ``text`` (offsets into the whole text).

        Example:
            >>> # head.piece_attributions(text, piece)[0].content
        """
        tags = self.probs(piece_states(piece)).argmax(axis=1).tolist()
        return decode_attributions(text, piece.encoded.offsets, tags, self.decoding)
