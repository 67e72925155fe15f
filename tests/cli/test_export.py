"""``spinscope export`` on the command line."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from spinscope._errors import StoreError
from spinscope._store import Store
from tests.clirun import invoke

from ..storedata import ARTICLES, fill


@pytest.fixture()
def filled(store: Store, db_url: str) -> str:
    fill(store)
    return db_url


def test_cli_export_jsonl_by_default(filled: str) -> None:
    result = invoke("export", "--db", filled)
    assert result.exit_code == 0
    assert [json.loads(line)["key"] for line in result.stdout.splitlines()] == [
        a.key for a, _ in ARTICLES
    ]
    assert "exported 5 analyses (7 spans)" in result.stderr


def test_cli_export_semeval_file_with_filters(filled: str, tmp_path: Path) -> None:
    out = tmp_path / "tc.tsv"
    result = invoke(
        "export",
        "--db",
        filled,
        "-f",
        "semeval",
        "-o",
        str(out),
        "--source",
        "Daily Planet",
        "--from",
        "2020-01-10",
        "-t",
        "doubt",
    )
    assert result.exit_code == 0
    assert out.read_text() == "222\tDoubt\t12\t35\n"
    assert result.stdout == ""


def test_cli_export_csv_of_another_model(filled: str) -> None:
    result = invoke("export", "--db", filled, "-f", "csv", "--model", "m0")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["technique"], r["fragment"]) for r in rows] == [("Slogans", "Rise up now!")]


def test_cli_export_no_text(filled: str) -> None:
    result = invoke("export", "--db", filled, "--no-text")
    assert all("text" not in json.loads(line) for line in result.stdout.splitlines())


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--from", "2020-02-30"], 2, "use YYYY-MM or YYYY-MM-DD"),
        (["-t", "nonsense"], 2, "unknown technique 'nonsense'"),
    ],
)
def test_cli_export_bad_input(filled: str, args: list[str], code: int, message: str) -> None:
    result = invoke("export", "--db", filled, *args)
    assert result.exit_code == code
    assert message in " ".join(result.stderr.split())


def test_cli_export_missing_db(tmp_path: Path) -> None:
    result = invoke("export", "--db", str(tmp_path / "none.db"))
    assert result.exit_code == StoreError.exit_code
    assert "no such file" in " ".join(result.stderr.split())
    assert not (tmp_path / "none.db").exists()


def test_cli_export_bad_format(filled: str) -> None:
    assert invoke("export", "--db", filled, "-f", "xml").exit_code == 2
