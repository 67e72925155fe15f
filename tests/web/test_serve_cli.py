"""``spinscope serve`` off loopback: refused without a token (one line, exit code 2),
served with one (``--token`` or ``SPINSCOPE_TOKEN``), or with a loud warning under
``--insecure-no-token``. uvicorn is replaced, so nothing listens."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from typer.testing import CliRunner

from spinscope._cli import _util
from spinscope._cli._app import app as cli
from spinscope._settings import Settings
from spinscope._web import ServeConfig

from ..fakes import fake_model


@pytest.fixture()
def served(monkeypatch: pytest.MonkeyPatch) -> list[FastAPI]:
    """The apps ``serve`` would have run; the fake model stands in for the shipped one."""
    apps: list[FastAPI] = []
    monkeypatch.setattr(_util, "load_model", lambda path: fake_model())
    monkeypatch.setattr("uvicorn.run", lambda app, **kwargs: apps.append(app))
    monkeypatch.delenv("SPINSCOPE_TOKEN", raising=False)
    return apps


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, ["serve", *args])


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.5", "myhost"])
def test_serving_beyond_loopback_without_a_token_is_refused(
    served: list[FastAPI], host: str
) -> None:
    result = run("--host", host)
    assert result.exit_code == 2
    assert "--token" in result.output and "--insecure-no-token" in result.output
    # One message (a narrow terminal may wrap it), never a traceback.
    assert result.output.startswith("error:") and result.output.count("error") == 1
    assert "Traceback" not in result.output
    assert served == []


def test_a_token_from_the_option_or_the_environment_is_required(
    served: list[FastAPI], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("--host", "0.0.0.0", "--token", "opt-token", "--allow-host", "a.lan").exit_code == 0
    config: ServeConfig = served[-1].state.config
    assert (config.token, config.host, config.allowed_hosts) == ("opt-token", "0.0.0.0", ("a.lan",))
    monkeypatch.setenv("SPINSCOPE_TOKEN", "env-token")
    assert run("--host", "0.0.0.0").exit_code == 0
    assert served[-1].state.config.token == "env-token"


def test_insecure_no_token_serves_with_a_loud_warning(served: list[FastAPI]) -> None:
    result = run("--host", "0.0.0.0", "--insecure-no-token")
    assert result.exit_code == 0 and "WARNING" in result.output
    assert served[-1].state.config.token is None


def test_loopback_needs_no_token(served: list[FastAPI]) -> None:
    for host in ["127.0.0.1", "localhost", "::1"]:
        result = run("--host", host)
        assert result.exit_code == 0 and "WARNING" not in result.output
    assert len(served) == 3


def test_a_token_a_cookie_cannot_carry_is_refused(served: list[FastAPI]) -> None:
    result = run("--token", "a b;c")
    assert result.exit_code == 2 and served == []


def test_the_token_setting_is_read_but_never_shown() -> None:
    settings = Settings.from_env({"SPINSCOPE_TOKEN": "hidden-value"})
    assert settings.token == "hidden-value"
    assert "hidden-value" not in repr(settings)
