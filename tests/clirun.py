"""Running the CLI in-process for tests, with a check that nothing ends in a traceback."""

from __future__ import annotations

from typer.testing import CliRunner

from spinscope._cli._app import app


def invoke(*args: str):
    """Run ``spinscope ARGS``; fails the test on a traceback or an unexpected exception."""
    result = CliRunner().invoke(app, list(args))
    assert "Traceback" not in result.output + result.stderr
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    return result
