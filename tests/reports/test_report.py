"""``spinscope report``: figures from a hand-built store, CSV/JSON/table output, charts, CLI."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest
from rich.console import Console

from spinscope._errors import InputError, StoreError
from spinscope._reports._charts import (
    month_series,
    source_shares,
    technique_totals,
    write_charts,
)
from spinscope._reports._csv import SECTION_COLUMNS, write_csv
from spinscope._reports._report import (
    ReportFormat,
    open_existing,
    print_report,
    report_json,
    write_report,
)
from spinscope._store import Filters, Store, build_report
from tests.clirun import invoke

from ..storedata import fill, fill_random

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture()
def filled(store: Store, db_url: str) -> str:
    """The ``--db`` target of a store holding :mod:`tests.storedata`."""
    fill(store)
    return db_url


def shares(rows, key):
    """``(key, technique) -> (spans, articles, share)`` of a report section."""
    return {
        (r[key], r["technique"]): (r["spans"], r["articles"], round(r["share"], 4)) for r in rows
    }


# -- figures --------------------------------------------------------------------------


def test_counts_and_shares_per_technique_source_and_month(store):
    r = build_report(fill(store), Filters())
    assert r.filters.model_id == "m1"
    assert r.overview["analyses"] == 5 and r.overview["spans"] == 7
    totals = {t["technique"]: (t["spans"], t["articles"]) for t in r.techniques}
    assert totals == {
        "Loaded_Language": (4, 3),
        "Name_Calling,Labeling": (1, 1),
        "Doubt": (1, 1),
        "Flag-Waving": (1, 1),
    }
    assert r.techniques[0]["share"] == pytest.approx(4 / 7)
    assert shares(r.sources, "source") == {
        ("Daily Planet", "Loaded_Language"): (3, 2, 0.6),
        ("Daily Planet", "Name_Calling,Labeling"): (1, 1, 0.2),
        ("Daily Planet", "Doubt"): (1, 1, 0.2),
        ("Gazette", "Flag-Waving"): (1, 1, 1.0),
        ("(unknown)", "Loaded_Language"): (1, 1, 1.0),
    }
    # The undated article counts per source but not per month.
    assert shares(r.months, "month") == {
        ("2020-01", "Loaded_Language"): (3, 2, 0.6),
        ("2020-01", "Name_Calling,Labeling"): (1, 1, 0.2),
        ("2020-01", "Doubt"): (1, 1, 0.2),
        ("2020-02", "Flag-Waving"): (1, 1, 1.0),
    }
    cov = {c["source"]: (c["articles"], c["spans"]) for c in r.coverage}
    assert cov == {"Daily Planet": (2, 5), "Gazette": (2, 1), "(unknown)": (1, 1)}
    assert [t["key"] for t in r.top][:2] == ["ptc/article111.txt", "article222"]
    assert r.top[-1]["key"] == "notes/quiet.txt"


def test_model_filter_reads_only_that_models_analyses(store):
    r = build_report(fill(store), Filters(model_id="m0"))
    assert [(t["technique"], t["spans"]) for t in r.techniques] == [("Slogans", 1)]
    assert r.overview["analyses"] == 1


@pytest.mark.parametrize(
    ("filters", "analyses", "techniques"),
    [
        (Filters(sources=("Gazette",)), 2, {"Flag-Waving": 1}),
        (Filters(sources=("(unknown)",)), 1, {"Loaded_Language": 1}),
        (Filters(date_from="2020-02"), 2, {"Flag-Waving": 1}),
        # A month as the upper bound includes its last days (2020-01-20).
        (
            Filters(date_to="2020-01"),
            2,
            {"Loaded_Language": 3, "Name_Calling,Labeling": 1, "Doubt": 1},
        ),
        (
            Filters(date_from="2020-01-06", date_to="2020-01-31"),
            1,
            {"Loaded_Language": 1, "Doubt": 1},
        ),
        (Filters(techniques=("doubt",)), 1, {"Doubt": 1}),
        (
            Filters(techniques=("loaded language", "Flag-Waving")),
            4,
            {"Loaded_Language": 4, "Flag-Waving": 1},
        ),
    ],
)
def test_filters(store, filters, analyses, techniques):
    r = build_report(fill(store), filters)
    assert r.overview["analyses"] == analyses
    assert {t["technique"]: t["spans"] for t in r.techniques} == techniques


@pytest.mark.parametrize("bad", ["2020-13", "2020-02-30", "2020", "20-01-01", "2020-01\n"])
def test_bad_dates_are_input_errors(bad):
    with pytest.raises(InputError, match="YYYY-MM"):
        Filters(date_from=bad)


def test_unknown_technique_is_an_input_error():
    with pytest.raises(InputError, match="unknown technique"):
        Filters(techniques=("propaganda",))


# -- CSV, JSON, terminal --------------------------------------------------------------


def test_tidy_csv_parses_back_to_the_report(store):
    r = build_report(fill(store), Filters())
    buf = io.StringIO()
    n = write_csv(r, buf)
    rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
    assert len(rows) == n
    by = lambda s: [row for row in rows if row["section"] == s]  # noqa: E731
    overview = {row["metric"]: row["value"] for row in by("overview")}
    assert overview["model"] == "m1" and overview["analyses"] == "5"
    assert overview["store_models"] == "m0;m1"
    src = by("by_source")
    assert len(src) == len(r.sources)
    planet = {row["technique"]: row for row in src if row["source"] == "Daily Planet"}
    assert planet["Loaded_Language"]["spans"] == "3"
    assert planet["Loaded_Language"]["articles"] == "2"
    assert float(planet["Loaded_Language"]["share"]) == pytest.approx(0.6)
    assert planet["Doubt"]["technique_title"] == "Doubt"
    for source in {row["source"] for row in src}:
        assert sum(float(row["share"]) for row in src if row["source"] == source) == (
            pytest.approx(1.0, abs=1e-5)
        )
    months = {(row["month"], row["technique"]): int(row["spans"]) for row in by("by_month")}
    assert months[("2020-01", "Loaded_Language")] == 3
    top = by("top_articles")
    assert [row["rank"] for row in top] == ["1", "2", "3", "4", "5"]
    assert top[0]["key"] == "ptc/article111.txt" and top[0]["title"] == "Liars everywhere"


def test_csv_folder_has_one_file_per_section(store, tmp_path):
    r = build_report(fill(store), Filters())
    written = write_report(r, ReportFormat.csv, str(tmp_path / "out") + "/", Console())
    assert [p.name for p in written] == [f"{s}.csv" for s in SECTION_COLUMNS]
    with (tmp_path / "out" / "by_month.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == list(SECTION_COLUMNS["by_month"])
    assert len(rows) == 4


def test_json_is_the_reports_dict(store):
    r = build_report(fill(store), Filters(sources=("Gazette",)))
    doc = json.loads(report_json(r))
    assert doc == json.loads(json.dumps(r.to_dict()))
    assert doc["filters"]["sources"] == ["Gazette"]
    assert doc["by_source"][0]["share"] == 1.0


def test_terminal_report_shows_every_section(store):
    r = build_report(fill(store), Filters())
    console = Console(file=io.StringIO(), width=120)
    print_report(r, console)
    text = console.file.getvalue()
    assert "5 analyses by model m1: 7 spans from 3 sources" in text
    for part in ("Techniques", "per source", "per month", "Coverage", "Most propagandistic"):
        assert part in text
    assert "Liars everywhere" in text and "Daily Planet" in text
    # The matrix: Daily Planet has 60% Loaded language (LL), Gazette 100% Flag-waving.
    planet = next(line for line in text.splitlines() if line.startswith("Daily Planet"))
    assert planet.split()[2:5] == ["2", "5", "60"]


def test_narrow_terminal_sums_the_rest_of_the_techniques(store):
    fill_random(store, 120, sources=3)
    r = build_report(store, Filters())
    console = Console(file=io.StringIO(), width=60)
    print_report(r, console)
    text = console.file.getvalue()
    assert "+N: the other N techniques together" in text
    assert max(len(line) for line in text.splitlines()) <= 60


# -- charts ---------------------------------------------------------------------------


def test_chart_data_on_an_empty_store(store):
    r = build_report(store, Filters())
    assert source_shares(r).sources == [] and source_shares(r).hidden == 0
    assert month_series(r).months == [] and month_series(r).techniques == []
    totals = technique_totals(r)
    assert len(totals) == 14 and all(t.spans == 0 for t in totals)


def test_chart_data_matches_the_report(store):
    r = build_report(fill(store), Filters())
    data = source_shares(r)
    # Most articles first; ties by name.
    assert data.sources == ["Daily Planet", "Gazette", "(unknown)"]
    assert data.articles == [2, 2, 1]
    assert data.techniques[0] == "Loaded_Language"
    planet = dict(zip(data.techniques, data.shares[0], strict=True))
    assert planet["Loaded_Language"] == pytest.approx(0.6)
    assert sum(planet.values()) == pytest.approx(1.0)
    series = month_series(r, top=2)
    assert series.months == ["2020-01", "2020-02"] and series.spans == [5, 1]
    assert series.techniques == ["Loaded_Language", "Doubt"]
    assert series.shares["Loaded_Language"] == pytest.approx([0.6, 0.0])
    assert technique_totals(r)[0].spans == 4


def test_source_chart_keeps_the_biggest_sources(store):
    fill_random(store, 200, sources=6)
    data = source_shares(build_report(store, Filters()), top=3)
    assert len(data.sources) == 3 and data.hidden == 3
    assert data.articles == sorted(data.articles, reverse=True)


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_charts_are_written(store, tmp_path, fmt):
    r = build_report(fill(store), Filters())
    paths = write_charts(r, tmp_path / "charts", fmt)
    assert [p.name for p in paths] == [f"{n}.{fmt}" for n in ("techniques", "sources", "months")]
    for p in paths:
        data = p.read_bytes()
        assert len(data) > 5000
        assert data.startswith(PNG) if fmt == "png" else b"<svg" in data[:2000]


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_charts_of_an_empty_store_say_so(store, tmp_path, fmt):
    paths = write_charts(build_report(store, Filters()), tmp_path, fmt)
    assert all(p.stat().st_size > 1000 for p in paths)
    if fmt == "svg":
        # Text is drawn as paths; the message is in the SVG's comments.
        assert "The store holds no analyses" in paths[1].read_text()


def test_unknown_chart_format():
    with pytest.raises(InputError, match="png or svg"):
        write_charts(build_report(Store.open("sqlite://"), Filters()), Path("x"), "gif")


# -- opening a store for reading --------------------------------------------------------


def test_a_missing_sqlite_file_is_not_created(tmp_path):
    target = tmp_path / "missing.db"
    with pytest.raises(StoreError, match="no such file"):
        open_existing(str(target))
    assert not target.exists()


def test_a_database_without_a_store_is_refused(db_url):
    if "://" not in db_url:
        sqlite3.connect(db_url).execute("CREATE TABLE other (x)").connection.close()
    with pytest.raises(StoreError, match="not a spinscope results store"):
        open_existing(db_url)


def test_a_file_that_is_not_a_database(tmp_path):
    target = tmp_path / "notes.txt"
    target.write_text("hello\n" * 100)
    with pytest.raises(StoreError, match="not a database"):
        open_existing(str(target))


# -- command line ---------------------------------------------------------------------


def test_cli_report_table(filled):
    result = invoke("report", "--db", filled, "--top", "2")
    assert result.exit_code == 0
    assert "5 analyses by model m1" in result.stdout
    assert "Liars everywhere" in result.stdout and "Flags" not in result.stdout


def test_cli_report_json_with_filters(filled):
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


def test_cli_report_csv_and_model(filled):
    result = invoke("report", "--db", filled, "-f", "csv", "--model", "m0")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["technique"] for r in rows if r["section"] == "techniques"] == ["Slogans"]


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_cli_report_charts(filled, tmp_path, fmt):
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
def test_cli_report_bad_input(filled, args, code, message):
    result = invoke("report", "--db", filled, *args)
    assert result.exit_code == code
    assert message in " ".join(result.stderr.split())
    assert result.stdout == ""


def test_cli_report_missing_db(tmp_path):
    target = tmp_path / "nope.db"
    result = invoke("report", "--db", str(target))
    assert result.exit_code == StoreError.exit_code
    assert "nope.db: no such file" in " ".join(result.stderr.split())
    assert not target.exists()


def test_cli_report_bad_format(filled):
    result = invoke("report", "--db", filled, "-f", "xml")
    assert result.exit_code == 2
