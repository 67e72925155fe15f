from __future__ import annotations

import itertools
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spinscope import Analysis, Span
from spinscope._pipeline._analysis import build_analysis, spans_by_sentence

TEXT = "Calm opening sentence. They are traitors and liars!\nSave our city!"


def make(spans: list[Span]) -> Analysis:
    return build_analysis(TEXT, spans, "m1", 0.2)


def test_sentence_score_is_chance_that_one_span_is_right() -> None:
    a = make(
        [Span(32, 40, "Name_Calling,Labeling", 0.5), Span(45, 50, "Name_Calling,Labeling", 0.5)]
    )
    scores = [round(s.score, 3) for s in a.sentences]
    assert scores == [0.0, 0.75, 0.0]
    assert a.sentences[1].techniques == ("Name_Calling,Labeling",)


def test_summary_counts_coverage_and_score() -> None:
    a = make(
        [
            Span(32, 40, "Name_Calling,Labeling", 0.8),
            Span(52, 66, "Slogans", 0.6),
            Span(52, 66, "Loaded_Language", 0.3),
        ]
    )
    assert a.summary.counts == {"Name_Calling,Labeling": 1, "Slogans": 1, "Loaded_Language": 1}
    assert a.summary.coverage == pytest.approx((8 + 14) / len(TEXT))
    assert 0 < a.summary.score < 1
    assert "3 fragments using 3 techniques" in a.summary.line()


def test_filtered_drops_spans_below_threshold_and_other_techniques() -> None:
    a = make([Span(32, 40, "Name_Calling,Labeling", 0.8), Span(52, 66, "Slogans", 0.3)])
    assert [s.technique for s in a.filtered(threshold=0.5).spans] == ["Name_Calling,Labeling"]
    assert [s.technique for s in a.filtered(techniques=["slogans"]).spans] == ["Slogans"]


def test_to_dict_gives_exact_fragments_and_definitions() -> None:
    a = make([Span(32, 40, "Name_Calling,Labeling", 0.8)])
    d = a.to_dict()
    assert d["spans"][0]["text"] == "traitors" == TEXT[32:40]
    assert d["spans"][0]["definition"]
    assert d["summary"]["spans"] == 1 and d["model"] == "m1"


def test_no_spans_gives_zero_scores() -> None:
    a = make([])
    assert a.summary.score == 0 and a.summary.coverage == 0
    assert a.summary.line().startswith("0 fragments")


@st.composite
def sentences_and_spans(draw: st.DrawFn) -> tuple[list[tuple[int, int]], list[Span]]:
    cuts = sorted(draw(st.sets(st.integers(0, 300), max_size=30)))
    sentences = [(a, b) for a, b in itertools.pairwise(cuts) if draw(st.booleans())]
    spans = []
    for _ in range(draw(st.integers(0, 25))):
        start = draw(st.integers(0, 299))
        end = draw(st.integers(start + 1, 300))
        spans.append(Span(start, end, draw(st.sampled_from(["Doubt", "Slogans"])), 0.5))
    return sentences, sorted(spans)


@settings(deadline=None)
@given(sentences_and_spans())
def test_the_sweep_finds_what_comparing_every_pair_finds(
    case: tuple[list[tuple[int, int]], list[Span]],
) -> None:
    sentences, spans = case
    expected = [[s for s in spans if s.start < b and a < s.end] for a, b in sentences]
    assert [list(found) for found in spans_by_sentence(sentences, spans)] == expected


def test_sentence_scoring_stays_linear_on_a_long_text() -> None:
    text = "They lied again. " * 60_000  # about 1 MB, 60,000 sentences
    spans = [Span(i * 17, i * 17 + 4, "Doubt", 0.5) for i in range(0, 60_000, 3)]
    started = time.perf_counter()
    analysis = build_analysis(text, spans, "m", 0.2)
    assert len(analysis.sentences) == 60_000
    assert time.perf_counter() - started < 10  # comparing every pair took minutes
