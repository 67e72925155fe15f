"""A report as terminal tables."""

from __future__ import annotations

import io

from rich.console import Console

from spinscope._reports import print_report
from spinscope._store import Filters, Store, build_report

from ..storedata import fill, fill_random


def test_terminal_report_shows_every_section(store: Store) -> None:
    r = build_report(fill(store), Filters())
    buf = io.StringIO()
    print_report(r, Console(file=buf, width=120))
    text = buf.getvalue()
    assert "5 analyses by model m1: 7 spans from 3 sources" in text
    for part in ("Techniques", "per source", "per month", "Coverage", "Most propagandistic"):
        assert part in text
    assert "Liars everywhere" in text and "Daily Planet" in text
    # The matrix: Daily Planet has 60% Loaded language (LL), Gazette 100% Flag-waving.
    planet = next(line for line in text.splitlines() if line.startswith("Daily Planet"))
    assert planet.split()[2:5] == ["2", "5", "60"]


def test_narrow_terminal_sums_the_rest_of_the_techniques(store: Store) -> None:
    fill_random(store, 120, sources=3)
    r = build_report(store, Filters())
    buf = io.StringIO()
    print_report(r, Console(file=buf, width=60))
    text = buf.getvalue()
    assert "+N: the other N techniques together" in text
    assert max(len(line) for line in text.splitlines()) <= 60
