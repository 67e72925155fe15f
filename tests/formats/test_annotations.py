"""The annotation-tool formats: what each writes for an analysis of the fake model, and
that reading back what was written gives the same spans, offsets exact, whatever the text
(non-ASCII, emoji, ``\\r\\n``)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spinscope._formats import (
    FORMATS,
    Record,
    Target,
    cas_json,
    import_annotations,
    label_studio_config,
)
from spinscope._pipeline import Analysis, Span, build_analysis
from spinscope._semeval import Label
from spinscope._techniques import TECHNIQUE_NAMES

from ..fakes import fake_model

TEXT = "Café 😀 traitors and liars.\r\nÜber 🇺🇦 city: a disgrace!\r\n"
ANNOTATION_FORMATS = ["label-studio", "doccano", "brat", "inception"]


def fake_analysis() -> Analysis:
    return fake_model().analyze(TEXT)


def write(fmt: str, records: list[Record], folder: Path) -> Path:
    """Write ``records`` in ``fmt`` as ``analyze -o`` would; the path to import."""
    form = FORMATS.get(fmt)
    if form.folder is not None:
        out = folder / "out"
        out.mkdir()
        for record in records:
            form.folder(record, out)
        return out
    path = folder / f"out.{form.extension}"
    with path.open("w", encoding="utf-8") as handle:
        put = form.writer(Target(handle, many=len(records) > 1))
        for record in records:
            put(record)
    return path


def labels_of(records: list[Record]) -> list[Label]:
    return [
        Label(r.article_id, s.start, s.end, s.technique)
        for r in records
        for s in sorted(r.analysis.spans, key=lambda s: (s.start, s.end, s.technique))
    ]


def round_trip(fmt: str, records: list[Record]) -> list[Label]:
    with tempfile.TemporaryDirectory() as tmp:
        return import_annotations(write(fmt, records, Path(tmp)), fmt, predictions=True).labels


@pytest.mark.parametrize("fmt", ANNOTATION_FORMATS)
def test_the_fake_models_spans_come_back_exactly(fmt: str, tmp_path: Path) -> None:
    analysis = fake_analysis()
    assert [TEXT[s.start : s.end] for s in analysis.spans] == ["traitors", "liars", "disgrace"]
    records = [Record("in/article5.txt", "5", analysis), Record("b.txt", "b", analysis)]
    assert round_trip(fmt, records) == labels_of(records)


# Pieces of text: any character but a lone surrogate (not text), and those most often
# miscounted: emoji beyond the BMP, a flag of two of them, accents, \r\n line ends.
pieces = st.characters(exclude_categories=["Cs"]) | st.sampled_from(
    ["😀", "\r\n", "é", "🇺🇦", "\n", " "]
)
texts = st.lists(pieces, min_size=1, max_size=40).map("".join)


@st.composite
def analyses(draw: st.DrawFn) -> Analysis:
    text = draw(texts)
    spans = []
    for _ in range(draw(st.integers(0, 5))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        technique = draw(st.sampled_from(TECHNIQUE_NAMES))
        spans.append(Span(start, end, technique, draw(st.floats(0.3, 1.0))))
    return build_analysis(text, spans, "m", 0.3)


@pytest.mark.parametrize("fmt", ANNOTATION_FORMATS)
@settings(max_examples=40, deadline=None)
@given(first=analyses(), second=analyses())
def test_any_spans_of_any_text_come_back_exactly(
    fmt: str, first: Analysis, second: Analysis
) -> None:
    records = [Record("article12.txt", "12", first), Record("x/news.txt", "news", second)]
    assert round_trip(fmt, records) == labels_of(records)


def test_label_studio_task_and_config() -> None:
    doc = json.loads(FORMATS.get("label-studio").render(Record("a.txt", "a", fake_analysis())))
    (task,) = doc
    assert task["data"]["text"] == TEXT
    (prediction,) = task["predictions"]
    for region in prediction["result"]:
        value = region["value"]
        assert TEXT[value["start"] : value["end"]] == value["text"]
        assert region["from_name"] == "label" and region["to_name"] == "text"
    config = label_studio_config()
    assert all(f'<Label value="{name}"' in config for name in TECHNIQUE_NAMES)


def test_label_studio_file_is_json_after_every_task_with_its_config_beside(
    tmp_path: Path,
) -> None:
    path = tmp_path / "tasks.json"
    with path.open("w", encoding="utf-8") as handle:
        put = FORMATS.get("label-studio").writer(Target(handle, many=True))
        handle.flush()
        assert json.loads(path.read_text(encoding="utf-8")) == []
        for n in range(3):
            put(Record(f"{n}.txt", str(n), fake_analysis()))
            handle.flush()
            assert len(json.loads(path.read_text(encoding="utf-8"))) == n + 1
    assert (tmp_path / "tasks.label-config.xml").read_text(encoding="utf-8").startswith("<View>")


def test_brat_names_techniques_as_brat_allows(tmp_path: Path) -> None:
    a = build_analysis("Crooks!", [Span(0, 6, "Name_Calling,Labeling", 0.9)], "m", 0.3)
    ann = FORMATS.get("brat").render(Record("a.txt", "a", a))
    assert ann == "T1\tName_Calling_Labeling 0 6\tCrooks\n"
    folder = FORMATS.get("brat").folder
    assert folder is not None
    folder(Record("a.txt", "a", a), tmp_path)
    assert "Name_Calling_Labeling" in (tmp_path / "annotation.conf").read_text()
    (tmp_path / "a.ann").write_text("T1\tName_Calling,Labeling 0 6\tCrooks\n")
    assert import_annotations(tmp_path, "brat").labels == [
        Label("a", 0, 6, "Name_Calling,Labeling")
    ]


def test_inception_counts_utf16_code_units() -> None:
    doc = cas_json(Record("a.txt", "a", fake_analysis()))
    spans = [fs for fs in doc["%FEATURE_STRUCTURES"] if fs["%TYPE"] == "webanno.custom.Propaganda"]
    # One emoji (two code units) before "traitors"; "🇺🇦" is two characters, four units.
    assert [(fs["begin"], fs["end"]) for fs in spans] == [(8, 16), (21, 26), (47, 55)]
    assert [s.start for s in fake_analysis().spans] == [7, 20, 44]
