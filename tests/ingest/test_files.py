"""Reading text from bytes and files."""

from __future__ import annotations

from pathlib import Path

import pytest

from spinscope import InputError
from spinscope._ingest import decode_text, read_text_file


def test_utf8_with_bom_decodes_without_warning() -> None:
    assert decode_text("\ufeffcafé".encode()) == ("café", [])


def test_windows_1252_falls_back_with_a_warning() -> None:
    text, warnings = decode_text("“quoted” café".encode("cp1252"), "a.txt")
    assert text == "“quoted” café"
    assert warnings and "a.txt" in warnings[0]


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"", "is empty"), (b" \n\t ", "only whitespace"), (b"\x89PNG\r\n\x1a\n\x00\x00", "binary")],
)
def test_bad_bytes_raise_input_errors_naming_the_file(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message) as info:
        decode_text(data, "x.txt")
    assert "x.txt" in str(info.value)


def test_undecodable_bytes_name_the_file() -> None:
    with pytest.raises(InputError, match=r"bad\.txt"):
        decode_text(b"abc \x81\x8d\x8f\x90\x9d", "bad.txt")


def test_missing_file_and_size_limit(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_text_file(tmp_path / "missing.txt")
    big = tmp_path / "big.txt"
    big.write_text("a" * 100)
    with pytest.raises(InputError, match="limit"):
        read_text_file(big, max_bytes=10)


def test_files_are_read_exactly(tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    p.write_bytes(b"line\r\nnext\ttab")
    assert read_text_file(p) == ("line\r\nnext\ttab", [])
