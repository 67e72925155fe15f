"""What goes into a results store: an article, its analysis and the time taken, or an
input that could not be analyzed; and :func:`clean`, which every stored string and every
query parameter passes through.
"""

from __future__ import annotations

from dataclasses import dataclass

from .._pipeline import Analysis

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
