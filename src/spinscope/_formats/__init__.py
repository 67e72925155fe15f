"""Output formats of an analysis: terminal, standalone HTML and SemEval lines."""

from ._highlight import Segment, segments
from ._html import render_html, report_context
from ._terminal import print_analysis, render_terminal

__all__ = [
    "Segment",
    "print_analysis",
    "render_html",
    "render_terminal",
    "report_context",
    "segments",
]
