"""SECURITY.md promises what the server does: every option it names exists on
``spinscope serve``, and the limits it quotes are the defaults in the code."""

from __future__ import annotations

import re

import typer

from spinscope._cli._app import app
from spinscope._ingest import FetchPolicy
from spinscope._web import ServeConfig

from ..conftest import ROOT

DOC = (ROOT / "SECURITY.md").read_text(encoding="utf-8")


def serve_options() -> set[str]:
    # Typer's own click: the group is duck-typed rather than a click.Group.
    commands = getattr(typer.main.get_command(app), "commands", {})
    params = commands["serve"].params
    return {name for p in params for name in getattr(p, "opts", [])}


def test_every_option_security_md_names_exists_on_serve() -> None:
    named = set(re.findall(r"`(--[a-z][a-z-]*)", DOC))
    assert {"--token", "--allow-host", "--allow-private-urls", "--insecure-no-token"} <= named
    assert named - serve_options() == set()


def test_the_limits_security_md_quotes_are_the_defaults() -> None:
    config, policy = ServeConfig(), FetchPolicy()
    assert f"listens on `{config.host}:8000`" in DOC
    assert f"({policy.timeout:.0f} s by default)" in DOC
    assert f"At most {policy.max_bytes // 1_000_000} MB of body is read" in DOC
    assert f"at most {config.queries} corpus searches" in DOC
    assert "`SPINSCOPE_TOKEN`" in DOC and "Report a vulnerability" in DOC
