import itertools

from hypothesis import given
from hypothesis import strategies as st

from spinscope._pipeline._windows import owner_windows, plan_windows, span_window

sizes = st.integers(min_value=2, max_value=40).flatmap(
    lambda size: st.tuples(st.just(size), st.integers(min_value=0, max_value=size - 1))
)


@given(st.integers(min_value=1, max_value=500), sizes)
def test_windows_cover_every_token_within_size(n: int, size_overlap: tuple[int, int]) -> None:
    size, overlap = size_overlap
    windows = plan_windows(n, size, overlap)
    covered: set[int] = set()
    for a, b in windows:
        assert 0 <= a < b <= n
        assert b - a <= size
        covered.update(range(a, b))
    assert covered == set(range(n))
    assert windows[-1][1] == n


@given(st.integers(min_value=1, max_value=500), sizes)
def test_neighbouring_windows_overlap_by_at_least_overlap(
    n: int, size_overlap: tuple[int, int]
) -> None:
    size, overlap = size_overlap
    windows = plan_windows(n, size, overlap)
    for (_, b1), (a2, _) in itertools.pairwise(windows):
        assert b1 - a2 >= overlap


@given(st.integers(min_value=1, max_value=300), sizes)
def test_owner_window_contains_its_token(n: int, size_overlap: tuple[int, int]) -> None:
    windows = plan_windows(n, *size_overlap)
    for t, w in enumerate(owner_windows(n, windows)):
        assert windows[w][0] <= t < windows[w][1]


def owners_by_loop(n_tokens: int, windows: list[tuple[int, int]]) -> list[int]:
    """The plain loop the vectorised owner_windows replaced: the reference."""
    owners, best = [-1] * n_tokens, [-1] * n_tokens
    for i, (a, b) in enumerate(windows):
        for t in range(a, b):
            margin = min(t - a, b - 1 - t)
            if margin > best[t]:
                best[t], owners[t] = margin, i
    return owners


windows_anyhow = st.lists(
    st.tuples(st.integers(0, 60), st.integers(1, 30)).map(lambda p: (p[0], p[0] + p[1])),
    max_size=6,
)


@given(st.integers(min_value=0, max_value=80), windows_anyhow)
def test_owner_windows_is_the_loop_it_replaced(n: int, windows: list[tuple[int, int]]) -> None:
    # Any windows, overlapping, nested, out of order or past the end, and tokens none holds.
    kept = [(a, min(b, n)) for a, b in windows if a < min(b, n)]
    assert owner_windows(n, kept) == owners_by_loop(n, kept)


@given(st.integers(min_value=2, max_value=300), sizes, st.data())
def test_span_window_holds_the_span_or_its_largest_part(
    n: int, size_overlap: tuple[int, int], data: st.DataObject
) -> None:
    windows = plan_windows(n, *size_overlap)
    start = data.draw(st.integers(min_value=0, max_value=n - 1))
    end = data.draw(st.integers(min_value=start + 1, max_value=n))
    w, a, b = span_window(windows, start, end)
    assert windows[w][0] <= a < b <= windows[w][1]
    assert start <= a and b <= end
    if any(x <= start and end <= y for x, y in windows):
        assert (a, b) == (start, end)


def test_bad_window_settings_are_rejected() -> None:
    import pytest

    with pytest.raises(ValueError):
        plan_windows(10, 4, 4)
