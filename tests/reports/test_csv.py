"""A report as one tidy CSV."""

from __future__ import annotations

import csv
import io

import pytest

from spinscope._reports._csv import write_csv
from spinscope._store import Filters, Store, build_report

from ..storedata import fill


def test_tidy_csv_parses_back_to_the_report(store: Store) -> None:
    r = build_report(fill(store), Filters())
    buf = io.StringIO()
    n = write_csv(r, buf)
    rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
    assert len(rows) == n

    def by(section: str) -> list[dict[str, str]]:
        return [row for row in rows if row["section"] == section]

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
