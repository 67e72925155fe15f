"""Reading corrected annotations back: which Label Studio annotation counts, doccano's
other spellings, and a one-line FormatError for each kind of malformed file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from spinscope._errors import FormatError, InputError
from spinscope._formats import import_annotations
from spinscope._semeval import Label


def region(start: int, end: int, technique: str) -> dict[str, Any]:
    value = {"start": start, "end": end, "labels": [technique]}
    return {"from_name": "label", "to_name": "text", "type": "labels", "value": value}


def task(**fields: Any) -> dict[str, Any]:
    return {"id": 3, "data": {"text": "Lies and crooks.", "source": "a/article9.txt"}, **fields}


def write_json(path: Path, doc: object) -> Path:
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_label_studio_reads_the_latest_annotation_not_cancelled(tmp_path: Path) -> None:
    annotations = [
        {"updated_at": "2024-01-02", "result": [region(0, 4, "Doubt")]},
        {"updated_at": "2024-03-01", "result": [region(9, 15, "Slogans")], "was_cancelled": True},
        {"updated_at": "2024-02-01", "result": [region(0, 4, "Slogans"), {"type": "choices"}]},
    ]
    doc = [task(annotations=annotations, predictions=[{"result": [region(0, 4, "Doubt")]}])]
    imported = import_annotations(write_json(tmp_path / "t.json", doc), "label-studio")
    assert imported.labels == [Label("9", 0, 4, "Slogans")]


def test_label_studio_reads_predictions_only_when_asked(tmp_path: Path) -> None:
    path = write_json(
        tmp_path / "t.json", [task(predictions=[{"result": [region(0, 4, "Doubt")]}])]
    )
    skipped = import_annotations(path, "label-studio")
    assert skipped.labels == [] and "task 1: not annotated" in skipped.notes[0]
    assert import_annotations(path, "label-studio", predictions=True).labels == [
        Label("9", 0, 4, "Doubt")
    ]


def test_doccano_reads_its_other_spellings(tmp_path: Path) -> None:
    lines = [
        {"id": 4, "text": "Lies!", "labels": [[0, 4, "Doubt"]]},
        {
            "id": 5,
            "text": "Lies!",
            "entities": [{"start_offset": 0, "end_offset": 4, "label": "Doubt"}],
        },
    ]
    path = tmp_path / "d.jsonl"
    path.write_text("\r\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    assert import_annotations(path, "doccano").semeval() == "4\tDoubt\t0\t4\n5\tDoubt\t0\t4\n"


MALFORMED = [
    ("label-studio", "t.json", "{not json", "not JSON"),
    ("label-studio", "t.json", '"tasks"', "expected a JSON list"),
    ("label-studio", "t.json", json.dumps([{"data": {}}]), "task 1: a task needs data.text"),
    (
        "label-studio",
        "t.json",
        json.dumps([task(annotations=[{"result": [region(0, 99, "Doubt")]}])]),
        "span 0-99 is not within the text",
    ),
    (
        "label-studio",
        "t.json",
        json.dumps([task(annotations=[{"result": [region(0, 4, "Lying")]}])]),
        "unknown technique 'Lying'",
    ),
    ("doccano", "d.jsonl", '{"text": "Lies!", "label": [[0, "4", "Doubt"]]}', "must be integers"),
    ("doccano", "d.jsonl", '{"text": "Lies!", "label": [[4, 0, "Doubt"]]}', "0 <= start < end"),
    ("doccano", "d.jsonl", '{"text": "a"}\n{"text": "b"', "line 2: not JSON"),
    ("doccano", "d.jsonl", '{"id": 1, "text": "a"}\n{"id": 1, "text": "b"}', "comes twice"),
    ("brat", "a.ann", "T1\tDoubt 0\tLies\n", "line 1: offsets must be"),
    ("brat", "a.ann", "T1\tDoubt\n", "expected T<n><TAB>Type start end"),
    ("inception", "c.json", "{}", "not a UIMA CAS JSON document"),
    ("inception", "c.json", '{"%FEATURE_STRUCTURES": []}', "no text"),
]


@pytest.mark.parametrize(("fmt", "name", "content", "message"), MALFORMED)
def test_malformed_files_are_one_line_format_errors(
    tmp_path: Path, fmt: str, name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(FormatError, match=message) as caught:
        import_annotations(path, fmt)
    assert "\n" not in str(caught.value) and str(path) in str(caught.value)


def cas(text: str, begin: int, end: int) -> dict[str, Any]:
    return {
        "%FEATURE_STRUCTURES": [
            {"%ID": 1, "%TYPE": "uima.cas.Sofa", "sofaID": "_InitialView", "sofaString": text},
            {"%ID": 2, "%TYPE": "webanno.custom.Propaganda", "begin": begin, "end": end}
            | {"technique": "Doubt"},
        ]
    }


def test_inception_offsets_inside_an_emoji_are_refused(tmp_path: Path) -> None:
    path = write_json(tmp_path / "article3.json", cas("😀 Lies", 1, 7))
    with pytest.raises(FormatError, match="1-7 are not character boundaries"):
        import_annotations(path, "inception")
    write_json(path, cas("😀 Lies", 3, 7))
    assert import_annotations(path, "inception").labels == [Label("3", 2, 6, "Doubt")]


def test_brat_without_its_text_is_read_and_checked_with_it(tmp_path: Path) -> None:
    (tmp_path / "article1.ann").write_text("T1\tDoubt 0 4;5 8\tLies and\n#1\tNote T1\tok\n")
    assert import_annotations(tmp_path, "brat").labels == [Label("1", 0, 8, "Doubt")]
    (tmp_path / "article1.txt").write_text("Lies")
    with pytest.raises(FormatError, match="not within the text"):
        import_annotations(tmp_path, "brat")


def test_missing_paths_and_empty_folders_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        import_annotations(tmp_path / "nope.json", "label-studio")
    with pytest.raises(InputError, match=r"no \.ann files"):
        import_annotations(tmp_path, "brat")
    with pytest.raises(InputError, match="unknown format 'csv'"):
        import_annotations(tmp_path, "csv")
