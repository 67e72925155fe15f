"""The attribution measures on hand-made attributions."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from spinscope._attribution import Attribution, Counts, count, score_corpus, scores


@st.composite
def attribution(draw: st.DrawFn) -> Attribution:
    def span() -> tuple[int, int]:
        start = draw(st.integers(0, 200))
        return start, start + draw(st.integers(1, 30))

    content = tuple(sorted({span() for _ in range(draw(st.integers(1, 2)))}))
    source = (span(),) if draw(st.booleans()) else ()
    return Attribution(content, (span(),), source)


ARTICLE = st.lists(attribution(), max_size=6, unique_by=lambda a: a.content)


@given(st.lists(ARTICLE, min_size=1, max_size=4))
def test_a_perfect_prediction_scores_one(articles: list[list[Attribution]]) -> None:
    s = score_corpus((a, a) for a in articles)
    if any(articles):
        assert s.content_f1 == 1.0 and s.exact_f1 == 1.0
    assert s.source_accuracy == (1.0 if s.sourced else 0.0)


@given(ARTICLE, ARTICLE)
def test_measures_are_ratios(gold: list[Attribution], pred: list[Attribution]) -> None:
    s = scores(count(gold, pred))
    for value in (s.content_precision, s.content_recall, s.content_f1, s.exact_f1):
        assert 0.0 <= value <= 1.0
    assert s.content_f1 <= max(s.content_precision, s.content_recall) + 1e-12
    assert s.sourced <= sum(1 for a in gold if a.source)


@given(ARTICLE, ARTICLE)
def test_precision_and_recall_swap_with_gold_and_prediction(
    gold: list[Attribution], pred: list[Attribution]
) -> None:
    a, b = scores(count(gold, pred)), scores(count(pred, gold))
    assert a.content_precision == b.content_recall
    assert a.content_recall == b.content_precision
    assert a.exact_f1 == b.exact_f1


@given(ARTICLE, ARTICLE, ARTICLE, ARTICLE)
def test_counts_pool_over_articles(
    g1: list[Attribution], p1: list[Attribution], g2: list[Attribution], p2: list[Attribution]
) -> None:
    total = count(g1, p1) + count(g2, p2)
    assert scores(total) == score_corpus([(g1, p1), (g2, p2)])
    assert total + Counts() == total


def test_nothing_predicted_scores_nothing() -> None:
    gold = [Attribution(((0, 10),), ((11, 15),), ((16, 20),))]
    s = score_corpus([(gold, [])])
    assert (s.content_precision, s.content_recall, s.content_f1, s.exact_f1) == (0, 0, 0, 0)
    assert s.sourced == 0


def test_source_is_read_from_the_prediction_overlapping_most() -> None:
    gold = [Attribution(((0, 10),), ((11, 15),), ((16, 20),))]
    pred = [
        Attribution(((0, 2),), ((11, 15),), ((16, 18),)),
        Attribution(((2, 10),), ((11, 15),), ((30, 35),)),
    ]
    s = score_corpus([(gold, pred)])
    assert (s.sourced, s.source_accuracy) == (1, 0.0)
