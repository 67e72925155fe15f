"""Reading article text from bytes and files, with clear errors for bad input."""

from __future__ import annotations

import re
from pathlib import Path

from .._errors import BinaryInputError, InputError, TooLargeError

DEFAULT_MAX_BYTES = 20_000_000

# Bytes that never occur in text files; their presence means a binary file.
_BINARY = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


def decode_text(data: bytes, name: str = "<input>") -> tuple[str, list[str]]:
    """Decode bytes as UTF-8 (BOM allowed), falling back to cp1252 with a warning.

    Raises:
        InputError: for empty, whitespace-only or binary input.

    Returns:
        The text and a list of warnings.

    Example:
        >>> decode_text("caf\\u00e9".encode("cp1252"))
        ('café', ['<input>: not valid UTF-8; decoded as Windows-1252'])
    """
    warnings: list[str] = []
    sample = data[:65536]
    if b"\x00" in sample or len(_BINARY.findall(sample)) > max(4, len(sample) // 1000):
        raise BinaryInputError(f"{name}: looks like a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise InputError(
                f"{name}: not valid UTF-8 (byte {exc.start}) nor Windows-1252 text"
            ) from None
        warnings.append(f"{name}: not valid UTF-8; decoded as Windows-1252")
    if not text.strip():
        raise InputError(f"{name}: is empty" if not text else f"{name}: holds only whitespace")
    return text, warnings


def read_text_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, list[str]]:
    """Read one article file.

    Raises:
        InputError: when the file is missing, unreadable, too large or not text.

    Example:
        >>> import tempfile, os
        >>> p = Path(tempfile.mkdtemp()) / "a.txt"
        >>> _ = p.write_text("Hello")
        >>> read_text_file(p)
        ('Hello', [])
    """
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise InputError(f"{path}: is a directory")
        if size > max_bytes:
            raise TooLargeError(f"{path}: {size:,} bytes is over the {max_bytes:,}-byte limit")
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None
    return decode_text(data, str(path))
