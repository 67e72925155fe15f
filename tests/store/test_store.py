"""The results store on SQLite and PostgreSQL: migrations, idempotent saves, queries."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import Table, func, insert, select

from spinscope._errors import InputError, StoreError
from spinscope._pipeline._analysis import Span, build_analysis
from spinscope._store import (
    LATEST,
    ArticleRecord,
    Filters,
    Result,
    Store,
    build_report,
    get_article,
    search_articles,
    sources,
)
from spinscope._store._schema import analyses, articles, schema_migrations, spans, technique_counts

TEXT = "They are traitors. Our city is great. Liars everywhere, liars!"


def result(
    key: str,
    source: str | None = "alpha",
    published: str | None = "2020-03-15",
    found: tuple[tuple[int, int, str, float], ...] = ((9, 17, "Name_Calling,Labeling", 0.9),),
    model: str = "m1",
    text: str = TEXT,
) -> Result:
    analysis = build_analysis(text, [Span(*s) for s in found], model, 0.3)
    return Result(ArticleRecord(key, text, f"title {key}", source, None, published), analysis, 0.1)


def count(store: Store, table: Table) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)


def test_a_new_store_is_migrated_to_the_latest_version_once(db_url: str) -> None:
    with Store.open(db_url) as store:
        assert store.version() == LATEST
    with Store.open(db_url) as again:
        assert again.migrate() == []
        assert count(again, schema_migrations) == LATEST


def test_migration_2_backfills_technique_counts_from_spans(db_url: str) -> None:
    store = Store.open(db_url, migrate=False)
    assert store.migrate(target=1) == [1]
    with store.engine.begin() as conn:
        aid = conn.execute(
            insert(articles)
            .values(key="k", text=TEXT, n_chars=len(TEXT), added_at="t", source="s")
            .returning(articles.c.id)
        ).scalar_one()
        anid = conn.execute(
            insert(analyses)
            .values(
                article_id=aid,
                model_id="m",
                created_at="t",
                threshold=0.3,
                score=0.5,
                coverage=0.1,
                n_spans=3,
                seconds=0.1,
                warnings="[]",
                source="s",
                n_chars=10,
            )
            .returning(analyses.c.id)
        ).scalar_one()
        conn.execute(
            insert(spans),
            [
                {"analysis_id": anid, "start": 0, "end": 4, "technique": "Doubt", "confidence": 1},
                {"analysis_id": anid, "start": 5, "end": 7, "technique": "Doubt", "confidence": 1},
                {
                    "analysis_id": anid,
                    "start": 9,
                    "end": 17,
                    "technique": "Slogans",
                    "confidence": 1,
                },
            ],
        )
    assert store.migrate() == list(range(2, LATEST + 1))
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(
                technique_counts.c.technique, technique_counts.c.n, technique_counts.c.chars
            ).order_by(technique_counts.c.technique)
        ).all()
    assert [tuple(r) for r in rows] == [("Doubt", 2, 6), ("Slogans", 1, 8)]
    store.close()


def test_report_indexes_cover_the_report_queries_after_migration(store: Store) -> None:
    from sqlalchemy import inspect

    names = {
        i["name"]
        for table in ("analyses", "technique_counts")
        for i in inspect(store.engine).get_indexes(table)
    }
    assert {"ix_technique_counts_by_source", "ix_analyses_by_source"} <= names
    assert not names & {"ix_analyses_model_source", "ix_technique_counts_model_source"}


def test_a_store_from_a_newer_spinscope_is_refused(db_url: str) -> None:
    with Store.open(db_url) as store, store.engine.begin() as conn:
        conn.execute(insert(schema_migrations).values(version=99, name="future", applied_at="t"))
    with pytest.raises(StoreError, match="newer than this spinscope"):
        Store.open(db_url)


def test_saving_twice_stores_once_and_another_model_stores_beside(store: Store) -> None:
    run = store.start_run("m1", "local", 1, ["x"])
    assert store.save(run, [result("a"), result("b")]) == 2
    assert store.save(run, [result("a"), result("b")]) == 0
    assert store.save(run, [result("a", model="m2")]) == 1
    assert count(store, articles) == 2
    assert count(store, analyses) == 3
    assert count(store, spans) == 3
    assert store.done_keys("m1", ["a", "b", "c"]) == {"a", "b"}
    assert store.done_keys("m2", ["a", "b", "c"]) == {"a"}


def test_a_stored_article_reads_back_with_the_same_offsets(store: Store) -> None:
    store.save(None, [result("a", found=((38, 43, "Loaded_Language", 0.8),))])
    stored = get_article(store, "a")
    assert stored is not None
    assert stored.article.text == TEXT
    (span,) = stored.analysis.spans
    assert TEXT[span.start : span.end] == "Liars"
    assert get_article(store, "missing") is None
    assert get_article(store, "a", model_id="other") is None


@pytest.fixture()
def filled(store: Store) -> Store:
    nc, ll = "Name_Calling,Labeling", "Loaded_Language"
    store.save(
        None,
        [
            result("a1", "alpha", "2020-01-10", ((9, 17, nc, 0.9), (38, 43, ll, 0.8))),
            result("a2", "alpha", "2020-02-28", ((38, 43, ll, 0.8),)),
            result("b1", "beta", "2020-02-01", ((9, 17, nc, 0.4),)),
            result("n1", None, None, ()),
        ],
    )
    return store


def test_report_counts_and_shares_overall_per_source_and_month(filled: Store) -> None:
    report = build_report(filled, Filters())
    assert report.filters.model_id == "m1"
    totals = {r["technique"]: (r["spans"], r["articles"]) for r in report.techniques}
    assert totals == {"Name_Calling,Labeling": (2, 2), "Loaded_Language": (2, 2)}
    shares = {(r["source"], r["technique"]): r["share"] for r in report.sources}
    assert shares == {
        ("alpha", "Loaded_Language"): pytest.approx(2 / 3),
        ("alpha", "Name_Calling,Labeling"): pytest.approx(1 / 3),
        ("beta", "Name_Calling,Labeling"): 1.0,
    }
    months = {(r["month"], r["technique"]): r["spans"] for r in report.months}
    assert months == {
        ("2020-01", "Loaded_Language"): 1,
        ("2020-01", "Name_Calling,Labeling"): 1,
        ("2020-02", "Loaded_Language"): 1,
        ("2020-02", "Name_Calling,Labeling"): 1,
    }
    cover = {r["source"]: r for r in report.coverage}
    assert cover["(unknown)"]["articles"] == 1 and cover["(unknown)"]["coverage"] == 0
    assert cover["alpha"]["coverage"] == pytest.approx((13 / len(TEXT) + 5 / len(TEXT)) / 2)
    assert [r["key"] for r in report.top][:2] == ["a1", "a2"]
    assert report.overview["analyses"] == 4
    assert sources(filled) == ["(unknown)", "alpha", "beta"]


def test_report_filters_by_source_dates_and_technique(filled: Store) -> None:
    def keys(f: Filters) -> set[str]:
        return {r["key"] for r in build_report(filled, f).top}

    assert keys(Filters(sources=("beta",))) == {"b1"}
    assert keys(Filters(sources=("(unknown)",))) == {"n1"}
    # A month as the upper bound includes its last day.
    assert keys(Filters(date_from="2020-02", date_to="2020-02")) == {"a2", "b1"}
    assert keys(Filters(date_to="2020-01-31")) == {"a1"}
    report = build_report(filled, Filters(techniques=("loaded language",)))
    assert {r["technique"] for r in report.techniques} == {"Loaded_Language"}
    assert {r["key"] for r in report.top} == {"a1", "a2"}
    assert build_report(filled, Filters(model_id="nope")).top == []


def test_bad_filters_are_input_errors() -> None:
    with pytest.raises(InputError, match="YYYY-MM"):
        Filters(date_from="March")
    with pytest.raises(InputError):
        Filters(techniques=("not a technique",))


def test_search_matches_text_case_insensitively_and_pages(filled: Store) -> None:
    total, rows = search_articles(filled, Filters(model_id="m1"), "LIARS", limit=2)
    assert total == 4 and len(rows) == 2
    total, rows = search_articles(filled, Filters(model_id="m1"), "title a2")
    assert total == 1 and rows[0]["key"] == "a2"
    assert search_articles(filled, Filters(model_id="m1"), "absent words")[0] == 0


def test_unreachable_or_malformed_targets_are_store_errors(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="cannot connect"):
        Store.open("postgresql://nobody@127.0.0.1:1/none")
    with pytest.raises(StoreError, match="does not exist"):
        Store.open(str(tmp_path / "missing" / "x.db"))
    with pytest.raises(StoreError, match="not a database URL"):
        Store.open("nosuchdb://x")


# -- opening an existing store for reading ------------------------------------------------


def test_open_existing_reads_a_filled_store_and_never_creates_one(
    filled: Store, db_url: str, tmp_path: Path
) -> None:
    with Store.open_existing(db_url) as again:
        assert again.version() == LATEST and sources(again) == sources(filled)
    missing = tmp_path / "missing.db"
    with pytest.raises(StoreError, match="no such file"):
        Store.open_existing(str(missing))
    assert not missing.exists()
    notes = tmp_path / "notes.txt"
    notes.write_text("hello\n" * 100)
    with pytest.raises(StoreError, match="not a database"):
        Store.open_existing(str(notes))


def test_open_existing_refuses_a_database_without_a_store(db_url: str) -> None:
    if "://" not in db_url:
        sqlite3.connect(db_url).execute("CREATE TABLE other (x)").connection.close()
    with pytest.raises(StoreError, match="not a spinscope results store"):
        Store.open_existing(db_url)
