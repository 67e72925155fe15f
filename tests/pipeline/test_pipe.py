"""Model.pipe and Model.pipe_results: order, streaming, packing and errors, on the fake model."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spinscope import Analysis, InputError, Settings, UnknownTechniqueError
from spinscope._pipeline._stream import CHUNKS_AHEAD

from ..fakes import FakeTagger, fake_model

TEXTS = [
    "They are traitors.",
    "Save our city, liars, liars!",
    " ".join(["the city is ours"] * 12 + ["shameful"] + ["and the plan"] * 12),
    "What a disgrace.",
]


@pytest.mark.parametrize("pack", [False, True])
def test_pipe_yields_what_analyze_gives_in_input_order(pack: bool) -> None:
    model = fake_model()
    piped = list(model.pipe(TEXTS, pack_articles=pack))
    assert [a.text for a in piped] == TEXTS
    assert piped == [model.analyze(t) for t in TEXTS]


@pytest.mark.parametrize("pack", [False, True])
def test_a_thread_pool_changes_nothing_but_where_windows_run(pack: bool) -> None:
    texts = TEXTS * 5
    alone = list(fake_model(settings=Settings(piece_chars=80)).pipe(texts, pack_articles=pack))
    with ThreadPoolExecutor(3) as pool:
        model = fake_model(settings=Settings(piece_chars=80), pool=pool)
        assert list(model.pipe(texts, pack_articles=pack)) == alone
        assert [model.analyze(t) for t in texts] == [model.analyze(t) for t in texts]
        assert model.analyze(texts[2]) == alone[2]


def test_pipe_passes_threshold_and_techniques() -> None:
    model = fake_model()
    piped = list(model.pipe(TEXTS, threshold=0.5, techniques=["Repetition"]))
    assert piped == [model.analyze(t, 0.5, ["Repetition"]) for t in TEXTS]
    assert {s.technique for a in piped for s in a.spans} == {"Repetition"}


def test_unpacked_pipe_batches_each_piece_as_analyze_does() -> None:
    tagger = FakeTagger()
    model = fake_model(settings=Settings(batch_windows=3, piece_chars=80), tagger=tagger)
    for text in TEXTS:
        model.analyze(text)
    alone = tagger.shapes.copy()
    assert max(rows for rows, _ in alone) == 3
    tagger.shapes.clear()
    list(model.pipe(TEXTS, pack_articles=False))
    assert tagger.shapes == alone


def test_packed_pipe_fills_encoder_runs_with_windows_of_several_articles() -> None:
    tagger = FakeTagger()
    model = fake_model(settings=Settings(batch_windows=4), tagger=tagger)
    texts = ["They are traitors.", "Liars!", "What a disgrace."] * 4
    list(model.pipe(texts, pack_articles=False))
    assert tagger.shapes[:3] == [(1, 6), (1, 4), (1, 6)]
    tagger.shapes.clear()
    list(model.pipe(texts, pack_articles=True))
    # Sorted by length: the one-word articles share a run without padding.
    assert tagger.shapes == [(4, 6), (4, 6), (4, 4)]


def test_batch_size_bounds_every_run() -> None:
    tagger = FakeTagger()
    list(fake_model(tagger=tagger).pipe([TEXTS[2]] * 3, batch_size=2, pack_articles=True))
    assert max(rows for rows, _ in tagger.shapes) == 2


@pytest.mark.parametrize("pack", [False, True])
def test_pipe_streams_reading_texts_only_a_bounded_way_ahead(pack: bool) -> None:
    pulled = 0

    def endless() -> Iterator[str]:
        nonlocal pulled
        while True:
            pulled += 1
            yield "They are traitors and liars."

    results = fake_model().pipe(endless(), batch_size=2, pack_articles=pack)
    first = next(results)
    assert first.spans
    # One chunk decodes while the next CHUNKS_AHEAD encode. Unpacked, a chunk is one text;
    # packed, it holds windows for 4 batches of 2 (one window a text).
    held = (CHUNKS_AHEAD + 1) * (8 if pack else 1)
    assert pulled == held
    for _ in range(20):
        next(results)
    assert pulled <= 21 + held


@pytest.mark.parametrize("pack", [False, True])
def test_long_texts_are_piped_in_pieces_with_absolute_offsets(pack: bool) -> None:
    text = ("the city is ours and the plan is ours\n" * 5 + "what a disgrace\n") * 4
    model = fake_model(settings=Settings(piece_chars=60))
    piped = list(model.pipe(["Liars!", text, "Liars!"], pack_articles=pack))
    assert [len(a.spans) for a in piped] == [1, 4, 1]
    assert all(text[s.start : s.end] == "disgrace" for s in piped[1].spans)


def test_pipe_results_yields_an_error_in_place_of_a_blank_text_and_goes_on() -> None:
    model = fake_model()
    results = list(model.pipe_results(["Liars!", "", " \n", "Traitors!"], pack_articles=True))
    assert [type(r) for r in results] == [Analysis, InputError, InputError, Analysis]
    assert "empty" in str(results[1]) and "whitespace" in str(results[2])


def test_pipe_raises_at_a_blank_text_after_the_analyses_before_it() -> None:
    results = fake_model().pipe(["Liars!", "", "Traitors!"])
    assert next(results).text == "Liars!"
    with pytest.raises(InputError, match="empty"):
        next(results)


def test_a_bad_threshold_or_technique_fails_at_the_call() -> None:
    model = fake_model()
    with pytest.raises(InputError, match="threshold"):
        model.pipe(TEXTS, threshold=1.5)
    with pytest.raises(UnknownTechniqueError):
        model.pipe_results(TEXTS, techniques=["Nope"])


def test_no_texts_no_analyses() -> None:
    assert list(fake_model().pipe([], pack_articles=True)) == []


WORDS = st.sampled_from([*"ab \n\r\t“”😀!.", "traitors", " liars", " the city", " Cronies"])
TEXT = st.lists(WORDS, min_size=1, max_size=40).map("".join).filter(str.strip)


@settings(max_examples=40, deadline=None)
@given(texts=st.lists(TEXT, max_size=6), batch=st.integers(1, 5), piece=st.integers(8, 80))
def test_pipe_over_random_texts_finds_the_spans_analyze_finds(
    texts: list[str], batch: int, piece: int
) -> None:
    model = fake_model(settings=Settings(batch_windows=batch, piece_chars=piece))
    alone = [model.analyze(t, threshold=0.0) for t in texts]
    assert list(model.pipe(texts, threshold=0.0, pack_articles=False)) == alone
    # The fake tagger reads each window alone, so packing must not change a span either.
    packed = model.pipe(texts, batch_size=batch + 1, threshold=0.0, pack_articles=True)
    assert list(packed) == alone
