import numpy as np
import pytest

from spinscope import Settings
from spinscope._pipeline._features import (
    COUNT_RADIUS,
    N_FEATURES,
    ArticleIndex,
    pool_span,
    span_features,
)

TEXT = "Jobs for all!\nWe want jobs, jobs, jobs. They said “never” again?"


def test_features_describe_repetition_title_and_punctuation() -> None:
    index = ArticleIndex.build(TEXT)
    f = span_features(index, 0, 13)  # "Jobs for all!" is the title line
    assert f.shape == (N_FEATURES,)
    assert f[5] == 1.0 and f[6] == 1.0 and f[10] == pytest.approx(1.0)
    jobs = TEXT.index("jobs,")
    g = span_features(index, jobs, jobs + 4)
    assert g[0] == pytest.approx(np.log1p(4))  # "jobs" occurs 4 times, any case
    assert g[5] == 0.0
    q = TEXT.index("“never”")
    assert span_features(index, q, q + 7)[8] == 1.0


def test_counts_in_very_long_texts_stay_local() -> None:
    text = "x " * 150_000 + "repeat repeat " + "y " * 150_000 + "repeat"
    index = ArticleIndex.build(text)
    at = text.index("repeat")
    assert index.count("repeat", at) == 2


def test_a_text_of_one_piece_is_counted_whole() -> None:
    # Every training article fits one piece, so its features never depend on the radius.
    size = Settings().piece_chars
    assert size <= 2 * COUNT_RADIUS
    text = "repeat " + "z" * (size - 14) + "repeat"
    assert len(text) == size - 1
    assert ArticleIndex.build(text).count("repeat", 0) == 2
    longer = "repeat " + "z" * (2 * COUNT_RADIUS) + "repeat"
    assert ArticleIndex.build(longer).count("repeat", 0) == 1


def test_pool_span_is_mean_max_and_window_context() -> None:
    hidden = np.array([[0, 0], [1, 5], [3, 1], [9, 9]], dtype=np.float32)
    mask = np.array([1, 1, 1, 0])
    pooled = pool_span(hidden, mask, 1, 3)
    np.testing.assert_allclose(pooled, [2, 3, 3, 5, 4 / 3, 2], rtol=1e-6)
