"""``csv``: a row per span, with where its article came from, for spreadsheets."""

from __future__ import annotations

import csv
from collections.abc import Callable

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
            writer.writerow(
                (
                    record.source,
                    stored.publisher or "",
                    stored.published or "",
                    s.technique,
                    s.start,
                    s.end,
                    round(s.confidence, 4),
                    a.text[s.start : s.end],
                )
            )

    return write
