"""Whom each span aims at, in the store on SQLite and PostgreSQL: written with the span,
read back alike by ``get_article`` and the export stream, migrated into older stores
(migration 7), and ranked per source by ``spinscope report``."""

from __future__ import annotations

import io
import json

from sqlalchemy import inspect, select, text

from spinscope import Analysis
from spinscope._pipeline import Span, Target
from spinscope._reports import write_rows
from spinscope._store import (
    ArticleRecord,
    Filters,
    Result,
    Store,
    build_report,
    get_article,
    iter_analyses,
)
from spinscope._store._schema import NAME_CHARS, spans
from spinscope._store._write import target_columns

from ..fakes import fake_model

GUAIDO = (
    "Juan Guaido and his cronies met the liberals on Monday. Guaido is a disgrace, the city "
    "said. It is a plan to save the city, and the plan of the city is a plan that is shameful."
)
# Fragments: cronies and disgrace aim at Juan Guaido (as "Juan Guaido" and "Guaido");
# shameful is too far from any name to aim at one.
LIBERALS = "The liberals are liars, they said."


def saved(store: Store, key: str, body: str, source: str = "S") -> Analysis:
    analysis = fake_model().analyze(body)
    record = ArticleRecord(key, body, None, source, None, "2020-01-02")
    store.save(None, [Result(record, analysis, 0.1)])
    return analysis


def stored_targets(store: Store) -> list[tuple[int | None, int | None, str | None]]:
    with store.engine.connect() as conn:
        q = select(spans.c.target_start, spans.c.target_end, spans.c.target).order_by(spans.c.id)
        return [tuple(r) for r in conn.execute(q)]


def test_spans_keep_their_target(store: Store) -> None:
    saved(store, "g", GUAIDO)
    assert stored_targets(store) == [(0, 11, "Juan Guaido"), (56, 62, "Juan Guaido"), (None,) * 3]


def test_an_article_reads_back_with_its_targets(store: Store) -> None:
    original = saved(store, "g", GUAIDO)
    found = get_article(store, "g")
    assert found is not None
    assert [s.target for s in found.analysis.spans] == [s.target for s in original.spans]
    doc = found.analysis.to_dict()["spans"]
    assert [d["target"] for d in doc] == [
        {"start": 0, "end": 11, "text": "Juan Guaido", "name": "Juan Guaido"},
        {"start": 56, "end": 62, "text": "Guaido", "name": "Juan Guaido"},
        None,
    ]


def test_the_export_stream_and_jsonl_give_the_same_targets(store: Store) -> None:
    original = saved(store, "g", GUAIDO)
    (row,) = iter_analyses(store, Filters())
    assert [s.target for s in row.spans] == [s.target for s in original.spans]
    out = io.StringIO()
    write_rows(iter_analyses(store, Filters()), "jsonl", out, with_text=False)
    (doc,) = map(json.loads, out.getvalue().splitlines())
    assert [s.get("target", {}).get("name") for s in doc["spans"]] == [
        "Juan Guaido",
        "Juan Guaido",
        None,
    ]
    assert "target" not in doc["spans"][2]  # none found: no key, as for evidence


def test_most_targeted_names_per_source(store: Store) -> None:
    saved(store, "g1", GUAIDO)
    saved(store, "g2", GUAIDO)
    saved(store, "l", LIBERALS)
    saved(store, "t", LIBERALS, source="T")
    r = build_report(store, Filters())
    assert [
        (t["source"], t["rank"], t["target"], t["spans"], t["articles"]) for t in r.targets
    ] == [
        ("S", 1, "Juan Guaido", 4, 2),
        ("S", 2, "liberals", 1, 1),
        ("T", 1, "liberals", 1, 1),
    ]
    assert r.targets[0]["chars"] == 2 * len("cronies" + "disgrace")
    assert r.targets[0]["techniques"] == {"Loaded_Language": 4}
    assert r.to_dict()["targets"] == r.targets
    top = build_report(store, Filters(), top=1).targets
    assert [(t["source"], t["target"]) for t in top] == [("S", "Juan Guaido"), ("T", "liberals")]
    assert build_report(store, Filters(sources=("T",))).targets[0]["target"] == "liberals"
    assert build_report(store, Filters(techniques=("Doubt",))).targets == []


def test_a_long_target_with_nul_is_stored_cut_and_clean() -> None:
    name = "A\x00" + "b" * 400
    cols = target_columns(Span(0, 4, "Doubt", 0.5, target=Target(5, 9, "Abbb", name)))
    assert cols["target_start"] == 5 and cols["target_end"] == 9
    assert isinstance(cols["target"], str) and len(cols["target"]) == NAME_CHARS
    assert "\x00" not in cols["target"]
    assert target_columns(Span(0, 4, "Doubt", 0.5)) == dict.fromkeys(cols)


def test_migration_7_gives_an_older_store_the_target_columns(db_url: str) -> None:
    store = Store.open(db_url, migrate=False)
    assert store.migrate(target=6) == [1, 2, 3, 4, 5, 6]
    with store.engine.begin() as conn:
        # As a store made before migration 7 existed: spans without target columns.
        for name in ("target_start", "target_end", "target"):
            conn.execute(text(f"ALTER TABLE spans DROP COLUMN {name}"))
        assert "target" not in {c["name"] for c in inspect(conn).get_columns("spans")}
    assert store.migrate(target=7) == [7]
    columns = {c["name"] for c in inspect(store.engine).get_columns("spans")}
    assert {"target_start", "target_end", "target"} <= columns
    assert "ix_spans_target" in {i["name"] for i in inspect(store.engine).get_indexes("spans")}
    saved(store, "g", GUAIDO)
    assert build_report(store, Filters()).targets[0]["target"] == "Juan Guaido"
    store.close()
