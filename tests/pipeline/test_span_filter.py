"""The span filter: its inputs, its arithmetic, its file, and candidates it drops."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from spinscope import ModelError
from spinscope._pipeline import (
    FILTER_FILE,
    N_FILTER_INPUTS,
    ArticleIndex,
    Candidate,
    SpanFilter,
    filter_inputs,
)
from spinscope._pipeline._span_filter import keep_candidates
from tests.fakes import fake_model

TEXT = "They are traitors and liars. Save our city!"


def candidate(start: int, end: int, confidence: float = 0.8) -> Candidate:
    probs = np.full(14, 0.01, dtype=np.float32)
    probs[8] = 0.87
    return Candidate(start, end, confidence, probs, probs.copy())


def by_confidence(threshold_logit: float = 0.0) -> SpanFilter:
    """A filter whose score grows with the span confidence alone (input 0)."""
    coef = np.zeros(N_FILTER_INPUTS)
    coef[0] = 10.0
    mean = np.zeros(N_FILTER_INPUTS)
    mean[0] = 0.5
    return SpanFilter(mean, np.ones(N_FILTER_INPUTS), coef, threshold_logit)


def test_inputs_have_one_row_a_candidate() -> None:
    index = ArticleIndex.build(TEXT)
    x = filter_inputs(index, [candidate(9, 17), candidate(22, 27, 0.3)])
    assert x.shape == (2, N_FILTER_INPUTS) and np.isfinite(x).all()
    assert x[:, 0].tolist() == pytest.approx([0.8, 0.3])
    assert filter_inputs(index, []).shape == (0, N_FILTER_INPUTS)


def test_candidates_under_the_keep_threshold_are_dropped() -> None:
    index = ArticleIndex.build(TEXT)
    found = [candidate(9, 17, 0.9), candidate(22, 27, 0.2)]
    kept = keep_candidates(index, found, by_confidence(), 0.5)
    assert [(c.start, c.end) for c in kept] == [(9, 17)]
    assert keep_candidates(index, found, by_confidence(), 0.0) == found


def test_a_saved_filter_loads_as_it_was_and_a_wrong_one_is_refused(tmp_path: Path) -> None:
    by_confidence(0.25).save(tmp_path)
    loaded = SpanFilter.load(tmp_path)
    assert loaded is not None and loaded.intercept == 0.25
    assert np.array_equal(loaded.coef, by_confidence().coef)
    assert SpanFilter.load(tmp_path / "none") is None
    np.savez(
        tmp_path / FILTER_FILE,
        mean=np.zeros(3),
        scale=np.ones(3),
        coef=np.zeros(3),
        intercept=np.zeros(1),
    )
    with pytest.raises(ModelError, match=FILTER_FILE):
        SpanFilter.load(tmp_path)


def test_the_model_keeps_what_its_filter_keeps() -> None:
    plain = fake_model().analyze(TEXT)
    assert plain.spans
    strict = fake_model(span_filter=by_confidence(-100.0), keep_threshold=0.5).analyze(TEXT)
    assert not strict.spans and not strict.passages
    loose = fake_model(span_filter=by_confidence(-100.0), keep_threshold=0.0).analyze(TEXT)
    assert loose.spans == plain.spans
