"""The runtime model: the fine-tuned network as ONNX, run with onnxruntime (no torch).

A model directory holds ``config.json`` (:class:`ModelConfig`), ``tokenizer.json``,
``tagger.onnx`` (encoder + BIO head; outputs tag probabilities and token states),
``span_head.onnx`` (the one technique of a given span: softmax, for classification) and
``e2e_head.onnx`` (every technique used in or around a found span: independent
probabilities, for end-to-end analysis, where one span often carries several; without it,
a span's classification probabilities stand in).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import numpy.typing as npt
from tokenizers import Tokenizer

from .._errors import InputError, ModelError
from .._settings import Settings
from .._techniques import get_technique
from ._analysis import Analysis, Span, build_analysis
from ._config import ModelConfig
from ._decode import (
    chars_to_token_span,
    decode_bio,
    join_nearby,
    merge_overlapping,
    snap_to_words,
    split_at_line_breaks,
    token_span_to_chars,
)
from ._features import ArticleIndex, pool_span, span_features
from ._text import english_share, split_pieces
from ._tokens import Encoded, encode_article, pack_windows, prepare_tokenizer
from ._windows import Window, owner_windows, plan_windows, span_window

MODEL_FILES = ("config.json", "tokenizer.json", "tagger.onnx", "span_head.onnx")
OPTIONAL_FILES = ("e2e_head.onnx",)


def default_model_path() -> Path:
    """The model shipped inside the package."""
    return Path(str(resources.files("spinscope") / "model"))


@dataclass(frozen=True)
class Candidate:
    """A decoded span before technique selection.

    Attributes:
        span_confidence: Mean probability of its tokens being inside a propaganda span.
        probs: Softmax over techniques from the classification head.
        labels: Independent per-technique probabilities from the end-to-end head.
    """

    start: int
    end: int
    span_confidence: float
    probs: npt.NDArray[np.float32]
    labels: npt.NDArray[np.float32]


@dataclass(frozen=True)
class _Piece:
    """The encoder's view of one piece of an article."""

    encoded: Encoded
    windows: list[Window]
    probs: npt.NDArray[np.float32]
    hidden: list[npt.NDArray[np.float32]]
    masks: list[npt.NDArray[np.int64]]


@dataclass(frozen=True)
class Forward:
    """One article run through the encoder; decoding it again costs no inference."""

    text: str
    index: ArticleIndex
    pieces: list[_Piece]


def calibrate(raw: float, calibration: tuple[float, float]) -> float:
    """Map a raw confidence through the logistic calibration ``(a, b)`` fitted at training.

    Example:
        >>> calibrate(0.5, (1.0, 0.0))
        0.5
    """
    p = min(max(raw, 1e-6), 1 - 1e-6)
    a, b = calibration
    z = min(max(a * math.log(p / (1 - p)) + b, -30.0), 30.0)
    return 1.0 / (1.0 + math.exp(-z))


def choose_techniques(
    candidates: list[Candidate], config: ModelConfig, label_floor: float | None = None
) -> list[Span]:
    """Turn candidates into spans: the most probable technique of each, and every other
    technique whose end-to-end probability reaches ``label_floor``.

    Example:
        >>> c = ModelConfig("m", techniques=("A_x", "B_y"), calibration=(1.0, 0.0))
        >>> probs = np.array([0.5, 0.5], dtype=np.float32)
        >>> cand = Candidate(0, 4, 1.0, probs, np.array([0.7, 0.45], dtype=np.float32))
        >>> [s.technique for s in choose_techniques([cand], c, 0.4)]
        ['A_x', 'B_y']
    """
    floor = config.label_floor if label_floor is None else label_floor
    spans = []
    for cand in candidates:
        top = int(np.argmax(cand.labels))
        for k in np.flatnonzero((cand.labels >= floor) | (np.arange(len(cand.labels)) == top)):
            conf = calibrate(cand.span_confidence * float(cand.labels[k]), config.calibration)
            spans.append(Span(cand.start, cand.end, config.techniques[int(k)], conf))
    return spans


class Model:
    """A loaded spinscope model. Thread-safe: ``predict`` reads but never mutates it.

    Example:
        >>> # model = Model.load(); model.analyze("They are traitors!").summary.line()
    """

    def __init__(
        self,
        path: Path,
        config: ModelConfig,
        tokenizer: Tokenizer,
        tagger: object,
        span_head: object,
        e2e_head: object,
        settings: Settings,
    ) -> None:
        self.path = path
        self.config = config
        self.tokenizer = tokenizer
        self._tagger = tagger
        self._span_head = span_head
        self._e2e_head = e2e_head
        self.settings = settings

    @classmethod
    def load(
        cls,
        path: Path | None = None,
        settings: Settings | None = None,
        tagger_file: str = "tagger.onnx",
    ) -> Model:
        """Load a model directory (the shipped model when ``path`` is ``None``).

        ``tagger_file`` picks another network file of the directory (training compares
        fp32 and int8 this way).

        Raises:
            ModelError: when a file is missing or unreadable.
        """
        import onnxruntime as ort

        settings = settings or Settings()
        path = Path(path) if path is not None else (settings.model or default_model_path())
        needed = [tagger_file if f == "tagger.onnx" else f for f in MODEL_FILES]
        missing = [f for f in needed if not (path / f).is_file()]
        if missing:
            raise ModelError(
                f"{path}: not a spinscope model directory (missing {', '.join(missing)})"
            )
        config = ModelConfig.load(path)
        options = ort.SessionOptions()
        options.intra_op_num_threads = settings.threads
        options.inter_op_num_threads = 1
        # Spin-waiting threads make throttled cores much slower.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.add_session_config_entry("session.inter_op.allow_spinning", "0")
        try:
            tokenizer = prepare_tokenizer(Tokenizer.from_file(str(path / "tokenizer.json")))
            tagger = ort.InferenceSession(
                str(path / tagger_file), options, providers=["CPUExecutionProvider"]
            )
            head = ort.InferenceSession(
                str(path / "span_head.onnx"), options, providers=["CPUExecutionProvider"]
            )
            e2e = None
            if (path / "e2e_head.onnx").is_file():
                e2e = ort.InferenceSession(
                    str(path / "e2e_head.onnx"), options, providers=["CPUExecutionProvider"]
                )
        except Exception as exc:  # onnxruntime and tokenizers raise their own types
            raise ModelError(f"{path}: cannot load the model ({exc})") from None
        return cls(path, config, tokenizer, tagger, head, e2e, settings)

    def with_config(self, config: ModelConfig) -> Model:
        """The same network under another decoding configuration (sessions are shared)."""
        return Model(
            self.path,
            config,
            self.tokenizer,
            self._tagger,
            self._span_head,
            self._e2e_head,
            self.settings,
        )

    @property
    def model_id(self) -> str:
        return self.config.model_id

    # -- inference -------------------------------------------------------------------

    def _run_windows(
        self, ids: npt.NDArray[np.int64], windows: list[Window]
    ) -> tuple[
        list[npt.NDArray[np.float32]], list[npt.NDArray[np.float32]], list[npt.NDArray[np.int64]]
    ]:
        probs, hidden, masks = [], [], []
        c = self.config
        step = max(1, self.settings.batch_windows)
        for i in range(0, len(windows), step):
            batch = windows[i : i + step]
            input_ids, mask = pack_windows(ids, batch, c.cls_id, c.sep_id, c.pad_id)
            p, h = self._tagger.run(  # type: ignore[attr-defined]
                ["probs", "hidden"], {"input_ids": input_ids, "attention_mask": mask}
            )
            for row in range(len(batch)):
                probs.append(p[row])
                hidden.append(h[row])
                masks.append(mask[row])
        return probs, hidden, masks

    def _encode_piece(self, text: str, start: int, end: int) -> _Piece | None:
        c = self.config
        enc = encode_article(self.tokenizer, text[start:end])
        if len(enc) == 0:
            return None
        enc = Encoded(enc.ids, [(a + start, b + start) for a, b in enc.offsets])
        windows = plan_windows(len(enc), c.window_size - 2, c.window_overlap)
        wprobs, hidden, masks = self._run_windows(enc.ids, windows)
        owners = owner_windows(len(enc), windows)
        token_probs = np.stack(
            [wprobs[w][t - windows[w][0] + 1] for t, w in enumerate(owners)]
        ).astype(np.float32)
        return _Piece(enc, windows, token_probs, hidden, masks)

    def _pieces(self, text: str) -> Iterator[_Piece]:
        for start, end in split_pieces(text, self.settings.piece_chars):
            piece = self._encode_piece(text, start, end)
            if piece is not None:
                yield piece

    def forward(self, text: str) -> Forward:
        """Run the encoder over ``text`` and keep its states, to decode them again cheaply."""
        return Forward(text, ArticleIndex.build(text), list(self._pieces(text)))

    def _span_inputs(
        self, index: ArticleIndex, piece: _Piece, char_spans: list[tuple[int, int]]
    ) -> npt.NDArray[np.float32]:
        """What the span heads read: pooled token states and span features, one row a span."""
        rows = []
        for start, end in char_spans:
            hit = chars_to_token_span(piece.encoded.offsets, start, end)
            assert hit is not None  # callers pass spans that cover tokens of this piece
            w, a, b = span_window(piece.windows, *hit)
            shift = piece.windows[w][0] - 1
            pooled = pool_span(piece.hidden[w], piece.masks[w], a - shift, b - shift)
            rows.append(np.concatenate([pooled, span_features(index, start, end)]))
        return np.stack(rows).astype(np.float32)

    def _span_probs(self, x: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        (probs,) = self._span_head.run(["probs"], {"x": x})  # type: ignore[attr-defined]
        return np.asarray(probs, dtype=np.float32)

    def _e2e_labels(
        self, x: npt.NDArray[np.float32], probs: npt.NDArray[np.float32]
    ) -> npt.NDArray[np.float32]:
        if self._e2e_head is None:
            return probs
        feeds = {"x": np.concatenate([x, probs], axis=1)}
        (labels,) = self._e2e_head.run(["labels"], feeds)  # type: ignore[attr-defined]
        return np.asarray(labels, dtype=np.float32)

    def span_inputs(
        self, forward: Forward, spans: list[tuple[int, int]]
    ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
        """Head inputs and classification probabilities of ``spans`` from kept states
        (training the end-to-end head reads these). Spans must cover a token."""
        by_piece: dict[int, list[int]] = defaultdict(list)
        for i, (start, _) in enumerate(spans):
            k = next(
                k
                for k, p in enumerate(forward.pieces)
                if p.encoded.offsets[0][0] <= start < p.encoded.offsets[-1][1]
            )
            by_piece[k].append(i)
        parts = [
            (idxs, self._span_inputs(forward.index, forward.pieces[k], [spans[i] for i in idxs]))
            for k, idxs in by_piece.items()
        ]
        rows = np.empty((len(spans), parts[0][1].shape[1]), dtype=np.float32)
        for idxs, x in parts:
            rows[idxs] = x
        return rows, self._span_probs(rows)

    def _piece_candidates(
        self, index: ArticleIndex, piece: _Piece, threshold: float
    ) -> list[Candidate]:
        text = index.text
        found: dict[tuple[int, int], float] = {}
        for a, b, conf in decode_bio(piece.probs, threshold):
            start, end = token_span_to_chars(piece.encoded.offsets, a, b)
            for part in split_at_line_breaks(text, start, end):
                snapped = snap_to_words(text, *part)
                if snapped and chars_to_token_span(piece.encoded.offsets, *snapped):
                    found[snapped] = max(conf, found.get(snapped, 0.0))
        # Word pieces decoded apart snap to the same word: join what overlaps.
        spans = merge_overlapping(list(found))
        if not spans:
            return []
        confs = [max(c for (s, e), c in found.items() if s < b and a < e) for a, b in spans]
        x = self._span_inputs(index, piece, spans)
        probs = self._span_probs(x)
        labels = self._e2e_labels(x, probs)
        return [
            Candidate(s, e, c, p, q)
            for (s, e), c, p, q in zip(spans, confs, probs, labels, strict=True)
        ]

    def candidates(
        self, source: Forward | str, span_threshold: float | None = None
    ) -> list[Candidate]:
        """Decode spans and give each its technique probabilities.

        From a :class:`Forward` the kept states are decoded again (no inference); from a
        text, pieces are encoded one at a time and their states dropped, so memory stays
        bounded however long the text.
        """
        threshold = self.config.span_threshold if span_threshold is None else span_threshold
        if isinstance(source, Forward):
            index, pieces = source.index, iter(source.pieces)
        else:
            index, pieces = ArticleIndex.build(source), self._pieces(source)
        return [c for piece in pieces for c in self._piece_candidates(index, piece, threshold)]

    def technique_probs(self, text: str, spans: list[tuple[int, int]]) -> npt.NDArray[np.float32]:
        """Technique probabilities ``(len(spans), 14)`` for given character spans (the TC task).

        Raises:
            InputError: for a span outside the text or covering no token.
        """
        for start, end in spans:
            if not 0 <= start < end <= len(text):
                raise InputError(
                    f"span [{start}, {end}) lies outside the text of {len(text)} characters"
                )
        ranges = split_pieces(text, self.settings.piece_chars)
        todo: dict[int, list[tuple[int, tuple[int, int]]]] = defaultdict(list)
        for i, (start, end) in enumerate(spans):
            k = max(
                range(len(ranges)), key=lambda k: min(end, ranges[k][1]) - max(start, ranges[k][0])
            )
            todo[k].append((i, (max(start, ranges[k][0]), min(end, ranges[k][1]))))
        index = ArticleIndex.build(text)
        result = np.zeros((len(spans), len(self.config.techniques)), dtype=np.float32)
        for k, items in sorted(todo.items()):
            piece = self._encode_piece(text, *ranges[k])
            for i, clipped in items:
                if piece is None or not chars_to_token_span(piece.encoded.offsets, *clipped):
                    raise InputError(f"span {list(spans[i])} covers no word of the text")
            assert piece is not None
            probs = self._span_probs(self._span_inputs(index, piece, [sp for _, sp in items]))
            for (i, _), p in zip(items, probs, strict=True):
                result[i] = p
        return result

    def predict(self, text: str) -> list[Span]:
        """All spans the model finds, with calibrated confidences, before any threshold."""
        return choose_techniques(self.candidates(text), self.config)

    def analyze(
        self,
        text: str,
        threshold: float | None = None,
        techniques: list[str] | None = None,
    ) -> Analysis:
        """Analyze one article.

        Args:
            text: The article's plain text; offsets refer to it unchanged.
            threshold: Minimum confidence; the model's tuned default when ``None``.
            techniques: Keep only these techniques (labels, parts or titles).

        Raises:
            InputError: for empty or whitespace-only text, a threshold outside [0, 1] or an
                unknown technique.
        """
        if not text.strip():
            raise InputError("the text is empty" if not text else "the text holds only whitespace")
        wanted = None if techniques is None else {get_technique(t).name for t in techniques}
        threshold = self.config.confidence_threshold if threshold is None else threshold
        if not 0.0 <= threshold <= 1.0:
            raise InputError(f"threshold {threshold} is not between 0 and 1")
        warnings = []
        share = english_share(text)
        if share is not None and share < 0.12:
            warnings.append(
                "the text does not look like English; the model was trained on English news"
            )
        candidates = self.candidates(text)
        spans = [
            s
            for s in choose_techniques(candidates, self.config)
            if s.confidence >= threshold and (wanted is None or s.technique in wanted)
        ]
        passages = join_nearby(
            text, [(c.start, c.end) for c in candidates], self.config.si_merge_gap
        )
        return build_analysis(text, spans, self.model_id, threshold, warnings, passages)
