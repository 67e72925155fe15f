"""``compare`` on made-up analyses (hypothesis) and through the fake model: swapping the
articles swaps the comparison, an article compared with itself lines up with itself, and
identical texts share every quote."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from spinscope import InputError
from spinscope._compare import CompareOptions, compare, compare_texts, technique_shares
from spinscope._pipeline import Analysis, Span, Statement, build_analysis
from spinscope._techniques import TECHNIQUES

from ..fakes import fake_model

Matrix = npt.NDArray[np.float32]
SENTENCES = (
    "They lied.",
    "The mayor said we are safe.",
    "Our city is a disgrace!",
    "Save the plan.",
    "It rained.",
)
SPEAKERS = ("Ann Lee", None, "the mayor")
NAMES = [t.name for t in TECHNIQUES[:4]]


@st.composite
def articles(draw: st.DrawFn) -> tuple[Analysis, Matrix]:
    """An analysis of sentences from :data:`SENTENCES`, with spans and statements on some
    of them, and a vector per sentence (small integers, so that ties are common)."""
    chosen = draw(st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=6))
    text = " ".join(chosen)
    spans, said, start = [], [], 0
    for sentence in chosen:
        end = start + len(sentence)
        if draw(st.booleans()):
            technique = draw(st.sampled_from(NAMES))
            spans.append(Span(start, end - 1, technique, draw(st.sampled_from([0.3, 0.6, 0.9]))))
        if draw(st.booleans()):
            speaker = draw(st.sampled_from(SPEAKERS))
            said.append(Statement(((start, end),), None, None, speaker, sentence))
        start = end + 1
    analysis = build_analysis(text, spans, "m", 0.0, attributions=said)
    shape = (len(analysis.sentences), 3)
    return analysis, draw(arrays(np.float32, shape, elements=st.integers(-2, 2)))


options = st.builds(
    CompareOptions,
    similarity=st.sampled_from([0.0, 0.5, 0.9, 1.0]),
    overlap=st.sampled_from([0.0, 0.5, 1.0]),
    top=st.integers(0, 4),
)


@given(articles(), articles(), options)
def test_comparing_b_with_a_swaps_the_comparison(
    x: tuple[Analysis, Matrix], y: tuple[Analysis, Matrix], opts: CompareOptions
) -> None:
    forth = compare(x[0], y[0], x[1], y[1], opts, ("x", "y"))
    back = compare(y[0], x[0], y[1], x[1], opts, ("y", "x"))
    assert back == forth.swapped()
    assert back.to_dict() == forth.swapped().to_dict()
    assert forth.swapped().swapped() == forth


@given(articles(), options)
def test_an_article_compared_with_itself_lines_up_with_itself(
    x: tuple[Analysis, Matrix], opts: CompareOptions
) -> None:
    analysis, vectors = x
    c = compare(analysis, analysis, vectors, vectors, opts)
    aligned = [(p.a.index, p.b.index) for p in c.sentences]
    if opts.similarity <= 0.9:  # a repeat scores 1 (rounded), never less
        nonzero = [i for i, v in enumerate(vectors) if np.any(v)]
        assert aligned == [(i, i) for i in nonzero]
    assert all(p.a == p.b for p in c.sentences)
    assert c.quotes is not None and analysis.attributions is not None
    assert [(q.a.start, q.b.start, q.overlap) for q in c.quotes] == [
        (s.start, s.start, 1.0) for s in analysis.attributions
    ]
    assert all(t.counts[0] == t.counts[1] for t in c.techniques)


@given(articles(), articles())
def test_technique_counts_and_shares_add_up(
    x: tuple[Analysis, Matrix], y: tuple[Analysis, Matrix]
) -> None:
    shares = technique_shares(x[0], y[0])
    for k, analysis in enumerate((x[0], y[0])):
        assert sum(t.counts[k] for t in shares) == analysis.summary.n_spans
        total = sum(t.shares[k] for t in shares)
        assert total == pytest.approx(1.0 if analysis.spans else 0.0, abs=1e-3)
    totals = [t.counts[0] + t.counts[1] for t in shares]
    assert totals == sorted(totals, reverse=True)


@given(articles(), articles(), options)
def test_the_json_is_plain_data(
    x: tuple[Analysis, Matrix], y: tuple[Analysis, Matrix], opts: CompareOptions
) -> None:
    doc = compare(x[0], y[0], x[1], y[1], opts).to_dict()
    assert json.loads(json.dumps(doc)) == doc
    assert len(doc["a"]["top"]) == min(opts.top, x[0].summary.n_spans)
    for pair in doc["sentences"]:
        for side in ("a", "b"):
            text = (x if side == "a" else y)[0].text
            assert text[pair[side]["start"] : pair[side]["end"]] == pair[side]["text"]


def test_quotes_are_none_without_an_attribution_head() -> None:
    plain = build_analysis("They lied.", [], "m", 0.3)
    c = compare(plain, plain, np.ones((1, 2)), np.ones((1, 2)))
    assert c.quotes is None and c.to_dict()["quotes"] is None


def test_vectors_must_match_the_sentences() -> None:
    plain = build_analysis("They lied. Rain.", [], "m", 0.3)
    with pytest.raises(ValueError, match="a: 1 vectors for 2 sentences"):
        compare(plain, plain, np.ones((1, 2)), np.ones((2, 2)))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"similarity": 1.5}, "similarity 1.5"),
        ({"overlap": -0.1}, "overlap -0.1"),
        ({"top": -1}, "top -1"),
    ],
)
def test_options_out_of_range_are_input_errors(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError, match=message):
        CompareOptions(**kwargs)


A = 'The mayor said "they are traitors and liars". Our city is a disgrace.'
B = 'Our city is a disgrace. The mayor said "they are traitors and liars".'


def test_the_fake_model_finds_the_shared_quote_and_sentences() -> None:
    c = compare_texts(fake_model(attribution=True), A, B, sources=("a.txt", "b.txt"))
    assert (c.a.source, c.b.source) == ("a.txt", "b.txt")
    assert [(p.a.index, p.b.index, p.similarity) for p in c.sentences] == [(0, 1, 1.0), (1, 0, 1.0)]
    assert c.sentences[0].a.techniques == c.sentences[0].b.techniques == ("Loaded_Language",)
    assert c.quotes is not None
    assert [(q.a.text, q.a.speaker, q.b.speaker) for q in c.quotes] == [
        ('"they are traitors and liars"', "mayor", "mayor")
    ]


def test_an_empty_text_is_named_in_the_error() -> None:
    with pytest.raises(InputError, match=r"^b\.txt: the text holds only whitespace$"):
        compare_texts(fake_model(), A, "  ", sources=("a.txt", "b.txt"))
