"""Streaming the articles of batch inputs: folders of .txt/.html files, JSONL and CSV files.

Inputs are read lazily, one article at a time, so a million-line file never sits in
memory. Reading only splits and checks; decoding and HTML extraction happen in the
workers (:func:`prepare`), which keeps the reading process light.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from .._errors import InputError
from .._ingest import (
    HTML_SUFFIXES,
    decode_text,
    path_name,
    read_file_bytes,
    shown_value,
    valid_unicode,
)
from .._store import ArticleRecord, Failure, content_key

TEXT_SUFFIXES = {".txt"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
CSV_SUFFIXES = {".csv"}
FIELDS = ("id", "text", "html", "title", "source", "url", "published")
_DATE = re.compile(r"^([0-9]{4}-[0-9]{2}-[0-9]{2})([T ].*)?$")


@dataclass(frozen=True)
class Item:
    """One article as read from an input, before decoding.

    Attributes:
        key: Its id in the store: the input's ``id``, the file's path below the folder
            given (``folder/sub/a.txt``), or ``sha256:<hex>`` of the content.
        location: Where it came from, for messages (``dump.jsonl:17``).
        content: The text or HTML, as ``str`` (JSONL, CSV) or undecoded ``bytes`` (files).
        is_html: Whether ``content`` is an HTML page to extract the article from.
    """

    key: str
    location: str
    content: str | bytes
    is_html: bool = False
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: str | None = None


def normalize_date(value: Any) -> str | None:
    """``YYYY-MM-DD`` from a date or an ISO timestamp; ``None`` for no date.

    Raises:
        InputError: for anything else.

    Example:
        >>> normalize_date("2020-03-04T10:00:00Z")
        '2020-03-04'
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    m = _DATE.match(value.strip()) if isinstance(value, str) else None
    if m:
        try:
            return date.fromisoformat(m.group(1)).isoformat()
        except ValueError:
            pass
    # Shown short: the value comes from the input and may be huge.
    raise InputError(f"published {shown_value(value)} is not a date (YYYY-MM-DD)")


def _optional(row: dict[str, Any], name: str, limit: int = 2000) -> str | None:
    value = row.get(name)
    if value is None:
        return None
    value = str(value).strip()
    return value[:limit] or None


def _problem(row: dict[str, Any]) -> str | None:
    """What makes a row unusable whatever its content: an id that is no string or
    number, or a field that is not Unicode text (JSON's lone surrogate ``\\ud800``)."""
    raw_id = row.get("id")
    if raw_id is not None and (isinstance(raw_id, bool) or not isinstance(raw_id, str | int)):
        return "'id' is not a string or a number"
    for name in FIELDS:
        value = row.get(name)
        if isinstance(value, list | dict):
            return f"'{name}' is not a string"
        if isinstance(value, str) and not valid_unicode(value):
            return f"'{name}' is not valid Unicode (it holds a lone surrogate)"
    return None


def item_from_row(row: Any, location: str, max_bytes: int) -> Item | Failure:
    """An :class:`Item` from one JSONL object or CSV row, or why it is unusable."""
    if not isinstance(row, dict):
        return Failure(location, "not a JSON object")
    problem = _problem(row)
    if problem is not None:
        return Failure(location, problem)
    raw_id = row.get("id")
    key = None if raw_id is None or str(raw_id).strip() == "" else str(raw_id).strip()
    text, html = row.get("text"), row.get("html")
    text = None if text == "" else text
    html = None if html == "" else html
    content = text if text is not None else html
    if content is None:
        return Failure(location, "no 'text' or 'html' field", key)
    if not isinstance(content, str):
        return Failure(location, "'text'/'html' is not a string", key)
    if len(content) > max_bytes:
        return Failure(location, f"over the {max_bytes:,}-byte limit", key)
    try:
        published = normalize_date(row.get("published"))
    except InputError as exc:
        return Failure(location, str(exc), key)
    return Item(
        key or content_key(content),
        location,
        content,
        text is None,
        _optional(row, "title"),
        _optional(row, "source", 256),
        _optional(row, "url"),
        published,
    )


def _read_jsonl(path: Path, max_bytes: int) -> Iterator[Item | Failure]:
    with path.open("rb") as f:
        for n, line in enumerate(f, 1):
            location = f"{path_name(path)}:{n}"
            if not line.strip():
                continue
            if len(line) > max_bytes:
                yield Failure(location, f"line over the {max_bytes:,}-byte limit")
                continue
            try:
                row = json.loads(line)
            # ValueError: also a number over 4,300 digits; RecursionError: nested too deep.
            except (ValueError, RecursionError) as exc:
                yield Failure(location, f"malformed JSON line ({_short(exc)})")
                continue
            yield item_from_row(row, location, max_bytes)


def _short(exc: BaseException) -> str:
    # The first clause of the parser's message: enough to find the problem, one line.
    return str(exc).split(";")[0][:200]


def _read_csv(path: Path, max_bytes: int) -> Iterator[Item | Failure]:
    csv.field_size_limit(max(max_bytes, 131072))
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as f:
        reader = csv.DictReader(f)
        if not reader.fieldnames or not {"text", "html"} & set(reader.fieldnames):
            yield Failure(path_name(path), "CSV header has no 'text' or 'html' column")
            return
        try:
            for row in reader:
                yield item_from_row(row, f"{path_name(path)}:{reader.line_num}", max_bytes)
        except csv.Error as exc:
            yield Failure(f"{path_name(path)}:{reader.line_num}", f"malformed CSV ({exc})")


def _read_file(path: Path, key: str, max_bytes: int) -> Item | Failure:
    name = path_name(path)
    try:
        # Bounded whatever stat() says, and never a device or a pipe (issue 13, item 9).
        data = read_file_bytes(path, max_bytes)
    except InputError as exc:
        return Failure(name, str(exc).removeprefix(f"{name}: "), key)
    return Item(key, name, data, path.suffix.lower() in HTML_SUFFIXES)


def _read_folder(folder: Path, max_bytes: int) -> Iterator[Item | Failure]:
    # Keys and locations are stored and shown: a name's bytes that are not UTF-8 as U+FFFD.
    base = path_name(folder.resolve().name) or "input"
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts) or not path.is_file():
            continue
        if path.suffix.lower() not in TEXT_SUFFIXES | HTML_SUFFIXES:
            yield Failure(path_name(path), "not a .txt or .html file")
            continue
        yield _read_file(path, f"{base}/{path_name(rel.as_posix())}", max_bytes)


def read_inputs(inputs: list[str], max_bytes: int) -> Iterator[Item | Failure]:
    """Every article of ``inputs`` (folders, .jsonl, .csv, .txt or .html files), lazily.

    Raises:
        InputError: for an input that does not exist or is of an unknown kind (checked
            before anything is read, by :func:`check_inputs`).
    """
    for raw in check_inputs(inputs):
        path = Path(raw)
        suffix = path.suffix.lower()
        if path.is_dir():
            yield from _read_folder(path, max_bytes)
        elif suffix in JSONL_SUFFIXES:
            yield from _read_jsonl(path, max_bytes)
        elif suffix in CSV_SUFFIXES:
            yield from _read_csv(path, max_bytes)
        else:
            yield _read_file(path, path_name(path.name), max_bytes)


def check_inputs(inputs: list[str]) -> list[str]:
    """``inputs`` if every one exists and is of a known kind.

    Raises:
        InputError: naming the first bad input.
    """
    if not inputs:
        raise InputError("no input given: name a folder, a .jsonl or a .csv file")
    known = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | CSV_SUFFIXES
    for raw in inputs:
        path = Path(raw)
        if not path.exists():
            raise InputError(f"{path_name(raw)}: no such file or folder")
        if not path.is_dir() and not path.is_file():
            # /dev/zero never ends and a FIFO blocks: refused before anything is opened.
            raise InputError(f"{path_name(raw)}: not a regular file (a device, pipe or socket)")
        if path.is_file() and path.suffix.lower() not in known:
            raise InputError(
                f"{path_name(raw)}: unknown input kind; use a folder, .jsonl, .csv, .txt or .html"
            )
    return inputs


def count_inputs(inputs: list[str]) -> int | None:
    """About how many articles ``inputs`` hold (for the progress bar's ETA), streamed."""
    total = 0
    for raw in inputs:
        path = Path(raw)
        suffix = path.suffix.lower()
        if path.is_dir():
            total += sum(1 for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        elif suffix in JSONL_SUFFIXES:
            with path.open("rb") as f:
                total += sum(1 for line in f if line.strip())
        elif suffix in CSV_SUFFIXES:
            with path.open(newline="", encoding="utf-8-sig", errors="replace") as f:
                csv.field_size_limit(1 << 30)
                total += max(0, sum(1 for _ in csv.reader(f)) - 1)
        else:
            total += 1
    return total


def prepare(item: Item) -> ArticleRecord:
    """Decode ``item`` and extract its article text when it is HTML.

    Raises:
        InputError: for empty, binary or undecodable content, or HTML without an article.
    """
    from .._ingest import extract_article

    if isinstance(item.content, bytes):
        text, _ = decode_text(item.content, item.location)
    else:
        text = item.content
        if not text.strip():
            raise InputError(f"{item.location}: is empty")
        if "\x00" in text:
            raise InputError(f"{item.location}: looks like binary data, not text")
    title = item.title
    if item.is_html:
        text = extract_article(text, item.location)
    return ArticleRecord(item.key, text, title, item.source, item.url, item.published)
