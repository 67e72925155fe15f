"""A kept forward pass read again (``Model.analyze`` and ``Model.technique_probs`` given a
``Forward``) gives what the text gives, without running the encoder."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spinscope import InputError, Model, Settings
from spinscope._pipeline import N_FEATURES, N_GIVEN, TechniqueStacker

from ..fakes import LOADED, SAID, WORDS, FakeTagger, fake_model

N_INPUTS = 14 + N_FEATURES + N_GIVEN
words = st.sampled_from([*WORDS, *LOADED, *SAID, "!", ",", "\n", "zzz"])
texts = st.lists(words, min_size=1, max_size=120).map(" ".join)


def _stacker() -> TechniqueStacker:
    rng = np.random.default_rng(7)
    coef = rng.normal(size=(14, N_INPUTS))
    return TechniqueStacker(np.zeros(N_INPUTS), np.ones(N_INPUTS), coef, rng.normal(size=14))


def _model(tagger: FakeTagger | None = None) -> Model:
    # Small pieces, so that articles span several and spans cross their edges.
    return fake_model(
        settings=Settings(piece_chars=60), attribution=True, stacker=_stacker(), tagger=tagger
    )


@settings(max_examples=60, deadline=None)
@given(texts)
def test_an_analysis_from_a_forward_pass_is_the_analysis_of_the_text(text: str) -> None:
    model = _model()
    if not text.strip():
        with pytest.raises(InputError):
            model.analyze(model.forward(text))
        return
    assert model.analyze(model.forward(text)).to_dict() == model.analyze(text).to_dict()
    assert model.analyze(model.forward(text), 0.9).to_dict() == model.analyze(text, 0.9).to_dict()


@settings(max_examples=60, deadline=None)
@given(texts, st.lists(st.tuples(st.integers(0, 800), st.integers(1, 40)), max_size=6))
def test_technique_probabilities_from_a_forward_pass_are_those_of_the_text(
    text: str, raw: list[tuple[int, int]]
) -> None:
    model = _model()
    spans = [(s, min(s + n, len(text))) for s, n in raw if s < len(text)]
    fwd = model.forward(text)
    for stacked in (True, False):
        try:
            expected = model.technique_probs(text, spans, stacked)
        except InputError as exc:
            with pytest.raises(InputError, match=r"covers no word|outside"):
                model.technique_probs(fwd, spans, stacked)
            assert "span" in str(exc)
            continue
        assert np.array_equal(model.technique_probs(fwd, spans, stacked), expected)


def test_reading_a_forward_pass_runs_no_encoder() -> None:
    tagger = FakeTagger()
    model = _model(tagger)
    text = "\n".join(['The mayor said "they are traitors and liars". Our city is a disgrace.'] * 3)
    fwd = model.forward(text)
    runs = tagger.calls
    assert len(fwd.pieces) > 1
    analysis = model.analyze(fwd)
    probs = model.technique_probs(fwd, [(s.start, s.end) for s in analysis.spans])
    assert tagger.calls == runs
    assert analysis.spans and analysis.attributions
    assert analysis == model.analyze(text)
    assert probs.shape == (len(analysis.spans), 14)
