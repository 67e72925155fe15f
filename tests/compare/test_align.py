"""The pure pairing of ``_compare._align``: pooling, cosine similarity, greedy one-to-one
pairs and word overlap, with hypothesis for the properties a comparison relies on."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from spinscope._compare import (
    cosine_similarity,
    greedy_pairs,
    jaccard,
    overlaps,
    pool_sentences,
    words,
)

Matrix = npt.NDArray[np.float64]

# Few distinct values, so that ties (the hard case for symmetry) are common.
scores = st.integers(1, 6).flatmap(
    lambda n: st.integers(1, 6).flatmap(
        lambda m: arrays(np.float64, (n, m), elements=st.sampled_from([0.0, 0.3, 0.5, 0.8, 1.0]))
    )
)
vectors = st.integers(1, 5).flatmap(
    lambda d: st.tuples(
        arrays(np.float32, st.tuples(st.integers(0, 6), st.just(d)), elements=st.integers(-3, 3)),
        arrays(np.float32, st.tuples(st.integers(0, 6), st.just(d)), elements=st.integers(-3, 3)),
    )
)
thresholds = st.sampled_from([0.0, 0.3, 0.5, 0.75, 1.0])


def mirrored(pairs: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
    return sorted((j, i, s) for i, j, s in pairs)


@given(scores, thresholds)
def test_greedy_pairs_are_symmetric_under_swapping(m: Matrix, threshold: float) -> None:
    assert greedy_pairs(m.T, threshold) == mirrored(greedy_pairs(m, threshold))


@given(scores, thresholds)
def test_greedy_pairs_are_one_to_one_and_reach_the_threshold(m: Matrix, threshold: float) -> None:
    pairs = greedy_pairs(m, threshold)
    assert len({i for i, _, _ in pairs}) == len({j for _, j, _ in pairs}) == len(pairs)
    assert all(s >= threshold and m[i, j] == s for i, j, s in pairs)
    # Maximal: no pair left out whose row and column are both free reaches the threshold.
    rows, cols = {i for i, _, _ in pairs}, {j for _, j, _ in pairs}
    free = [(i, j) for i in range(m.shape[0]) for j in range(m.shape[1])]
    assert all(m[i, j] < threshold for i, j in free if i not in rows and j not in cols)


@given(vectors, thresholds)
def test_cosine_of_swapped_vectors_is_the_transpose_bit_for_bit(
    pair: tuple[Matrix, Matrix], threshold: float
) -> None:
    a, b = pair
    s = cosine_similarity(a, b)
    assert np.array_equal(cosine_similarity(b, a), s.T)
    assert greedy_pairs(cosine_similarity(b, a), threshold) == mirrored(greedy_pairs(s, threshold))
    assert np.all((s >= -1) & (s <= 1))


@given(vectors.map(lambda pair: pair[0]))
def test_vectors_compared_with_themselves_pair_each_with_itself(a: Matrix) -> None:
    nonzero = [i for i, v in enumerate(a) if np.any(v)]
    pairs = greedy_pairs(cosine_similarity(a, a), 0.5)
    assert [(i, j) for i, j, _ in pairs] == [(i, i) for i in nonzero]


def test_pooling_averages_the_tokens_that_start_in_each_range() -> None:
    states = np.arange(8, dtype=np.float32).reshape(4, 2)
    offsets = [(0, 3), (4, 7), (7, 8), (10, 14)]
    pooled = pool_sentences(states, offsets, [(0, 8), (9, 14), (15, 16)])
    assert pooled.tolist() == [[2.0, 3.0], [6.0, 7.0], [0.0, 0.0]]


def test_zero_vectors_are_similar_to_nothing() -> None:
    s = cosine_similarity(np.zeros((1, 3)), np.ones((2, 3)))
    assert s.tolist() == [[0.0, 0.0]]
    assert greedy_pairs(s, 0.0) == [(0, 0, 0.0)]
    assert greedy_pairs(s, 0.01) == []


texts = st.text(st.sampled_from(list("ab cd,.“”'É\u00e9\u0301")), max_size=20)


@given(texts, texts)
def test_word_overlap_is_symmetric_and_between_0_and_1(x: str, y: str) -> None:
    assert jaccard(words(x), words(y)) == jaccard(words(y), words(x))
    assert 0 <= jaccard(words(x), words(y)) <= 1
    assert jaccard(words(x), words(x)) == (1.0 if words(x) else 0.0)


def test_words_ignore_case_punctuation_and_unicode_forms() -> None:
    assert words("“Café,” he SAID.") == words("cafe\u0301 he said") == {"café", "he", "said"}
    assert overlaps(["A b c d"], ["a b", ""]).tolist() == [[0.5, 0.0]]
