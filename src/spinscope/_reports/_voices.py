"""Terminal tables of whose voice the flagged text is: per source and per month, the share
of flagged characters in the article's own voice, attributed to someone, and of unknown
voice; and the speakers whose quotes carry the most techniques.

A store whose analyses never had an attribution head gets one line saying so instead of
tables of unknowns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from .._techniques import get_technique
from ._tables import _pct

if TYPE_CHECKING:
    from .._store import Report

# Rows shown per table, as the other terminal tables (CSV and JSON hold them all).
MAX_ROWS = 25
# Column heads of each voice, in order.
VOICE_HEADS = {"author": "own voice", "attributed": "attributed", "unknown": "unknown"}
NO_HEAD = "Voice: not known for any fragment (analyzed by a model without an attribution head)."
NO_SPEAKER = "Speakers: no named speaker's quote holds a fragment."


def voice_table(key: str, rows: list[dict[str, Any]], order: list[str]) -> Table:
    """A ``key`` × voice table: flagged characters and spans per value of ``order``, and
    each voice's share of the characters (an ``unknown`` column only when there are any).

    Example:
        >>> rows = [{"month": "2020-01", "voice": "author", "spans": 2, "chars": 9, "share": 1.0}]
        >>> [c.header for c in voice_table("month", rows, ["2020-01"]).columns]
        ['month', 'spans', 'characters', 'own voice', 'attributed']
    """
    voices = [v for v in VOICE_HEADS if v != "unknown" or any(r["voice"] == v for r in rows)]
    cells: dict[str, dict[str, dict[str, Any]]] = {}
    for r in rows:
        cells.setdefault(r[key], {})[r["voice"]] = r
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column(key, no_wrap=True, max_width=28, overflow="ellipsis")
    for head in ("spans", "characters", *(VOICE_HEADS[v] for v in voices)):
        table.add_column(head, justify="right")
    for value in order:
        per = cells.get(value, {})
        spans = sum(r["spans"] for r in per.values())
        chars = sum(r["chars"] for r in per.values())
        shares = [_pct(per[v]["share"]) if v in per else "·" for v in voices]
        table.add_row(Text(value), f"{spans:,}", f"{chars:,}", *shares)
    return table


def speakers_table(rows: list[dict[str, Any]]) -> Table:
    """The speakers: spans in their quotes, articles quoting them, their top techniques."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("speaker", no_wrap=True, max_width=32, overflow="ellipsis")
    table.add_column("spans", justify="right")
    table.add_column("articles", justify="right")
    table.add_column("top techniques", ratio=1, overflow="fold")
    for r in rows:
        top = list(r["techniques"].items())[:3]
        used = ", ".join(f"{get_technique(t).title} {n}" for t, n in top)
        table.add_row(Text(r["speaker"]), f"{r['spans']:,}", f"{r['articles']:,}", Text(used))
    return table


def _by_chars(rows: list[dict[str, Any]], key: str) -> list[str]:
    totals: dict[str, int] = {}
    for r in rows:
        totals[r[key]] = totals.get(r[key], 0) + r["chars"]
    return sorted(totals, key=lambda v: (-totals[v], v))


def print_voices(report: Report, console: Console) -> None:
    """Print the voice and speaker sections of ``report`` (nothing without flagged text)."""
    if not report.voice_sources:
        return
    console.print()
    if not report.voices_known:
        console.print(Text(NO_HEAD, style="dim"))
        return
    console.print(Text("Whose voice, per source (% of the source's flagged characters)", "bold"))
    sources = _by_chars(report.voice_sources, "source")
    console.print(voice_table("source", report.voice_sources, sources[:MAX_ROWS]))
    if report.voice_months:
        # The latest months when there are too many, as in the technique tables.
        months = sorted({r["month"] for r in report.voice_months})[-MAX_ROWS:]
        console.print()
        console.print(Text("Whose voice, per month (% of the month's flagged characters)", "bold"))
        console.print(voice_table("month", report.voice_months, months))
    console.print()
    if not report.speakers:
        console.print(Text(NO_SPEAKER, style="dim"))
        return
    console.print(Text("Speakers whose quotes hold the most fragments", style="bold"))
    console.print(speakers_table(report.speakers))
