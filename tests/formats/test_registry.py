"""The format registry: unique entries, lookups, and what each analysis format writes."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from spinscope._errors import InputError
from spinscope._formats import (
    FORMATS,
    Format,
    Record,
    Registry,
    Stored,
    Target,
    analysis_json,
    get_format,
    render_html,
)
from spinscope._pipeline import Analysis, Span
from spinscope._pipeline._analysis import build_analysis

TEXT = "Vile liars. The traitors lied again!"


def analysis() -> Analysis:
    spans = [Span(0, 4, "Loaded_Language", 0.9), Span(16, 24, "Name_Calling,Labeling", 0.7)]
    return build_analysis(TEXT, spans, "m", 0.3, passages=[(0, 10)])


def record() -> Record:
    return Record("news/article7.txt", "7", analysis())


def test_every_format_has_a_unique_name_and_a_media_type() -> None:
    names = [f.name for f in FORMATS]
    assert len(set(names)) == len(names) == len(FORMATS)
    assert all("/" in f.media_type for f in FORMATS)
    for fmt in FORMATS:
        assert fmt.extension and not fmt.extension.startswith(".")
        assert fmt.description.endswith(".") and "\n" not in fmt.description
        assert fmt.commands, f"{fmt.name} is offered by no command"


def test_commands_list_their_formats_in_order() -> None:
    tools = ["label-studio", "doccano", "brat", "inception"]
    assert FORMATS.names("analyze") == ["text", "json", "semeval", "si", "html", *tools]
    assert FORMATS.names("export") == ["jsonl", "csv", "semeval", *tools]


def test_an_unknown_name_is_an_input_error_naming_the_formats() -> None:
    with pytest.raises(
        InputError, match=r"use one of jsonl, csv, semeval, label-studio, doccano, brat, inception$"
    ):
        get_format("html", "export")
    assert get_format("html").name == "html"


def test_a_name_cannot_be_registered_twice() -> None:
    registry: Registry[str] = Registry()
    fmt: Format[str] = Format("a", "text/a", "a", "A.", lambda t: t.stream.write)
    registry.register(fmt)
    with pytest.raises(ValueError, match="format 'a'"):
        registry.register(fmt)
    registry.register(Format("b", "text/a", "b", "B.", lambda t: t.stream.write))
    registry.unregister("b")
    registry.unregister("a")
    assert "a" not in registry and len(registry) == 0


def test_json_is_the_analysis_with_its_source_indented_once_a_line_when_many() -> None:
    one = get_format("json").render(record())
    assert json.loads(one) == analysis_json("news/article7.txt", analysis())
    assert one.startswith('{\n  "source"')
    buf = io.StringIO()
    write = get_format("json").writer(Target(buf, many=True))
    write(record())
    write(record())
    assert [json.loads(line)["source"] for line in buf.getvalue().splitlines()] == [
        "news/article7.txt"
    ] * 2


def test_semeval_and_si_lines_use_the_article_id() -> None:
    assert get_format("semeval").render(record()) == (
        "7\tLoaded_Language\t0\t4\n7\tName_Calling,Labeling\t16\t24\n"
    )
    assert get_format("si").render(record()) == "7\t0\t10\n"


def test_html_is_the_report_titled_with_the_source_and_goes_into_a_folder(
    tmp_path: Path,
) -> None:
    fmt = get_format("html")
    assert fmt.render(record()) == render_html(analysis(), "news/article7.txt")
    assert fmt.folder is not None
    assert fmt.folder(record(), tmp_path) == [tmp_path / "article7.html"]


def test_text_is_plain_without_a_console() -> None:
    out = get_format("text").render(record())
    assert "[Vile]" in out and "Summary:" in out and "\x1b[" not in out


def test_jsonl_and_csv_carry_what_the_store_holds() -> None:
    stored = Record("k1", "k1", analysis(), Stored("T", "Planet", "u", "2020-01-02", "now"))
    doc = json.loads(get_format("jsonl").render(stored))
    assert (doc["key"], doc["title"], doc["source"], doc["analyzed_at"]) == (
        "k1",
        "T",
        "Planet",
        "now",
    )
    assert doc["n_spans"] == 2 and doc["text"] == TEXT
    rows = get_format("csv").render(stored).splitlines()
    assert rows[0] == "key,source,published,technique,start,end,confidence,fragment"
    assert rows[1] == "k1,Planet,2020-01-02,Loaded_Language,0,4,0.9,Vile"


def test_a_new_entry_is_one_registration(monkeypatch: pytest.MonkeyPatch) -> None:
    def writer(target: Target) -> Callable[[Record], object]:
        return lambda r: target.stream.write(f"{r.source}: {r.analysis.summary.n_spans}\n")

    FORMATS.register(Format("count", "text/x-count", "txt", "Spans per input.", writer, ("x",)))
    try:
        assert get_format("count", "x").render(record()) == "news/article7.txt: 2\n"
        assert FORMATS.names("x") == ["count"]
    finally:
        FORMATS.unregister("count")
