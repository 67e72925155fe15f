"""Fuzzing what ``spinscope`` commands read besides the annotation files: the inputs of
``analyze`` (files and folders, whatever their names) and the key list of
``export --keys``. A bad input is a clear error and exit code, never a traceback."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from spinscope._cli import app
from spinscope._cli._export import read_keys
from spinscope._errors import InputError
from spinscope._ingest import valid_unicode

from ..fakes import fake_model
from .strategies import FUZZ, SLOW_FUZZ, file_names, long_texts, outcome

TEXT = b"They are traitors and liars. Save our city now."


def run(monkeypatch: pytest.MonkeyPatch, *args: str) -> Result:
    """``spinscope ARGS`` with the fake model; a traceback fails the test."""
    monkeypatch.setattr("spinscope._cli._util.load_model", lambda _path: fake_model())
    result = CliRunner().invoke(app, list(args))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    return result


@pytest.mark.parametrize("fmt", ["json", "semeval", "label-studio", "doccano", "html"])
def test_a_file_name_that_is_not_utf8_is_analyzed_and_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    """A folder holding ``caf\\xe9.txt`` (Latin-1 bytes in the name) was a
    UnicodeEncodeError traceback for every output format that names the source."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / os.fsdecode(b"caf\xe9.txt")).write_bytes(TEXT)
    out = tmp_path / f"out.{fmt}"
    result = run(monkeypatch, "analyze", str(folder), "-f", fmt, "-o", str(out))
    assert result.exit_code == 0, result.output
    written = out.read_text(encoding="utf-8") if out.is_file() else ""
    if fmt == "json":
        assert json.loads(written)["source"].endswith("caf\ufffd.txt")


@SLOW_FUZZ
@given(raw=file_names, content=st.binary(max_size=80) | st.just(TEXT))
def test_any_file_is_analyzed_or_refused_as_bad_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, raw: bytes, content: bytes
) -> None:
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    (folder / os.fsdecode(raw)).write_bytes(content)
    result = run(monkeypatch, "analyze", str(folder), "-f", "json")
    # A hidden file leaves the folder empty; one unreadable input of one is bad input.
    assert result.exit_code in (0, 2), result.output


@FUZZ
@given(data=st.binary(max_size=200) | long_texts.map(lambda t: t.encode("utf-8")))
def test_any_key_list_is_keys_or_an_input_error(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "keys.txt"
    path.write_bytes(data)
    got = outcome(lambda: read_keys(path), InputError)
    if not isinstance(got, InputError):
        assert got and all(k == k.strip() and valid_unicode(k) for k in got)
