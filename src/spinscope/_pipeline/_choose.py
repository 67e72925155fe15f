"""The last stage: from candidate spans to the reported :class:`Analysis` (pure functions).

A :class:`Candidate` is a decoded span with the outputs of both technique heads. Each
becomes one span per chosen technique with a calibrated confidence
(:func:`choose_techniques`); the spans at or above the requested threshold and of the
requested techniques make up the analysis (:func:`to_analysis`), each marked with whose
voice it is when the model found attributions (``_voices``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

from .._errors import InputError
from .._techniques import get_technique
from ._analysis import Analysis, Span, build_analysis
from ._config import ModelConfig
from ._decode import join_nearby
from ._evidence import Evidence, EvidenceIndex, recurrences
from ._roles import Attribution
from ._targets import targets
from ._text import english_share, looks_like_prose
from ._voices import attribute, statements

NOT_ENGLISH = "the text does not look like English; the model was trained on English news"
NOT_PROSE = (
    "the text does not look like prose (no ordinary words, or a few repeated); the model "
    "was trained on news articles and its marks here mean little"
)


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
    vector: npt.NDArray[np.float16] | npt.NDArray[np.float32] | None = field(
        default=None, compare=False
    )
    """The span's mean and max token states (what the evidence index is searched with)."""


@dataclass(frozen=True)
class Request:
    """What the caller asked for: a confidence threshold and, optionally, techniques."""

    threshold: float
    wanted: frozenset[str] | None = None


def make_request(
    config: ModelConfig, threshold: float | None = None, techniques: list[str] | None = None
) -> Request:
    """Check a threshold and technique names (labels, parts or titles) once, up front.

    Raises:
        UnknownTechniqueError: for a name that is none of the 14 techniques.
        InputError: for a threshold outside [0, 1].

    Example:
        >>> make_request(ModelConfig("m"), None, ["loaded language"])
        Request(threshold=0.3, wanted=frozenset({'Loaded_Language'}))
    """
    wanted = None if techniques is None else frozenset(get_technique(t).name for t in techniques)
    threshold = config.confidence_threshold if threshold is None else threshold
    if not 0.0 <= threshold <= 1.0:
        raise InputError(f"threshold {threshold} is not between 0 and 1")
    return Request(threshold, wanted)


def text_error(text: str) -> InputError | None:
    """The error of a text that cannot be analyzed (empty or only whitespace), else ``None``.

    Example:
        >>> text_error(" \\n")
        InputError('the text holds only whitespace')
    """
    if text.strip():
        return None
    return InputError("the text is empty" if not text else "the text holds only whitespace")


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


def to_analysis(
    text: str,
    candidates: list[Candidate],
    config: ModelConfig,
    request: Request,
    attributions: Sequence[Attribution] | None = None,
    evidence: EvidenceIndex | None = None,
) -> Analysis:
    """The analysis of ``text`` from its candidates: chosen spans that pass ``request``,
    passages (span identification), and a warning for text that is not English; with the
    attribution head's ``attributions`` (``None``: the model has no head), statements
    with named speakers, and each span's voice; with an ``evidence`` index, each span's
    evidence; and whom each span aims at (its target).

    Example:
        >>> c = ModelConfig("m", techniques=("A_x", "B_y"), calibration=(1.0, 0.0))
        >>> labels = np.array([0.9, 0.1], dtype=np.float32)
        >>> cand = Candidate(0, 4, 1.0, labels, labels)
        >>> a = to_analysis("Liar!", [cand], c, Request(0.5))
        >>> [(s.technique, round(s.confidence, 2)) for s in a.spans], a.passages
        ([('A_x', 0.9)], ((0, 4),))
    """
    warnings = []
    share = english_share(text)
    if share is not None and share < 0.12:
        warnings.append(NOT_ENGLISH)
    if not looks_like_prose(text):
        warnings.append(NOT_PROSE)
    spans = [
        s
        for s in choose_techniques(candidates, config)
        if s.confidence >= request.threshold
        and (request.wanted is None or s.technique in request.wanted)
    ]
    passages = join_nearby(text, [(c.start, c.end) for c in candidates], config.si_merge_gap)
    said = None if attributions is None else statements(text, attributions)
    if said:
        spans = attribute(spans, said)
    if evidence is not None:
        spans = with_evidence(text, spans, candidates, evidence)
    aims = targets(text, spans)
    spans = [s if t is None else replace(s, target=t) for s, t in zip(spans, aims, strict=True)]
    return build_analysis(text, spans, config.model_id, request.threshold, warnings, passages, said)


def with_evidence(
    text: str, spans: list[Span], candidates: Sequence[Candidate], index: EvidenceIndex
) -> list[Span]:
    """``spans`` with their evidence: the nearest annotated fragments of their technique
    (by the vector of the candidate they came from) and how often their text recurs.

    Example:
        >>> v = np.array([[1.0, 0.0]], dtype=np.float32)
        >>> index = EvidenceIndex.of(v, ["A_x"], ["liar"])
        >>> probs = np.ones(1, dtype=np.float32)
        >>> cand = Candidate(0, 4, 1.0, probs, probs, np.array([0.9, 0.1], dtype=np.float32))
        >>> (span,) = with_evidence("Liar", [Span(0, 4, "A_x", 0.9)], [cand], index)
        >>> span.evidence.examples[0].text, span.evidence.recurs
        ('liar', 1)
    """
    vectors = {(c.start, c.end): c.vector for c in candidates if c.vector is not None}
    have = [i for i, s in enumerate(spans) if (s.start, s.end) in vectors]
    # One search for all the spans: those of a technique share a pass over its fragments.
    found = index.nearest_each(
        [(vectors[spans[i].start, spans[i].end], spans[i].technique) for i in have]
    )
    examples = dict(zip(have, found, strict=True))
    lower = text.lower()
    return [
        replace(
            span,
            evidence=Evidence(
                examples.get(i, ()), recurrences(lower, text[span.start : span.end], span.start)
            ),
        )
        for i, span in enumerate(spans)
    ]
