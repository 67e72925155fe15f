"""Charts of a :class:`Report`: techniques per source, over time, and in total.

Each chart is two steps: a pure function shaping the report's rows into what is drawn
(:mod:`._chart_data`), and a drawing function here. matplotlib is imported inside the
drawing functions, so ``import spinscope`` and ``--help`` stay fast, and only
``matplotlib.figure.Figure`` is used (rendered by the Agg canvas), never pyplot's global
state, so charts can be drawn from any thread. Every technique keeps its colour from
:mod:`spinscope._techniques` in every chart (and in the terminal and HTML views).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .._errors import InputError
from .._techniques import get_technique
from ._chart_data import (
    TOP_SOURCES,
    TOP_TECHNIQUES,
    SourceShares,
    month_series,
    source_shares,
    technique_totals,
)

if TYPE_CHECKING:
    from .._store import Report

# The file formats charts are drawn in.
CHART_FORMATS = ("png", "svg")


def _subtitle(report: Report) -> str:
    o = report.overview
    f = report.filters
    n = o["analyses"]
    parts = [f"model {f.model_id or '(none)'}", f"{n:,} article{'' if n == 1 else 's'}"]
    if o["first_published"]:
        parts.append(f"published {o['first_published']} to {o['last_published']}")
    if f.sources:
        parts.append(f"{len(f.sources)} source(s) selected")
    if f.techniques:
        parts.append(f"{len(f.techniques)} technique(s) selected")
    return " · ".join(parts)


def _figure(width: float, height: float, title: str) -> Any:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    fig.suptitle(title, x=0.01, ha="left", fontsize=14, fontweight="bold")
    return fig


def _ink(color: str) -> str:
    """Black or white, whichever reads better on ``color`` (a ``#rrggbb``)."""
    r, g, b = (int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.55 else "white"


def _empty(fig: Any, ax: Any, report: Report, message: str = "") -> None:
    if not message:
        held = report.overview["articles"]
        message = "No analyses match these filters" if held else "The store holds no analyses"
    fig.set_size_inches(11, 4)
    ax.set_axis_off()
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=13, color="0.4")


def _counts(axis: Any, ticks: int | Literal["auto"] = "auto") -> None:
    """Whole numbers with thousands separators on ``axis`` (no "2.5 spans")."""
    from matplotlib.ticker import MaxNLocator, StrMethodFormatter

    axis.set_major_locator(MaxNLocator(nbins=ticks, integer=True))
    axis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))


def _short(label: str, width: int = 28) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


def _style(ax: Any) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=9)


def _stacked_bars(ax: Any, ys: list[int], data: SourceShares) -> None:
    """A bar per source at ``ys``, stacked by technique, each wide segment labelled (%)."""
    left = [0.0] * len(ys)
    for j, name in enumerate(data.techniques):
        tech = get_technique(name)
        widths = [row[j] * 100 for row in data.shares]
        ax.barh(
            ys,
            widths,
            left=left,
            color=tech.color,
            label=tech.title,
            height=0.72,
            edgecolor="white",
            linewidth=0.6,
        )
        for y, x0, w in zip(ys, left, widths, strict=True):
            # Only label segments wide enough to hold their number.
            if w >= 6:
                ax.text(
                    x0 + w / 2,
                    y,
                    f"{w:.0f}",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color=_ink(tech.color),
                )
        left = [a + b for a, b in zip(left, widths, strict=True)]


def sources_chart(report: Report, top: int = TOP_SOURCES) -> Any:
    """Horizontal bars, one per source, stacked by the share of each technique in its spans.

    Example:
        >>> from spinscope._store import Filters, Store, build_report
        >>> fig = sources_chart(build_report(Store.open("sqlite://"), Filters()))
        >>> fig.axes[0].texts[0].get_text()
        'The store holds no analyses'
    """
    data = source_shares(report, top)
    n = len(data.sources)
    fig = _figure(11, 2.6 + 0.42 * max(n, 3), "Propaganda techniques per source")
    ax = fig.add_subplot()
    ax.set_title(_subtitle(report), loc="left", fontsize=9, color="0.35")
    if not n:
        _empty(fig, ax, report)
        return fig
    ys = list(range(n))[::-1]  # the source with the most articles on top
    _stacked_bars(ax, ys, data)
    ax.set_yticks(ys, [_short(s) for s in data.sources])
    for y, count in zip(ys, data.articles, strict=True):
        ax.text(101, y, f"{count:,} art.", va="center", fontsize=8, color="0.35")
    ax.set_xlim(0, 100)
    ax.set_ylim(-0.6, n - 0.4)
    ax.set_xlabel("share of the source's propaganda spans (%)")
    _style(ax)
    if data.hidden:
        ax.text(
            0,
            -0.12 if n > 3 else -0.2,
            f"{data.hidden} smaller source(s) not shown",
            transform=ax.transAxes,
            fontsize=8,
            color="0.4",
        )
    fig.legend(
        loc="outside lower center",
        ncols=min(4, len(data.techniques)),
        fontsize=8,
        frameon=False,
        title="technique (stacked left to right)",
        title_fontsize=8,
    )
    return fig


def months_chart(report: Report, top: int = TOP_TECHNIQUES) -> Any:
    """The share of the ``top`` techniques per month (lines) above all spans per month (bars).

    Example:
        >>> from spinscope._store import Filters, Store, build_report
        >>> fig = months_chart(build_report(Store.open("sqlite://"), Filters()))
        >>> fig.axes[0].texts[0].get_text()
        'The store holds no analyses'
    """
    data = month_series(report, top)
    fig = _figure(11, 6.2, "Propaganda techniques over time")
    if not data.months:
        ax = fig.add_subplot()
        ax.set_title(_subtitle(report), loc="left", fontsize=9, color="0.35")
        nothing = not report.overview["analyses"]
        _empty(fig, ax, report, "" if nothing else "No spans in articles with a publication date")
        return fig
    lines, bars = fig.subplots(2, 1, sharex=True, height_ratios=[3, 1])
    lines.set_title(_subtitle(report), loc="left", fontsize=9, color="0.35")
    xs = list(range(len(data.months)))
    for name in data.techniques:
        tech = get_technique(name)
        ys = [100 * v for v in data.shares[name]]
        lines.plot(
            xs,
            ys,
            color=tech.color,
            label=tech.title,
            linewidth=2 if len(xs) <= 36 else 1.5,
            # Points help read a few months; over years they only clutter the lines.
            marker="o" if len(xs) <= 24 else "",
            markersize=5,
        )
    lines.set_ylabel("share of the month's spans (%)")
    lines.set_ylim(0, None)
    lines.grid(axis="y", color="0.9")
    _style(lines)
    lines.legend(
        loc="upper left",
        bbox_to_anchor=(1.01, 1),
        fontsize=8,
        frameon=False,
        title=f"top {len(data.techniques)} techniques",
        title_fontsize=8,
    )
    bars.bar(xs, data.spans, color="0.6", width=0.8)
    bars.set_ylabel("all spans", fontsize=9)
    # A short panel: three ticks are plenty.
    _counts(bars.yaxis, 3)
    _style(bars)
    # At most ~14 month labels, whatever the period, so they never overlap.
    step = max(1, math.ceil(len(xs) / 14))
    bars.set_xticks(xs[::step], data.months[::step], rotation=45, ha="right")
    bars.set_xlim(-0.6, len(xs) - 0.4)
    return fig


def techniques_chart(report: Report) -> Any:
    """Horizontal bars of the spans of each technique, most frequent on top.

    Example:
        >>> from spinscope._store import Filters, Store, build_report
        >>> fig = techniques_chart(build_report(Store.open("sqlite://"), Filters()))
        >>> fig.axes[0].texts[0].get_text()
        'The store holds no analyses'
    """
    rows = technique_totals(report)
    fig = _figure(10, 1.9 + 0.36 * len(rows), "Propaganda techniques found")
    ax = fig.add_subplot()
    ax.set_title(_subtitle(report), loc="left", fontsize=9, color="0.35")
    if not report.overview["analyses"]:
        _empty(fig, ax, report)
        return fig
    ys = list(range(len(rows)))[::-1]
    counts = [r.spans for r in rows]
    ax.barh(ys, counts, color=[get_technique(r.technique).color for r in rows], height=0.7)
    most = max(counts) or 1
    for y, r in zip(ys, rows, strict=True):
        label = f"{r.spans:,} ({100 * r.share:.0f}%) in {r.articles:,} art." if r.spans else "0"
        ax.text(r.spans + most * 0.01, y, label, va="center", fontsize=8, color="0.25")
    ax.set_yticks(ys, [get_technique(r.technique).title for r in rows])
    # Room on the right for the longest bar's label.
    ax.set_xlim(0, most * 1.25)
    ax.set_xlabel("spans")
    _counts(ax.xaxis)
    _style(ax)
    return fig


def save(fig: Any, path: Path) -> Path:
    """Write ``fig`` to ``path`` as PNG or SVG, chosen by its suffix.

    Raises:
        InputError: for another suffix or an unwritable path.
    """
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in CHART_FORMATS:
        raise InputError(f"{path}: charts are .png or .svg files")
    # No timestamp in the file: the same report gives the same SVG.
    metadata = {"Date": None} if fmt == "svg" else {}
    try:
        fig.savefig(path, format=fmt, dpi=150, metadata=metadata, facecolor="white")
    except OSError as exc:
        raise InputError(f"{path}: cannot write ({exc.strerror})") from None
    return path


def write_charts(report: Report, folder: Path, fmt: str = "png") -> list[Path]:
    """Draw every chart of ``report`` into ``folder`` (created if needed); their paths.

    Writes ``techniques``, ``sources`` and ``months`` charts; on an empty report they say
    so rather than fail, so a scheduled job always finds its files.

    Example:
        >>> import tempfile
        >>> from spinscope._store import Filters, Store, build_report
        >>> r = build_report(Store.open("sqlite://"), Filters())
        >>> [p.name for p in write_charts(r, Path(tempfile.mkdtemp()), "svg")]
        ['techniques.svg', 'sources.svg', 'months.svg']
    """
    if fmt not in CHART_FORMATS:
        raise InputError(f"chart format {fmt!r}: use png or svg")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{folder}: cannot create ({exc.strerror})") from None
    return [
        save(techniques_chart(report), folder / f"techniques.{fmt}"),
        save(sources_chart(report), folder / f"sources.{fmt}"),
        save(months_chart(report), folder / f"months.{fmt}"),
    ]
