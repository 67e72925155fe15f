"""The technique stacker: its article features, its arithmetic, its file and its use."""

from __future__ import annotations

import random
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spinscope import ModelError
from spinscope._pipeline import (
    N_FEATURES,
    N_GIVEN,
    STACKER_FILE,
    ArticleIndex,
    TechniqueStacker,
    stacker_inputs,
)
from spinscope._pipeline._features import Stems
from spinscope._pipeline._stacker import _nesting, given_span_features
from tests.fakes import LOADED_LANGUAGE, REPETITION, fake_model

N_INPUTS = 14 + N_FEATURES + N_GIVEN
TEXT = "They are traitors. Save our city! Save our city!"

words = st.sampled_from(["jobs", "the", "Jobs", "lock", "her", "up", "city", "#win", "!", "\n"])
texts = st.lists(words, min_size=1, max_size=30).map(" ".join)


@st.composite
def text_and_spans(draw: st.DrawFn) -> tuple[str, list[tuple[int, int]]]:
    text = draw(texts)
    bounds = st.integers(0, len(text) - 1)
    spans = []
    for _ in range(draw(st.integers(1, 8))):
        a = draw(bounds)
        spans.append((a, draw(st.integers(a + 1, len(text)))))
    return text, spans


@given(text_and_spans(), st.randoms())
@settings(max_examples=150, deadline=None)
def test_a_span_s_features_do_not_depend_on_order_or_duplicates(
    case: tuple[str, list[tuple[int, int]]], rnd: random.Random
) -> None:
    text, spans = case
    index = ArticleIndex.build(text)
    feats = given_span_features(index, spans)
    assert feats.shape == (len(spans), N_GIVEN) and np.isfinite(feats).all()
    shuffled = [*spans, spans[0]]
    rnd.shuffle(shuffled)
    again = given_span_features(index, shuffled)
    for i, sp in enumerate(shuffled):
        assert again[i].tolist() == feats[spans.index(sp)].tolist()


@given(texts, st.integers(1, 40))
@settings(max_examples=150, deadline=None)
def test_stem_counts_within_a_radius_are_the_counts_of_the_words_there(
    text: str, radius: int
) -> None:
    stems = Stems.of(text)
    words_at = list(zip(stems.starts, stems.words, strict=True))
    for near in range(0, len(text) + 1, 7):
        inside = [w for at, w in words_at if near - radius <= at <= near + radius]
        for w in set(stems.words):
            assert stems.count([w], near, radius) == inside.count(w)


@given(
    texts,
    st.lists(st.sampled_from(["jobs", "lock", "up", "city", "win"]), min_size=1, max_size=3),
    st.integers(0, 60),
    st.integers(1, 40),
)
@settings(max_examples=200, deadline=None)
def test_a_stem_sequence_is_counted_as_a_scan_of_its_window_counts_it(
    text: str, key: list[str], near: int, radius: int
) -> None:
    stems = Stems.of(text)
    first, after = np.searchsorted(stems.starts, [near - radius, near + radius + 1])
    # The window's stems as " stem " blocks in one string, so that back-to-back
    # occurrences do not share a space and str.count counts them all.
    window = "".join(f" {w} " for w in stems.words[first:after])
    scanned = window.count("".join(f" {w} " for w in key))
    assert stems.count(key, near, radius) == scanned


def test_back_to_back_repeats_are_all_counted() -> None:
    text = "Lock her up! Lock her up! Lock her up!"
    stems = Stems.of(text)
    assert stems.count(["lock", "up"], 0, 1000) == 3
    feats = given_span_features(ArticleIndex.build(text), [(0, 12)])
    assert feats[0, 0] == pytest.approx(np.log1p(2))  # two other occurrences


@given(st.lists(st.tuples(st.integers(0, 30), st.integers(1, 12)), min_size=1, max_size=12))
def test_nesting_counts_match_a_pairwise_scan(raw: list[tuple[int, int]]) -> None:
    spans = sorted({(a, a + n) for a, n in raw})
    held, holds = _nesting(spans)
    for k, (s, e) in enumerate(spans):
        others = [(a, b) for a, b in spans if (a, b) != (s, e)]
        assert held[k] == min(3, sum(a <= s and e <= b for a, b in others))
        assert holds[k] == min(3, sum(s <= a and b <= e for a, b in others))


def test_nesting_of_many_spans_and_the_whole_text_is_not_quadratic() -> None:
    spans = [(3 * i, 3 * i + 2) for i in range(30_000)] + [(0, 90_000)]
    started = time.monotonic()
    held, holds = _nesting(spans)
    assert time.monotonic() - started < 10  # a pairwise scan takes minutes
    assert held[:3] == [1, 1, 1] and holds[-1] == 3 and held[-1] == 0


def test_the_same_words_given_twice_mark_each_other() -> None:
    index = ArticleIndex.build(TEXT)
    feats = given_span_features(index, [(19, 33), (34, 48), (9, 17)])
    assert feats[0, 2] == feats[1, 2] == pytest.approx(np.log1p(1))  # same stems
    assert feats[0, 3] == pytest.approx(np.log1p(1)) and feats[2, 3] == 0.0  # same text
    assert feats[0, 8] == 1.0 and feats[2, 8] == 0.0  # ends with "!"


def _stacker(favour: int) -> TechniqueStacker:
    coef = np.zeros((14, N_INPUTS))
    intercept = np.zeros(14)
    intercept[favour] = 5.0
    return TechniqueStacker(np.zeros(N_INPUTS), np.ones(N_INPUTS), coef, intercept)


def test_probabilities_are_a_softmax_over_the_techniques() -> None:
    x = stacker_inputs(ArticleIndex.build(TEXT), [(9, 17)], np.full((1, 14), 1 / 14, np.float32))
    assert x.shape == (1, N_INPUTS)
    probs = _stacker(3).probs(x)
    assert probs.sum() == pytest.approx(1.0) and probs.argmax() == 3


def test_a_saved_stacker_loads_as_it_was(tmp_path: Path) -> None:
    stacker = _stacker(5)
    stacker.save(tmp_path)
    loaded = TechniqueStacker.load(tmp_path, 14)
    assert loaded is not None
    assert np.array_equal(loaded.coef, stacker.coef)
    assert np.array_equal(loaded.intercept, stacker.intercept)
    assert TechniqueStacker.load(tmp_path / "none", 14) is None


def test_a_stacker_of_the_wrong_shape_is_refused(tmp_path: Path) -> None:
    _stacker(5).save(tmp_path)
    with pytest.raises(ModelError, match=STACKER_FILE):
        TechniqueStacker.load(tmp_path, 13)


def test_classification_goes_through_the_stacker_unless_asked_not_to() -> None:
    spans = [(9, 17), (19, 33)]
    plain = fake_model().technique_probs(TEXT, spans)
    model = fake_model(stacker=_stacker(2))
    stacked = model.technique_probs(TEXT, spans)
    assert plain.argmax(axis=1).tolist() == [LOADED_LANGUAGE, REPETITION]
    assert stacked.argmax(axis=1).tolist() == [2, 2]
    assert np.array_equal(model.technique_probs(TEXT, spans, stacked=False), plain)
