"""Corrected annotations into the store (``import --db``): how an article read back finds
its stored article, what is refused, and the agreement of the model with the labels."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinscope._errors import FormatError, InputError
from spinscope._formats import Article, Imported
from spinscope._reports import agreement, article_view, import_to_store, key_names
from spinscope._semeval import Label
from spinscope._store import (
    ArticleRecord,
    Filters,
    Store,
    content_key,
    human_view,
    stored_texts,
)

from ..storedata import TEXT, fill


def article(
    aid: str,
    *spans: tuple[int, int, str],
    text: str | None = TEXT,
    source: str | None = None,
) -> Article:
    labels = tuple(Label(aid, s, e, t) for s, e, t in spans)
    return Article(aid, text, labels, f"file {aid}", source)


def imported(*articles: Article) -> Imported:
    return Imported(list(articles))


def store_article(store: Store, key: str, text: str) -> None:
    """Store an article without an analysis or labels."""
    from spinscope._store._write import _save_article

    with store.engine.begin() as conn:
        _save_article(conn, ArticleRecord(key, text))


def stored_under(store: Store, key: str) -> tuple[str, ...]:
    view = human_view(store, key)
    assert view is not None, key
    return tuple(f"{h.technique}@{h.start}" for h in view.labels)


@pytest.mark.parametrize(
    ("given_article", "key"),
    [
        (article("whatever", (0, 4, "Doubt"), source="article222"), "article222"),
        (article("article222", (0, 4, "Doubt")), "article222"),
        (article("111", (0, 4, "Doubt")), "ptc/article111.txt"),
        (article("quiet", (0, 4, "Doubt")), "notes/quiet.txt"),
        (article("sha256_abc", (0, 4, "Doubt")), "sha256:abc"),
    ],
)
def test_an_article_finds_its_stored_article(
    store: Store, given_article: Article, key: str
) -> None:
    fill(store)
    done = import_to_store(store, imported(given_article), "brat")
    assert done.saved.new_articles == 0 and done.notes == []
    assert stored_under(store, key) == ("Doubt@0",)


def test_an_article_keyed_by_its_content_hash_is_found_by_its_text(store: Store) -> None:
    text = "Traitors all."
    store_article(store, content_key(text), text)  # as batch keys an input without id
    done = import_to_store(store, imported(article("7", (0, 8, "Doubt"), text=text)), "doccano")
    assert done.saved.new_articles == 0
    assert stored_under(store, content_key(text)) == ("Doubt@0",)


def test_the_first_rule_that_finds_a_stored_article_decides(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(store)
    store_article(store, "222", "A stored namesake with another text.")

    def no_scan(_store: Store) -> None:
        raise AssertionError("every article was found by key: no need to scan the keys")

    monkeypatch.setattr("spinscope._store.iter_keys", no_scan)
    # Exported from the store: its source is the key, its id the SemEval id.
    done = import_to_store(
        store, imported(article("222", (0, 4, "Doubt"), source="article222")), "x"
    )
    assert done.saved.new_articles == 0 and stored_under(store, "article222") == ("Doubt@0",)


def test_an_unknown_article_is_stored_under_its_id(store: Store) -> None:
    fill(store)
    done = import_to_store(store, imported(article("fresh", (0, 4, "Doubt"), text="Lies.")), "x")
    assert done.saved.new_articles == 1
    assert stored_texts(store, ["fresh"]) == {"fresh": "Lies."}
    again = import_to_store(store, imported(article("fresh", (0, 4, "Doubt"), text="Lies.")), "x")
    assert again.saved.new_articles == 0 and again.saved.replaced == 1


def test_a_namesake_with_another_text_is_passed_over_with_a_note(store: Store) -> None:
    fill(store)
    other = article("111", (0, 4, "Doubt"), text="Another text entirely.")
    done = import_to_store(store, imported(other), "brat")
    assert done.saved.new_articles == 1
    assert done.notes == [
        "file 111: stored 'ptc/article111.txt' has another text; stored as a new article"
    ]
    assert stored_under(store, "111") == ("Doubt@0",)


def test_a_stored_key_with_another_text_is_refused(store: Store) -> None:
    fill(store)
    clash = article("article222", (0, 4, "Doubt"), text="Not the stored text.")
    with pytest.raises(FormatError, match="stored as 'article222' with another text"):
        import_to_store(store, imported(clash), "doccano")
    assert human_view(store, "article222") is None


def test_labels_without_text_need_one_stored_article_that_holds_them(store: Store) -> None:
    fill(store)
    done = import_to_store(store, imported(article("111", (0, 4, "Doubt"), text=None)), "brat")
    assert done.saved.labels == 1
    with pytest.raises(FormatError, match="not in the store and the file has no text"):
        import_to_store(store, imported(article("nowhere", (0, 4, "Doubt"), text=None)), "brat")
    beyond = article("111", (0, 999, "Doubt"), text=None)
    with pytest.raises(FormatError, match="not within the stored text"):
        import_to_store(store, imported(beyond), "brat")


def test_labels_without_text_for_several_namesakes_are_ambiguous(store: Store) -> None:
    fill(store)
    # A second stored article answering to "quiet": the labels could belong to either.
    store_article(store, "other/quiet.txt", TEXT)
    with pytest.raises(FormatError, match="could be any of the stored"):
        import_to_store(store, imported(article("quiet", text=None)), "brat")


def test_two_articles_for_one_stored_article_are_refused(store: Store) -> None:
    fill(store)
    both = imported(article("111", (0, 4, "Doubt")), article("x", source="ptc/article111.txt"))
    with pytest.raises(FormatError, match="as does file 111"):
        import_to_store(store, both, "doccano")


keys = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cc", "Cs", "Zl", "Zp"]),
    min_size=1,
    max_size=30,
).filter(lambda k: k.strip() == k and k.strip())


@given(keys)
def test_the_id_an_exported_article_comes_back_with_finds_its_key(key: str) -> None:
    from spinscope._formats import Record, article_id_of
    from spinscope._formats._annotations import file_stem
    from spinscope._pipeline import build_analysis
    from spinscope._reports import semeval_id

    record = Record(key, semeval_id(key), build_analysis("x", [], "m", 0.3))
    stem = file_stem(record)
    # brat and INCEpTION folders name the files by the stem; INCEpTION keeps the id too.
    assert stem == "article" or article_id_of(stem + ".ann") in key_names(key)
    assert article_id_of(record.article_id) in key_names(key)


def test_agreement_scores_the_model_against_the_labels(store: Store) -> None:
    fill(store)
    with pytest.raises(InputError, match="holds no human labels"):
        agreement(store, Filters())
    labels = [
        # article111: the model's 3 spans; people keep two and add a Doubt.
        article("111", (0, 4, "Loaded_Language"), (16, 24, "Name_Calling,Labeling")),
        # quiet: people found nothing, the model nothing either.
        article("quiet"),
        # article222: people marked Doubt where the model said Loaded Language.
        article("article222", (0, 4, "Doubt")),
    ]
    import_to_store(store, imported(*labels), "doccano")
    result = agreement(store, Filters())
    assert (result.articles, result.labelled) == (3, 3)
    doc = result.to_dict()
    assert doc["model"] == "m1"
    assert doc["micro"] == {"human": 3, "model": 5, "precision": 0.4, "recall": 0.6667} | {
        "f1": 0.5
    }
    assert doc["span_identification"]["recall"] == 1.0
    per = {t["technique"]: t for t in doc["techniques"]}
    assert per["Doubt"]["recall"] == 0.0 and per["Loaded_Language"]["precision"] == pytest.approx(
        1 / 3, abs=1e-4
    )
    doubt = agreement(store, Filters(techniques=("Doubt",))).to_dict()
    assert doubt["micro"]["human"] == 1 and doubt["micro"]["model"] == 1


def test_agreement_without_a_matching_analysis_says_so(store: Store) -> None:
    fill(store)
    import_to_store(store, imported(article("quiet")), "doccano")
    with pytest.raises(InputError, match="none of the 1 labelled articles has an analysis by m"):
        agreement(store, Filters("m0"))


def test_article_view_needs_human_labels(store: Store) -> None:
    fill(store)
    with pytest.raises(InputError, match="no human labels stored"):
        article_view(store, "article222")
    import_to_store(store, imported(article("article222", (12, 35, "Doubt"))), "doccano")
    view = article_view(store, "article222")
    assert [s.technique for s in view.spans] == ["Loaded_Language", "Doubt"]
