"""What the analysis formats write: an analysis and where it came from."""

from __future__ import annotations

from dataclasses import dataclass

from .._pipeline import Analysis


@dataclass(frozen=True)
class Stored:
    """What a results store holds about an article besides its analysis.

    Attributes:
        title: The article's title, if known.
        publisher: The outlet it appeared in (the store's ``source``), if known.
        url: Where it was published, if known.
        published: ``YYYY-MM-DD``, if known.
        analyzed_at: When the analysis was stored (ISO 8601).
    """

    title: str | None = None
    publisher: str | None = None
    url: str | None = None
    published: str | None = None
    analyzed_at: str | None = None


@dataclass(frozen=True)
class Record:
    """One analysis to write.

    ``spinscope analyze`` makes one per input, ``spinscope export`` one per stored
    analysis (whose :class:`Analysis` then has the stored spans and figures, but no
    sentences or passages), and the web app one per request.

    Attributes:
        source: Where it came from: a file path, ``<stdin>``, a URL or a stored key.
        article_id: Its SemEval article id (the first column of ``semeval`` lines).
        analysis: What was found.
        stored: What a results store adds, for a stored analysis.
    """

    source: str
    article_id: str
    analysis: Analysis
    stored: Stored | None = None
