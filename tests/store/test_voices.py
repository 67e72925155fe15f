"""Each span's voice in the store on SQLite and PostgreSQL: written from a model with an
attribution head, NULL without one, read back alike by ``get_article`` and the export
stream, migrated into older stores, and grouped by the voice and speaker questions."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, select, text

from spinscope import Analysis
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

from ..fakes import fake_model

QUOTED = 'The mayor said "they are traitors and liars". Our city is a disgrace.'
# Fragments: traitors, liars (said by the mayor), disgrace (the article's own voice).
SAID_CHARS, OWN_CHARS = len("traitors") + len("liars"), len("disgrace")


def saved(
    store: Store, key: str, voiced: bool, source: str = "S", published: str | None = "2020-01-02"
) -> Analysis:
    analysis = fake_model(attribution=voiced).analyze(QUOTED)
    store.save(
        None, [Result(ArticleRecord(key, QUOTED, None, source, None, published), analysis, 0.1)]
    )
    return analysis


def stored_voices(store: Store) -> list[tuple[str | None, str | None, str | None]]:
    with store.engine.connect() as conn:
        q = select(spans.c.voice, spans.c.speaker, spans.c.cue).order_by(spans.c.id)
        return [tuple(r) for r in conn.execute(q)]


def test_spans_keep_their_voice_speaker_and_cue(store: Store) -> None:
    saved(store, "voiced", True)
    assert stored_voices(store) == [
        ("attributed", "mayor", "said"),
        ("attributed", "mayor", "said"),
        ("author", None, None),
    ]


def test_without_an_attribution_head_the_voice_is_null(store: Store) -> None:
    saved(store, "plain", False)
    assert stored_voices(store) == [(None, None, None)] * 3


def test_an_article_reads_back_with_the_voices_it_was_stored_with(store: Store) -> None:
    original = saved(store, "voiced", True)
    saved(store, "plain", False)
    found = get_article(store, "voiced")
    assert found is not None
    back = found.analysis
    assert [(s.voice, s.speaker, s.cue) for s in back.spans] == [
        (s.voice, s.speaker, s.cue) for s in original.spans
    ]
    doc, before = back.to_dict()["spans"], original.to_dict()["spans"]
    assert [(d["voice"], d["speaker"], d["cue"]) for d in doc] == [
        (d["voice"], d["speaker"], d["cue"]) for d in before
    ]
    plain = get_article(store, "plain")
    assert plain is not None and plain.analysis.attributions is None
    assert "voice" not in plain.analysis.to_dict()["spans"][0]


def test_the_export_stream_gives_the_same_voices(store: Store) -> None:
    saved(store, "voiced", True)
    (row,) = iter_analyses(store, Filters())
    assert [s.voice for s in row.spans] == ["attributed", "attributed", "author"]
    assert row.attributions is not None and {a.speaker for a in row.attributions} == {"mayor"}
    (only,) = iter_analyses(store, Filters(techniques=("Loaded_Language",)))
    assert [s.speaker for s in only.spans] == ["mayor", "mayor", None]


def test_voice_shares_per_source_and_month(store: Store) -> None:
    saved(store, "voiced", True)
    saved(store, "plain", False, source="T", published=None)
    r = build_report(store, Filters())
    assert r.voices_known
    per = {
        (v["source"], v["voice"]): (v["spans"], v["chars"], v["articles"]) for v in r.voice_sources
    }
    assert per == {
        ("S", "attributed"): (2, SAID_CHARS, 1),
        ("S", "author"): (1, OWN_CHARS, 1),
        ("T", "unknown"): (3, SAID_CHARS + OWN_CHARS, 1),
    }
    shares = {v["voice"]: v["share"] for v in r.voice_sources if v["source"] == "S"}
    assert shares["attributed"] == pytest.approx(SAID_CHARS / (SAID_CHARS + OWN_CHARS))
    assert [(m["month"], m["voice"]) for m in r.voice_months] == [
        ("2020-01", "author"),
        ("2020-01", "attributed"),
    ]


def test_speakers_and_filters(store: Store) -> None:
    saved(store, "a", True)
    saved(store, "b", True, source="T")
    (mayor,) = build_report(store, Filters()).speakers
    assert mayor == {
        "speaker": "mayor",
        "spans": 4,
        "chars": 2 * SAID_CHARS,
        "articles": 2,
        "techniques": {"Loaded_Language": 4},
    }
    assert build_report(store, Filters(sources=("T",))).speakers[0]["articles"] == 1
    assert build_report(store, Filters(techniques=("Doubt",))).speakers == []
    assert build_report(store, Filters(date_from="2021-01")).voice_sources == []


def test_a_store_without_voices_says_so(store: Store) -> None:
    saved(store, "plain", False)
    r = build_report(store, Filters())
    assert not r.voices_known and r.speakers == []
    assert {v["voice"] for v in r.voice_sources} == {"unknown"}


def test_a_long_speaker_with_nul_is_stored_cut_and_clean(store: Store) -> None:
    from spinscope._pipeline import Span, Statement
    from spinscope._store._write import voice_columns

    said = Statement(((0, 4),), (5, 9), None, "A\x00" + "b" * 400, "text", "said\x00 it")
    cols = voice_columns(Span(0, 4, "Doubt", 0.5, said), True)
    assert cols["voice"] == "attributed"
    assert cols["speaker"] is not None and len(cols["speaker"]) == NAME_CHARS
    assert "\x00" not in cols["speaker"] and "\x00" not in (cols["cue"] or "")


def test_migration_5_gives_an_older_store_the_voice_columns(db_url: str) -> None:
    store = Store.open(db_url, migrate=False)
    assert store.migrate(target=4) == [1, 2, 3, 4]
    with store.engine.begin() as conn:
        # As a store made before migration 5 existed: spans without voice columns.
        for name in ("voice", "speaker", "cue"):
            conn.execute(text(f"ALTER TABLE spans DROP COLUMN {name}"))
    assert store.migrate(target=5) == [5]
    columns = {c["name"] for c in inspect(store.engine).get_columns("spans")}
    assert {"voice", "speaker", "cue"} <= columns
    assert "ix_spans_voice" in {i["name"] for i in inspect(store.engine).get_indexes("spans")}
    store.close()


def test_jsonl_export_shows_voices_only_when_they_are_known(store: Store) -> None:
    import io
    import json

    from spinscope._reports import write_rows

    saved(store, "voiced", True)
    saved(store, "plain", False)
    out = io.StringIO()
    write_rows(iter_analyses(store, Filters()), "jsonl", out, with_text=False)
    docs = {d["key"]: d for d in map(json.loads, out.getvalue().splitlines())}
    assert [s["speaker"] for s in docs["voiced"]["spans"]] == ["mayor", "mayor", None]
    assert [s["voice"] for s in docs["voiced"]["spans"]][-1] == "author"
    assert all("voice" not in s for s in docs["plain"]["spans"])
