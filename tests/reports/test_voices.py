"""The voice and speaker sections of ``spinscope report``: terminal tables, the one line
of a store without voices, and the CSV sections."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from rich.console import Console

from spinscope._reports import print_report, write_report
from spinscope._reports._csv import write_csv
from spinscope._reports._voices import NO_HEAD
from spinscope._store import ArticleRecord, Filters, Result, Store, build_report

from ..fakes import fake_model

QUOTED = 'The mayor said "they are traitors and liars". Our city is a disgrace.'


def filled(voiced: bool) -> Store:
    store = Store.open("sqlite://")
    analysis = fake_model(attribution=voiced).analyze(QUOTED)
    record = ArticleRecord("k", QUOTED, "t", "Gazette", None, "2020-03-04")
    store.save(None, [Result(record, analysis, 0.1)])
    return store


def printed(store: Store) -> str:
    buf = io.StringIO()
    print_report(build_report(store, Filters()), Console(file=buf, width=120))
    return buf.getvalue()


def test_terminal_shows_voices_per_source_and_month_and_speakers() -> None:
    out = printed(filled(True))
    assert "Whose voice, per source" in out and "Whose voice, per month" in out
    voices = out.split("Whose voice, per source")[1].splitlines()
    gazette = next(line for line in voices if line.startswith("Gazette"))
    # 3 spans, 21 characters: 8 in the article's own voice (38%), 13 attributed (62%).
    assert gazette.split()[1:] == ["3", "21", "38%", "62%"]
    mayor = next(line for line in out.splitlines() if line.startswith("mayor"))
    assert mayor.split()[1:] == ["2", "1", "Loaded", "language", "2"]
    assert NO_HEAD not in out


def test_a_store_without_voices_gets_one_line() -> None:
    out = printed(filled(False))
    assert NO_HEAD in out
    assert "Whose voice" not in out and "Speakers" not in out


def test_an_empty_store_has_no_voice_line() -> None:
    assert NO_HEAD not in printed(Store.open("sqlite://"))


def test_csv_has_voice_and_speaker_sections() -> None:
    buf = io.StringIO()
    write_csv(build_report(filled(True), Filters()), buf)
    rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
    voices = [
        (r["source"], r["voice"], r["chars"]) for r in rows if r["section"] == "voice_by_source"
    ]
    assert voices == [("Gazette", "author", "8"), ("Gazette", "attributed", "13")]
    assert [r["month"] for r in rows if r["section"] == "voice_by_month"] == ["2020-03"] * 2
    (speaker,) = [r for r in rows if r["section"] == "speakers"]
    assert (speaker["rank"], speaker["speaker"], speaker["techniques"]) == (
        "1",
        "mayor",
        "Loaded_Language:2",
    )


def test_csv_folder_has_a_file_per_voice_section(tmp_path: Path) -> None:
    report = build_report(filled(True), Filters())
    written = write_report(report, "csv", str(tmp_path) + "/", Console(file=io.StringIO()))
    speakers = (tmp_path / "speakers.csv").read_text(encoding="utf-8").splitlines()
    assert speakers == [
        "rank,speaker,spans,chars,articles,techniques",
        "1,mayor,2,13,1,Loaded_Language:2",
    ]
    assert tmp_path / "voice_by_month.csv" in written
