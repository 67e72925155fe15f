"""The terminal side of a batch run: a progress bar with articles/s and ETA, and a summary."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from ._run import BatchSummary
from ._run import Progress as OnProgress

SHOWN_FAILURES = 10


@contextmanager
def progress_bar(console: Console, total: int | None, enabled: bool = True) -> Iterator[OnProgress]:
    """A callback for :func:`run_batch` that draws a progress bar while the block runs.

    Example:
        >>> with progress_bar(Console(quiet=True), 3) as update:
        ...     update(BatchSummary(1, "m", analyzed=3, seconds=1.0))
    """
    if not enabled:
        yield lambda _s: None
        return
    bar = Progress(
        BarColumn(bar_width=16),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}/s"),
        TextColumn("[green]{task.fields[analyzed]} new[/]"),
        TextColumn("[dim]{task.fields[skipped]} done before[/]"),
        TextColumn("[red]{task.fields[failed]} failed[/]"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(compact=True),
        console=console,
        transient=False,
    )
    task = bar.add_task("batch", total=total, rate="-", analyzed=0, skipped=0, failed=0)

    def update(s: BatchSummary) -> None:
        bar.update(
            task,
            completed=s.seen,
            rate=f"{s.rate:.2f}",
            analyzed=f"{s.analyzed:,}",
            skipped=f"{s.skipped:,}",
            failed=f"{s.failed:,}",
        )

    with bar:
        yield update


def print_summary(console: Console, summary: BatchSummary) -> None:
    """The end-of-run summary: counts, speed and the first failures with their reasons.

    Nothing of the inputs (file names, reasons quoting them) is read as rich markup.
    """
    if summary.abandoned:
        runs = ", ".join(str(n) for n in summary.abandoned)
        console.print(
            f"marked run(s) {runs} abandoned: still 'running', but their process is gone",
            highlight=False,
            markup=False,
        )
    style = {"finished": "green", "interrupted": "yellow"}.get(summary.status, "red")
    console.print(Text(summary.line(), style=style), highlight=False, soft_wrap=True)
    if summary.failures:
        console.print("failed:", highlight=False)
        for f in summary.failures[:SHOWN_FAILURES]:
            console.print(
                f"  {f.location}: {f.reason}", highlight=False, markup=False, soft_wrap=True
            )
        if summary.failed > SHOWN_FAILURES:
            console.print(
                f"  … and {summary.failed - SHOWN_FAILURES:,} more (all in the store's "
                f"failures table, run {summary.run_id})",
                highlight=False,
            )
    if summary.status == "interrupted":
        console.print("Run the same command again to resume.", highlight=False)
