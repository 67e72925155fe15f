"""Reading text from bytes and files."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from spinscope import InputError
from spinscope._errors import BinaryInputError, TooLargeError
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


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-be"])
def test_utf16_and_utf32_with_a_bom_are_text(encoding: str) -> None:
    text = "Stand up, “patriots”: café!"
    data = text.encode(encoding)
    if not data.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        data = ("\ufeff" + text).encode(encoding)
    assert decode_text(data, "u.txt") == (text, [])


def test_a_nul_byte_anywhere_is_binary() -> None:
    data = b"plain words. " * 10_000 + b"\x00" + b"more words."
    assert len(data) > 65536
    with pytest.raises(BinaryInputError):
        decode_text(data, "late-nul.txt")
    with pytest.raises(BinaryInputError):
        decode_text("a\x00b".encode("utf-16"), "nul16.txt")


def test_devices_and_pipes_are_refused_without_reading(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a regular file"):
        read_text_file(Path("/dev/zero"))
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    # Opening a FIFO with no writer would block for ever; the check comes before.
    with pytest.raises(InputError, match="not a regular file"):
        read_text_file(fifo)


def test_at_most_the_limit_plus_one_byte_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = tmp_path / "grows.txt"
    p.write_text("a" * 1000)
    real_stat = Path.stat

    def small_stat(self: Path, **kwargs: Any) -> os.stat_result:
        # A file that grew after stat: the size stat reports must not be trusted.
        result = real_stat(self, **kwargs)
        return os.stat_result((result.st_mode, *([0] * 5), 10, *([0] * 3)))

    monkeypatch.setattr(Path, "stat", small_stat)
    with pytest.raises(TooLargeError):
        read_text_file(p, max_bytes=100)
