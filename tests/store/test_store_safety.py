"""Odd input the store must survive on SQLite and PostgreSQL (issue 13, items 14-16):
NUL in stored fields and query parameters, search syntax in a text search, and runs
whose process was killed."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

from sqlalchemy import inspect, select, text

from spinscope._pipeline._analysis import Span, build_analysis
from spinscope._store import (
    ArticleRecord,
    Failure,
    Filters,
    Result,
    Store,
    build_report,
    get_article,
    search_articles,
    sources,
)
from spinscope._store._schema import articles, failures, runs
from spinscope._store._search import text_match

TEXT = "They are traitors. Our city is great."
FFFD = "\ufffd"


def result(key: str, text: str = TEXT, title: str | None = None, **fields: str) -> Result:
    analysis = build_analysis(text, [Span(9, 17, "Name_Calling,Labeling", 0.9)], "m1", 0.3)
    record = ArticleRecord(key, text, title, fields.get("source"), fields.get("url"))
    return Result(record, analysis, 0.1)


def test_nul_in_every_stored_field_is_kept_as_the_replacement_character(store: Store) -> None:
    nul = result("k\x00ey", "They\x00are traitors.", "ti\x00tle", source="s\x00", url="u\x00")
    assert store.save(None, [result("good"), nul]) == 2
    stored = get_article(store, "k\x00ey")
    assert stored is not None
    a = stored.article
    assert (a.key, a.title, a.source, a.url) == (
        f"k{FFFD}ey",
        f"ti{FFFD}tle",
        f"s{FFFD}",
        f"u{FFFD}",
    )
    # One character for one: the offsets of the spans still point at the same words.
    assert a.text == f"They{FFFD}are traitors." and a.text[9:17] == "traitors"
    assert store.done_keys("m1", ["k\x00ey", "good", "other"]) == {"k\x00ey", "good"}
    run = store.start_run("m\x00", "local", 1, ["in\x00.jsonl"])
    store.record_failures(run, [Failure("in\x00.jsonl:3", "bad\x00", "k\x00" + "x" * 600)])
    with store.engine.connect() as conn:
        row = conn.execute(select(failures)).one()
    assert (row.location, row.reason, len(row.key)) == (f"in{FFFD}.jsonl:3", f"bad{FFFD}", 512)


def test_nul_in_query_parameters_is_no_error(store: Store) -> None:
    store.save(None, [result("a", source="alpha")])
    assert search_articles(store, Filters(model_id="m1"), "\x00")[0] == 0
    assert search_articles(store, Filters(model_id="m\x00"), "city")[0] == 0
    assert search_articles(store, Filters(sources=("al\x00pha",)), "")[0] == 0
    assert build_report(store, Filters(model_id="m\x00", sources=("\x00",))).top == []
    assert get_article(store, "a", model_id="m\x00") is None
    assert sources(store, "m\x00") == []


def test_search_syntax_in_a_query_is_plain_words(store: Store) -> None:
    store.save(
        None,
        [
            result("pct", "Prices up 50% today."),
            result("under", "See file_name here."),
            result("slash", "A back\\slash."),
            result("plain", "Nothing special, filename at 50 per cent."),
            result("near", "Stay NEAR the AND gate, title: star* now."),
        ],
    )

    def found(query: str) -> set[str]:
        return {r["key"] for r in search_articles(store, Filters(model_id="m1"), query)[1]}

    # Wildcards of LIKE and the operators of FTS5 and tsquery are no syntax: a query
    # without a word matches nothing, and one with words matches those words.
    for nothing in ("%", "%%", "_", "\\", "*", '"', "!", "&|", "-", "^", ":*", "()"):
        assert found(nothing) == set(), nothing
    assert found("50%") == {"pct", "plain"}
    assert found("file_name") == {"under"}
    assert found("back\\slash") == {"slash"}
    assert found("FILENAME") == {"plain"}
    assert found("NEAR(stay gate)") == set()
    assert found("near AND") == {"near"}
    assert found("title:") == {"near"}
    assert found("star*") == {"near"}
    assert found("sta*") == set()
    assert found("!prices | -today") == {"pct"}
    assert found('"50 per cent"') == {"plain"}
    assert found('"per 50"') == set()
    assert found('"unclosed phrase') == set()


def test_migration_8_indexes_the_articles_stored_before_it(db_url: str) -> None:
    store = Store.open(db_url, migrate=False)
    assert store.migrate(target=7) == list(range(1, 8))
    store.save(None, [result("old", "An older traitor story.", "Old title")])
    assert store.migrate() == [8]
    store.save(None, [result("new", "A newer traitor story.")])

    def found(query: str) -> set[str]:
        return {r["key"] for r in search_articles(store, Filters(model_id="m1"), query)[1]}

    assert found("traitor") == {"old", "new"}
    assert found("older") == {"old"} and found("old title") == {"old"}
    assert found("Traitor STORY newer") == {"new"}
    store.close()


def test_migration_4_gives_an_older_store_the_run_owner_columns(db_url: str) -> None:
    store = Store.open(db_url, migrate=False)
    assert store.migrate(target=3) == [1, 2, 3]
    with store.engine.begin() as conn:
        # As a store made before migration 4 existed: runs without pid and host.
        conn.execute(text("ALTER TABLE runs DROP COLUMN pid"))
        conn.execute(text("ALTER TABLE runs DROP COLUMN host"))
    assert store.migrate(target=4) == [4]
    assert {"pid", "host"} <= {c["name"] for c in inspect(store.engine).get_columns("runs")}
    store.close()


def _dead_pid() -> int:
    """The pid of a process that has ended (and been reaped)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_runs_whose_process_is_gone_are_marked_abandoned(store: Store) -> None:
    dead, alive, elsewhere, old, done = (store.start_run("m", "local", 1, []) for _ in range(5))
    with store.engine.begin() as conn:
        conn.execute(runs.update().where(runs.c.id.in_([dead, done])).values(pid=_dead_pid()))
        conn.execute(runs.update().where(runs.c.id == elsewhere).values(pid=1, host="other"))
        conn.execute(runs.update().where(runs.c.id == old).values(pid=None, host=None))
    store.finish_run(done, "finished", 1, 0, 0)
    assert store.abandon_dead_runs() == [dead]
    with store.engine.connect() as conn:
        status = dict(conn.execute(select(runs.c.id, runs.c.status)).all())
        owner = conn.execute(select(runs.c.pid, runs.c.host).where(runs.c.id == alive)).one()
    assert status == {
        dead: "abandoned",
        alive: "running",
        elsewhere: "running",
        old: "running",
        done: "finished",
    }
    assert tuple(owner) == (os.getpid(), socket.gethostname())
    assert store.abandon_dead_runs() == []


def test_a_text_search_reads_the_full_text_index_not_every_text(store: Store) -> None:
    store.save(None, [result(f"k{i}", f"Story {i} about traitors.") for i in range(30)])
    condition = text_match(store.dialect, 'traitors "story 3"')
    assert condition is not None
    query = select(articles.c.id).where(condition)
    compiled = query.compile(store.engine, compile_kwargs={"literal_binds": True})
    with store.engine.connect() as conn:
        if store.dialect == "postgresql":
            # A table this small is cheaper to scan; forbidding scans shows the index fits.
            conn.execute(text("SET enable_seqscan = off"))
            explain = f"EXPLAIN {compiled}"
        else:
            explain = f"EXPLAIN QUERY PLAN {compiled}"
        plan = " ".join(str(row) for row in conn.exec_driver_sql(explain))
        found = {row.id for row in conn.execute(query)}
    assert ("ix_articles_search" if store.dialect == "postgresql" else "articles_fts") in plan
    assert len(found) == 1
