"""Fuzzing the readers of ``_ingest``: bytes to text, files, file names, HTML pages and
JSON. Whatever the input, a reader gives text or an :class:`InputError`; text it accepts
comes back character for character, so no offset into it can shift."""

from __future__ import annotations

import codecs
import json
import os
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from spinscope._errors import FormatError, InputError
from spinscope._ingest import (
    collect_sources,
    decode_text,
    extract_article,
    load_json,
    path_name,
    read_text_file,
    valid_unicode,
)
from spinscope._settings import Settings

from .strategies import FUZZ, SLOW_FUZZ, file_names, json_docs, long_texts, nested, outcome, texts

# Control characters the decoder takes for a binary file; text without them is text.
BINARY_CONTROLS = {chr(c) for c in [*range(0, 9), *range(0x0E, 0x1B), *range(0x1C, 0x20)]}


def is_plain(text: str) -> bool:
    """Text that every decoding must give back as it is: printable enough, not blank."""
    return bool(text.strip()) and not BINARY_CONTROLS & set(text)


@FUZZ
@given(st.binary(max_size=300))
def test_any_bytes_decode_to_text_or_an_input_error(data: bytes) -> None:
    got = outcome(lambda: decode_text(data, "x.txt"), InputError)
    if isinstance(got, InputError):
        assert str(got).startswith("x.txt: ")
        return
    text, warnings = got
    assert valid_unicode(text) and "\x00" not in text and text.strip()
    assert all(w.startswith("x.txt: ") for w in warnings)


@FUZZ
@given(texts, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]))
def test_text_comes_back_exactly_in_every_encoding_with_its_mark(text: str, codec: str) -> None:
    assume(is_plain(text))
    # Plain UTF-8 that starts with U+FEFF starts with a byte order mark: it is read as one.
    assume(not (codec == "utf-8" and text.startswith("\ufeff")))
    assert decode_text(text.encode(codec)) == (text, [])


@FUZZ
@given(st.text(st.characters(codec="cp1252", exclude_categories=["Cs"]), min_size=1))
def test_windows_1252_text_comes_back_exactly_with_a_warning(text: str) -> None:
    data = text.encode("cp1252")
    assume(is_plain(text))
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        assert decode_text(data, "w.txt") == (
            text,
            ["w.txt: not valid UTF-8; decoded as Windows-1252"],
        )


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   \r\n\t",
        codecs.BOM_UTF8,
        codecs.BOM_UTF16_LE,
        codecs.BOM_UTF16_LE + b"\x00\xd8",  # a lone high surrogate
        codecs.BOM_UTF32_LE + b"\x00\xd8\x00\x00",  # a surrogate code point
        codecs.BOM_UTF32_BE + b"\x00\x11\x00\x00",  # past U+10FFFF
        b"text" * 20_000 + b"\x00",  # a NUL past the sample
        b"\x81\x8d\x8f",  # bytes that are neither UTF-8 nor Windows-1252
    ],
)
def test_hostile_bytes_are_input_errors(data: bytes) -> None:
    with pytest.raises(InputError):
        decode_text(data)


@FUZZ
@given(st.binary(max_size=200), st.integers(1, 300))
def test_files_read_as_their_bytes_decode(tmp_path: Path, data: bytes, limit: int) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(data)
    got = outcome(lambda: read_text_file(path, max_bytes=limit), InputError)
    if len(data) > limit:
        assert isinstance(got, InputError) and "limit" in str(got)
    elif not isinstance(got, InputError):
        assert got == decode_text(data, str(path))


@FUZZ
@given(file_names)
def test_any_file_name_is_read_and_named_in_writable_text(tmp_path: Path, raw: bytes) -> None:
    """A file name need not be UTF-8; its name in outputs and messages must be."""
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    path = folder / os.fsdecode(raw)
    path.write_bytes(b"Lies and traitors.")
    sources = outcome(lambda: collect_sources([str(folder)]), InputError)
    if raw.startswith(b"."):  # hidden: left out, so the folder holds no file
        assert isinstance(sources, InputError)
        return
    assert not isinstance(sources, InputError)
    (source,) = sources
    assert source.name.encode("utf-8") and source.name == path_name(path)
    assert source.read(Settings()) == ("Lies and traitors.", [])


def test_messages_about_undecodable_file_names_can_be_written(tmp_path: Path) -> None:
    bad = tmp_path / os.fsdecode(b"caf\xe9")
    for call in (lambda: collect_sources([str(bad)]), lambda: read_text_file(bad)):
        with pytest.raises(InputError) as caught:
            call()
        assert "caf\ufffd" in str(caught.value) and valid_unicode(str(caught.value))
    bad.write_bytes(b"caf\xe9 au lait")  # Windows-1252: the warning names the file too
    text, warnings = read_text_file(bad)
    assert text == "café au lait" and all(valid_unicode(w) for w in warnings)


TAGS = "<p> </p> <article> </article> <html> <body> <title> </title> <script> </script> <br/>"
ODD = "<!-- --> <![CDATA[ &amp; &#0; &#x1F600; <div/> </div> <?xml?> \x00 <"
HTML_PARTS = st.sampled_from([*TAGS.split(), *ODD.split(), "<!DOCTYPE html>", "<div class='x'>"])
html_pages = st.lists(HTML_PARTS | texts, max_size=30).map("".join)


@SLOW_FUZZ
@given(html_pages | long_texts)
def test_any_html_gives_article_text_or_an_input_error(html: str) -> None:
    got = outcome(lambda: extract_article(html, "p.html"), InputError)
    if isinstance(got, str):
        assert got.strip() and valid_unicode(got)


@pytest.mark.parametrize(
    "html",
    [
        "<div>" * 5000 + "Lies and traitors. " * 40,
        "<" * 100_000,
        "<p>" + "a\ud800 " * 50 + "</p>",
        "\x00" * 100,
        "<html><body><p>" + "Words here. " * 30 + "</p>\x00</body></html>",
    ],
)
def test_hostile_html_is_handled(html: str) -> None:
    got = outcome(lambda: extract_article(html), InputError)
    assert isinstance(got, InputError) or valid_unicode(got)


@FUZZ
@given(st.binary(max_size=200) | json_docs().map(lambda d: repr(d).encode()))
def test_any_bytes_load_as_json_or_a_format_error(data: bytes) -> None:
    outcome(lambda: load_json(data, "f.json"), FormatError)


@FUZZ
@given(json_docs())
def test_json_documents_come_back_as_they_were(doc: object) -> None:
    assert load_json(json.dumps(doc, ensure_ascii=False).encode(), "f.json") == doc
    assert load_json(json.dumps(doc).encode("utf-8-sig"), "f.json") == doc


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (nested(100_000), "nested too deeply"),
        ('{"a": ' + nested(50_000) + "}", "nested too deeply"),
        ("[" + "9" * 5000 + "]", "too many digits"),
        ('{"text": "a\\ud800"}', "lone surrogate"),
        ('["\\udfff\\ud800"]', "lone surrogate"),
        ('{"\\ud800": 1}', "lone surrogate"),
        ("{", "not JSON"),
    ],
)
def test_hostile_json_is_a_format_error_naming_the_problem(text: str, problem: str) -> None:
    with pytest.raises(FormatError, match=problem):
        load_json(text.encode(), "f.json")


def test_json_that_is_not_utf8_is_a_format_error_naming_the_byte() -> None:
    with pytest.raises(FormatError, match="not UTF-8 text \\(byte 1\\)"):
        load_json(b'"\xff"', "f.json")
