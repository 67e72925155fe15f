"""Running the CLI in-process for tests, with a check that nothing ends in a traceback."""

from __future__ import annotations

from typer.testing import CliRunner, Result

from spinscope._cli import app


def invoke(*args: str, input: str | None = None) -> Result:
    """Run ``spinscope ARGS``; fails the test on a traceback or an unexpected exception."""
    result = CliRunner().invoke(app, list(args), input=input)
    assert "Traceback" not in result.output + result.stderr
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    return result
