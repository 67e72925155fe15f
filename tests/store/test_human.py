"""Human labels in the store (migration 6), on SQLite and PostgreSQL: stored whole per
article, replaced by a re-import, read back beside the model's spans."""

from __future__ import annotations

import pytest
from sqlalchemy import func, inspect, select

from spinscope._errors import StoreError
from spinscope._store import (
    Annotation,
    ArticleRecord,
    Filters,
    HumanLabel,
    Saved,
    Store,
    annotated_count,
    human_view,
    iter_annotated,
    iter_keys,
    save_annotations,
    stored_texts,
)
from spinscope._store._schema import human_annotations, human_labels

from ..storedata import ARTICLES, TEXT, fill

DOUBT = HumanLabel(12, 35, "Doubt")
LOADED = HumanLabel(0, 4, "Loaded_Language")


def labelled(key: str, *labels: HumanLabel, text: str = TEXT) -> Annotation:
    return Annotation(ArticleRecord(key, text), labels, "doccano", f"{key}.jsonl")


def rows(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(human_labels)).scalar_one())


def test_migration_6_adds_the_human_tables_to_an_older_store(db_url: str) -> None:
    store = Store.open(db_url, migrate=False)
    assert store.migrate(target=5) == [1, 2, 3, 4, 5]
    assert "human_labels" not in inspect(store.engine).get_table_names()
    fill(store)
    assert store.migrate(target=6) == [6]
    names = set(inspect(store.engine).get_table_names())
    assert {"human_annotations", "human_labels"} <= names
    # The stored analyses are untouched, and no article counts as labelled yet.
    assert annotated_count(store) == 0 and len(list(iter_keys(store))) == len(ARTICLES)
    store.close()


def test_reimporting_replaces_an_articles_labels_without_duplicates(store: Store) -> None:
    fill(store)
    first = save_annotations(store, [labelled("article222", LOADED, DOUBT)])
    assert first == Saved(articles=1, labels=2, new_articles=0, replaced=0)
    again = save_annotations(store, [labelled("article222", LOADED, DOUBT)])
    assert again == Saved(articles=1, labels=2, new_articles=0, replaced=1)
    assert rows(store) == 2 and annotated_count(store) == 1
    corrected = save_annotations(store, [labelled("article222", DOUBT)])
    assert corrected.replaced == 1 and rows(store) == 1
    view = human_view(store, "article222")
    assert view is not None and view.labels == (DOUBT,)


def test_an_article_labelled_with_nothing_counts_as_labelled(store: Store) -> None:
    fill(store)
    save_annotations(store, [labelled("notes/quiet.txt")])
    view = human_view(store, "notes/quiet.txt")
    assert view is not None and view.labels == () and view.model_id == "m1"
    assert annotated_count(store) == 1


def test_an_unknown_article_is_stored_with_its_text_and_no_analysis(store: Store) -> None:
    saved = save_annotations(store, [labelled("new-one", LOADED, text="Vile words.")])
    assert saved.new_articles == 1
    assert stored_texts(store, ["new-one", "absent"]) == {"new-one": "Vile words."}
    view = human_view(store, "new-one")
    assert view is not None and view.model_id is None and view.spans == ()
    assert view.to_dict()["human"] == [
        {"start": 0, "end": 4, "technique": "Loaded_Language", "text": "Vile"}
    ]


def test_human_view_sits_beside_the_chosen_models_spans(store: Store) -> None:
    fill(store)
    save_annotations(store, [labelled("ptc/article111.txt", LOADED)])
    latest = human_view(store, "ptc/article111.txt")
    older = human_view(store, "ptc/article111.txt", "m0")
    assert latest is not None and older is not None
    assert latest.model_id == "m1" and [s.start for s in latest.spans] == [0, 5, 16]
    assert older.model_id == "m0" and [s.technique for s in older.spans] == ["Slogans"]
    assert latest.to_dict()["spans"][0] == {
        "start": 0,
        "end": 4,
        "technique": "Loaded_Language",
        "confidence": 0.9,
        "text": "Vile",
    }
    assert human_view(store, "article222") is None


def test_iter_annotated_pairs_labels_and_spans_under_the_filters(store: Store) -> None:
    fill(store)
    save_annotations(
        store,
        [
            labelled("ptc/article111.txt", LOADED),
            labelled("article222", DOUBT),
            labelled("sha256:abc"),
            labelled("unanalysed", LOADED),
        ],
    )
    got = {r.key: r for r in iter_annotated(store, Filters(), page_size=2)}
    assert set(got) == {"ptc/article111.txt", "article222", "sha256:abc"}
    assert len(got["ptc/article111.txt"].spans) == 3 and got["sha256:abc"].labels == ()
    planet = {r.key for r in iter_annotated(store, Filters(sources=("Daily Planet",)))}
    assert planet == {"ptc/article111.txt", "article222"}
    # A technique keeps every labelled article, with only that technique's labels and spans.
    doubt = {r.key: r for r in iter_annotated(store, Filters(techniques=("Doubt",)))}
    assert set(doubt) == set(got)
    assert doubt["ptc/article111.txt"].labels == () and doubt["ptc/article111.txt"].spans == ()
    assert doubt["article222"].labels == (DOUBT,) and len(doubt["article222"].spans) == 1
    assert [r.key for r in iter_annotated(store, Filters("m0"))] == ["ptc/article111.txt"]


def test_a_nul_in_a_key_or_technique_is_stored_as_the_replacement(store: Store) -> None:
    save_annotations(store, [labelled("a\x00b", HumanLabel(0, 4, "Doubt\x00"))])
    assert stored_texts(store, ["a\x00b"]) == {"a\x00b": TEXT}
    view = human_view(store, "a\x00b")
    assert view is not None and view.key == "a\ufffdb"
    assert view.labels[0].technique == "Doubt\ufffd"


def test_a_refused_save_stores_nothing_and_says_why(store: Store) -> None:
    if store.dialect == "sqlite":
        pytest.skip("SQLite does not enforce VARCHAR lengths, so nothing is refused")
    too_long = labelled("k" * 600, LOADED)
    with pytest.raises(StoreError, match="cannot store labels"):
        save_annotations(store, [labelled("fine", LOADED), too_long])
    assert annotated_count(store) == 0 and rows(store) == 0


def test_deleting_an_article_takes_its_labels_with_it(store: Store) -> None:
    from spinscope._store._schema import articles

    save_annotations(store, [labelled("gone", LOADED)])
    with store.engine.begin() as conn:
        conn.execute(articles.delete().where(articles.c.key == "gone"))
    with store.engine.connect() as conn:
        left = conn.execute(select(func.count()).select_from(human_annotations)).scalar_one()
    assert left == 0 and rows(store) == 0
