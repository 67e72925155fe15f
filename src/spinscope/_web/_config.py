"""How the web app runs: limits, concurrency, who may call it and the results store it
serves."""

from __future__ import annotations

from dataclasses import dataclass, field

from .._ingest import FetchPolicy


@dataclass(frozen=True)
class ServeConfig:
    """How the web app runs.

    Attributes:
        max_bytes: Largest text (or uploaded file) analyzed, in bytes.
        fetch: Limits of fetching articles by URL.
        concurrency: Model runs at once (each a :meth:`Model.pipe` over a batch of the
            waiting analyses; see :mod:`._analyzer`); they share the model's encoder
            threads, so with two, one is decoded while the other is encoded.
        queue: Requests that may wait for a run; a request beyond them gets a 503 with
            ``Retry-After`` at once.
        fetches: URL fetches run at once; one more gets a 503 with ``Retry-After``, so
            slow sites cannot take every worker thread.
        queries: Corpus searches and dashboard reports run at once; another waits up to
            2 s for a slot, then gets a 503 with ``Retry-After``.
        db: A results store (SQLite file or ``postgresql://`` URL) to serve the corpus
            view and dashboard of; without one those pages answer 404.
        host: The address the server is bound to; a request may name it in ``Host``.
        allowed_hosts: More names a request's ``Host`` header may carry (besides
            ``host``, ``localhost``, ``127.0.0.1`` and ``[::1]``, with any port); any
            other name gets a 400, so a DNS-rebinding page cannot reach the server.
        token: When set, every route but the static assets and health needs it, as
            ``Authorization: Bearer TOKEN`` or the cookie set by visiting ``/?token=TOKEN``.
    """

    max_bytes: int = 2_000_000
    concurrency: int = 2
    queue: int = 16
    fetches: int = 4
    queries: int = 4
    fetch: FetchPolicy = field(default_factory=FetchPolicy)
    db: str | None = None
    host: str = "127.0.0.1"
    allowed_hosts: tuple[str, ...] = ()
    token: str | None = field(default=None, repr=False)
