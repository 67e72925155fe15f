"""Overlapping encoder windows over a long token sequence (pure functions).

Articles are longer than the encoder's window, so the token sequence is cut into windows
that overlap. Each token's prediction is taken from the window where it sits furthest
from an edge, and each span is read from the window that holds it with most context.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

Window = tuple[int, int]
"""Token range ``[start, end)`` of one window, in content tokens (no special tokens)."""


def plan_windows(n_tokens: int, size: int, overlap: int) -> list[Window]:
    """Cut ``n_tokens`` into windows of at most ``size`` tokens overlapping by ``overlap``.

    The last window is aligned to the end, so every window but a lone short one is full.

    Example:
        >>> plan_windows(10, 4, 1)
        [(0, 4), (3, 7), (6, 10)]
    """
    if size <= 0 or not 0 <= overlap < size:
        raise ValueError(f"need size > overlap >= 0, got size={size}, overlap={overlap}")
    if n_tokens <= size:
        return [(0, n_tokens)]
    step = size - overlap
    windows: list[Window] = []
    start = 0
    while start + size < n_tokens:
        windows.append((start, start + size))
        start += step
    windows.append((n_tokens - size, n_tokens))
    return windows


def _margin(window: Window, start: int, end: int) -> int:
    return min(start - window[0], window[1] - end)


def owner_windows(n_tokens: int, windows: Sequence[Window]) -> list[int]:
    """For each token, the window where it is furthest from an edge (ties: the earlier);
    -1 for a token no window holds.

    Example:
        >>> owner_windows(10, [(0, 4), (3, 7), (6, 10)])
        [0, 0, 0, 0, 1, 1, 1, 2, 2, 2]
    """
    if not windows or n_tokens <= 0:
        return [-1] * max(0, n_tokens)
    # One row of margins a window, -1 outside it; argmax takes the first of equal ones.
    # Vectorised: the loop over tokens took 0.9 ms an article, twice (probabilities and
    # the attribution head's states).
    tokens = np.arange(n_tokens)
    starts = np.array([w[0] for w in windows])[:, None]
    ends = np.array([w[1] for w in windows])[:, None]
    inside = (tokens >= starts) & (tokens < ends)
    margins = np.where(inside, np.minimum(tokens - starts, ends - 1 - tokens), -1)
    owners = margins.argmax(axis=0)
    owners[margins.max(axis=0) < 0] = -1
    found: list[int] = owners.tolist()
    return found


def span_window(windows: Sequence[Window], start: int, end: int) -> tuple[int, int, int]:
    """Pick the window to read token span ``[start, end)`` from.

    Prefers a window holding the whole span with the widest margin; a span longer than
    any window is clipped to the window that covers most of it.

    Returns:
        ``(window index, clipped start, clipped end)`` in article token positions.

    Example:
        >>> span_window([(0, 4), (3, 7), (6, 10)], 3, 5)
        (1, 3, 5)
    """
    if not windows or start >= end:
        raise ValueError("need at least one window and a non-empty span")
    inside = [i for i, w in enumerate(windows) if w[0] <= start and end <= w[1]]
    if inside:
        idx = max(inside, key=lambda i: _margin(windows[i], start, end))
        return idx, start, end
    idx = max(
        range(len(windows)),
        key=lambda i: min(end, windows[i][1]) - max(start, windows[i][0]),
    )
    w = windows[idx]
    lo, hi = max(start, w[0]), min(end, w[1])
    if lo >= hi:
        raise ValueError(f"span [{start}, {end}) lies outside every window")
    return idx, lo, hi
