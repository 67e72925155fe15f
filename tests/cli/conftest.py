"""Running ``spinscope`` in-process: with the shipped model (``run``) or a fake one
(``fake_run``, through the one place commands load a model)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from typer.testing import CliRunner, Result

from spinscope._cli import app

from ..conftest import ROOT
from ..fakes import fake_model

EXAMPLE = ROOT / "examples" / "harbour-bridge.txt"

Run = Callable[..., Result]


def _runner() -> Run:
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        result = runner.invoke(app, list(args), input=input)
        assert "Traceback" not in result.output
        assert not isinstance(result.exception, Exception) or isinstance(
            result.exception, SystemExit
        ), result.exception
        return result

    return invoke


@pytest.fixture()
def run() -> Run:
    """``spinscope ARGS`` with the shipped model."""
    return _runner()


@pytest.fixture()
def fake_run(monkeypatch: pytest.MonkeyPatch) -> Run:
    """``spinscope ARGS`` with the fake model of :mod:`tests.fakes`."""
    monkeypatch.setattr("spinscope._cli._util.load_model", lambda _path: fake_model())
    return _runner()
