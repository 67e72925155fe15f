"""What the charts draw, shaped from a report's rows."""

from __future__ import annotations

import pytest

from spinscope._reports._chart_data import month_series, source_shares, technique_totals
from spinscope._store import Filters, Store, build_report

from ..storedata import fill, fill_random


def test_chart_data_on_an_empty_store(store: Store) -> None:
    r = build_report(store, Filters())
    assert source_shares(r).sources == [] and source_shares(r).hidden == 0
    assert month_series(r).months == [] and month_series(r).techniques == []
    totals = technique_totals(r)
    assert len(totals) == 14 and all(t.spans == 0 for t in totals)


def test_chart_data_matches_the_report(store: Store) -> None:
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


def test_source_chart_keeps_the_biggest_sources(store: Store) -> None:
    fill_random(store, 200, sources=6)
    data = source_shares(build_report(store, Filters()), top=3)
    assert len(data.sources) == 3 and data.hidden == 3
    assert data.articles == sorted(data.articles, reverse=True)
