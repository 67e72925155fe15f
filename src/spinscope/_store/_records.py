"""What goes into a results store: an article, its analysis and the time taken, or an
input that could not be analyzed; and :func:`clean`, which every stored string and every
query parameter passes through.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from .._pipeline import Analysis, Span, Statement, Target

# PostgreSQL refuses NUL in text ("PostgreSQL text fields cannot contain NUL"), and SQLite's
# text functions stop at it; U+FFFD keeps the length, so span offsets stay right.
NUL = "\x00"
REPLACEMENT = "\ufffd"


def clean(value: str) -> str:
    """``value`` with every NUL character replaced by U+FFFD, as the store keeps it.

    Example:
        >>> clean("a\\x00b") == "a\\ufffdb"
        True
    """
    return value.replace(NUL, REPLACEMENT) if NUL in value else value


def content_key(content: str | bytes) -> str:
    """The key of an article without an id: a hash of its content (``batch`` gives it to
    an input without ``id``; ``import --db`` looks a labelled text up by it).

    Example:
        >>> content_key("Hello")[:15]
        'sha256:185f8db3'
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    return "sha256:" + hashlib.sha256(data).hexdigest()


def clean_optional(value: str | None) -> str | None:
    """:func:`clean` for a field that may be absent."""
    return None if value is None else clean(value)


@dataclass(frozen=True)
class ArticleRecord:
    """One input article, as stored.

    Attributes:
        key: The input's id, or ``sha256:<hex>`` of its content when it has none.
        text: The plain text that span offsets refer to.
        published: ``YYYY-MM-DD`` or ``None``.
    """

    key: str
    text: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: str | None = None


@dataclass(frozen=True)
class Result:
    """An article and its analysis, ready to store.

    ``location`` is where the article came from (``dump.jsonl:17``), for a failure to
    store it; its key stands in when unset.
    """

    article: ArticleRecord
    analysis: Analysis
    seconds: float
    location: str | None = None


@dataclass(frozen=True)
class Failure:
    """An input that could not be analyzed, and why."""

    location: str
    reason: str
    key: str | None = None


def stored_span(
    text: str,
    start: int,
    end: int,
    technique: str,
    confidence: float,
    voice: str | None = None,
    speaker: str | None = None,
    cue: str | None = None,
    target_start: int | None = None,
    target_end: int | None = None,
    target: str | None = None,
) -> Span:
    """A span read back from the store, with its voice and target as stored.

    The store keeps who says a span and the cue, not where the attribution's source and
    cue are, so an attributed span's attribution is rebuilt with the span itself as its
    content and no offsets for source and cue. The target is the mention at its stored
    offsets, with its stored name (none when the offsets are missing).

    Example:
        >>> s = stored_span("He lies.", 3, 7, "Doubt", 0.5, "attributed", "Ann Lee", "said")
        >>> s.voice, s.speaker, s.cue, s.attribution.content
        ('attributed', 'Ann Lee', 'said', ((3, 7),))
        >>> stored_span("Lee lies.", 4, 8, "Doubt", 0.5, None, None, None, 0, 3, "Ann Lee").target
        Target(start=0, end=3, text='Lee', name='Ann Lee')
    """
    aim = None
    if target_start is not None and target_end is not None and 0 <= target_start < target_end:
        aim = Target(target_start, target_end, text[target_start:target_end], target)
    said = None
    if voice == "attributed":
        said = Statement(((start, end),), None, None, speaker, text[start:end], cue)
    return Span(start, end, technique, confidence, said, target=aim)


def stored_attributions(
    found: Sequence[Span], voices: Sequence[str | None]
) -> tuple[Statement, ...] | None:
    """The attributions of a stored analysis with spans ``found`` whose stored voices are
    ``voices``: ``None`` (voice unknown) when none was stored, else the rebuilt ones.

    Example:
        >>> stored_attributions([Span(0, 4, "Doubt", 0.5)], [None]) is None
        True
        >>> stored_attributions([Span(0, 4, "Doubt", 0.5)], ["author"])
        ()
    """
    if all(v is None for v in voices):
        return None
    said = dict.fromkeys(s.attribution for s in found if s.attribution is not None)
    return tuple(sorted(said, key=lambda st: st.content))
