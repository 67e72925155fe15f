"""Highlighting as a pure split of the text into pieces, each with the spans covering it."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from .._pipeline import Span


@dataclass(frozen=True)
class Segment:
    """A run of characters ``text[start:end]`` covered by the same set of spans."""

    start: int
    end: int
    spans: tuple[Span, ...]

    @property
    def top(self) -> Span | None:
        """The most confident span over this segment, if any."""
        return max(self.spans, key=lambda s: s.confidence) if self.spans else None


def segments(text: str, spans: Sequence[Span]) -> list[Segment]:
    """Split ``text`` into consecutive segments at every span edge.

    Joining the segments' text gives back ``text`` exactly; each segment lists the spans
    that cover all of it (overlapping spans of several techniques included).

    Example:
        >>> s = [Span(0, 5, "Doubt", 0.9), Span(2, 8, "Slogans", 0.5)]
        >>> [(g.start, g.end, len(g.spans)) for g in segments("abcdefghij", s)]
        [(0, 2, 1), (2, 5, 2), (5, 8, 1), (8, 10, 0)]
    """
    n = len(text)
    ordered = [s for s in sorted(spans) if max(0, s.start) < min(n, s.end)]
    starts: dict[int, list[int]] = defaultdict(list)
    ends: dict[int, list[int]] = defaultdict(list)
    for i, s in enumerate(ordered):
        starts[max(0, s.start)].append(i)
        ends[min(n, s.end)].append(i)
    edges = sorted({0, n, *starts, *ends})
    active: set[int] = set()
    out = []
    # One sweep over the edges keeps this linear in text and spans.
    for a, b in itertools.pairwise(edges):
        active.difference_update(ends.get(a, ()))
        active.update(starts.get(a, ()))
        out.append(Segment(a, b, tuple(ordered[i] for i in sorted(active))))
    return out
