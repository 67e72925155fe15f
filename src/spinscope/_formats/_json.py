"""JSON of analyses: ``json`` (an analysis, as ``spinscope analyze`` and the web API give it)
and ``jsonl`` (an article a line, with what a results store holds about it)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from .._pipeline import Analysis
from ._record import Record, Stored
from ._registry import Target


def analysis_json(source: str, analysis: Analysis) -> dict[str, Any]:
    """The JSON object of one analysis, with where it came from (CLI and web API alike).

    Example:
        >>> from spinscope._pipeline._analysis import Span, build_analysis
        >>> a = build_analysis("Lies!", [Span(0, 4, "Loaded_Language", 0.9)], "m", 0.3)
        >>> list(analysis_json("x.txt", a))[:3]
        ['source', 'model', 'threshold']
    """
    return {"source": source, **analysis.to_dict()}


def stored_json(record: Record, with_text: bool = True) -> dict[str, Any]:
    """The ``jsonl`` object of one article: key, what the store holds about it, the
    figures, the spans with their text (and target, when one was found) and
    (``with_text``) the article's text.

    Example:
        >>> from spinscope._pipeline._analysis import Span, build_analysis
        >>> a = build_analysis("Lies!", [Span(0, 4, "Slogans", 0.9)], "m", 0.3)
        >>> doc = stored_json(Record("k", "k", a, Stored(publisher="S")))
        >>> doc["source"], doc["spans"][0]["text"]
        ('S', 'Lies')
    """
    a = record.analysis
    stored = record.stored or Stored()
    doc: dict[str, Any] = {
        "key": record.source,
        "title": stored.title,
        "source": stored.publisher,
        "url": stored.url,
        "published": stored.published,
        "model": a.model_id,
        "threshold": a.threshold,
        "analyzed_at": stored.analyzed_at,
        "score": round(a.summary.score, 4),
        "coverage": round(a.summary.coverage, 4),
        "n_spans": len(a.spans),
        "spans": [
            {
                "start": s.start,
                "end": s.end,
                "technique": s.technique,
                "confidence": round(s.confidence, 4),
                "text": a.text[s.start : s.end],
                # Voices are known only when the analysing model had an attribution head.
                **(
                    {"voice": s.voice, "speaker": s.speaker, "cue": s.cue}
                    if a.attributions is not None
                    else {}
                ),
                # Evidence only when the analysing model had an evidence index.
                **({"evidence": s.evidence.to_dict()} if s.evidence is not None else {}),
                # A target only when one was found (and stored, since migration 7).
                **({"target": s.target.to_dict()} if s.target is not None else {}),
            }
            for s in a.spans
        ],
    }
    if with_text:
        doc["text"] = a.text
    return doc


def document_writer(
    document: Callable[[str, Analysis], dict[str, Any]],
) -> Callable[[Target], Callable[[Record], None]]:
    """A writer of ``document(source, analysis)``: indented, or one line per analysis
    when there are several."""

    def writer(target: Target) -> Callable[[Record], None]:
        def write(record: Record) -> None:
            doc = document(record.source, record.analysis)
            if target.many:
                # One write a line: other inputs' messages may share the stream.
                target.stream.write(json.dumps(doc, ensure_ascii=False) + "\n")
                return
            # One document, streamed in chunks: one string of a long article's document
            # (tens of MB, two or four bytes a character once it holds a curly quote) and
            # its copy with the newline cost more memory than the analysis itself.
            json.dump(doc, target.stream, ensure_ascii=False, indent=2)
            target.stream.write("\n")

        return write

    return writer


json_writer = document_writer(analysis_json)
"""``json``: the analysis document, indented, or one line per analysis when there are several."""


def jsonl_writer(target: Target) -> Callable[[Record], None]:
    """``jsonl``: one :func:`stored_json` object a line."""

    def write(record: Record) -> None:
        doc = stored_json(record, target.with_text)
        target.stream.write(json.dumps(doc, ensure_ascii=False) + "\n")

    return write
