"""The report formats: their registry, and a report written to stdout, a file or a folder."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from spinscope._errors import InputError
from spinscope._reports import REPORT_FORMATS, print_report, report_json, write_report
from spinscope._reports._csv import SECTION_COLUMNS, write_csv
from spinscope._store import Filters, Report, Store, build_report

from ..storedata import fill


@pytest.fixture()
def report(store: Store) -> Report:
    return build_report(fill(store), Filters())


def test_the_report_formats_are_table_csv_and_json_each_unique() -> None:
    assert REPORT_FORMATS.names("report") == ["table", "csv", "json"]
    assert len({f.media_type for f in REPORT_FORMATS}) == len(REPORT_FORMATS)
    assert [f.name for f in REPORT_FORMATS if f.folder is not None] == ["csv"]


def test_stdout_gets_each_format(
    report: Report, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    buf = io.StringIO()
    assert write_report(report, "table", None, Console(file=buf, width=100)) == []
    mine = io.StringIO()
    print_report(report, Console(file=mine, width=100))
    assert buf.getvalue() == mine.getvalue()
    write_report(report, "json", None, Console())
    assert json.loads(capsys.readouterr().out) == json.loads(report_json(report))
    write_report(report, "csv", None, Console())
    tidy = io.StringIO()
    write_csv(report, tidy)
    assert capsys.readouterr().out == tidy.getvalue()


def test_a_file_gets_the_table_120_columns_wide(report: Report, tmp_path: Path) -> None:
    out = tmp_path / "report.txt"
    assert write_report(report, "table", str(out), Console()) == [out]
    mine = io.StringIO()
    print_report(report, Console(file=mine, width=120, soft_wrap=False))
    assert out.read_text() == mine.getvalue()


def test_csv_folder_has_one_file_per_section(report: Report, tmp_path: Path) -> None:
    written = write_report(report, "csv", str(tmp_path / "out") + "/", Console())
    assert [p.name for p in written] == [f"{s}.csv" for s in SECTION_COLUMNS]
    with (tmp_path / "out" / "by_month.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == list(SECTION_COLUMNS["by_month"])
    assert len(rows) == 4


def test_json_is_the_reports_dict(store: Store) -> None:
    r = build_report(fill(store), Filters(sources=("Gazette",)))
    doc = json.loads(report_json(r))
    assert doc == json.loads(json.dumps(r.to_dict()))
    assert doc["filters"]["sources"] == ["Gazette"]
    assert doc["by_source"][0]["share"] == 1.0


def test_unknown_formats_and_unwritable_files_are_input_errors(
    report: Report, tmp_path: Path
) -> None:
    with pytest.raises(InputError, match="use one of table, csv, json"):
        write_report(report, "xml", None, Console())
    with pytest.raises(InputError, match="cannot write"):
        write_report(report, "json", str(tmp_path / "no" / "such.json"), Console())
