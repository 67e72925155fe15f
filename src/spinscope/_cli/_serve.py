"""``spinscope serve``: the web app and JSON API."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from . import _util


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    max_bytes: Annotated[int, typer.Option(help="Largest text analyzed, in bytes.")] = 2_000_000,
    allow_private_urls: Annotated[
        bool,
        typer.Option(
            "--allow-private-urls",
            help="Also fetch URLs on loopback and private networks (intranets).",
        ),
    ] = False,
    fetch_timeout: Annotated[float, typer.Option(help="Seconds to fetch a URL.")] = 10.0,
    concurrency: Annotated[int, typer.Option(help="Analyses run at once (others queue).")] = 2,
    queue: Annotated[
        int, typer.Option(help="Analyses that may wait; beyond them requests get 503.")
    ] = 16,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Also serve the corpus view and dashboard of this results store "
            "(a SQLite file or a postgresql://... URL filled by spinscope batch).",
        ),
    ] = None,
    model: _util.ModelOption = None,
) -> None:
    """Start the web app and JSON API (open http://HOST:PORT in a browser)."""
    import uvicorn

    from .._ingest import FetchPolicy
    from .._web import ServeConfig, create_app

    policy = FetchPolicy(allow_private=allow_private_urls, timeout=fetch_timeout)
    config = ServeConfig(
        max_bytes=max_bytes, fetch=policy, concurrency=concurrency, queue=queue, db=db
    )
    # A bad --db is a StoreError: one line and exit code 5 (see _util.handle_errors).
    web = create_app(_util.load_model(model), config)
    shown = f"http://{host}:{port}"
    pages = f" (corpus: {shown}/corpus, dashboard: {shown}/dashboard)" if db else ""
    Console(stderr=True).print(f"spinscope is serving on {shown}{pages}", highlight=False)
    uvicorn.run(web, host=host, port=port, log_level="warning")
