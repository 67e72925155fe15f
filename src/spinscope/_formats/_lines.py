"""SemEval-2020 Task 11 lines: ``semeval`` (spans with their technique, the TC and end to
end tasks) and ``si`` (propaganda passages whatever their technique, the SI task)."""

from __future__ import annotations

from collections.abc import Callable

from .._pipeline import Analysis
from .._semeval import Label, format_labels
from ._record import Record
from ._registry import Target


def semeval_lines(article_id: str, analysis: Analysis) -> list[Label]:
    """The analysis's spans as SemEval labels of ``article_id``.

    Example:
        >>> from spinscope._pipeline._analysis import Span, build_analysis
        >>> a = build_analysis("Lies!", [Span(0, 4, "Slogans", 0.9)], "m", 0.3)
        >>> format_labels(semeval_lines("7", a))
        '7\\tSlogans\\t0\\t4\\n'
    """
    return [Label(article_id, s.start, s.end, s.technique) for s in analysis.spans]


def si_lines(article_id: str, analysis: Analysis) -> list[Label]:
    """The analysis's propaganda passages as SemEval SI labels (no technique)."""
    return [Label(article_id, a, b) for a, b in analysis.passages]


def semeval_writer(target: Target) -> Callable[[Record], None]:
    """``semeval``: ``id<TAB>technique<TAB>start<TAB>end``, a line per span."""

    def write(record: Record) -> None:
        target.stream.write(format_labels(semeval_lines(record.article_id, record.analysis)))

    return write


def si_writer(target: Target) -> Callable[[Record], None]:
    """``si``: ``id<TAB>start<TAB>end``, a line per passage."""

    def write(record: Record) -> None:
        target.stream.write(format_labels(si_lines(record.article_id, record.analysis)))

    return write
