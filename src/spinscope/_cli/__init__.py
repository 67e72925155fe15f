"""The ``spinscope`` command line: a thin typer layer over library calls."""

from ._app import app, main

__all__ = ["app", "main"]
