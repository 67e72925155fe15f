"""``spinscope export``: every stored analysis as JSONL, CSV or SemEval lines, streamed.

The store is read a page at a time (:func:`spinscope._store.iter_analyses`) and each
analysis is written as soon as it is read, so memory stays flat however large the store.

Formats:

* ``jsonl``: one object per article: key, title, source, url, published, model,
  threshold, score, coverage, n_spans, spans (start, end, technique, confidence, text)
  and the article's text.
* ``csv``: one row per span: key, source, published, technique, start, end,
  confidence, fragment (the span's text). Articles without spans have no rows.
* ``semeval``: ``article_id<TAB>technique<TAB>start<TAB>end`` lines of SemEval-2020
  Task 11 (technique classification), as ``spinscope analyze -f semeval`` writes them.
"""

from __future__ import annotations

import csv
import json
import os
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, TextIO

from .._errors import InputError
from .._semeval import Label
from .._store import AnalysisRow, Filters, Store, iter_analyses

CSV_COLUMNS = (
    "key",
    "source",
    "published",
    "technique",
    "start",
    "end",
    "confidence",
    "fragment",
)
_ARTICLE_KEY = re.compile(r"(?:^|[/\\])article(\d+)(?:\.[A-Za-z0-9]+)?$")


class ExportFormat(StrEnum):
    """Formats of ``spinscope export``."""

    jsonl = "jsonl"
    csv = "csv"
    semeval = "semeval"


@dataclass
class ExportCount:
    """What an export wrote.

    Example:
        >>> str(ExportCount(1, 3))
        '1 analysis (3 spans)'
    """

    articles: int = 0
    spans: int = 0

    def __str__(self) -> str:
        analyses = "analysis" if self.articles == 1 else "analyses"
        spans = "span" if self.spans == 1 else "spans"
        return f"{self.articles:,} {analyses} ({self.spans:,} {spans})"


def semeval_id(key: str) -> str:
    """The SemEval article id of a stored key: the digits of ``article<ID>`` (a PTC file,
    also below folders and with an extension), else the key itself.

    Tabs and line breaks, which would break the line format, become spaces.

    Example:
        >>> semeval_id("ptc/train/article111111112.txt"), semeval_id("article7")
        ('111111112', '7')
        >>> semeval_id("sha256:ab12")
        'sha256:ab12'
    """
    m = _ARTICLE_KEY.search(key)
    if m:
        return m.group(1)
    return re.sub(r"[\t\r\n]", " ", key)


def row_json(row: AnalysisRow, with_text: bool = True) -> dict[str, Any]:
    """The JSONL object of one stored analysis.

    Example:
        >>> from spinscope._pipeline._analysis import Span
        >>> from spinscope._store import ArticleRecord
        >>> a = ArticleRecord("k", "Lies!", source="S")
        >>> row = AnalysisRow(a, "m", 0.3, 0.9, 0.8, "2020", (Span(0, 4, "Slogans", 0.9),))
        >>> row_json(row)["spans"][0]["text"]
        'Lies'
    """
    a = row.article
    doc: dict[str, Any] = {
        "key": a.key,
        "title": a.title,
        "source": a.source,
        "url": a.url,
        "published": a.published,
        "model": row.model_id,
        "threshold": row.threshold,
        "analyzed_at": row.created_at,
        "score": round(row.score, 4),
        "coverage": round(row.coverage, 4),
        "n_spans": len(row.spans),
        "spans": [
            {
                "start": s.start,
                "end": s.end,
                "technique": s.technique,
                "confidence": round(s.confidence, 4),
                "text": a.text[s.start : s.end],
            }
            for s in row.spans
        ],
    }
    if with_text:
        doc["text"] = a.text
    return doc


def write_rows(
    rows: Iterable[AnalysisRow], fmt: ExportFormat, out: TextIO, with_text: bool = True
) -> ExportCount:
    """Write ``rows`` to ``out`` in ``fmt`` as they come; how many articles and spans.

    Example:
        >>> import io
        >>> from spinscope._pipeline._analysis import Span
        >>> from spinscope._store import ArticleRecord
        >>> a = ArticleRecord("article5.txt", "Lies!")
        >>> row = AnalysisRow(a, "m", 0.3, 0.9, 0.8, "2020", (Span(0, 4, "Slogans", 0.9),))
        >>> buf = io.StringIO()
        >>> write_rows([row], ExportFormat.semeval, buf)
        ExportCount(articles=1, spans=1)
        >>> buf.getvalue()
        '5\\tSlogans\\t0\\t4\\n'
    """
    count = ExportCount()
    writer = None
    if fmt is ExportFormat.csv:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
    for row in rows:
        count.articles += 1
        count.spans += len(row.spans)
        a = row.article
        if fmt is ExportFormat.jsonl:
            out.write(json.dumps(row_json(row, with_text), ensure_ascii=False) + "\n")
        elif writer is not None:
            for s in row.spans:
                writer.writerow(
                    (
                        a.key,
                        a.source or "",
                        a.published or "",
                        s.technique,
                        s.start,
                        s.end,
                        round(s.confidence, 4),
                        a.text[s.start : s.end],
                    )
                )
        else:
            ident = semeval_id(a.key)
            for s in row.spans:
                out.write(Label(ident, s.start, s.end, s.technique).to_line() + "\n")
    return count


def export(
    store: Store,
    filters: Filters,
    fmt: ExportFormat,
    output: Path | None,
    with_text: bool = True,
) -> ExportCount:
    """Export every analysis matching ``filters`` to ``output`` (standard output if ``None``).

    A file is written under a temporary name and renamed when complete, so an interrupted
    export never leaves a truncated file that looks finished.

    Raises:
        InputError: when ``output`` cannot be written.

    Example:
        >>> import io, contextlib
        >>> with contextlib.redirect_stdout(io.StringIO()):
        ...     count = export(Store.open("sqlite://"), Filters(), ExportFormat.jsonl, None)
        >>> count
        ExportCount(articles=0, spans=0)
    """
    rows = iter_analyses(store, filters)
    if output is None:
        return write_rows(rows, fmt, sys.stdout, with_text)
    partial = output.with_name(output.name + ".part")
    try:
        with partial.open("w", encoding="utf-8", newline="") as handle:
            count = write_rows(rows, fmt, handle, with_text)
        os.replace(partial, output)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise InputError(f"{output}: cannot write ({exc.strerror})") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return count
