"""User strings are never rich markup (issue 13, item 10): file names, messages quoting
them, article text and stored sources and titles print exactly as they are."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

from spinscope._batch import BatchSummary, print_summary
from spinscope._store import Failure, Store
from tests.clirun import invoke

from ..storedata import ARTICLES, result
from .conftest import Run

NAME = "[bold red]hi[/bold red].txt"
TEXT = "[b]Vile[/b] liars. The traitors lied again, and the city shrugged. Rise up now!\n"


@pytest.fixture()
def wide(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A wide terminal (nothing cut by an ellipsis) in an empty folder."""
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_missing_file_with_brackets_is_a_message_not_a_markup_error(
    fake_run: Run, wide: Path
) -> None:
    result = fake_run("analyze", "nope[/x].txt")
    assert result.exit_code == 2
    assert "error: nope[/x].txt: no such file" in result.output


def test_a_file_named_like_markup_prints_its_own_name(fake_run: Run, wide: Path) -> None:
    # The "/" of "[/bold red]" makes it a folder "[bold red]hi[" and a file in it.
    (wide / NAME).parent.mkdir()
    (wide / NAME).write_text(TEXT)
    (wide / "[red]empty[").mkdir()
    (wide / "[red]empty[/].txt").write_text("")
    shown = fake_run("analyze", NAME, "--threshold", "0")
    assert shown.exit_code == 0
    assert NAME in shown.stdout and "[b]Vile[/b]" in shown.stdout
    fake_run("analyze", NAME, "-o", "out.txt", "--threshold", "0")
    written = (wide / "out.txt").read_text()
    assert NAME in written and "[b]Vile[/b]" in written
    failed = fake_run("analyze", NAME, "[red]empty[/].txt")
    assert failed.exit_code == 1
    assert "error: [red]empty[/].txt: is empty" in failed.output


def test_report_tables_show_stored_sources_and_titles_as_they_are(
    store: Store, db_url: str, wide: Path
) -> None:
    record, spans = ARTICLES[0]
    odd = record.__class__("k", record.text, "[i]Liars[/i]", "[bold]Planet[/bold]")
    run = store.start_run("[m]", "local", 1, ["x"])
    store.save(run, [result(odd, spans, "[m]")])
    shown = invoke("report", "--db", db_url)
    assert shown.exit_code == 0, shown.output
    assert "[bold]Planet[/bold]" in shown.stdout and "[i]Liars[/i]" in shown.stdout
    assert "by model [m]" in shown.stdout


def test_the_batch_summary_prints_names_as_they_are() -> None:
    console = Console(record=True, width=200, markup=True)
    summary = BatchSummary(3, "m", analyzed=1, failed=1, status="finished", abandoned=[2])
    summary.failures.append(Failure("[red]x[/red].txt", "is empty"))
    print_summary(console, summary)
    text = console.export_text()
    assert "[red]x[/red].txt: is empty" in text and "run 3 finished" in text
    assert "marked run(s) 2 abandoned" in text
