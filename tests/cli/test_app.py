"""The typer app: its commands, their ``--format`` choices from the registries, and errors."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner, Result

from spinscope._cli import app
from spinscope._cli._util import handle_errors
from spinscope._errors import StoreError
from spinscope._formats import ATTRIBUTION_FORMATS, FORMATS
from spinscope._reports import (
    AGREEMENT_FORMATS,
    CHART_FORMATS,
    QUEUE_FORMATS,
    REPORT_FORMATS,
)

COMMANDS = [
    "analyze",
    "attributions",
    "techniques",
    "classify",
    "evaluate",
    "train",
    "batch",
    "serve",
    "report",
    "export",
    "import",
    "queue",
    "agreement",
]


def wide(*args: str) -> Result:
    """``spinscope ARGS`` on a terminal wide enough that help lines do not wrap."""
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "250"})


def test_every_command_is_listed_in_order() -> None:
    lines = wide("--help").stdout.splitlines()
    listed = [line.split()[1] for line in lines if line.startswith("│ ") and "  " in line[2:]]
    assert [name for name in listed if name in COMMANDS] == COMMANDS


@pytest.mark.parametrize(
    ("command", "names"),
    [
        ("analyze", FORMATS.names("analyze")),
        ("attributions", ATTRIBUTION_FORMATS.names("attributions")),
        ("export", FORMATS.names("export")),
        ("report", REPORT_FORMATS.names("report")),
        ("queue", list(QUEUE_FORMATS)),
        ("agreement", list(AGREEMENT_FORMATS)),
    ],
)
def test_every_offered_format_is_named_in_the_help(command: str, names: list[str]) -> None:
    text = wide(command, "--help").stdout
    assert names and all(name in text for name in names)


def test_analyze_help_lists_the_registry() -> None:
    names = "text, json, semeval, si, html, label-studio, doccano, brat or inception."
    assert names in " ".join(wide("analyze", "--help").stdout.split())


def test_choices_come_from_the_registries() -> None:
    export = wide("export", "-f", "xml").stderr
    assert "'xml' is not one of 'jsonl', 'csv', 'semeval', 'label-studio'," in export
    report = wide("report", "-f", "xml").stderr
    assert "'xml' is not one of 'table', 'csv', 'json'." in report
    charts = wide("report", "--chart-format", "gif").stderr
    assert f"'gif' is not one of {', '.join(map(repr, CHART_FORMATS))}." in charts


def test_errors_are_one_line_and_their_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    def broken() -> None:
        raise StoreError("x.db: cannot read")

    with pytest.raises(typer.Exit) as info:
        handle_errors(broken)()
    assert info.value.exit_code == StoreError.exit_code
    assert capsys.readouterr().err == "error: x.db: cannot read\n"
