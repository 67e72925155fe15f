"""Fuzzing the readers of ``spinscope batch``: JSONL lines, CSV rows and folders of
files. Each input gives articles or failures with a reason, never an exception; what an
article holds can be stored (Unicode text, keys and locations included)."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinscope._batch import Item, read_inputs
from spinscope._batch._inputs import normalize_date, prepare
from spinscope._errors import InputError
from spinscope._ingest import valid_unicode
from spinscope._store import ArticleRecord, Failure, Store, content_key

from .strategies import FUZZ, file_names, json_docs, nested, outcome, texts

FIELDS = ["id", "text", "html", "title", "source", "url", "published"]
values = (
    st.none()
    | texts
    | st.integers()
    | st.sampled_from(["", "2020-02-30", "2020-01-05T10:00Z", "<p>Lies and traitors.</p>"])
)
rows = st.dictionaries(st.sampled_from(FIELDS), values | json_docs(), max_size=7)


def read_all(path: Path, max_bytes: int = 10_000) -> list[Item | Failure]:
    return list(read_inputs([str(path)], max_bytes))


def storable(item: Item | Failure) -> None:
    """What a reader yields can be stored: the store writes UTF-8 (PostgreSQL too)."""
    if isinstance(item, Failure):
        assert valid_unicode(item.location + item.reason + (item.key or ""))
        return
    assert valid_unicode(item.key + item.location)
    record = outcome(lambda: prepare(item), InputError)
    if isinstance(record, ArticleRecord):
        fields = [record.text, record.key, record.title, record.source, record.url]
        assert all(valid_unicode(f) for f in fields if f is not None)
        content_key(record.text)


@FUZZ
@given(st.lists(rows.map(lambda r: json.dumps(r).encode()) | st.binary(max_size=60), max_size=5))
def test_any_jsonl_lines_are_items_or_failures(tmp_path: Path, lines: list[bytes]) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\n".join(lines))
    for item in read_all(path):
        storable(item)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (nested(100_000).encode(), "malformed JSON line"),
        (b'{"text": "a", "id": ' + b"1" * 5000 + b"}", "malformed JSON line"),
        (b'{"text": "a \\ud800 b"}', "'text' is not valid Unicode"),
        (b'{"text": "a", "title": "\\udc00"}', "'title' is not valid Unicode"),
        (b'{"text": "a", "id": ' + nested(900).encode() + b"}", "'id' is not a string or a number"),
        (b'{"text": "a", "id": {"x": 1}}', "'id' is not a string or a number"),
        (b'{"text": "a", "source": ["x"]}', "'source' is not a string"),
        (b'{"text": "a", "published": "' + b"9" * 5000 + b'"}', "published '999"),
    ],
    ids=[
        "deep",
        "long-number",
        "surrogate-text",
        "surrogate-title",
        "deep-id",
        "object-id",
        "list-source",
        "long-date",
    ],
)
def test_hostile_lines_are_failures_naming_the_problem(
    tmp_path: Path, line: bytes, reason: str
) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(b'{"id": "ok", "text": "fine"}\n' + line + b"\n")
    ok, bad = read_all(path, 1_000_000)
    assert isinstance(ok, Item) and ok.key == "ok"
    assert isinstance(bad, Failure) and bad.location.endswith("in.jsonl:2")
    assert bad.reason.startswith(reason) and len(bad.reason) < 300 and "\n" not in bad.reason


@FUZZ
@given(
    st.lists(
        st.lists(values.map(lambda v: "" if v is None else str(v)), min_size=1, max_size=4),
        max_size=4,
    ),
    st.lists(st.sampled_from(FIELDS), min_size=1, max_size=4),
)
def test_any_csv_rows_are_items_or_failures(
    tmp_path: Path, table: list[list[str]], header: list[str]
) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(table)
    path = tmp_path / "in.csv"
    path.write_bytes(buffer.getvalue().encode("utf-8", errors="surrogatepass"))
    for item in read_all(path):
        storable(item)


@FUZZ
@given(st.binary(max_size=200))
def test_any_csv_bytes_are_items_or_failures(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(data)
    for item in read_all(path):
        storable(item)


@FUZZ
@given(json_docs() | st.text(max_size=30))
def test_any_published_value_is_a_date_or_an_input_error(value: Any) -> None:
    got = outcome(lambda: normalize_date(value), InputError)
    assert got is None or isinstance(got, InputError) or len(got) == 10
    if isinstance(got, InputError):
        assert len(str(got)) < 200


@FUZZ
@given(file_names.filter(lambda b: not b.startswith(b".")), st.binary(max_size=60))
def test_folders_with_any_file_names_give_storable_keys(
    tmp_path: Path, raw: bytes, content: bytes
) -> None:
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    (folder / os.fsdecode(raw + b".txt")).write_bytes(content)
    (item,) = read_all(folder)
    storable(item)


def test_an_undecodable_file_name_is_stored_with_a_replacement_character(tmp_path: Path) -> None:
    folder = tmp_path / "crawl"
    folder.mkdir()
    (folder / os.fsdecode(b"caf\xe9.txt")).write_bytes(b"Lies and traitors.")
    (item,) = read_all(folder)
    assert isinstance(item, Item) and item.key == "crawl/caf\ufffd.txt"
    with Store.open("sqlite://") as store:
        from spinscope._pipeline import build_analysis
        from spinscope._store import Result

        record = prepare(item)
        run = store.start_run("m", "local", 1, [str(folder)])
        store.save(run, [Result(record, build_analysis(record.text, [], "m", 0.3), 0.01)])
