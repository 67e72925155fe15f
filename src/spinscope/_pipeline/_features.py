"""What the span classifier sees besides the encoder: article-level span features and pooling.

The encoder reads one window at a time, so it cannot know that a phrase recurs five
times in the article (Repetition) or that the span is the headline. These features add
that, and the pooling turns a span's token states into one vector. Training (torch) and
inference (numpy) both call these functions, so the two paths cannot drift apart.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt

N_FEATURES = 11
# Phrase counts in a text longer than 50,000 characters (one piece, see Settings.piece_chars)
# look this far either side of the span: every training article (at most 48,292
# characters) is counted whole, and a 5 MB text scans 50 kB a candidate, not 200 kB (the
# scans were 9 of its 75 seconds).
COUNT_RADIUS = 25_000

WORD = re.compile(r"\w+", re.UNICODE)
_STOP = frozenset(
    "the a an and or of to in on for with at by from is are was were be been it its this "
    "that these those as not no but he she they we you i his her their our your".split()
)
_STEM = 5  # words compared by their first letters: "immigrants" and "immigration" agree
_QUOTES = "\"“”„«»'‘’"


def content_stems(text: str) -> list[str]:
    """The stems of ``text``'s words, stop words dropped.

    Example:
        >>> content_stems("The immigrants and immigration")
        ['immig', 'immig']
    """
    return [w[:_STEM] for w in WORD.findall(text.lower()) if w not in _STOP]


@dataclass(frozen=True)
class Stems:
    """An article's content words, stemmed, in order, and where each starts.

    Example:
        >>> Stems.of("Lock her up! Lock her up!").count(["lock", "up"], 0, 100)
        2
    """

    words: tuple[str, ...]
    starts: npt.NDArray[np.int64]  # character offset of each word in the article
    counts: Counter[str] = field(repr=False)

    @classmethod
    def of(cls, text: str) -> Stems:
        words, starts = [], []
        for m in WORD.finditer(text.lower()):
            if m.group() not in _STOP:
                words.append(m.group()[:_STEM])
                starts.append(m.start())
        return cls(tuple(words), np.asarray(starts, dtype=np.int64), Counter(words))

    @cached_property
    def _where(self) -> dict[str, npt.NDArray[np.int64]]:
        """The word positions of each stem, in order."""
        where: dict[str, list[int]] = {}
        for i, stem in enumerate(self.words):
            where.setdefault(stem, []).append(i)
        return {stem: np.asarray(at, dtype=np.int64) for stem, at in where.items()}

    def count(self, key: list[str], near: int, radius: int) -> int:
        """Occurrences of the stem sequence ``key`` among the words that start within
        ``radius`` characters of ``near`` (back-to-back ones each count).

        Only the places of ``key``'s first stem are compared, so a count costs what the
        rarer first stem costs, not a scan of the window.
        """
        if not key:
            return 0
        first, after = np.searchsorted(self.starts, [near - radius, near + radius + 1])
        at = self._where.get(key[0])
        if at is None:
            return 0
        lo, hi = np.searchsorted(at, [first, after - len(key) + 1])
        words, target, n, found, free = self.words, tuple(key), len(key), 0, 0
        for p in at[lo:hi].tolist():
            # Occurrences that overlap one counted before are not counted (as str.count).
            if p >= free and words[p : p + n] == target:
                found += 1
                free = p + n
        return found


@dataclass(frozen=True)
class ArticleIndex:
    """Article-wide counts that span features are computed against.

    Example:
        >>> ArticleIndex.build("Jobs. Jobs!").word_counts["jobs"]
        2
    """

    text: str
    lower: str
    word_counts: Counter[str] = field(repr=False)
    title_end: int

    def count(self, phrase: str, near: int) -> int:
        """Occurrences of a lower-cased ``phrase``; in very long texts, only within
        ``COUNT_RADIUS`` characters of ``near`` (no training article is that long, and
        counting over megabytes for every span would dominate the run time)."""
        if len(self.lower) <= 2 * COUNT_RADIUS:
            return self.lower.count(phrase)
        lo = max(0, near - COUNT_RADIUS)
        return self.lower.count(phrase, lo, near + COUNT_RADIUS)

    @cached_property
    def stems(self) -> Stems:
        """The article's content-word stems (built on first use, once)."""
        return Stems.of(self.text)

    @classmethod
    def build(cls, text: str) -> ArticleIndex:
        lower = text.lower()
        first_break = text.find("\n")
        return cls(
            text=text,
            lower=lower,
            word_counts=Counter(WORD.findall(lower)),
            title_end=len(text) if first_break < 0 else first_break,
        )


def span_features(index: ArticleIndex, start: int, end: int) -> npt.NDArray[np.float32]:
    """Describe the span ``text[start:end]`` by ``N_FEATURES`` numbers.

    Example:
        >>> f = span_features(ArticleIndex.build("Jobs, jobs, jobs!"), 0, 4)
        >>> round(float(f[0]), 3)  # log(1 + times the phrase occurs)
        1.386
    """
    text = index.text
    span = text[start:end]
    lower = index.lower[start:end]
    words = WORD.findall(lower)
    content = [w for w in words if len(w) >= 4] or words
    word_rep = max((index.word_counts[w] for w in content), default=1)
    letters = [c for c in span if c.isalpha()]
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_len = (len(text) if line_end < 0 else line_end) - line_start
    values = (
        math.log1p(index.count(lower, start) if lower.strip() else 1),
        math.log1p(word_rep),
        math.log1p(len(span)),
        math.log1p(len(words)),
        start / max(1, len(text)),
        1.0 if start < index.title_end else 0.0,
        1.0 if "!" in span else 0.0,
        1.0 if "?" in span else 0.0,
        1.0 if any(q in span for q in _QUOTES) else 0.0,
        sum(c.isupper() for c in letters) / max(1, len(letters)),
        len(span) / max(1, line_len),
    )
    return np.asarray(values, dtype=np.float32)


def window_context(
    hidden: npt.NDArray[np.float32], mask: npt.NDArray[np.int64]
) -> npt.NDArray[np.float32]:
    """The mean of one window's token states under its attention mask.

    Example:
        >>> h = np.arange(8, dtype=np.float32).reshape(4, 2)
        >>> window_context(h, np.array([1, 1, 1, 0])).tolist()
        [2.0, 3.0]
    """
    mean: npt.NDArray[np.float32] = hidden[mask.astype(bool)].mean(axis=0)
    return mean


def pool_span(
    hidden: npt.NDArray[np.float32],
    mask: npt.NDArray[np.int64],
    start: int,
    end: int,
    context: npt.NDArray[np.float32] | None = None,
) -> npt.NDArray[np.float32]:
    """Pool one window's token states for the span at window positions ``[start, end)``.

    The vector is ``[mean over span, max over span, mean over the window]``.

    Args:
        hidden: ``(tokens, hidden size)`` states of one window, special tokens included.
        mask: ``(tokens,)`` attention mask of that window.
        start: First span position in the window (special tokens counted).
        end: One past the last span position.
        context: The window's :func:`window_context`, when the caller pools several
            spans of one window (it copies the whole window, so compute it once).

    Example:
        >>> h = np.arange(8, dtype=np.float32).reshape(4, 2)
        >>> pool_span(h, np.array([1, 1, 1, 0]), 1, 3).tolist()
        [3.0, 4.0, 4.0, 5.0, 2.0, 3.0]
    """
    span = hidden[start:end]
    if context is None:
        context = window_context(hidden, mask)
    return np.concatenate([span.mean(axis=0), span.max(axis=0), context]).astype(np.float32)
