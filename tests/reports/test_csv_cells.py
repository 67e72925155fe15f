"""No CSV the project writes starts a cell with a formula (issue 13, item 17): text that
begins with =, +, -, @, a tab or a carriage return gets a ' in front."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from spinscope._formats import Record, Target, get_format
from spinscope._pipeline._analysis import Span, build_analysis
from spinscope._reports._csv import write_csv, write_csv_folder
from spinscope._store import ArticleRecord, Filters, Result, Store, build_report
from tests.clirun import invoke

TEXT = "=SUM(A1) is a lie. +cmd runs. -x and @y, \tand\rmore."
SPANS = [
    (0, 8, "Doubt"),
    (19, 23, "Slogans"),
    (30, 32, "Doubt"),
    (37, 39, "Doubt"),
    (41, 45, "Doubt"),
]
HOSTILE = ("=", "+", "-", "@", "\t", "\r")


def fill(store: Store) -> Store:
    analysis = build_analysis(TEXT, [Span(s, e, t, 0.9) for s, e, t in SPANS], "m1", 0.3)
    record = ArticleRecord("-key", TEXT, "+title", "=source", None, "2020-01-02")
    store.save(None, [Result(record, analysis, 0.1)])
    return store


def assert_safe(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            assert not cell.startswith(HOSTILE), row


def test_report_csv_cells_never_start_a_formula(store: Store, tmp_path: Path) -> None:
    report = build_report(fill(store), Filters())
    buf = io.StringIO()
    write_csv(report, buf)
    rows = list(csv.reader(io.StringIO(buf.getvalue())))
    assert_safe(rows)
    top = next(r for r in csv.DictReader(io.StringIO(buf.getvalue())) if r["rank"] == "1")
    assert (top["key"], top["title"], top["source"]) == ("'-key", "'+title", "'=source")
    for path in write_csv_folder(report, tmp_path / "sections"):
        assert_safe(list(csv.reader(path.open(newline=""))))
    assert "'=source" in (tmp_path / "sections" / "coverage_by_source.csv").read_text()


def test_analysis_csv_cells_never_start_a_formula() -> None:
    buf = io.StringIO()
    analysis = build_analysis(TEXT, [Span(s, e, t, 0.9) for s, e, t in SPANS], "m1", 0.3)
    get_format("csv", "export").writer(Target(buf))(Record("@file.txt", "1", analysis))
    rows = list(csv.reader(io.StringIO(buf.getvalue(), newline="")))
    assert_safe(rows)
    fragments = [r[-1] for r in rows[1:]]
    assert fragments == ["'=SUM(A1)", "'+cmd", "'-x", "'@y", "'\tand"]
    # Python's csv leaves a lone carriage return unquoted with "\n" lines, so that
    # fragment is checked in the raw output rather than read back.
    buf = io.StringIO()
    returned = build_analysis("a \rmore", [Span(2, 7, "Doubt", 0.9)], "m1", 0.3)
    get_format("csv", "export").writer(Target(buf))(Record("k", "1", returned))
    assert ",'\rmore\n" in buf.getvalue()
    assert {r[0] for r in rows[1:]} == {"'@file.txt"}
    # Numbers stay numbers: offsets and confidences are not text.
    assert rows[1][4:7] == ["0", "8", "0.9"]


def test_exported_csv_cells_never_start_a_formula(store: Store, db_url: str) -> None:
    fill(store)
    result = invoke("export", "--db", db_url, "-f", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout, newline="")))
    assert_safe(rows)
    assert rows[1][:2] == ["'-key", "'=source"]
