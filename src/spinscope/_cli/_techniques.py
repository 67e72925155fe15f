"""``spinscope techniques``: the 14 techniques as a table or JSON."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from .._techniques import TECHNIQUES, techniques_json
from . import _util


def techniques_table() -> Table:
    """The 14 techniques with definition and example, as a rich table."""
    table = Table(title="The 14 propaganda techniques (SemEval-2020 Task 11)", show_lines=True)
    table.add_column("technique")
    table.add_column("label")
    table.add_column("definition", ratio=2)
    table.add_column("example", ratio=2)
    for t in TECHNIQUES:
        # Text cells: the consoles print with markup off (see _util.consoles).
        swatch = Text.assemble(("██", t.color), f" {t.title}")
        table.add_row(swatch, t.name, t.definition, f"“{t.example}”")
    return table


def techniques(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the 14 techniques with a definition and an example each."""
    console, _ = _util.consoles()
    if as_json:
        console.out(json.dumps(techniques_json(), indent=2, ensure_ascii=False), highlight=False)
    else:
        console.print(techniques_table())
