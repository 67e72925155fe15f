"""``spinscope report`` on the command line."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from spinscope._errors import StoreError
from spinscope._store import Store
from tests.clirun import invoke

from ..storedata import fill


@pytest.fixture()
def filled(store: Store, db_url: str) -> str:
    """The ``--db`` target of a store holding :mod:`tests.storedata`."""
    fill(store)
    return db_url


def test_cli_report_table(filled: str) -> None:
    result = invoke("report", "--db", filled, "--top", "2")
    assert result.exit_code == 0
    assert "5 analyses by model m1" in result.stdout
    assert "Liars everywhere" in result.stdout and "Flags" not in result.stdout


def test_cli_report_json_with_filters(filled: str) -> None:
    result = invoke(
        "report",
        "--db",
        filled,
        "-f",
        "json",
        "--source",
        "Daily Planet",
        "--from",
        "2020-01",
        "--to",
        "2020-01",
        "-t",
        "loaded language",
    )
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["overview"]["analyses"] == 2
    assert doc["techniques"] == [
        {"technique": "Loaded_Language", "spans": 3, "articles": 2, "chars": 13, "share": 1.0}
    ]


def test_cli_report_csv_and_model(filled: str) -> None:
    result = invoke("report", "--db", filled, "-f", "csv", "--model", "m0")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["technique"] for r in rows if r["section"] == "techniques"] == ["Slogans"]


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_cli_report_charts(filled: str, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "report.txt"
    result = invoke(
        "report",
        "--db",
        filled,
        "-o",
        str(out),
        "--charts",
        str(tmp_path / "c"),
        "--chart-format",
        fmt,
    )
    assert result.exit_code == 0, result.stderr
    assert "Daily Planet" in out.read_text()
    for name in ("techniques", "sources", "months"):
        assert (tmp_path / "c" / f"{name}.{fmt}").stat().st_size > 5000
    assert f"wrote {tmp_path / 'c' / 'months'}.{fmt}" in result.stderr.replace("\n", "")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--from", "2020-13"], 2, "use YYYY-MM or YYYY-MM-DD"),
        (["--to", "yesterday"], 2, "use YYYY-MM or YYYY-MM-DD"),
        (["-t", "propaganda"], 2, "unknown technique 'propaganda'"),
    ],
)
def test_cli_report_bad_input(filled: str, args: list[str], code: int, message: str) -> None:
    result = invoke("report", "--db", filled, *args)
    assert result.exit_code == code
    assert message in " ".join(result.stderr.split())
    assert result.stdout == ""


def test_cli_report_missing_db(tmp_path: Path) -> None:
    target = tmp_path / "nope.db"
    result = invoke("report", "--db", str(target))
    assert result.exit_code == StoreError.exit_code
    assert "nope.db: no such file" in " ".join(result.stderr.split())
    assert not target.exists()


def test_cli_report_bad_format(filled: str) -> None:
    result = invoke("report", "--db", filled, "-f", "xml")
    assert result.exit_code == 2
