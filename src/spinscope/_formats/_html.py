"""The standalone HTML report: one file, no network needed to view it.

jinja2 is imported when a report is rendered, so that ``import spinscope`` stays fast.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._pipeline import Analysis, Span
from .._techniques import TECHNIQUES, get_technique
from ._attributions import aims_at, said_by
from ._highlight import segments
from ._record import Record
from ._registry import Target
from ._why import why

if TYPE_CHECKING:
    from jinja2 import Environment


def _environment() -> Environment:
    from jinja2 import Environment, PackageLoader, select_autoescape

    return Environment(
        loader=PackageLoader("spinscope", "_formats/templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def report_context(analysis: Analysis, title: str) -> dict[str, Any]:
    """The data the report template renders (also what a web page would need)."""
    return {
        "title": title,
        "pieces": _pieces(analysis),
        "legend": _legend(analysis),
        "sentences": _sentences(analysis),
        "summary": analysis.summary.line(),
        "analysis": analysis,
    }


def _pieces(analysis: Analysis) -> list[dict[str, Any]]:
    """The text cut where marks begin and end, each piece with its marks, surest first."""
    number = {t.name: i for i, t in enumerate(TECHNIQUES, 1)}
    voices = analysis.attributions is not None
    pieces: list[dict[str, Any]] = []
    for seg in segments(analysis.text, analysis.spans):
        ordered = sorted(seg.spans, key=lambda s: -s.confidence)
        marks = [_mark(analysis, s, number[s.technique], voices) for s in ordered]
        pieces.append({"text": analysis.text[seg.start : seg.end], "spans": marks})
    return pieces


def _mark(analysis: Analysis, span: Span, n: int, voices: bool) -> dict[str, Any]:
    technique = get_technique(span.technique)
    return {
        "technique": span.technique,
        "n": n,
        "title": technique.title,
        "color": technique.color,
        "definition": technique.definition,
        "confidence": span.confidence,
        "fragment": analysis.text[span.start : span.end],
        # Whose voice, in words; None when no attributions were looked for.
        "voice": said_by(span) if voices else None,
        # Whom it aims at, in words; None when it names no one.
        "target": aims_at(span),
        "why": why(span),
    }


def _sentences(analysis: Analysis) -> list[dict[str, Any]]:
    return [
        {
            "text": " ".join(analysis.text[s.start : s.end].split()),
            "score": s.score,
            "techniques": [get_technique(t).title for t in s.techniques],
        }
        for s in analysis.sentences
        if s.score > 0
    ]


def _legend(analysis: Analysis) -> list[dict[str, Any]]:
    return [
        {
            "name": t.name,
            "title": t.title,
            "color": t.color,
            "definition": t.definition,
            "count": analysis.summary.counts.get(t.name, 0),
        }
        for t in TECHNIQUES
    ]


def render_html(analysis: Analysis, title: str) -> str:
    """A standalone HTML report of one analysis.

    Example:
        >>> from spinscope._pipeline._analysis import Span, build_analysis
        >>> a = build_analysis("<b>Lies</b>!", [Span(3, 7, "Loaded_Language", 0.9)], "m", 0.3)
        >>> html = render_html(a, "demo")
        >>> "&lt;b&gt;" in html and "<b>" not in html
        True
    """
    return _environment().get_template("report.html").render(**report_context(analysis, title))


def notebook_html(analysis: Analysis) -> str:
    """``analysis`` as a notebook shows it: the summary, the legend and the highlighted
    article, one self-contained HTML fragment (styles inline and scoped, no script) with
    the report's markup and escaping (both templates use ``highlight.html``).

    Example:
        >>> from spinscope._pipeline._analysis import Span, build_analysis
        >>> a = build_analysis("<b>Lies</b>!", [Span(3, 7, "Loaded_Language", 0.9)], "m", 0.3)
        >>> html = notebook_html(a)
        >>> html.startswith('<div class="spinscope-analysis">'), "<b>" in html
        (True, False)
    """
    context = report_context(analysis, "")
    return _environment().get_template("notebook.html").render(**context)


def html_writer(target: Target) -> Callable[[Record], None]:
    """``html``: the report of each analysis, titled with its source."""

    def write(record: Record) -> None:
        target.stream.write(render_html(record.analysis, record.source))

    return write


def html_folder(record: Record, folder: Path) -> list[Path]:
    """Write the report of ``record`` into ``folder`` as ``<stem of its source>.html``."""
    path = folder / f"{Path(record.source).stem}.html"
    path.write_text(render_html(record.analysis, record.source), encoding="utf-8")
    return [path]
