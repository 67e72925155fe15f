"""How the web app runs: limits, concurrency and the results store it serves."""

from __future__ import annotations

from dataclasses import dataclass, field

from .._ingest import FetchPolicy


@dataclass(frozen=True)
class ServeConfig:
    """How the web app runs.

    Attributes:
        max_bytes: Largest text (or uploaded file) analyzed, in bytes.
        fetch: Limits of fetching articles by URL.
        concurrency: Analyses run at once; more wait their turn. One analysis already
            keeps both cores busy, and each running analysis holds its own buffers, so
            more than one only adds memory.
        db: A results store (SQLite file or ``postgresql://`` URL) to serve the corpus
            view and dashboard of; without one those pages answer 404.
    """

    max_bytes: int = 2_000_000
    concurrency: int = 1
    fetch: FetchPolicy = field(default_factory=FetchPolicy)
    db: str | None = None
