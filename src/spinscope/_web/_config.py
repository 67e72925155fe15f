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
        concurrency: Analyses run at once; they share the model's encoder threads, so
            with two, one is decoded while the other is encoded.
        queue: Analyses that may wait for a slot; a request beyond them gets a 503 with
            ``Retry-After`` at once.
        db: A results store (SQLite file or ``postgresql://`` URL) to serve the corpus
            view and dashboard of; without one those pages answer 404.
    """

    max_bytes: int = 2_000_000
    concurrency: int = 2
    queue: int = 16
    fetch: FetchPolicy = field(default_factory=FetchPolicy)
    db: str | None = None
