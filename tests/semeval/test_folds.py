from __future__ import annotations

import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spinscope._semeval._folds import cv_folds, near_duplicate_groups, shingles

WORDS = [f"w{i}" for i in range(40)]

texts = st.lists(st.sampled_from(WORDS), min_size=0, max_size=30).map(" ".join)
corpora = st.dictionaries(
    st.integers(min_value=1, max_value=10**6).map(str), texts, min_size=1, max_size=25
)


def _unique_text(seed: int, n: int = 40) -> str:
    rng = random.Random(seed)
    return " ".join(f"t{seed}x{rng.randrange(10**9)}" for _ in range(n))


@settings(max_examples=60, deadline=None)
@given(corpora, st.integers(min_value=1, max_value=6), st.randoms())
def test_folds_cover_every_article_and_ignore_order(
    articles: dict[str, str], k: int, rnd: random.Random
) -> None:
    folds = cv_folds(articles, k)
    assert set(folds) == set(articles)
    assert all(0 <= f < k for f in folds.values())
    items = list(articles.items())
    rnd.shuffle(items)
    assert cv_folds(dict(items), k) == folds


@settings(max_examples=60, deadline=None)
@given(corpora, st.integers(min_value=1, max_value=6))
def test_near_duplicates_share_a_fold_and_folds_are_balanced(
    articles: dict[str, str], k: int
) -> None:
    folds = cv_folds(articles, k)
    groups = near_duplicate_groups(articles)
    assert sorted(a for g in groups for a in g) == sorted(articles)
    for group in groups:
        assert len({folds[a] for a in group}) == 1
    sizes = Counter(folds.values())
    counts = [sizes.get(f, 0) for f in range(k)]
    assert max(counts) - min(counts) <= max(len(g) for g in groups)


def test_over_30_percent_shared_shingles_join_articles_either_way() -> None:
    base = _unique_text(1, 100)
    short = " ".join(base.split()[:40])  # all its shingles occur in base
    # 40 of 100 words copied from base: ~33 of 93 shingles shared, over 30% for this one.
    partial = " ".join(base.split()[:40] + _unique_text(2, 60).split())
    below = " ".join(base.split()[50:70] + _unique_text(3, 80).split())  # ~13% shared
    articles = {"1": base, "2": short, "3": partial, "4": below, "5": _unique_text(4)}
    groups = near_duplicate_groups(articles)
    assert ["1", "2", "3"] in groups
    assert ["4"] in groups and ["5"] in groups


def test_shingles_lowercase_word_tokens() -> None:
    assert shingles("A-b C!", size=2) == {("a", "b"), ("b", "c")}
    assert shingles("too short") == frozenset()


def test_groups_go_largest_first_to_the_smallest_fold() -> None:
    dup = _unique_text(9)
    articles = {"10": dup, "11": dup, "12": dup, "2": _unique_text(2), "3": _unique_text(3)}
    assert cv_folds(articles, k=2) == {"2": 1, "3": 1, "10": 0, "11": 0, "12": 0}


def test_k_must_be_positive() -> None:
    with pytest.raises(ValueError):
        cv_folds({"1": "x"}, k=0)
