"""The targets section of ``spinscope report``: the terminal table of the most-targeted
names per source, the one line of a store without targets, JSON and the CSV sections."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from rich.console import Console

from spinscope._reports import print_report, write_report
from spinscope._reports._csv import write_csv
from spinscope._reports._targets import NO_TARGET, targets_table
from spinscope._store import ArticleRecord, Filters, Result, Store, build_report

from ..fakes import fake_model

GUAIDO = "Juan Guaido and his cronies met us on Monday. Guaido is a disgrace, the city said."
LIBERALS = "The liberals are liars, they said."


def filled(*bodies: tuple[str, str]) -> Store:
    store = Store.open("sqlite://")
    for i, (source, body) in enumerate(bodies):
        record = ArticleRecord(f"k{i}", body, "t", source, None, "2020-03-04")
        store.save(None, [Result(record, fake_model().analyze(body), 0.1)])
    return store


def printed(store: Store) -> str:
    buf = io.StringIO()
    print_report(build_report(store, Filters()), Console(file=buf, width=120))
    return buf.getvalue()


def test_terminal_ranks_the_targets_of_each_source() -> None:
    out = printed(filled(("Gazette", GUAIDO), ("Gazette", LIBERALS), ("Herald", LIBERALS)))
    table = out.split("Most-targeted names per source")[1].splitlines()
    rows = [line.split() for line in table if "Loaded" in line]
    assert rows == [
        ["Gazette", "Juan", "Guaido", "2", "1", "Loaded", "language", "2"],
        ["liberals", "1", "1", "Loaded", "language", "1"],
        ["Herald", "liberals", "1", "1", "Loaded", "language", "1"],
    ]
    assert NO_TARGET not in out


def test_a_store_without_targets_gets_one_line_and_an_empty_one_none() -> None:
    assert NO_TARGET in printed(filled(("Gazette", "It is a plan of shameful liars.")))
    assert NO_TARGET not in printed(Store.open("sqlite://"))


def test_the_table_shows_at_most_its_limit() -> None:
    rows = [
        {"source": "S", "rank": i, "target": f"T{i}", "spans": 1, "articles": 1, "techniques": {}}
        for i in range(1, 5)
    ]
    assert targets_table(rows, limit=2).row_count == 2


def test_json_and_csv_have_the_targets_section(tmp_path: Path) -> None:
    report = build_report(filled(("Gazette", GUAIDO)), Filters())
    buf = io.StringIO()
    write_csv(report, buf)
    (row,) = [r for r in csv.DictReader(io.StringIO(buf.getvalue())) if r["section"] == "targets"]
    assert (row["source"], row["rank"], row["target"], row["techniques"]) == (
        "Gazette",
        "1",
        "Juan Guaido",
        "Loaded_Language:2",
    )
    written = write_report(report, "csv", str(tmp_path) + "/", Console(file=io.StringIO()))
    assert tmp_path / "targets.csv" in written
    assert (tmp_path / "targets.csv").read_text(encoding="utf-8").splitlines() == [
        "source,rank,target,spans,chars,articles,techniques",
        "Gazette,1,Juan Guaido,2,15,1,Loaded_Language:2",
    ]
    out = tmp_path / "r.json"
    write_report(report, "json", str(out), Console(file=io.StringIO()))
    (target,) = json.loads(out.read_text(encoding="utf-8"))["targets"]
    assert target["target"] == "Juan Guaido" and target["articles"] == 1
