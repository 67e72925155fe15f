from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spinscope import Analysis, InputError, ModelError, Settings, UnknownTechniqueError
from spinscope._pipeline import Candidate, Model, calibrate, choose_techniques

from ..conftest import ROOT
from ..fakes import fake_model


def found(analysis: Analysis) -> list[tuple[str, str]]:
    return [(analysis.text[s.start : s.end], s.technique) for s in analysis.spans]


def test_spans_are_exact_offsets_into_text_with_crlf_tabs_emoji_and_quotes() -> None:
    text = "“They are traitors,” 😀 said\tour city.\r\nSave this plan, you liars!\r\nLiars!"
    a = fake_model().analyze(text)
    assert [text[s.start : s.end] for s in a.spans] == ["traitors", "liars", "Liars"]
    assert a.spans[0].start == text.index("traitors")
    assert [s.technique for s in a.spans] == ["Loaded_Language", "Repetition", "Repetition"]


def test_words_in_every_window_of_a_long_text_are_found() -> None:
    text = " ".join(["the city is ours"] * 30 + ["shameful"] + ["and the plan"] * 30 + ["Cronies"])
    a = fake_model(window_size=8).analyze(text)
    assert [text[s.start : s.end] for s in a.spans] == ["shameful", "Cronies"]


def test_long_texts_are_analyzed_in_pieces_with_absolute_offsets() -> None:
    text = ("the city is ours and the plan is ours\n" * 5 + "what a disgrace\n") * 4
    model = fake_model(settings=Settings(piece_chars=60))
    a = model.analyze(text)
    assert len(a.spans) == 4
    assert all(text[s.start : s.end] == "disgrace" for s in a.spans)


def test_a_found_span_can_carry_several_techniques() -> None:
    text = "Save our city, liars, liars!"
    a = fake_model(label_floor=0.4).analyze(text)
    assert sorted({s.technique for s in a.spans}) == ["Loaded_Language", "Repetition"]
    assert len(a.spans) == 4


def test_threshold_and_technique_filters() -> None:
    text = "They are traitors. Save our city, liars, liars!"
    model = fake_model()
    assert found(model.analyze(text, techniques=["repetition"])) == [
        ("liars", "Repetition"),
        ("liars", "Repetition"),
    ]
    assert model.analyze(text, threshold=0.99).spans == ()
    with pytest.raises(UnknownTechniqueError):
        model.analyze(text, techniques=["Nope"])
    with pytest.raises(InputError):
        model.analyze(text, threshold=1.5)


def test_empty_or_whitespace_text_is_an_input_error() -> None:
    with pytest.raises(InputError, match="empty"):
        fake_model().analyze("")
    with pytest.raises(InputError, match="whitespace"):
        fake_model().analyze(" \n\t")


def test_non_english_text_is_analyzed_with_a_warning() -> None:
    text = (
        "El ministro dijo que el plan era un desastre para toda la gente "
        "que vive en la ciudad y sus hijos."
    )
    a = fake_model().analyze(text)
    assert a.warnings and "English" in a.warnings[0]


@pytest.mark.parametrize("text", ["a" * 5000, "liars " * 1000, "x1-" * 2000])
def test_text_that_is_not_prose_is_analyzed_with_a_warning(text: str) -> None:
    a = fake_model().analyze(text)
    assert any("does not look like prose" in w for w in a.warnings)


def test_news_prose_gets_no_prose_warning() -> None:
    article = (ROOT / "examples" / "harbour-bridge.txt").read_text(encoding="utf-8")
    assert not any("prose" in w for w in fake_model().analyze(article).warnings)


def test_predict_is_repeatable_and_does_not_change_the_model() -> None:
    model = fake_model()
    text = "They are traitors and liars."
    before = model.config
    assert model.predict(text) == model.predict(text)
    assert model.config == before


def test_technique_probs_for_given_spans() -> None:
    text = "They are traitors. Save our city! Save our city!"
    probs = fake_model().technique_probs(text, [(9, 17), (19, 33)])
    assert probs.shape == (2, 14)
    assert probs[0].argmax() == 8 and probs[1].argmax() == 10
    with pytest.raises(InputError, match="outside"):
        fake_model().technique_probs(text, [(0, 999)])


def test_every_technique_above_the_floor_is_reported_and_the_top_one_always() -> None:
    config = fake_model().config
    probs = np.full(14, 1 / 14, dtype=np.float32)
    labels = np.array([0.3, 0.45] + [0.01] * 12, dtype=np.float32)
    cand = Candidate(0, 4, 1.0, probs, labels)
    spans = choose_techniques([cand], config, label_floor=0.25)
    assert [s.technique for s in spans] == [config.techniques[0], config.techniques[1]]
    assert [s.technique for s in choose_techniques([cand], config, 0.9)] == [config.techniques[1]]


@given(st.floats(0.001, 0.999), st.floats(0.2, 3.0), st.floats(-2, 2))
def test_calibration_is_monotone_and_bounded(p: float, a: float, b: float) -> None:
    q = calibrate(p, (a, b))
    assert 0 < q < 1
    assert calibrate(min(0.999, p + 0.001), (a, b)) >= q


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.sampled_from([*"ab \n\r\t“”😀!.", "traitors", " liars"]), max_size=40).map("".join)
)
def test_every_span_is_inside_the_text_and_trimmed(text: str) -> None:
    model = fake_model()
    if not text.strip():
        return
    for s in model.analyze(text, threshold=0.0).spans:
        assert 0 <= s.start < s.end <= len(text)
        assert text[s.start : s.end].strip() == text[s.start : s.end]


def test_missing_model_directory_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="missing"):
        Model.load(tmp_path)
