"""A report in a notebook: ``Report._repr_html_`` (tables and inline charts, stored strings
escaped), ``Report.to_pandas()`` (a frame per JSON section) and ``spinscope.report``."""

from __future__ import annotations

import base64
import re
import sys
from pathlib import Path

import pytest

import spinscope
from spinscope import MissingExtraError
from spinscope._errors import StoreError
from spinscope._reports import report_html
from spinscope._store import ArticleRecord, Filters, Report, Result, Store, build_report
from spinscope._store._queries import REPORT_COLUMNS

from ..fakes import fake_model
from ..storedata import fill

HOSTILE = '<script>alert("x")</script>'


def known() -> Report:
    """The report of ``storedata``'s store, whose figures are known by heart."""
    return build_report(fill(Store.open("sqlite://")), Filters())


def hostile() -> Report:
    """One article whose source, title and quoted speaker are markup, analyzed with voices."""
    store = Store.open("sqlite://")
    text = 'The mayor said "they are traitors". Our city is a disgrace.'
    analysis = fake_model(attribution=True).analyze(text)
    record = ArticleRecord("k'1", text, HOSTILE, f"Gazette {HOSTILE}", None, "2020-03-04")
    store.save(None, [Result(record, analysis, 0.1)])
    return build_report(store, Filters())


@pytest.fixture(scope="module")
def known_html() -> str:
    """What a notebook shows of :func:`known` (drawn once: charts take a while)."""
    html = known()._repr_html_()
    assert html is not None
    return html


@pytest.fixture(scope="module")
def hostile_html() -> str:
    return report_html(hostile())


def tables(html: str) -> dict[str, list[list[str]]]:
    """Each table's cells as text, by the heading above it."""
    found = {}
    for title, body in re.findall(r"<h4>(.*?)</h4>\s*<table>(.*?)</table>", html, re.S):
        rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
        cells = [re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", r) for r in rows]
        found[title] = [[re.sub(r"<[^>]+>", "", c) for c in row] for row in cells]
    return found


def test_the_report_shows_its_tables(known_html: str) -> None:
    html = known_html
    assert html.startswith('<div class="spinscope-report">')
    assert "5 analyses by model m1: 7 spans from 3 sources" in html
    shown = tables(html)
    assert shown["Techniques"][:2] == [
        ["technique", "spans", "share", "articles"],
        ["Loaded language", "4", "57%", "3"],
    ]
    assert shown["Coverage per source"][1] == ["Daily Planet", "2", "5", "2.5", "0.53", "30.6%"]
    top = shown["Most propagandistic articles"]
    assert top[1] == ["1", "0.62", "3", "24%", "Daily Planet", "2020-01-05", "Liars everywhere"]
    assert top[4][-1] == "plain-key"  # no title: the key


def test_the_charts_are_inline_png_images(known_html: str) -> None:
    images = re.findall(r'<img alt="([^"]+)" src="data:image/png;base64,([^"]+)">', known_html)
    assert [alt for alt, _ in images] == [
        "Propaganda techniques found",
        "Propaganda techniques per source",
        "Propaganda techniques over time",
    ]
    for _, data in images:
        assert base64.b64decode(data).startswith(b"\x89PNG\r\n\x1a\n")


def test_stored_strings_are_escaped_and_the_fragment_is_self_contained(hostile_html: str) -> None:
    html = hostile_html
    assert "<script" not in html and "<html" not in html
    assert "Gazette &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "k&#39;1" not in html  # a title is shown, so the key is not
    assert html.startswith('<div class="spinscope-report">')
    (style,) = re.findall(r"<style>(.*?)</style>", html, re.S)
    for group in re.findall(r"(?:^|})\s*([^{}]+?)\s*{", style):
        assert all(s.strip().startswith(".spinscope-report") for s in group.split(","))


def test_voices_and_speakers_are_tables_when_known(hostile_html: str) -> None:
    shown = tables(hostile_html)
    voices = shown["Whose voice, per source (share of its flagged characters)"]
    assert voices[0] == ["source", "spans", "characters", "own voice", "attributed", "unknown"]
    speakers = shown["Speakers whose quotes hold the most fragments"]
    assert speakers[1] == ["mayor", "1", "1", "Loaded language 1"]


def test_an_empty_store_says_so_and_still_draws_its_charts() -> None:
    html = report_html(build_report(Store.open("sqlite://"), Filters()))
    assert "No analyses match." in html and "No spans." in html
    assert html.count("<img ") == 3


def test_to_pandas_has_a_frame_per_json_section_with_its_keys_as_columns() -> None:
    report = known()
    frames = report.to_pandas()
    sections = {k: v for k, v in report.to_dict().items() if k not in ("filters", "overview")}
    assert list(frames) == ["overview", *sections] == list(REPORT_COLUMNS)
    for name, rows in sections.items():
        assert len(frames[name]) == len(rows)
        for row in rows:
            assert tuple(row) == REPORT_COLUMNS[name], name
    overview = frames["overview"].iloc[0]
    assert (overview["model"], overview["analyses"], overview["models"]) == ("m1", 5, ["m0", "m1"])
    techniques = frames["techniques"].set_index("technique")
    assert techniques.loc["Loaded_Language", "spans"] == 4
    by_source = frames["by_source"].pivot_table(index="source", columns="technique", values="share")
    assert by_source.loc["Gazette", "Flag-Waving"] == 1.0


def test_to_pandas_keeps_the_columns_of_empty_sections() -> None:
    frames = build_report(Store.open("sqlite://"), Filters()).to_pandas()
    assert all(len(frames[name]) == 0 for name in REPORT_COLUMNS if name != "overview")
    assert {name: tuple(f.columns) for name, f in frames.items()} == REPORT_COLUMNS
    # Each voiced row carries the same columns as the queries give (speakers included).
    voiced = hostile().to_pandas()
    assert voiced["speakers"].loc[0, "techniques"] == {"Loaded_Language": 1}


def test_to_pandas_without_pandas_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    report = build_report(Store.open("sqlite://"), Filters())
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(MissingExtraError, match="spinscope\\[notebook\\]"):
        report.to_pandas()


def test_spinscope_report_reads_a_store_with_filters(tmp_path: Path) -> None:
    db = str(tmp_path / "results.db")
    fill(Store.open(db)).close()
    report = spinscope.report(db, sources=["Gazette"], techniques=["flag-waving"], top=1)
    # Only the Gazette's articles that use flag-waving.
    assert report.overview["analyses"] == 1 and len(report.top) == 1
    assert [r["technique"] for r in report.techniques] == ["Flag-Waving"]
    assert spinscope.report(db, model="m0").overview["spans"] == 1
    with pytest.raises(StoreError):
        spinscope.report(str(tmp_path / "missing.db"))
