"""Terminal tables of a :class:`Report`: the overview, techniques, source × technique and
month × technique matrices of shares, coverage per source and the top articles.

They are for reading, so cut to what fits (:data:`MAX_ROWS`); CSV and JSON hold everything.
Stored strings (sources, titles, keys) go in as :class:`Text`, never read as rich markup.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rich import box
from rich.columns import Columns
from rich.table import Table
from rich.text import Text

from .._techniques import TECHNIQUES, get_technique

if TYPE_CHECKING:
    from .._store import Report

# Terminal tables show this many sources and months; CSV and JSON always hold them all.
MAX_ROWS = 25
# The longest bar of the techniques table, in characters.
BAR = 12

# Two-letter column heads for the source × technique matrices, explained under them.
CODES: dict[str, str] = {
    "Appeal_to_Authority": "AA",
    "Appeal_to_fear-prejudice": "FP",
    "Bandwagon,Reductio_ad_hitlerum": "BR",
    "Black-and-White_Fallacy": "BW",
    "Causal_Oversimplification": "CO",
    "Doubt": "DO",
    "Exaggeration,Minimisation": "EM",
    "Flag-Waving": "FW",
    "Loaded_Language": "LL",
    "Name_Calling,Labeling": "NC",
    "Repetition": "RE",
    "Slogans": "SL",
    "Thought-terminating_Cliches": "TC",
    "Whataboutism,Straw_Men,Red_Herring": "WS",
}


def _table() -> Table:
    # One look for every table: a rule under the heads, no grid, flush left.
    return Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%" if x >= 0.005 else ("<1%" if x > 0 else "·")


def _plural(n: int, one: str, many: str = "") -> str:
    return f"{n:,} {one if n == 1 else many or one + 's'}"


def overview_lines(report: Report) -> list[str]:
    """What the report covers: the analyses and their model, the filters, the store.

    Example:
        >>> from spinscope._store import Filters, Store, build_report
        >>> r = build_report(Store.open("sqlite://"), Filters(date_from="2020-01"))
        >>> overview_lines(r)[:2]
        ['No analyses match.', 'Filters: published from 2020-01.']
    """
    o = report.overview
    f = report.filters
    lines = []
    if o["analyses"]:
        # Counted like the tables, where articles without a source are one "(unknown)" row.
        found = (
            f"{_plural(o['analyses'], 'analysis', 'analyses')} by model {f.model_id}: "
            f"{_plural(o['spans'], 'span')} from "
            f"{_plural(len(report.coverage), 'source')}"
        )
        if o["first_published"]:
            found += f", published {o['first_published']} to {o['last_published']}"
        lines.append(found + ".")
    else:
        lines.append("No analyses match.")
    filters = []
    if f.sources:
        filters.append("sources " + ", ".join(f.sources))
    if f.date_from and f.date_to:
        filters.append(f"published {f.date_from} to {f.date_to}")
    elif f.date_from:
        filters.append(f"published from {f.date_from}")
    elif f.date_to:
        filters.append(f"published up to {f.date_to}")
    if f.techniques:
        filters.append("techniques " + ", ".join(get_technique(t).title for t in f.techniques))
    if filters:
        lines.append("Filters: " + "; ".join(filters) + ".")
    lines.append(
        f"Store: {_plural(o['articles'], 'article')}, {_plural(len(o['models']), 'model')}, "
        f"{_plural(o['runs'], 'run')}."
    )
    return lines


def techniques_table(report: Report, bar: int = BAR) -> Table:
    """Spans, share of all spans and articles per technique, with a bar of the share
    ``bar`` characters long at most (none when 0)."""
    table = _table()
    table.add_column("technique", no_wrap=True, overflow="ellipsis")
    table.add_column("spans", justify="right")
    table.add_column("share", justify="right")
    table.add_column("articles", justify="right")
    if bar:
        table.add_column("", no_wrap=True, min_width=bar)
    top = max((r["share"] for r in report.techniques), default=1.0) or 1.0
    shown = {r["technique"] for r in report.techniques}
    for r in report.techniques:
        t = get_technique(r["technique"])
        cells: list[Any] = [
            Text.assemble(("██ ", t.color), t.title),
            f"{r['spans']:,}",
            _pct(r["share"]),
            f"{r['articles']:,}",
        ]
        if bar:
            cells.append(Text("█" * max(1, round(bar * r["share"] / top)), style=t.color))
        table.add_row(*cells)
    # Absent techniques matter too ("no whataboutism at all"), unless filtered out.
    wanted = report.filters.techniques or tuple(t.name for t in TECHNIQUES)
    for name in wanted:
        if name not in shown:
            table.add_row(Text(f"   {get_technique(name).title}", style="dim"), "0", "·", "0")
    return table


def _cell(x: float) -> str:
    """A share as whole percent, without the sign (the heading says %)."""
    return f"{100 * x:.0f}" if x >= 0.005 else ("<1" if x > 0 else "·")


def matrix_table(
    key: str,
    rows: list[dict[str, Any]],
    order: list[str],
    first: dict[str, str],
    width: int = 120,
) -> tuple[Table, list[str]]:
    """A ``key`` × technique table of shares (%), one row per value of ``order``, with an
    articles column from ``first`` when given, and the techniques it names. Each row's
    largest share is bold.

    Techniques that do not fit in ``width`` characters are summed in one "+N" column,
    so that every row still adds up to 100.
    """
    columns = present_in(rows)
    spans: dict[str, int] = {}
    for r in rows:
        spans[r[key]] = spans.get(r[key], 0) + r["spans"]
    # Column widths as rich lays them out: content, 1 padding each side, 1 separator.
    label = min(28, max(len(v) for v in [key, *order])) + 2
    counts = max(5, *(len(f"{n:,}") for n in spans.values())) + 3
    fit = max(1, (width - label - counts - (11 if first else 0) - 2) // 5)
    rest = columns[fit - 1 :] if len(columns) > fit else []
    named = columns[: len(columns) - len(rest)]
    table = _table()
    table.add_column(key, no_wrap=True, max_width=28, overflow="ellipsis")
    if first:
        table.add_column("articles", justify="right", no_wrap=True)
    table.add_column("spans", justify="right", no_wrap=True)
    for name in named:
        table.add_column(
            Text(CODES[name], style=f"bold {get_technique(name).color}"), justify="right"
        )
    if rest:
        table.add_column(Text(f"+{len(rest)}", style="dim"), justify="right")
    cells: dict[str, dict[str, float]] = {}
    for r in rows:
        cells.setdefault(r[key], {})[r["technique"]] = r["share"]
    for value in order:
        shares = cells.get(value, {})
        best = max(shares.values(), default=0.0)
        row: list[Any] = [Text(value)]
        if first:
            row.append(first.get(value, "0"))
        row.append(f"{spans.get(value, 0):,}")
        for name in named:
            x = shares.get(name, 0.0)
            row.append(Text(_cell(x), style="bold" if x == best and x > 0 else ""))
        if rest:
            row.append(Text(_cell(sum(shares.get(n, 0.0) for n in rest)), style="dim"))
        table.add_row(*row)
    return table, named


def present_in(rows: Iterable[dict[str, Any]]) -> list[str]:
    """The techniques with spans in ``rows``, most spans first."""
    totals: dict[str, int] = {}
    for r in rows:
        totals[r["technique"]] = totals.get(r["technique"], 0) + r["spans"]
    return sorted((t for t, n in totals.items() if n), key=lambda t: (-totals[t], t))


def codes_legend(names: Iterable[str]) -> Columns:
    """What each two-letter column head stands for, laid out in columns."""
    return Columns(
        [
            Text.assemble(
                (CODES[n], f"bold {get_technique(n).color}"), " " + get_technique(n).title
            )
            for n in names
        ],
        padding=(0, 3),
        column_first=True,
    )


def coverage_table(report: Report) -> Table:
    """Per source: articles, spans, spans per article, mean score and text coverage."""
    table = _table()
    table.add_column("source", no_wrap=True, max_width=28, overflow="ellipsis")
    for col in ("articles", "spans", "spans/article", "mean score", "text in spans"):
        table.add_column(col, justify="right")
    for r in report.coverage[:MAX_ROWS]:
        table.add_row(
            Text(r["source"]),
            f"{r['articles']:,}",
            f"{r['spans']:,}",
            f"{r['spans'] / (r['articles'] or 1):.1f}",
            f"{r['mean_score']:.2f}",
            f"{100 * r['coverage']:.1f}%",
        )
    return table


def top_table(report: Report) -> Table:
    """The most propagandistic articles: score, spans, coverage, source, date, title."""
    table = _table()
    table.add_column("#", justify="right")
    table.add_column("score", justify="right")
    table.add_column("spans", justify="right")
    table.add_column("covered", justify="right")
    table.add_column("source", no_wrap=True, max_width=20, overflow="ellipsis")
    table.add_column("published", no_wrap=True)
    table.add_column("title / key", ratio=1, no_wrap=True, overflow="ellipsis")
    for i, r in enumerate(report.top, 1):
        table.add_row(
            str(i),
            f"{r['score']:.2f}",
            str(r["n_spans"]),
            f"{100 * r['coverage']:.0f}%",
            Text(r["source"]),
            Text(r["published"] or ""),
            Text(r["title"] or r["key"]),
        )
    return table
