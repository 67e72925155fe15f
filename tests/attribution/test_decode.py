"""Tags <-> spans <-> attributions, on hand-made texts (property tests)."""

from __future__ import annotations

import itertools
import re

from hypothesis import given
from hypothesis import strategies as st

from spinscope._attribution import (
    ROLES,
    TAGS,
    Attribution,
    Decoding,
    decode_attributions,
    decode_spans,
    group,
    quote_baseline,
    tag_tokens,
    words,
)

WORD = st.text(alphabet="abcXY", min_size=1, max_size=6)


def tokenize(text: str) -> list[tuple[int, int]]:
    """Word pieces of at most 3 characters and single punctuation marks, like WordPiece."""
    offsets = []
    for m in re.finditer(r"\w+|[^\w\s]", text):
        for a in range(m.start(), m.end(), 3):
            offsets.append((a, min(a + 3, m.end())))
    return offsets


@st.composite
def tagged_text(draw: st.DrawFn) -> tuple[str, list[tuple[str, int, int]]]:
    """A text of words and commas, and role spans over runs of whole words."""
    parts = draw(st.lists(st.tuples(WORD, st.booleans()), min_size=1, max_size=30))
    text, starts, ends = "", [], []
    for word, comma in parts:
        starts.append(len(text))
        text += word
        ends.append(len(text))
        text += ", " if comma else " "
    spans, i = [], 0
    while i < len(parts):
        size = draw(st.integers(1, 4))
        role = draw(st.sampled_from([None, *ROLES]))
        j = min(len(parts), i + size)
        if role is not None:
            spans.append((role, starts[i], ends[j - 1]))
        i = j
    return text, spans


@given(tagged_text())
def test_decoding_the_tags_of_word_spans_gives_them_back(
    case: tuple[str, list[tuple[str, int, int]]],
) -> None:
    text, spans = case
    offsets = tokenize(text)
    tags = tag_tokens(offsets, spans)
    assert all(0 <= t < len(TAGS) for t in tags)
    assert decode_spans(text, offsets, tags) == spans


@given(tagged_text(), st.lists(st.integers(0, len(TAGS) - 1), max_size=200))
def test_decoded_spans_are_whole_words_in_order(
    case: tuple[str, list[tuple[str, int, int]]], noise: list[int]
) -> None:
    text, _ = case
    offsets = tokenize(text)
    tags = [noise[i] if i < len(noise) else 0 for i in range(len(offsets))]
    spans = decode_spans(text, offsets, tags)
    for role, start, end in spans:
        assert role in ROLES
        assert 0 <= start < end <= len(text)
        assert not (start > 0 and text[start - 1].isalnum() and text[start].isalnum())
        assert not (end < len(text) and text[end - 1].isalnum() and text[end].isalnum())
    assert all(a[2] <= b[1] for a, b in itertools.pairwise(spans))


@given(tagged_text())
def test_words_partition_the_tokens(case: tuple[str, list[tuple[str, int, int]]]) -> None:
    text, _ = case
    offsets = tokenize(text)
    found = words(text, offsets)
    assert [t for a, b in found for t in range(a, b)] == list(range(len(offsets)))


@given(tagged_text(), st.booleans(), st.integers(0, 2))
def test_every_content_lands_in_one_attribution(
    case: tuple[str, list[tuple[str, int, int]]], merge: bool, reach: int
) -> None:
    text, spans = case
    found = group(text, spans, Decoding(merge, reach))
    contents = sorted(f for a in found for f in a.content)
    assert contents == sorted((s, e) for r, s, e in spans if r == "content")
    cues = {(s, e) for r, s, e in spans if r == "cue"}
    sources = {(s, e) for r, s, e in spans if r == "source"}
    for a in found:
        assert set(a.cue) <= cues and set(a.source) <= sources
        assert a.cue or not a.source
    if not merge:
        assert len(found) == len(contents)


def test_a_quote_broken_by_its_cue_is_one_attribution() -> None:
    text = "“Wrong,” Clinton said, “all wrong.”\nTrump said it."
    offsets = tokenize(text)
    spans = [
        ("content", 0, 8),
        ("source", 9, 16),
        ("cue", 17, 21),
        ("content", 23, 35),
        ("source", 36, 41),
        ("cue", 42, 46),
        ("content", 47, 49),
    ]
    tags = tag_tokens(offsets, spans)
    assert decode_attributions(text, offsets, tags) == [
        Attribution(((0, 8), (23, 35)), ((17, 21),), ((9, 16),)),
        Attribution(((47, 49),), ((42, 46),), ((36, 41),)),
    ]
    split = decode_attributions(text, offsets, tags, Decoding(merge_by_cue=False))
    assert [a.content for a in split] == [((0, 8),), ((23, 35),), ((47, 49),)]


def test_a_content_without_a_cue_in_its_paragraph_stands_alone() -> None:
    text = "He said so.\n“Never.”"
    spans = [("source", 0, 2), ("cue", 3, 7), ("content", 12, 20)]
    assert group(text, spans) == [Attribution(((12, 20),))]
    assert group(text, spans, Decoding(reach=1)) == [Attribution(((12, 20),), ((3, 7),), ((0, 2),))]


@given(st.text(alphabet='ab “”"\n', max_size=60))
def test_quote_baseline_marks_quotations_within_a_line(text: str) -> None:
    for a in quote_baseline(text):
        ((start, end),) = a.content
        quoted = text[start:end]
        assert quoted[0] in '“"' and quoted[-1] in '”"' and "\n" not in quoted
        assert end - start >= 3
