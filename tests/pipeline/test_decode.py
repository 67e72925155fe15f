import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinscope._pipeline._decode import (
    chars_to_token_span,
    decode_bio,
    join_nearby,
    merge_overlapping,
    snap_to_words,
    split_at_line_breaks,
    tidy_span,
    token_span_to_chars,
)


def probs(tags: str) -> np.ndarray:
    table = {"O": [0.9, 0.05, 0.05], "B": [0.1, 0.8, 0.1], "I": [0.1, 0.1, 0.8]}
    return np.array([table[t] for t in tags], dtype=np.float32)


def test_decode_groups_inside_tokens_into_spans() -> None:
    assert [(a, b) for a, b, _ in decode_bio(probs("OBIIOBOI"))] == [(1, 4), (5, 6), (7, 8)]


def test_decode_splits_touching_spans_at_a_beginning() -> None:
    assert [(a, b) for a, b, _ in decode_bio(probs("BIBI"))] == [(0, 2), (2, 4)]


def test_decode_threshold_controls_what_is_inside() -> None:
    p = np.array([[0.6, 0.2, 0.2]], dtype=np.float32)
    assert decode_bio(p, 0.5) == []
    assert len(decode_bio(p, 0.3)) == 1


def test_decode_confidence_is_mean_inside_probability() -> None:
    ((_, _, conf),) = decode_bio(probs("BI"))
    assert abs(conf - 0.9) < 1e-6


@given(st.text(alphabet='ab ,.\n‘’"(', min_size=1, max_size=40), st.data())
def test_snap_keeps_whole_words_and_trims_separators(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    snapped = snap_to_words(text, start, end)
    if snapped is None:
        assert not any(c.isalnum() for c in text[start:end])
        return
    a, b = snapped
    assert 0 <= a < b <= len(text)
    assert snap_to_words(text, a, b) == snapped
    assert text[a] not in " ,\n" and text[b - 1] not in " ,\n"
    assert not (a > 0 and text[a - 1].isalnum() and text[a].isalnum())
    assert not (b < len(text) and text[b - 1].isalnum() and text[b].isalnum())


@pytest.mark.parametrize(
    ("text", "selected", "want"),
    [
        ("said ‘low hanging fruit’ then", "‘low hanging fruit", "‘low hanging fruit’"),
        ("a ‘stooge’ indeed", "stooge’", "‘stooge’"),
        ("Trump has ‘lost interest’ in", "‘lost", "lost"),
        ("the (so-called) expert", "(so-called", "(so-called)"),
        ("x ‘ y", "‘", None),
        ("and stooge ‘opposition’ leaders", "stooge ‘", "stooge"),
        # The stray opening quote goes first; then the closing one has no partner either.
        ("pitiful fruit’ ‘low", "pitiful fruit’ ‘", "pitiful fruit"),
    ],
)
def test_snap_balances_quotes(text: str, selected: str, want: str | None) -> None:
    start = text.index(selected)
    got = snap_to_words(text, start, start + len(selected))
    assert (text[got[0] : got[1]] if got else None) == want


def test_snap_widens_a_cut_word() -> None:
    assert snap_to_words("a shameful lie", 4, 9) == (2, 10)


def test_snap_keeps_hyphenated_and_possessive_words_whole() -> None:
    text = "a revolutionary counter-offensive and Guaido’s call"
    start = text.index("counter")
    got = snap_to_words(text, start, start + len("counter"))
    assert got is not None and text[got[0] : got[1]] == "counter-offensive"
    start = text.index("Guaido")
    got = snap_to_words(text, start, start + len("Guaido"))
    assert got is not None and text[got[0] : got[1]] == "Guaido’s"


def test_line_breaks_cut_spans() -> None:
    text = "Title\r\n\r\nBody"
    parts = split_at_line_breaks(text, 0, len(text))
    assert [text[a:b].strip() for a, b in parts if text[a:b].strip()] == ["Title", "Body"]


def test_token_and_char_spans_round_trip() -> None:
    offsets = [(0, 3), (4, 9), (10, 12)]
    assert chars_to_token_span(offsets, *token_span_to_chars(offsets, 1, 3)) == (1, 3)
    assert chars_to_token_span(offsets, 3, 4) is None


@given(st.lists(st.tuples(st.integers(0, 50), st.integers(1, 20)), max_size=20))
def test_merged_spans_are_disjoint_and_cover_the_same_characters(
    raw: list[tuple[int, int]],
) -> None:
    spans = [(a, a + n) for a, n in raw]
    merged = merge_overlapping(spans)
    covered = {c for a, b in spans for c in range(a, b)}
    assert {c for a, b in merged for c in range(a, b)} == covered
    for (_, b1), (a2, _) in itertools.pairwise(merged):
        assert b1 <= a2


def test_join_nearby_joins_within_a_line_only() -> None:
    text = "aa bb cc\ndd"
    assert join_nearby(text, [(0, 2), (3, 5), (9, 11)], 1) == [(0, 5), (9, 11)]
    assert join_nearby(text, [(0, 2), (6, 8)], 3) == [(0, 2), (6, 8)]
    assert join_nearby(text, [(6, 8), (9, 11)], 5) == [(6, 8), (9, 11)]


@given(st.lists(st.tuples(st.integers(0, 50), st.integers(1, 10)), max_size=15), st.integers(0, 20))
def test_join_nearby_keeps_every_character_and_orders_passages(
    raw: list[tuple[int, int]], gap: int
) -> None:
    text = ("word " * 12 + "\n") * 2
    spans = [(a, min(len(text), a + n)) for a, n in raw if a < len(text)]
    joined = join_nearby(text, spans, gap)
    covered = {c for a, b in joined for c in range(a, b)}
    assert covered >= {c for a, b in spans for c in range(a, b)}
    for (_, b1), (a2, _) in itertools.pairwise(joined):
        assert b1 < a2


FUNCTION = ["of", "in", "and", "the", "a"]
CONTENT = ["bloodbath", "‘low", "fruit’", "pitiful", "handful", "US", "stooge"]


@given(
    st.lists(st.sampled_from(FUNCTION + CONTENT + [",", "\n"]), min_size=1, max_size=12), st.data()
)
def test_a_tidy_span_is_its_snapped_span_less_the_function_words_it_ends_on(
    words: list[str], data: st.DataObject
) -> None:
    text = " ".join(words)
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    snapped, tidy = snap_to_words(text, start, end), tidy_span(text, start, end)
    if snapped is None:
        assert tidy is None
        return
    assert tidy is not None
    a, b = tidy
    assert snapped[0] <= a < b <= snapped[1]
    inside = text[a:b].split()
    assert len(inside) == 1 or inside[-1].lower() not in FUNCTION
    dropped = text[b : snapped[1]].replace(",", " ").split()
    assert all(w.strip("‘’").lower() in FUNCTION or not w.strip("‘’") for w in dropped) or (
        "’" in text[a:b] + text[b : snapped[1]]
    )
    assert tidy_span(text, a, b) == (a, b)


def test_tidy_spans_read_as_a_reader_marks_them() -> None:
    text = "a pitiful handful of the US stooge ‘opposition’ in"
    first, second = tidy_span(text, 2, 24), tidy_span(text, 25, 50)
    assert first is not None and second is not None
    assert text[first[0] : first[1]] == "pitiful handful"
    assert text[second[0] : second[1]] == "US stooge ‘opposition’"
