"""``csv``: a row per span, with where its article came from, for spreadsheets.

A text cell that a spreadsheet would take for a formula (it starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) is written with a ``'`` in front
(:func:`csv_cell`), so opening an export never runs what an article says.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from typing import Any

from ._record import Record, Stored
from ._registry import Target

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


# What makes Excel, LibreOffice and Google Sheets read a cell as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """``value`` as a CSV cell: text that would start a formula gets a ``'`` in front;
    anything else (numbers included) is left as it is.

    Example:
        >>> csv_cell("=HYPERLINK(1)"), csv_cell("-- a dash"), csv_cell("plain"), csv_cell(-1)
        ("'=HYPERLINK(1)", "'-- a dash", 'plain', -1)
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_writer(target: Target) -> Callable[[Record], None]:
    """Writes the header now, then a row per span of each record (none without spans).

    Example:
        >>> import io
        >>> from spinscope._pipeline._analysis import Span, build_analysis
        >>> a = build_analysis("Lies!", [Span(0, 4, "Slogans", 0.9)], "m", 0.3)
        >>> buf = io.StringIO()
        >>> csv_writer(Target(buf))(Record("k", "k", a))
        >>> buf.getvalue().splitlines()[1]
        'k,,,Slogans,0,4,0.9,Lies'
    """
    writer = csv.writer(target.stream, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)

    def write(record: Record) -> None:
        a = record.analysis
        stored = record.stored or Stored()
        for s in a.spans:
            row = (
                record.source,
                stored.publisher or "",
                stored.published or "",
                s.technique,
                s.start,
                s.end,
                round(s.confidence, 4),
                a.text[s.start : s.end],
            )
            writer.writerow([csv_cell(cell) for cell in row])

    return write
