"""Reading batch inputs: folders, JSONL and CSV, streamed, with bad articles as failures."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from spinscope._batch import Item, check_inputs, count_inputs, read_inputs
from spinscope._batch._inputs import _read_file, normalize_date, prepare
from spinscope._errors import InputError
from spinscope._store import Failure, content_key


def read(*paths: Path, max_bytes: int = 10_000) -> list[Item | Failure]:
    return list(read_inputs([str(p) for p in paths], max_bytes))


def test_a_folder_gives_one_item_per_file_keyed_by_its_path(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "a.txt").write_text("Alpha text.")
    (corpus / "sub" / "b.html").write_text("<html></html>")
    (corpus / ".hidden.txt").write_text("skip me")
    (corpus / "notes.md").write_text("# not an article")
    out = read(corpus)
    items = [x for x in out if isinstance(x, Item)]
    assert [(i.key, i.is_html) for i in items] == [
        ("corpus/a.txt", False),
        ("corpus/sub/b.html", True),
    ]
    (failure,) = [x for x in out if isinstance(x, Failure)]
    assert failure.reason == "not a .txt or .html file"
    assert count_inputs([str(corpus)]) == 3


def test_an_oversized_file_is_a_failure_not_a_read(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_text("x" * 200)
    (failure,) = read(tmp_path / "big.txt", max_bytes=100)
    assert isinstance(failure, Failure) and "over the 100-byte limit" in failure.reason


def test_devices_and_pipes_are_refused_before_they_are_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    for bad in ("/dev/zero", str(fifo)):
        with pytest.raises(InputError, match="not a regular file"):
            check_inputs([bad])
    # Inside a folder they are skipped; one that turns into a device after the check
    # fails alone, unread (a FIFO would block and /dev/zero never end).
    (tmp_path / "good.txt").write_text("Good.")
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    assert [x.key for x in read(tmp_path) if isinstance(x, Item)] == [f"{tmp_path.name}/good.txt"]
    assert not any(isinstance(x, Failure) for x in read(tmp_path))
    for path in (tmp_path / "zero.txt", fifo):
        failure = _read_file(path, "k", 100)
        assert isinstance(failure, Failure) and failure.reason.startswith("not a regular file")


def test_a_file_growing_past_its_stat_size_is_still_cut_at_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.txt"
    big.write_text("x" * 5000)
    real = os.stat_result

    def small_stat(self: Path, *, follow_symlinks: bool = True) -> os.stat_result:
        st = os.stat(self, follow_symlinks=follow_symlinks)
        return real((st.st_mode, *st[1:6], 10, *st[7:10]))

    monkeypatch.setattr(Path, "stat", small_stat)
    (failure,) = read(big, max_bytes=100)
    assert isinstance(failure, Failure) and "over the 100-byte limit" in failure.reason


def test_jsonl_lines_become_items_and_bad_lines_failures(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl"
    lines = [
        json.dumps({"id": 7, "text": "Seven.", "source": "s", "published": "2021-05-06T10:00Z"}),
        json.dumps({"html": "<p>Page</p>", "title": "T"}),
        "",
        "{not json",
        json.dumps(["a list"]),
        json.dumps({"id": "x", "title": "no text"}),
        json.dumps({"id": "y", "text": "Dated.", "published": "last week"}),
        json.dumps({"id": "z", "text": 5}),
    ]
    path.write_text("\n".join(lines) + "\n")
    out = read(path)
    first, second = out[0], out[1]
    assert isinstance(first, Item) and first.key == "7" and first.published == "2021-05-06"
    assert isinstance(second, Item) and second.is_html and second.key == content_key("<p>Page</p>")
    reasons = {x.location.rsplit(":", 1)[1]: x.reason for x in out if isinstance(x, Failure)}
    assert reasons["4"].startswith("malformed JSON line")
    assert reasons["5"] == "not a JSON object"
    assert reasons["6"] == "no 'text' or 'html' field"
    assert "not a date" in reasons["7"]
    assert "not a string" in reasons["8"]
    assert count_inputs([str(path)]) == 7


def test_csv_rows_with_quoted_newlines_are_items(tmp_path: Path) -> None:
    path = tmp_path / "dump.csv"
    path.write_text('id,text,source,published\n1,"Line one.\nLine two.",s,2020-01-02\n2,,s,\n')
    first, second = read(path)
    assert isinstance(first, Item) and first.content == "Line one.\nLine two."
    assert isinstance(second, Failure) and second.location.endswith(":4")
    assert count_inputs([str(path)]) == 2


def test_a_csv_without_a_text_column_is_one_failure(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("id,body\n1,hello\n")
    (failure,) = read(path)
    assert isinstance(failure, Failure) and "no 'text' or 'html' column" in failure.reason


def test_missing_or_unknown_inputs_are_refused_before_reading(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        check_inputs([str(tmp_path / "nope.jsonl")])
    (tmp_path / "x.parquet").write_bytes(b"PAR1")
    with pytest.raises(InputError, match="unknown input kind"):
        check_inputs([str(tmp_path / "x.parquet")])
    with pytest.raises(InputError, match="no input"):
        check_inputs([])


def test_prepare_decodes_extracts_and_refuses_bad_content() -> None:
    assert prepare(Item("k", "l", "caf\xe9".encode("cp1252"))).text == "café"
    page = "<html><head><title>Head</title></head><body><article><p>" + "Words here. " * 20
    assert prepare(Item("k", "l", page + "</p></article></body></html>", True)).text.startswith(
        "Head"
    )
    with pytest.raises(InputError, match="binary"):
        prepare(Item("k", "l", b"\x00\x01\x02PNG"))
    with pytest.raises(InputError, match="empty"):
        prepare(Item("k", "l", "  \n"))


@pytest.mark.parametrize(
    ("raw", "expected"), [("2020-02-29", "2020-02-29"), ("", None), (None, None)]
)
def test_dates_are_normalized(raw: str | None, expected: str | None) -> None:
    assert normalize_date(raw) == expected


def test_impossible_dates_are_refused() -> None:
    with pytest.raises(InputError):
        normalize_date("2021-02-30")
