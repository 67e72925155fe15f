"""spinscope: find and name propaganda techniques in news articles, offline.

Example:
    >>> import spinscope
    >>> # analysis = spinscope.analyze("They are traitors who hate our country!")
    >>> # print(analysis.summary.line())
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._compare import CompareOptions, Comparison
from ._errors import (
    FormatError,
    InputError,
    MissingExtraError,
    ModelError,
    SpinscopeError,
    TrainingError,
    UnknownTechniqueError,
)
from ._formats import Segment, notebook_html, segments
from ._pipeline import Analysis, Model, ModelConfig, Sentence, Span, Summary, register_html
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

if TYPE_CHECKING:
    from ._store import Report

__all__ = [
    "TECHNIQUES",
    "Analysis",
    "CompareOptions",
    "Comparison",
    "Corpus",
    "FormatError",
    "InputError",
    "Label",
    "MissingExtraError",
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
    "compare",
    "format_labels",
    "get_technique",
    "load_model",
    "parse_labels",
    "read_labels",
    "report",
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


def compare(
    a: Analysis,
    b: Analysis,
    model: Model | None = None,
    options: CompareOptions | None = None,
    sources: tuple[str, str] = ("A", "B"),
) -> Comparison:
    """Compare two analyses of the same story: techniques side by side, the sentences that
    say the same thing (by the encoder's sentence similarity, read by ``model``, the
    shipped model when ``None``; pass the one that made the analyses) with the techniques
    each uses there, and the quotes both report, with each one's speaker.

    Example:
        >>> # model = spinscope.load_model()
        >>> # c = spinscope.compare(model.analyze(text_a), model.analyze(text_b), model)
        >>> # [(q.a.speaker, q.b.speaker) for q in c.quotes]; c.to_dict()
    """
    from ._compare import compare_analyses

    return compare_analyses(model or load_model(), a, b, options, sources)


def report(
    db: str = "spinscope.db",
    *,
    model: str | None = None,
    sources: list[str] | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    techniques: list[str] | None = None,
    top: int = 10,
) -> Report:
    """The figures of ``spinscope report`` over a results store (a SQLite file or a database
    URL, as ``--db``), with its filters. In a notebook a report shows itself as tables and
    charts; ``report.to_pandas()`` gives every section as a data frame.

    Raises:
        StoreError: when ``db`` is missing or holds no results store.
        InputError: for a malformed date or an unknown technique.

    Example:
        >>> # spinscope.report("spinscope.db", date_from="2020-01").to_pandas()["by_source"]
    """
    # The store (and sqlalchemy) load only here, so that `import spinscope` stays fast.
    from ._store import Filters, Store, build_report

    filters = Filters(model, tuple(sources or ()), date_from, date_to, tuple(techniques or ()))
    with Store.open_existing(db) as store:
        return build_report(store, filters, top)


def _report_html(report: Report) -> str:
    # _reports (with matplotlib) loads when the first report is shown, not at import.
    from ._reports import report_html

    return report_html(report)


# An Analysis (_pipeline) and a Report (_store) show themselves in notebooks with renderers
# of higher layers, which ARCHITECTURE.md does not let them import. This module, the one
# allowed to import every layer, registers the renderers (see _pipeline/_notebook.py); it
# runs before any other spinscope module, so they are in place before either object exists.
register_html("analysis", notebook_html)
register_html("report", _report_html)
