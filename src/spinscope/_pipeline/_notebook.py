"""What notebooks need of an analysis: a pandas frame of its spans, and the registry of
the renderers that draw spinscope's objects there (Jupyter's ``_repr_html_``).

pandas is an optional extra (``pip install "spinscope[notebook]"``) and is imported only
when a frame is made, so ``import spinscope`` never loads it.

The renderers live in higher layers: an :class:`~spinscope.Analysis` is made in
``_pipeline`` but drawn by ``_formats`` (the HTML report's highlighting and escaping), and
a store's ``Report`` (``_store``) is drawn by ``_reports`` (tables and charts).
ARCHITECTURE.md lets no package import a layer above it, so neither object can call its
renderer, not even through an import inside the method. Instead each asks this registry for
the renderer of its kind, and ``spinscope/__init__.py``, the one module allowed to import
every layer, registers the renderers. Importing any spinscope module runs that
``__init__`` first, so they are in place before an analysis or a report can exist; an
object whose kind has no renderer returns ``None`` from ``_repr_html_``, and Jupyter then
shows its plain ``repr``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .._errors import MissingExtraError
from .._techniques import get_technique

if TYPE_CHECKING:
    import pandas as pd

    from ._analysis import Analysis

# The columns of :func:`spans_frame`, in order.
SPAN_COLUMNS = (
    "start",
    "end",
    "text",
    "technique",
    "title",
    "confidence",
    "voice",
    "speaker",
    "cue",
    "target",
)


def missing_pandas() -> MissingExtraError:
    """The error to raise when pandas cannot be imported: it says which extra brings it.

    Example:
        >>> str(missing_pandas())
        'to_pandas() needs pandas: pip install "spinscope[notebook]"'
    """
    return MissingExtraError('to_pandas() needs pandas: pip install "spinscope[notebook]"')


def spans_frame(analysis: Analysis) -> pd.DataFrame:
    """One row per span of ``analysis``, in the order of :attr:`Analysis.spans`.

    Columns: ``start`` and ``end`` (character offsets into ``analysis.text``), ``text``
    (the fragment), ``technique`` (the SemEval label) and ``title`` (its readable name),
    ``confidence`` (0-1), ``voice`` (``author``, ``attributed``, or ``unknown`` when the
    model has no attribution head), ``speaker`` and ``cue`` (of an attributed span, else
    missing), ``target`` (the name of whom it aims at, else missing). An analysis without
    spans gives an empty frame with the same columns.

    Raises:
        MissingExtraError: when pandas is not installed.

    Example:
        >>> from spinscope._pipeline._analysis import Span, build_analysis
        >>> a = build_analysis("Vile lies!", [Span(5, 9, "Loaded_Language", 0.9)], "m", 0.3)
        >>> spans_frame(a)[["start", "end", "text", "voice"]].to_dict("records")
        [{'start': 5, 'end': 9, 'text': 'lies', 'voice': 'unknown'}]
    """
    try:
        import pandas as pd
    except ImportError:
        raise missing_pandas() from None
    # Without an attribution head nobody looked for voices: unknown, as the store says.
    known = analysis.attributions is not None
    rows = [
        (
            s.start,
            s.end,
            analysis.text[s.start : s.end],
            s.technique,
            get_technique(s.technique).title,
            s.confidence,
            s.voice if known else "unknown",
            s.speaker,
            s.cue,
            None if s.target is None else s.target.shown,
        )
        for s in analysis.spans
    ]
    frame = pd.DataFrame.from_records(rows, columns=SPAN_COLUMNS)
    # Fixed number types even for no rows, where pandas would guess object columns.
    return frame.astype({"start": "int64", "end": "int64", "confidence": "float64"})


# Kind ("analysis", "report") -> the function that draws such an object as an HTML fragment.
_HTML: dict[str, Callable[[Any], str]] = {}


def register_html(kind: str, render: Callable[[Any], str]) -> None:
    """Have ``render`` draw the objects of ``kind`` in notebooks (the last one registered
    for a kind wins).

    Example:
        >>> register_html("demo", lambda obj: f"<b>{obj}</b>")
        >>> html_of("demo", 1)
        '<b>1</b>'
    """
    _HTML[kind] = render


def html_of(kind: str, obj: object) -> str | None:
    """``obj`` drawn by the renderer registered for ``kind``, or ``None`` when there is none.

    Example:
        >>> html_of("nothing registered", object()) is None
        True
    """
    render = _HTML.get(kind)
    return None if render is None else render(obj)
