"""The store's report figures and filters, as ``spinscope report`` reads them, and opening
an existing store for reading (:meth:`Store.open_existing`)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from spinscope._errors import InputError, StoreError
from spinscope._store import Filters, Store, build_report

from ..storedata import fill


def shares(rows: list[dict[str, Any]], key: str) -> dict[tuple[str, str], tuple[int, int, float]]:
    """``(key, technique) -> (spans, articles, share)`` of a report section."""
    return {
        (r[key], r["technique"]): (r["spans"], r["articles"], round(r["share"], 4)) for r in rows
    }


# -- figures --------------------------------------------------------------------------


def test_counts_and_shares_per_technique_source_and_month(store: Store) -> None:
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


def test_model_filter_reads_only_that_models_analyses(store: Store) -> None:
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
def test_filters(store: Store, filters: Filters, analyses: int, techniques: dict[str, int]) -> None:
    r = build_report(fill(store), filters)
    assert r.overview["analyses"] == analyses
    assert {t["technique"]: t["spans"] for t in r.techniques} == techniques


@pytest.mark.parametrize("bad", ["2020-13", "2020-02-30", "2020", "20-01-01", "2020-01\n"])
def test_bad_dates_are_input_errors(bad: str) -> None:
    with pytest.raises(InputError, match="YYYY-MM"):
        Filters(date_from=bad)


def test_unknown_technique_is_an_input_error() -> None:
    with pytest.raises(InputError, match="unknown technique"):
        Filters(techniques=("propaganda",))


# -- opening a store for reading --------------------------------------------------------


def test_a_missing_sqlite_file_is_not_created(tmp_path: Path) -> None:
    target = tmp_path / "missing.db"
    with pytest.raises(StoreError, match="no such file"):
        Store.open_existing(str(target))
    assert not target.exists()


def test_a_database_without_a_store_is_refused(db_url: str) -> None:
    if "://" not in db_url:
        sqlite3.connect(db_url).execute("CREATE TABLE other (x)").connection.close()
    with pytest.raises(StoreError, match="not a spinscope results store"):
        Store.open_existing(db_url)


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("hello\n" * 100)
    with pytest.raises(StoreError, match="not a database"):
        Store.open_existing(str(target))
