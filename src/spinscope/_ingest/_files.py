"""Reading article text from bytes and files, with clear errors for bad input."""

from __future__ import annotations

import codecs
import re
import stat
from pathlib import Path

from .._errors import BinaryInputError, InputError, TooLargeError

DEFAULT_MAX_BYTES = 20_000_000

# Bytes that never occur in text files; their presence means a binary file.
_BINARY = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_SURROGATE = re.compile("[\ud800-\udfff]")


# Byte order marks of the encodings that are not ASCII-compatible. UTF-32 first: its
# little-endian mark begins with UTF-16's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def valid_unicode(text: str) -> bool:
    """Whether ``text`` is Unicode text: no lone surrogate (JSON's ``\\ud800``, or a file
    name's byte that is not UTF-8), so that it can be written as UTF-8.

    Example:
        >>> valid_unicode("café 😀"), valid_unicode("a\\ud800")
        (True, False)
    """
    return _SURROGATE.search(text) is None


def without_surrogates(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD, one character for one, so
    that it can be written as UTF-8 and every offset into it stays right.

    Example:
        >>> without_surrogates("a\\ud800b")
        'a\ufffdb'
    """
    return _SURROGATE.sub("\ufffd", text)


def path_name(path: Path | str) -> str:
    """``path`` as text that can be written anywhere: each byte of a file name that is
    not UTF-8 (which Python keeps as a lone surrogate) becomes U+FFFD.

    A name goes into messages, JSON, reports and the store; with a surrogate in it, each
    of them would fail to encode it.

    Example:
        >>> path_name("caf\\udce9.txt")
        'caf\ufffd.txt'
    """
    return without_surrogates(str(path))


def _decode_bom(data: bytes, name: str) -> str | None:
    """The text of UTF-16/32 input that starts with its byte order mark; else ``None``."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"{name}: not valid {encoding.upper()} (byte {exc.start})"
                ) from None
    return None


def _decode_bytes(data: bytes, name: str, warnings: list[str]) -> str:
    """UTF-8 (BOM allowed), else cp1252 with a warning; binary input refused."""
    sample = data[:65536]
    # A NUL anywhere means binary (searching for one byte is fast at any size); stray
    # control characters are judged on a sample.
    if b"\x00" in data or len(_BINARY.findall(sample)) > max(4, len(sample) // 1000):
        raise BinaryInputError(f"{name}: looks like a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise InputError(
                f"{name}: not valid UTF-8 (byte {exc.start}) nor Windows-1252 text"
            ) from None
        warnings.append(f"{name}: not valid UTF-8; decoded as Windows-1252")
        return text


def decode_text(data: bytes, name: str = "<input>") -> tuple[str, list[str]]:
    """Decode bytes as UTF-16 or UTF-32 when they start with its byte order mark, else as
    UTF-8 (BOM allowed), falling back to cp1252 with a warning.

    Raises:
        InputError: for empty, whitespace-only or binary input (a NUL byte anywhere).

    Returns:
        The text and a list of warnings.

    Example:
        >>> decode_text("caf\\u00e9".encode("cp1252"))
        ('café', ['<input>: not valid UTF-8; decoded as Windows-1252'])
        >>> decode_text("caf\\u00e9".encode("utf-16"))
        ('café', [])
    """
    warnings: list[str] = []
    text = _decode_bom(data, name)
    if text is None:
        text = _decode_bytes(data, name, warnings)
    elif "\x00" in text:
        raise BinaryInputError(f"{name}: looks like a binary file, not text")
    if not text.strip():
        raise InputError(f"{name}: is empty" if not text else f"{name}: holds only whitespace")
    return text, warnings


def read_text_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, list[str]]:
    """Read one article file: a regular file of at most ``max_bytes`` bytes, as text
    (:func:`read_file_bytes`, then :func:`decode_text`).

    Raises:
        InputError: when the file is missing, unreadable, not a regular file, too large or
            not text.

    Example:
        >>> import tempfile, os
        >>> p = Path(tempfile.mkdtemp()) / "a.txt"
        >>> _ = p.write_text("Hello")
        >>> read_text_file(p)
        ('Hello', [])
    """
    return decode_text(read_file_bytes(path, max_bytes), path_name(path))


def read_file_bytes(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of a regular file of at most ``max_bytes`` bytes.

    Devices, pipes and sockets are refused before they are opened (``/dev/zero`` never
    ends and a FIFO blocks), and at most ``max_bytes + 1`` bytes are read whatever
    ``stat`` says, since a file can grow while it is read.

    Raises:
        InputError: when the file is missing, unreadable, not a regular file or too large
            (:class:`TooLargeError`).

    Example:
        >>> read_file_bytes(Path("/dev/zero"))
        Traceback (most recent call last):
        ...
        spinscope._errors.InputError: /dev/zero: not a regular file (a device, pipe or socket)
    """
    name = path_name(path)  # messages are written out: no surrogates
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            raise InputError(f"{name}: is a directory")
        if not stat.S_ISREG(mode):
            raise InputError(f"{name}: not a regular file (a device, pipe or socket)")
        with path.open("rb") as f:
            data = f.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except PermissionError:
        raise InputError(f"{name}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot be read ({exc.strerror})") from None
    except ValueError:  # a NUL in the name, which no file name can hold
        raise InputError(f"{name}: not a usable file name") from None
    if len(data) > max_bytes:
        raise TooLargeError(f"{name}: over the {max_bytes:,}-byte limit")
    return data
