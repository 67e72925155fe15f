from hypothesis import given
from hypothesis import strategies as st

from spinscope import Span, segments

spans_strategy = st.lists(
    st.tuples(st.integers(0, 40), st.integers(1, 15), st.sampled_from(["Doubt", "Slogans"])),
    max_size=8,
)


@given(st.text(min_size=1, max_size=50), spans_strategy)
def test_segments_rebuild_the_text_and_list_covering_spans(
    text: str, raw: list[tuple[int, int, str]]
) -> None:
    spans = [Span(a, min(a + n, len(text)), t, 0.5) for a, n, t in raw if a < len(text)]
    segs = segments(text, spans)
    assert "".join(text[s.start : s.end] for s in segs) == text
    for seg in segs:
        for c in range(seg.start, seg.end):
            covering = {s for s in spans if s.start <= c < s.end}
            assert set(seg.spans) == covering


def test_overlapping_spans_share_a_segment_and_top_is_most_confident() -> None:
    spans = [Span(0, 5, "Doubt", 0.9), Span(2, 8, "Slogans", 0.5)]
    segs = segments("abcdefghij", spans)
    assert [(s.start, s.end) for s in segs] == [(0, 2), (2, 5), (5, 8), (8, 10)]
    assert segs[1].top == spans[0]
    assert segs[3].top is None
