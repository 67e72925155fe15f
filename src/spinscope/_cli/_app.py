"""The ``spinscope`` typer app: one command per module of this package, registered here
in the order ``--help`` lists them, each wrapped by :func:`._util.handle_errors` (a
:class:`SpinscopeError` becomes a one-line message and its exit code, never a traceback).
"""

from __future__ import annotations

import typer

from ._agreement import agreement
from ._analyze import analyze
from ._attributions import attributions
from ._batch import batch
from ._classify import classify
from ._compare import compare
from ._evaluate import evaluate
from ._export import export
from ._import import import_
from ._queue import queue
from ._report import report
from ._serve import serve
from ._techniques import techniques
from ._train import train
from ._util import handle_errors

app = typer.Typer(
    name="spinscope",
    help="Find and name propaganda techniques in news articles, offline.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

COMMANDS = (
    analyze,
    attributions,
    compare,
    techniques,
    classify,
    evaluate,
    train,
    batch,
    serve,
    report,
    export,
    import_,
    queue,
    agreement,
)

for command in COMMANDS:
    # ``import_``: a command may not be called by a Python keyword.
    app.command(name=command.__name__.rstrip("_"))(handle_errors(command))


def main() -> None:
    """Entry point of the ``spinscope`` script."""
    app()
