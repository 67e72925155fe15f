"""One pipe over every chunk of a local one-worker batch: the same outcomes as a pipe per
chunk, in chunk order, with bad articles and broken runs failing alone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spinscope._batch import Item
from spinscope._batch._work import analyze_chunks, analyze_items
from spinscope._errors import StoreError
from spinscope._store import Failure, Result
from tests.fakes import BreakingModel, fake_model

TEXTS = [
    "They are traitors and liars.",
    "Save our city, save this plan.",
    "A shameful disgrace of cronies.",
    " ",  # empty: fails before the pipe, "is empty"
    "Quiet facts about the weather.",
]


def _items(texts: list[str], start: int = 0) -> list[Item]:
    return [Item(f"k{start + i}", f"in:{start + i}", t) for i, t in enumerate(texts)]


def _summary(outcomes: list[Result | Failure]) -> list[tuple[str, str]]:
    """Each outcome as (key, what it says), comparable across runs."""
    out = []
    for o in outcomes:
        if isinstance(o, Result):
            out.append(
                (o.article.key, repr([(s.start, s.end, s.technique) for s in o.analysis.spans]))
            )
        else:
            out.append((o.key or "", o.reason))
    return out


def test_one_pipe_serves_every_chunk_with_the_outcomes_of_a_pipe_per_chunk() -> None:
    model = BreakingModel(fake_model())
    chunks = [_items(TEXTS[:2], 0), _items(TEXTS[2:], 2), [], _items(TEXTS, 10)]
    got = list(analyze_chunks(model, chunks, threshold=0.1))
    assert model.pipes == 1
    assert [len(c) for c in got] == [2, 3, 0, 5]
    for chunk, outcomes in zip(chunks, got, strict=True):
        assert _summary(outcomes) == _summary(analyze_items(fake_model(), chunk, threshold=0.1))
        assert [o.key if isinstance(o, Failure) else o.article.key for o in outcomes] == [
            i.key for i in chunk
        ]
        assert all(o.seconds >= 0 for o in outcomes if isinstance(o, Result))


def test_a_chunk_of_unreadable_items_comes_back_in_its_place() -> None:
    bad = Item("bad", "in:bad", "binary\x00data")
    chunks = [_items(TEXTS[:1]), [bad, bad], _items(TEXTS[1:2], 1)]
    got = list(analyze_chunks(fake_model(), chunks))
    assert [[type(o) for o in c] for c in got] == [[Result], [Failure, Failure], [Result]]


def test_a_broken_run_fails_its_article_and_the_pipe_starts_again() -> None:
    model = BreakingModel(fake_model(), breaks="plan")
    chunks = [_items(TEXTS[:2], 0), _items(TEXTS[:3], 2)]
    got = list(analyze_chunks(model, chunks))
    assert [[type(o) for o in c] for c in got] == [[Result, Failure], [Result, Failure, Result]]
    assert model.pipes == 3
    failed = got[1][1]
    assert isinstance(failed, Failure) and failed.reason == "internal error: RuntimeError: boom"


def test_an_error_reading_the_chunks_is_raised_after_the_chunks_before_it() -> None:
    def chunks() -> Iterator[list[Item]]:
        yield _items(TEXTS[:2])
        raise StoreError("store.db: database is locked")

    stream = analyze_chunks(fake_model(), chunks())
    first = next(stream)
    assert [type(o) for o in first] == [Result, Result]
    with pytest.raises(StoreError, match="locked"):
        next(stream)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from([*TEXTS, "plan", "bin\x00"]), max_size=4), max_size=6),
    st.booleans(),
)
def test_any_chunking_gives_each_article_the_outcome_it_gets_alone(
    chunk_texts: list[list[str]], breaking: bool
) -> None:
    breaks = "plan" if breaking else "\x00never"
    chunks, n = [], 0
    for texts in chunk_texts:
        chunks.append([Item(f"k{n + i}", f"in:{n + i}", t) for i, t in enumerate(texts)])
        n += len(texts)
    got = list(analyze_chunks(BreakingModel(fake_model(), breaks), chunks))
    alone = [
        [_summary(analyze_items(BreakingModel(fake_model(), breaks), [item]))[0] for item in chunk]
        for chunk in chunks
    ]
    assert [_summary(c) for c in got] == alone
