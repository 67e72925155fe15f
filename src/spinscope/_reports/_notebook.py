"""A :class:`Report` as a notebook shows it (``Report._repr_html_``): the overview, then
tables of the techniques, coverage per source, the most propagandistic articles, whose
voice the flagged text is and the speakers, then the three charts of ``spinscope report
--charts``.

One self-contained HTML fragment: the charts are inline PNG images (``data:`` URLs), the
styles are scoped to ``.spinscope-report`` (the notebook's page holds other outputs), and
there is no script. Stored strings (sources, titles, keys, speakers) go through Jinja's
autoescaping, as in the HTML report. Tables are cut like the terminal's (:data:`MAX_ROWS`);
``Report.to_pandas()`` holds everything.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .._techniques import get_technique
from ._charts import months_chart, sources_chart, techniques_chart
from ._tables import MAX_ROWS, _pct, overview_lines
from ._voices import NO_HEAD, VOICE_HEADS, _by_chars

if TYPE_CHECKING:
    from .._store import Report

# Dots per inch of the inline charts: about the size a notebook shows a matplotlib figure.
DPI = 100

TEMPLATE = """\
<div class="spinscope-report">
<style>
.spinscope-report { font: 14px/1.5 system-ui, sans-serif; max-width: 72rem; }
.spinscope-report h4 { margin: 1rem 0 .3rem; }
.spinscope-report .meta { color: #666; margin: .1rem 0; }
.spinscope-report table { border-collapse: collapse; margin: 0; }
.spinscope-report th, .spinscope-report td {
  padding: .15rem .6rem; text-align: left; border-bottom: 1px solid #e4e4e4; }
.spinscope-report .n { text-align: right; font-variant-numeric: tabular-nums; }
.spinscope-report .swatch {
  display: inline-block; width: .8rem; height: .8rem; border-radius: 2px;
  vertical-align: -1px; margin-right: .3rem; }
.spinscope-report img { display: block; max-width: 100%; height: auto; margin: .8rem 0; }
</style>
<p><strong>{{ overview[0] }}</strong></p>
{% for line in overview[1:] %}
<p class="meta">{{ line }}</p>
{% endfor %}
{% for t in tables %}
<h4>{{ t.title }}</h4>
{% if t.rows %}
<table>
<thead><tr>
{%- for h in t.heads %}<th{% if t.rows[0][loop.index0].number %} class="n"{% endif %}>
{{- h }}</th>{% endfor -%}
</tr></thead>
<tbody>
{% for row in t.rows %}
<tr>
{%- for c in row %}<td{% if c.number %} class="n"{% endif %}>
{%- if c.color %}<span class="swatch" style="background: {{ c.color }}"></span>{% endif -%}
{{ c.text }}</td>{% endfor -%}
</tr>
{% endfor %}
</tbody>
</table>
{% endif %}
{% if t.note %}
<p class="meta">{{ t.note }}</p>
{% endif %}
{% endfor %}
{% for c in charts %}
<img alt="{{ c.alt }}" src="{{ c.src }}">
{% endfor %}
</div>
"""


@dataclass(frozen=True)
class Cell:
    """One table cell: its text, whether it is a number (right-aligned), and the colour of
    a technique's swatch before it."""

    text: str
    number: bool = False
    color: str | None = None


@dataclass(frozen=True)
class HtmlTable:
    """A titled table: column heads, rows of cells, and a note under it (or instead of it,
    when there are no rows)."""

    title: str
    heads: tuple[str, ...]
    rows: list[list[Cell]]
    note: str = ""


def _n(value: Any) -> Cell:
    return Cell(f"{value:,}" if isinstance(value, int) else str(value), number=True)


def _more(total: int, shown: int, what: str) -> str:
    return f"{total - shown:,} more {what} in to_pandas()" if total > shown else ""


def techniques_table(report: Report) -> HtmlTable:
    """Spans, share of all spans and articles per technique, most spans first."""
    rows = []
    for r in report.techniques:
        t = get_technique(r["technique"])
        rows.append(
            [Cell(t.title, color=t.color), _n(r["spans"]), _n(_pct(r["share"])), _n(r["articles"])]
        )
    heads = ("technique", "spans", "share", "articles")
    return HtmlTable("Techniques", heads, rows, "" if rows else "No spans.")


def coverage_table(report: Report) -> HtmlTable:
    """Per source: articles, spans, spans per article, mean score and text in spans."""
    rows = [
        [
            Cell(r["source"]),
            _n(r["articles"]),
            _n(r["spans"]),
            _n(f"{r['spans'] / (r['articles'] or 1):.1f}"),
            _n(f"{r['mean_score']:.2f}"),
            _n(f"{100 * r['coverage']:.1f}%"),
        ]
        for r in report.coverage[:MAX_ROWS]
    ]
    heads = ("source", "articles", "spans", "spans/article", "mean score", "text in spans")
    note = _more(len(report.coverage), len(rows), "sources")
    return HtmlTable("Coverage per source", heads, rows, note)


def top_table(report: Report) -> HtmlTable:
    """The most propagandistic articles: score, spans, coverage, source, date, title."""
    rows = [
        [
            _n(i),
            _n(f"{r['score']:.2f}"),
            _n(r["n_spans"]),
            _n(f"{100 * r['coverage']:.0f}%"),
            Cell(r["source"]),
            Cell(r["published"] or ""),
            Cell(r["title"] or r["key"]),
        ]
        for i, r in enumerate(report.top, 1)
    ]
    heads = ("#", "score", "spans", "covered", "source", "published", "title / key")
    return HtmlTable("Most propagandistic articles", heads, rows)


def voice_tables(report: Report) -> list[HtmlTable]:
    """Whose voice the flagged text is, per source, and the speakers whose quotes hold the
    most fragments; one note instead when no voice is known, nothing without spans."""
    if not report.voice_sources:
        return []
    if not report.voices_known:
        return [HtmlTable("Whose voice", (), [], NO_HEAD)]
    cells: dict[str, dict[str, dict[str, Any]]] = {}
    for r in report.voice_sources:
        cells.setdefault(r["source"], {})[r["voice"]] = r
    sources = _by_chars(report.voice_sources, "source")
    rows = []
    for source in sources[:MAX_ROWS]:
        per = cells[source]
        shares = [_n(_pct(per[v]["share"]) if v in per else "·") for v in VOICE_HEADS]
        chars = sum(r["chars"] for r in per.values())
        rows.append([Cell(source), _n(sum(r["spans"] for r in per.values())), _n(chars), *shares])
    heads = ("source", "spans", "characters", *VOICE_HEADS.values())
    title = "Whose voice, per source (share of its flagged characters)"
    voices = HtmlTable(title, heads, rows, _more(len(sources), len(rows), "sources"))
    speakers = [
        [
            Cell(r["speaker"]),
            _n(r["spans"]),
            _n(r["articles"]),
            Cell(", ".join(f"{get_technique(t).title} {n}" for t, n in r["techniques"].items())),
        ]
        for r in report.speakers
    ]
    heads = ("speaker", "spans", "articles", "techniques")
    title = "Speakers whose quotes hold the most fragments"
    return [voices, HtmlTable(title, heads, speakers, "" if speakers else "No named speaker.")]


def png_data_url(fig: Any) -> str:
    """``fig`` (a matplotlib figure) as a ``data:`` URL of a PNG image.

    Example:
        >>> from matplotlib.figure import Figure
        >>> png_data_url(Figure(figsize=(1, 1)))[:22]
        'data:image/png;base64,'
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, facecolor="white")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def report_html(report: Report) -> str:
    """``report`` as one self-contained HTML fragment of tables and inline charts.

    Example:
        >>> from spinscope._store import Filters, Store, build_report
        >>> html = report_html(build_report(Store.open("sqlite://"), Filters()))
        >>> html.startswith('<div class="spinscope-report">'), html.count("<img")
        (True, 3)
    """
    from jinja2 import Environment

    tables = [techniques_table(report), coverage_table(report), top_table(report)]
    charts = [
        {"alt": "Propaganda techniques found", "src": png_data_url(techniques_chart(report))},
        {"alt": "Propaganda techniques per source", "src": png_data_url(sources_chart(report))},
        {"alt": "Propaganda techniques over time", "src": png_data_url(months_chart(report))},
    ]
    template = Environment(autoescape=True, trim_blocks=True).from_string(TEMPLATE)
    return template.render(
        overview=overview_lines(report),
        tables=[*tables, *voice_tables(report)],
        charts=charts,
    )
