"""Turning token probabilities into character spans (pure functions).

The tagger gives each token three probabilities: outside, beginning and inside of a
propaganda span (BIO). Decoding groups tokens into spans, maps them to characters of
the original text through the tokenizer's offsets, and snaps the edges to whole words.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

O_TAG, B_TAG, I_TAG = 0, 1, 2

# Trimmed from span edges: gold spans rarely start or end on these.
_EDGE_TRIM = " \t\r\n\u00a0,;:"
_INNER = "-'’"
_OPENING = {"“": "”", "‘": "’", "«": "»", "„": "“", '"': '"', "(": ")"}
_CLOSING = {"”": "“", "’": "‘", "»": "«", ")": "(", '"': '"'}


_WORD = re.compile(r"[\w'’-]+")
_FUNCTION_WORDS = frozenset(
    "a an the of in on at to for from by with and or but as than that which who into onto "
    "upon is are was were be been its their his her".split()
)


def decode_bio(
    probs: npt.NDArray[np.float32], threshold: float = 0.5
) -> list[tuple[int, int, float]]:
    """Group tokens into spans from per-token (O, B, I) probabilities.

    A token is inside a span when P(B) + P(I) reaches ``threshold``; a new span starts
    after an outside token, or where P(B) beats P(I) (two spans that touch).

    Returns:
        ``(start token, end token exclusive, mean inside probability)`` triples.

    Example:
        >>> p = np.array([[.9, .05, .05], [.1, .8, .1], [.2, .1, .7], [.9, 0, .1]])
        >>> [(a, b, round(c, 2)) for a, b, c in decode_bio(p)]
        [(1, 3, 0.85)]
    """
    inside = probs[:, B_TAG] + probs[:, I_TAG]
    spans: list[tuple[int, int, float]] = []
    start = -1
    for t in range(len(probs)):
        if inside[t] >= threshold:
            begins = probs[t, B_TAG] > probs[t, I_TAG]
            if start >= 0 and begins:
                spans.append((start, t, float(inside[start:t].mean())))
                start = -1
            if start < 0:
                start = t
        elif start >= 0:
            spans.append((start, t, float(inside[start:t].mean())))
            start = -1
    if start >= 0:
        spans.append((start, len(probs), float(inside[start:].mean())))
    return spans


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Widen ``[start, end)`` to whole words, trim spaces and separators at the edges, and
    balance quotes: a quote whose partner sits just outside is taken in, one without a
    partner is dropped.

    Returns ``None`` when no letter or digit is left.

    Example:
        >>> snap_to_words("a shameful lie, again", 3, 15)
        (2, 14)
        >>> t = "he said ‘low hanging fruit’ today"
        >>> t[slice(*snap_to_words(t, 8, 26))]
        '‘low hanging fruit’'
    """
    start, end = max(0, start), min(len(text), end)
    while 0 < start < len(text) and _joined(text, start):
        start -= 1
    while 0 < end < len(text) and _joined(text, end):
        end += 1
    start, end = _trim(text, start, end)
    # Dropping a stray quote at one edge can leave one without a partner at the other,
    # so balance until nothing changes: snapping a snapped span then gives it back.
    for _ in range(8):
        balanced = _balance_quotes(text, start, end)
        if balanced == (start, end):
            break
        start, end = balanced
    if not any(c.isalnum() for c in text[start:end]):
        return None
    return start, end


def _balance_quotes(text: str, start: int, end: int) -> tuple[int, int]:
    """One round of quote balancing for :func:`snap_to_words`."""
    if (
        start < end
        and text[start] in _OPENING
        and _OPENING[text[start]] not in text[start + 1 : end]
    ):
        if end < len(text) and text[end] == _OPENING[text[start]]:
            end += 1
        else:
            start, end = _trim(text, start + 1, end)
    if (
        start < end
        and text[end - 1] in _CLOSING
        and _CLOSING[text[end - 1]] not in text[start : end - 1]
    ):
        if start > 0 and text[start - 1] == _CLOSING[text[end - 1]]:
            start -= 1
        else:
            start, end = _trim(text, start, end - 1)
    # A quote that opens after the last word, or closes before the first, belongs elsewhere.
    while end > start and text[end - 1] in _OPENING and text[end - 1] not in _CLOSING:
        start, end = _trim(text, start, end - 1)
    while start < end and text[start] in _CLOSING and text[start] not in _OPENING:
        start, end = _trim(text, start + 1, end)
    return start, end


def tidy_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """:func:`snap_to_words`, then drop the function words a span ends on ("in", "of",
    "and", ...): a tagger read at a low threshold runs on into the next word, and "a
    pitiful handful of" reads worse than "a pitiful handful" (on cross-validation the
    trimmed spans score alike).

    Example:
        >>> t = "a ‘bloodbath’ in the streets"
        >>> t[slice(*tidy_span(t, 2, 16))]
        '‘bloodbath’'
        >>> tidy_span("of", 0, 2)  # a span of function words alone stays
        (0, 2)
    """
    snapped = snap_to_words(text, start, end)
    if snapped is None:
        return None
    words = list(_WORD.finditer(text, *snapped))
    last = len(words)
    while last > 1 and words[last - 1].group().lower() in _FUNCTION_WORDS:
        last -= 1
    if last == len(words):
        return snapped
    return snap_to_words(text, snapped[0], words[last - 1].end())


def _joined(text: str, i: int) -> bool:
    """Whether a cut between ``text[i - 1]`` and ``text[i]`` would split a word; hyphens
    and apostrophes inside a word (counter-offensive, Guaido's) hold it together."""
    left, right = text[i - 1], text[i]
    if left.isalnum() and right.isalnum():
        return True
    if right in _INNER and left.isalnum():
        return i + 1 < len(text) and text[i + 1].isalnum()
    if left in _INNER and right.isalnum():
        return i >= 2 and text[i - 2].isalnum()
    return False


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _EDGE_TRIM:
        start += 1
    while end > start and text[end - 1] in _EDGE_TRIM:
        end -= 1
    return start, end


def split_at_line_breaks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cut ``[start, end)`` at line breaks: a technique rarely runs across paragraphs.

    Example:
        >>> split_at_line_breaks("Title\\n\\nBody text", 0, 11)
        [(0, 5), (7, 11)]
    """
    parts = []
    a = start
    while a < end:
        cut = text.find("\n", a, end)
        b = end if cut < 0 else cut
        if b > a:
            parts.append((a, b))
        a = b + 1
    return parts


def token_span_to_chars(
    offsets: Sequence[tuple[int, int]], start: int, end: int
) -> tuple[int, int]:
    """Map token range ``[start, end)`` to the character range it covers.

    Example:
        >>> token_span_to_chars([(0, 3), (4, 9), (10, 12)], 1, 3)
        (4, 12)
    """
    return offsets[start][0], offsets[end - 1][1]


def chars_to_token_span(
    offsets: Sequence[tuple[int, int]], start: int, end: int
) -> tuple[int, int] | None:
    """The tokens that share at least one character with ``[start, end)``.

    Example:
        >>> chars_to_token_span([(0, 3), (4, 9), (10, 12)], 5, 11)
        (1, 3)
    """
    # Token offsets are sorted and disjoint, so both edges are a binary search away.
    first = bisect_right(offsets, start, key=lambda o: o[1])
    last = bisect_left(offsets, end, key=lambda o: o[0])
    return (first, last) if first < last else None


def merge_overlapping(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merge spans that share a character; spans that only touch stay apart.

    Example:
        >>> merge_overlapping([(5, 9), (0, 3), (3, 6)])
        [(0, 3), (3, 9)]
    """
    merged: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if merged and a < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def join_nearby(text: str, spans: Sequence[tuple[int, int]], gap: int) -> list[tuple[int, int]]:
    """Merge overlapping spans and join those of one line at most ``gap`` characters apart.

    Span identification uses this: annotated passages are often whole clauses in which
    the tagger marks several pieces.

    Example:
        >>> join_nearby("bad, worse\\nworst", [(0, 3), (5, 10), (11, 16)], 3)
        [(0, 10), (11, 16)]
    """
    joined: list[tuple[int, int]] = []
    for start, end in merge_overlapping(spans):
        if joined and start - joined[-1][1] <= gap and "\n" not in text[joined[-1][1] : start]:
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined
