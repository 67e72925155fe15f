"""The terminal table of whom the flagged text aims at: per source, the names its spans
target most, with the techniques aimed at them.

A store whose spans have no target (stored before migration 7, or none aimed at anyone)
gets one line saying so instead of an empty table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from .._techniques import get_technique

if TYPE_CHECKING:
    from .._store import Report

MAX_ROWS = 25
"""Rows shown, as the other terminal tables (CSV and JSON hold them all)."""
NO_TARGET = "Targets: no fragment names whom it aims at (or all were stored before targets)."


def source_order(rows: list[dict[str, Any]]) -> list[str]:
    """The sources of ``rows``, the one whose targets hold most spans first.

    Example:
        >>> source_order([{"source": "A", "spans": 1}, {"source": "B", "spans": 2}])
        ['B', 'A']
    """
    totals: dict[str, int] = {}
    for r in rows:
        totals[r["source"]] = totals.get(r["source"], 0) + r["spans"]
    return sorted(totals, key=lambda s: (-totals[s], s))


def targets_table(rows: list[dict[str, Any]], limit: int = MAX_ROWS) -> Table:
    """Per source, its most-targeted names: spans aimed at them, articles, top techniques
    (the source's name on its first row only; at most ``limit`` rows).

    Example:
        >>> row = {"source": "S", "rank": 1, "target": "Juan Guaido", "spans": 3,
        ...        "articles": 2, "techniques": {"Name_Calling,Labeling": 3}}
        >>> [c.header for c in targets_table([row]).columns]
        ['source', 'target', 'spans', 'articles', 'top techniques']
    """
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("source", no_wrap=True, max_width=28, overflow="ellipsis")
    table.add_column("target", no_wrap=True, max_width=32, overflow="ellipsis")
    table.add_column("spans", justify="right")
    table.add_column("articles", justify="right")
    table.add_column("top techniques", ratio=1, overflow="fold")
    shown = 0
    for source in source_order(rows):
        for i, r in enumerate(x for x in rows if x["source"] == source):
            if shown == limit:
                return table
            top = list(r["techniques"].items())[:3]
            used = ", ".join(f"{get_technique(t).title} {n}" for t, n in top)
            name = Text(source if i == 0 else "")
            table.add_row(name, Text(r["target"]), f"{r['spans']:,}", f"{r['articles']:,}", used)
            shown += 1
    return table


def print_targets(report: Report, console: Console) -> None:
    """Print the targets section of ``report`` (nothing when nothing was flagged)."""
    if not report.voice_sources and not report.targets:
        return  # no flagged text at all: the other sections say so
    console.print()
    if not report.targets:
        console.print(Text(NO_TARGET, style="dim"))
        return
    console.print(Text("Most-targeted names per source (spans aimed at each)", style="bold"))
    console.print(targets_table(report.targets))
    hidden = len(report.targets) - MAX_ROWS
    if hidden > 0:
        console.print(Text(f"… and {hidden} more (all of them in -f json or csv)", style="dim"))
