"""What goes into a results store: an article, its analysis and the time taken, or an
input that could not be analyzed."""

from __future__ import annotations

from dataclasses import dataclass

from .._pipeline import Analysis


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
    """An article and its analysis, ready to store."""

    article: ArticleRecord
    analysis: Analysis
    seconds: float


@dataclass(frozen=True)
class Failure:
    """An input that could not be analyzed, and why."""

    location: str
    reason: str
    key: str | None = None
