"""Why a span was flagged, in plain words for the terminal and HTML views.

The evidence itself (annotated fragments that resemble the span, how often its text
recurs) is computed by the pipeline (:mod:`spinscope._pipeline._evidence`); this module
only words it, the same way for every view.
"""

from __future__ import annotations

from .._pipeline import Span

SHOWN_CHARS = 60
"""An example fragment longer than this is cut (with an ellipsis) in the one-line form."""


def _cut(text: str) -> str:
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1].rstrip() + "…"


def why(span: Span, examples: int = 3) -> str | None:
    """The span's evidence in one line, with at most ``examples`` annotated fragments
    (``None`` when the model gave none); the terminal's narrow column shows one.

    Example:
        >>> from spinscope._pipeline import Evidence, Example
        >>> ev = Evidence((Example("traitors", "Name_Calling,Labeling", 0.9),), 3)
        >>> why(Span(0, 4, "Name_Calling,Labeling", 0.8, evidence=ev))
        'like “traitors” (0.90) · recurs 3× in the article'
    """
    ev = span.evidence
    if ev is None:
        return None
    parts = []
    if ev.examples:
        shown = ev.examples[:examples]
        like = ", ".join(f"“{_cut(e.text)}” ({e.similarity:.2f})" for e in shown)
        parts.append(f"like {like}")
    if ev.recurs > 1:
        parts.append(f"recurs {ev.recurs}× in the article")
    return " · ".join(parts) or None
