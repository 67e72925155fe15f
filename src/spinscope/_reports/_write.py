"""``spinscope report``'s formats, a tiny second registry beside the analysis formats of
:mod:`spinscope._formats` (same :class:`Format`, written items are :class:`Report` s):
``table`` (terminal tables), ``csv`` (tidy, or a file per section into a folder) and
``json``. Adding a report format is one entry in :data:`REPORT_FORMATS`.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .._errors import InputError
from .._formats import Format, Registry, Target
from ._csv import write_csv, write_csv_folder
from ._terminal import print_report

if TYPE_CHECKING:
    from rich.console import Console

    from .._store import Report


def report_json(report: Report) -> str:
    """``report`` as indented JSON (:meth:`Report.to_dict`)."""
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"


def _table_writer(target: Target) -> Callable[[Report], None]:
    if target.console is not None:
        console = target.console
    else:
        from rich.console import Console

        console = Console(file=target.stream, width=120, soft_wrap=False, markup=False)
    return lambda report: print_report(report, console)


def _csv_writer(target: Target) -> Callable[[Report], int]:
    return lambda report: write_csv(report, target.stream)


def _json_writer(target: Target) -> Callable[[Report], int]:
    return lambda report: target.stream.write(report_json(report))


REPORT_FORMATS: Registry[Report] = Registry(
    [
        Format(
            "table",
            "text/plain",
            "txt",
            "Terminal tables: overview, techniques, sources and months, coverage, top articles.",
            _table_writer,
            commands=("report",),
        ),
        Format(
            "csv",
            "text/csv",
            "csv",
            "Every figure, a row each with its section (tidy), or a file per section.",
            _csv_writer,
            commands=("report",),
            folder=write_csv_folder,
        ),
        Format(
            "json",
            "application/json",
            "json",
            "Every section of the report as one JSON object.",
            _json_writer,
            commands=("report",),
        ),
    ]
)


def write_report(report: Report, fmt: str, output: str | None, console: Console) -> list[Path]:
    """Print ``report`` in the format called ``fmt`` on ``console`` or write it to
    ``output``; the files written.

    ``output`` is a file, or, for a format with a folder form (CSV), a folder (an existing
    one, or a path ending in ``/``) that gets one file per section. It is a string because
    ``Path`` would drop the trailing ``/`` that asks for a folder.

    Raises:
        InputError: for an unknown format or an unwritable ``output``.
    """
    form = REPORT_FORMATS.get(fmt, "report")
    if output is None:
        form.writer(Target(sys.stdout, console))(report)
        return []
    path = Path(output).expanduser()
    if form.folder is not None and (path.is_dir() or output.endswith(("/", os.sep))):
        return form.folder(report, path)
    try:
        with path.open("w", encoding="utf-8", newline="") as handle:
            form.writer(Target(handle))(report)
    except OSError as exc:
        raise InputError(f"{output}: cannot write ({exc.strerror})") from None
    return [path]
