"""``spinscope report -f table``: every section of a :class:`Report` as terminal tables
(the voice and speaker sections are in :mod:`._voices`, the targets in :mod:`._targets`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.text import Text

from ._tables import (
    BAR,
    MAX_ROWS,
    codes_legend,
    coverage_table,
    matrix_table,
    overview_lines,
    present_in,
    techniques_table,
    top_table,
)
from ._targets import print_targets
from ._voices import print_voices

if TYPE_CHECKING:
    from .._store import Report


def _heading(console: Console, title: str) -> None:
    console.print()
    console.print(Text(title, style="bold"))


def _more(console: Console, n: int, what: str) -> None:
    if n > 0:
        console.print(
            Text(f"  … and {n} more {what}; --format csv or json has them all", style="dim")
        )


def _print_matrix(
    console: Console,
    title: str,
    key: str,
    rows: list[dict[str, Any]],
    shown: list[str],
    articles: dict[str, str],
    hidden: int,
    rest: str,
) -> None:
    _heading(console, title)
    table, named = matrix_table(key, rows, shown, articles, console.width)
    console.print(table)
    console.print(codes_legend(named))
    if len(named) < len(present_in(rows)):
        console.print(Text("+N: the other N techniques together", style="dim"))
    _more(console, hidden, rest)


def print_report(report: Report, console: Console) -> None:
    """Print every section of ``report`` as terminal tables.

    Example:
        >>> from spinscope._store import Filters, Store, build_report
        >>> import io
        >>> c = Console(file=io.StringIO(), width=100)
        >>> print_report(build_report(Store.open("sqlite://"), Filters()), c)
        >>> c.file.getvalue().splitlines()[0]
        'No analyses match.'
    """
    lines = overview_lines(report)
    # Text, not a str: the line names the model, a stored string that is not markup.
    console.print(Text(lines[0]), highlight=False)
    for line in lines[1:]:
        console.print(Text(line, style="dim"))
    if not report.overview["analyses"]:
        return
    _heading(console, "Techniques")
    # The bar is a bonus: narrow terminals get the figures unwrapped instead.
    console.print(techniques_table(report, max(0, min(BAR, console.width - 84))))
    if report.sources:
        # Sources with the most articles first: the ones a reader knows and cares about.
        ranked = sorted(report.coverage, key=lambda r: (-r["articles"], r["source"]))
        order = [r["source"] for r in ranked if r["spans"]]
        articles = {r["source"]: f"{r['articles']:,}" for r in report.coverage}
        title = "Technique shares per source (% of the source's spans)"
        hidden = len(order) - MAX_ROWS
        _print_matrix(
            console, title, "source", report.sources, order[:MAX_ROWS], articles, hidden, "sources"
        )
    if report.months:
        # The latest months when there are too many: what changed recently.
        order = sorted({r["month"] for r in report.months})
        title = "Technique shares per month (% of the month's spans)"
        hidden = len(order) - MAX_ROWS
        shown = order[-MAX_ROWS:]
        _print_matrix(console, title, "month", report.months, shown, {}, hidden, "earlier months")
    _heading(console, "Coverage per source")
    console.print(coverage_table(report))
    _more(console, len(report.coverage) - MAX_ROWS, "sources")
    if report.top:
        _heading(console, "Most propagandistic articles")
        console.print(top_table(report))
    print_voices(report, console)
    print_targets(report, console)
