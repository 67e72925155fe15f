"""spinscope: find and name propaganda techniques in news articles, offline.

Example:
    >>> import spinscope
    >>> # analysis = spinscope.analyze("They are traitors who hate our country!")
    >>> # print(analysis.summary.line())
"""

from __future__ import annotations

from ._errors import (
    FormatError,
    InputError,
    ModelError,
    SpinscopeError,
    TrainingError,
    UnknownTechniqueError,
)
from ._formats import Segment, segments
from ._pipeline import Analysis, Model, ModelConfig, Sentence, Span, Summary
from ._semeval import (
    Corpus,
    Label,
    SpanScore,
    TechniqueScores,
    format_labels,
    parse_labels,
    read_labels,
    score_e2e,
    score_si,
    score_tc,
)
from ._settings import Settings
from ._techniques import TECHNIQUES, Technique, get_technique
from ._version import __version__

__all__ = [
    "TECHNIQUES",
    "Analysis",
    "Corpus",
    "FormatError",
    "InputError",
    "Label",
    "Model",
    "ModelConfig",
    "ModelError",
    "Segment",
    "Sentence",
    "Settings",
    "Span",
    "SpanScore",
    "SpinscopeError",
    "Summary",
    "Technique",
    "TechniqueScores",
    "TrainingError",
    "UnknownTechniqueError",
    "__version__",
    "analyze",
    "format_labels",
    "get_technique",
    "load_model",
    "parse_labels",
    "read_labels",
    "score_e2e",
    "score_si",
    "score_tc",
    "segments",
]


def load_model(path: str | None = None, settings: Settings | None = None) -> Model:
    """Load a model directory; the model shipped with spinscope when ``path`` is ``None``.

    Example:
        >>> # model = spinscope.load_model()
    """
    from pathlib import Path

    return Model.load(None if path is None else Path(path), settings or Settings.from_env())


def analyze(
    text: str,
    model: Model | None = None,
    threshold: float | None = None,
    techniques: list[str] | None = None,
) -> Analysis:
    """Analyze one article's plain text with ``model`` (the shipped model when ``None``).

    Loading a model takes a moment: pass one from :func:`load_model` when analyzing many texts,
    or stream them through :meth:`Model.pipe`.

    Example:
        >>> # spinscope.analyze("Only a traitor would vote for this disgrace.").spans
    """
    return (model or load_model()).analyze(text, threshold=threshold, techniques=techniques)
