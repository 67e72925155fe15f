"""Renderings of an analysis: terminal, standalone HTML and SemEval lines."""

from .html import render_html, report_context
from .terminal import print_analysis, render_terminal

__all__ = ["print_analysis", "render_html", "render_terminal", "report_context"]
