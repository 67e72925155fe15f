"""``spinscope serve``: the web app and JSON API."""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

from .._errors import InputError
from . import _util

# Token characters that need no quoting in a cookie, a header or a query string.
TOKEN_CHARS = re.compile(r"[A-Za-z0-9._~+/=-]+")


def is_loopback(host: str) -> bool:
    """Whether binding ``host`` keeps the server on this machine.

    Example:
        >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0")
        (True, True, False)
    """
    if host.lower().removesuffix(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def server_token(host: str, token: str | None, insecure: bool) -> str | None:
    """The token the server requires (``--token``, else ``SPINSCOPE_TOKEN``).

    Raises:
        InputError: for a server off loopback without a token (unless ``insecure``), or
            a token with characters a cookie cannot carry.
    """
    from .._settings import Settings

    token = token or Settings.from_env().token
    if token is not None and not TOKEN_CHARS.fullmatch(token):
        raise InputError("--token: use letters, digits and ._~+/=- only")
    if token is None and not is_loopback(host) and not insecure:
        raise InputError(f"--host {host} is not loopback: give --token or --insecure-no-token")
    return token


AllowPrivateOption = Annotated[
    bool,
    typer.Option(
        "--allow-private-urls",
        help="Also fetch URLs on loopback and private networks (intranets); "
        "cloud metadata addresses stay refused.",
    ),
]
FetchTimeoutOption = Annotated[
    float, typer.Option(help="Seconds to fetch a URL, DNS and redirects included.")
]
AllowHostOption = Annotated[
    list[str] | None,
    typer.Option(
        "--allow-host",
        help="Also accept requests whose Host header names this (repeatable); "
        "by default only the bound host, localhost, 127.0.0.1 and [::1].",
    ),
]
TokenOption = Annotated[
    str | None,
    typer.Option(
        help="Require this token (Authorization: Bearer TOKEN, or open /?token=TOKEN "
        "once in the browser); default: SPINSCOPE_TOKEN.",
        show_default=False,
    ),
]
InsecureOption = Annotated[
    bool,
    typer.Option(
        "--insecure-no-token", help="Serve beyond loopback without a token (not advised)."
    ),
]
DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Also serve the corpus view and dashboard of this results store "
        "(a SQLite file or a postgresql://... URL filled by spinscope batch).",
    ),
]


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    max_bytes: Annotated[int, typer.Option(help="Largest text analyzed, in bytes.")] = 2_000_000,
    allow_private_urls: AllowPrivateOption = False,
    fetch_timeout: FetchTimeoutOption = 10.0,
    concurrency: Annotated[
        int, typer.Option(help="Model runs at once; waiting analyses join the next run as a batch.")
    ] = 2,
    queue: Annotated[
        int, typer.Option(help="Analyses that may wait; beyond them requests get 503.")
    ] = 16,
    fetches: Annotated[
        int, typer.Option(help="URL fetches run at once; beyond them requests get 503.")
    ] = 4,
    allow_host: AllowHostOption = None,
    token: TokenOption = None,
    insecure_no_token: InsecureOption = False,
    db: DbOption = None,
    model: _util.ModelOption = None,
) -> None:
    """Start the web app and JSON API (open http://HOST:PORT in a browser)."""
    import uvicorn

    from .._ingest import FetchPolicy
    from .._web import ServeConfig, create_app

    # Checked before the model loads: a refused start is immediate.
    required = server_token(host, token, insecure_no_token)
    # --host is the user's string: printed as given, never read as markup.
    err = Console(stderr=True, markup=False)
    if required is None and not is_loopback(host):
        warning = (
            f" serving on {host} without a token: anyone who can reach this port can use "
            "the analyzer, fetch URLs through it and read the store"
        )
        err.print(Text.assemble(("WARNING:", "bold red"), warning), highlight=False)
    policy = FetchPolicy(allow_private=allow_private_urls, timeout=fetch_timeout)
    config = ServeConfig(
        max_bytes=max_bytes,
        fetch=policy,
        concurrency=concurrency,
        queue=queue,
        fetches=fetches,
        db=db,
        host=host,
        allowed_hosts=tuple(allow_host or ()),
        token=required,
    )
    # A bad --db is a StoreError: one line and exit code 5 (see _util.handle_errors).
    web = create_app(_util.load_model(model), config)
    shown = f"http://{host}:{port}"
    pages = f" (corpus: {shown}/corpus, dashboard: {shown}/dashboard)" if db else ""
    login = "; open /?token=TOKEN once in the browser" if required else ""
    err.print(f"spinscope is serving on {shown}{pages}{login}", highlight=False)
    uvicorn.run(web, host=host, port=port, log_level="warning")
