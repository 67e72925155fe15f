"""Attributions in the analysis, on the fake model with its fake attribution head: who says
each span, through analyze, pipe, a thread pool, pieces of long texts and filtering; and a
model without a head, whose analyses are as they were."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinscope import Analysis, Settings
from spinscope._pipeline import Attribution, Span, Statement, attribute, build_analysis, statements

from ..fakes import fake_model

QUOTED = 'The mayor said "they are traitors and liars". Our city is a disgrace.'


def voices(analysis: Analysis) -> list[tuple[str, str, str | None, str | None]]:
    return [(analysis.text[s.start : s.end], s.voice, s.speaker, s.cue) for s in analysis.spans]


def test_spans_inside_a_quote_are_attributed_to_its_source() -> None:
    analysis = fake_model(attribution=True).analyze(QUOTED)
    assert voices(analysis) == [
        ("traitors", "attributed", "mayor", "said"),
        ("liars", "attributed", "mayor", "said"),
        ("disgrace", "author", None, None),
    ]
    (said,) = analysis.attributions or ()
    assert (said.source, said.cue, said.content) == ((4, 9), (10, 14), ((15, 44),))
    assert said.content_text == QUOTED[15:44]
    assert analysis.spans[0].attribution == said


def test_without_a_head_every_span_is_the_authors_and_the_json_is_as_before() -> None:
    analysis = fake_model().analyze(QUOTED)
    assert analysis.attributions is None
    assert {(s.voice, s.speaker, s.cue) for s in analysis.spans} == {("author", None, None)}
    doc = analysis.to_dict()
    assert "attributions" not in doc
    assert set(doc["spans"][0]) == {
        *("start", "end", "text", "technique", "title", "definition", "confidence"),
        "target",  # whom it aims at (or null): found by rules, with or without a head
    }
    rebuilt = build_analysis(analysis.text, analysis.spans, "fake-model", analysis.threshold)
    assert doc == {**rebuilt.to_dict(), "passages": doc["passages"]}


def test_the_head_changes_no_span_sentence_or_passage() -> None:
    plain, said = fake_model().analyze(QUOTED), fake_model(attribution=True).analyze(QUOTED)
    assert (plain.spans, plain.sentences, plain.passages, plain.summary) == (
        said.spans,
        said.sentences,
        said.passages,
        said.summary,
    )


def test_json_carries_each_spans_voice_and_the_attributions() -> None:
    doc = fake_model(attribution=True).analyze(QUOTED).to_dict()
    first, last = doc["spans"][0], doc["spans"][-1]
    assert (first["voice"], first["speaker"], first["cue"]) == ("attributed", "mayor", "said")
    assert first["attribution"] == {"source": [4, 9], "cue": [10, 14], "content": [15, 44]}
    assert (last["voice"], last["speaker"], last["cue"]) == ("author", None, None)
    assert "attribution" not in last
    (said,) = doc["attributions"]
    assert said["speaker"] == "mayor"
    assert said["source"] == {"start": 4, "end": 9, "text": "mayor"}
    assert said["content"]["fragments"] == [[15, 44]]


def test_a_model_with_no_attribution_in_the_text_finds_none() -> None:
    analysis = fake_model(attribution=True).analyze("They are traitors.")
    assert analysis.attributions == ()
    assert analysis.to_dict()["attributions"] == []
    assert [s.voice for s in analysis.spans] == ["author"]


@pytest.mark.parametrize("pack", [False, True])
def test_pipe_and_a_thread_pool_find_what_analyze_finds(pack: bool) -> None:
    texts = [QUOTED, "They are traitors.", QUOTED + "\n" + QUOTED] * 3
    model = fake_model(attribution=True, settings=Settings(piece_chars=80))
    alone = [model.analyze(t) for t in texts]
    with ThreadPoolExecutor(3) as pool:
        pooled = fake_model(attribution=True, settings=Settings(piece_chars=80), pool=pool)
        piped = list(pooled.pipe(texts, pack_articles=pack))
    assert piped == alone
    assert [voices(a) for a in piped] == [voices(a) for a in alone]


def test_long_texts_find_attributions_per_piece_with_offsets_into_the_whole_text() -> None:
    text = "\n".join([QUOTED] * 6)
    model = fake_model(attribution=True, settings=Settings(piece_chars=100))
    analysis = model.analyze(text)
    said = analysis.attributions or ()
    assert len(said) == 6
    for st_ in said:
        assert text[st_.content[0][0] : st_.content[-1][1]] == QUOTED[15:44]
        assert st_.source is not None and text[st_.source[0] : st_.source[1]] == "mayor"
    assert [s.voice for s in analysis.spans] == ["attributed", "attributed", "author"] * 6


def test_filtering_keeps_attributions_and_voices() -> None:
    analysis = fake_model(attribution=True).analyze(QUOTED)
    narrowed = analysis.filtered(techniques=["Loaded_Language"], threshold=0.5)
    assert narrowed.attributions == analysis.attributions
    assert voices(narrowed) == [v for v in voices(analysis) if v[0] in {"traitors", "liars"}] + [
        ("disgrace", "author", None, None)
    ]


ranges = st.tuples(st.integers(0, 60), st.integers(1, 30)).map(lambda t: (t[0], t[0] + t[1]))


@given(st.lists(ranges, max_size=8), st.lists(ranges, max_size=5, unique=True))
def test_a_span_is_attributed_when_at_least_half_of_it_is_in_a_content(
    spans: list[tuple[int, int]], contents: list[tuple[int, int]]
) -> None:
    said = [Statement((c,), (0, 1), None, None, "") for c in sorted(contents)]
    marked = attribute([Span(a, b, "Doubt", 0.5) for a, b in spans], said)
    assert [(s.start, s.end) for s in marked] == spans
    for span in marked:
        inside = {st_: max(0, min(st_.end, span.end) - max(st_.start, span.start)) for st_ in said}
        most = max(inside.values(), default=0)
        if 2 * most >= span.end - span.start and most > 0:
            assert span.attribution is not None and inside[span.attribution] == most
        else:
            assert span.attribution is None and span.voice == "author"


def test_a_content_with_neither_source_nor_cue_gives_no_voice() -> None:
    bare = Statement(((0, 10),), None, None, None, "x" * 10)
    (span,) = attribute([Span(2, 6, "Doubt", 0.5)], [bare])
    assert span.voice == "author"


def test_a_lone_function_word_is_no_source() -> None:
    text = "According to a recent report, sanctions killed 40,000 people."
    (st,) = statements(text, [Attribution(((30, 61),), ((0, 12),), ((13, 14),))])
    assert st.source is None and st.speaker is None and st.cue_text == "According to"


def test_statements_drop_contents_outside_the_text_and_sort_by_content() -> None:
    text = "He said no. She said yes."
    found = [
        Attribution(((21, 25),), ((16, 20),), ((12, 15),)),
        Attribution(((8, 10),), ((3, 7),), ((0, 2),)),
        Attribution(((20, 99),)),
    ]
    said = statements(text, found)
    assert [(s.content_text, s.cue_text, s.source_text) for s in said] == [
        ("no", "said", "He"),
        ("yes.", "said", "She"),
    ]
