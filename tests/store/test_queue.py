"""The review queue on SQLite and PostgreSQL: the measure (pure, checked with hypothesis),
its SQL twin, the order, and articles with human labels left out."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinscope._errors import InputError
from spinscope._store import (
    NEAR_WINDOW,
    Annotation,
    ArticleRecord,
    Filters,
    Store,
    article_uncertainty,
    closeness,
    iter_analyses,
    review_queue,
    save_annotations,
)

from ..storedata import TEXT, fill, fill_random

unit = st.floats(0, 1, allow_nan=False)
window = st.floats(0.01, 1, allow_nan=False)


@given(unit, unit, window)
def test_closeness_is_one_at_the_threshold_and_falls_to_zero_at_the_window(
    c: float, t: float, w: float
) -> None:
    x = closeness(c, t, w)
    assert 0 <= x <= 1
    assert closeness(t, t, w) == 1
    assert (x == 0) == (abs(c - t) >= w) or x < 1e-9


@given(unit, unit, unit, window)
def test_nearer_the_threshold_is_never_less_uncertain(
    t: float, a: float, b: float, w: float
) -> None:
    near, far = sorted((a, b), key=lambda c: abs(c - t))
    assert closeness(near, t, w) >= closeness(far, t, w)


@given(st.lists(unit, max_size=20), unit, unit, window)
def test_a_borderline_span_more_never_makes_an_article_less_uncertain(
    found: list[float], extra: float, t: float, w: float
) -> None:
    before = article_uncertainty(found, t, w)
    after = article_uncertainty([*found, extra], t, w)
    assert after.score >= before.score and after.spans == before.spans + 1
    assert after.near == before.near + (closeness(extra, t, w) > 0)
    assert before.score <= before.near <= before.spans
    assert (before.margin is None) == (not found)


def test_the_queue_matches_its_python_twin(store: Store) -> None:
    fill_random(store, 120)
    queued = review_queue(store, Filters(), 500)
    by_key = {row.article.key: row for row in iter_analyses(store, Filters())}
    assert len(queued) == len(by_key) == 120
    for item in queued:
        row = by_key[item.key]
        want = article_uncertainty([s.confidence for s in row.spans], row.threshold)
        got = item.uncertainty
        assert got.score == pytest.approx(want.score, abs=1e-9)
        assert (got.near, got.spans) == (want.near, want.spans)
        assert got.margin == pytest.approx(want.margin, abs=1e-9)
    scores = [i.uncertainty.score for i in queued]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0


def test_the_queue_orders_by_uncertainty_then_margin_then_key(store: Store) -> None:
    fill(store)
    keys = [i.key for i in review_queue(store, Filters())]
    # plain-key: 0.4 at 0.3 (0.5 borderline); the rest sit at 0.2 or more from the threshold.
    expected = ["plain-key", "article222", "ptc/article111.txt", "sha256:abc", "notes/quiet.txt"]
    assert keys == expected
    assert [i.key for i in review_queue(store, Filters(), 2)] == keys[:2]
    wide = review_queue(store, Filters(), 5, window=0.65)
    # Two spans 0.3 and 0.2 from the threshold beat one 0.1 from it, and three 0.6, 0.5
    # and 0.4 from it come after both.
    assert [i.key for i in wide[:3]] == ["article222", "plain-key", "ptc/article111.txt"]
    assert wide[0].to_dict()["uncertainty"] == pytest.approx(2 - (0.3 + 0.2) / 0.65, abs=1e-4)
    assert wide[2].uncertainty.near == 3


def test_articles_with_human_labels_leave_the_queue(store: Store) -> None:
    fill(store)
    label = Annotation(ArticleRecord("plain-key", TEXT), (), "brat", "x.ann")
    save_annotations(store, [label])
    keys = [i.key for i in review_queue(store, Filters())]
    assert "plain-key" not in keys and len(keys) == 4


def test_the_filters_narrow_the_queue(store: Store) -> None:
    fill(store)
    gazette = review_queue(store, Filters(sources=("Gazette",)))
    assert {i.key for i in gazette} == {"sha256:abc", "notes/quiet.txt"}
    doubt = review_queue(store, Filters(techniques=("Doubt",)))
    assert [(i.key, i.uncertainty.spans) for i in doubt] == [("article222", 1)]
    assert [i.key for i in review_queue(store, Filters("m0"))] == ["ptc/article111.txt"]


def test_an_empty_queue_says_why(store: Store) -> None:
    with pytest.raises(InputError, match="holds no analyses"):
        review_queue(store, Filters())
    fill(store)
    with pytest.raises(InputError, match="no analyses by model m1 match"):
        review_queue(store, Filters(sources=("Nowhere",)))
    save_annotations(store, [Annotation(ArticleRecord("ptc/article111.txt", TEXT), (), "b", "x")])
    with pytest.raises(InputError, match="the one article analysed by model m0 has human"):
        review_queue(store, Filters("m0"))


@pytest.mark.parametrize(("n", "w"), [(0, NEAR_WINDOW), (5, 0.0), (5, 1.5)])
def test_bad_sizes_and_windows_are_input_errors(store: Store, n: int, w: float) -> None:
    with pytest.raises(InputError):
        review_queue(store, Filters(), n, w)


def test_the_queues_keys_select_what_is_exported(store: Store) -> None:
    from spinscope._reports import MAX_KEYS, export

    fill(store)
    keys = [i.key for i in review_queue(store, Filters(), 2)]
    assert [r.article.key for r in iter_analyses(store, Filters(), keys=keys)] == [
        "article222",
        "plain-key",
    ]
    assert list(iter_analyses(store, Filters(), keys=["absent", "a\x00b"])) == []
    with pytest.raises(InputError, match="give at most"):
        export(store, Filters(), "semeval", None, keys={str(i) for i in range(MAX_KEYS + 1)})
