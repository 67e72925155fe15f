"""Reading JSON from outside: an annotation tool's export, a line of a JSONL file.

``json.loads`` alone lets through what later breaks far from the file: a lone surrogate
(``"\\ud800"``, which no encoder can write back), and it raises what is no project error
for input nested too deeply (``RecursionError``) or holding a number over Python's
4,300-digit limit (a bare ``ValueError``). :func:`load_json` turns each into a
:class:`FormatError` naming the file.
"""

from __future__ import annotations

import json
import reprlib
from typing import Any

from .._errors import FormatError
from ._files import valid_unicode

SHOWN = 60


def shown_value(value: object) -> str:
    """A value read from a file, for a message: its ``repr``, cut to 60 characters and
    never nested deep (:mod:`reprlib`), so that an error never echoes a huge input whole
    nor recurses through it.

    Example:
        >>> shown_value("Lying"), shown_value([[[[[[[[1]]]]]]]])
        ("'Lying'", '[[[[[[[...]]]]]]]')
        >>> len(shown_value({str(n): "x" * 50 for n in range(9)}))
        60
    """
    try:
        text = reprlib.repr(value)
    except ValueError:  # an int over 4,300 digits, which Python refuses to write
        text = f"<a {type(value).__name__} too long to show>"
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"


def _strings_valid(doc: Any) -> bool:
    # A walk with a stack of its own: the document may be nested as deep as the parser
    # allows, which is as deep as Python's recursion limit.
    stack = [doc]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if not valid_unicode(item):
                return False
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return True


def load_json(data: bytes | str, name: str) -> Any:
    """The JSON document ``data`` (UTF-8, a byte order mark allowed), checked to be
    Unicode text throughout.

    Raises:
        FormatError: naming ``name``, for bytes that are not UTF-8, text that is not JSON,
            nesting too deep to read, a number too long to read, or a lone surrogate.

    Example:
        >>> load_json(b'{"a": [1, "\\\\u00e9"]}', "x.json")
        {'a': [1, 'é']}
        >>> load_json(b'["\\\\ud800"]', "x.json")
        Traceback (most recent call last):
        ...
        spinscope._errors.FormatError: x.json: not valid Unicode (a string holds a lone surrogate)
    """
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
        doc = json.loads(text)
    except UnicodeDecodeError as exc:
        raise FormatError(f"{name}: not UTF-8 text (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise FormatError(f"{name}: not JSON ({exc})") from None
    except ValueError:  # an integer over the interpreter's limit of 4,300 digits
        raise FormatError(f"{name}: not readable JSON (a number with too many digits)") from None
    except RecursionError:
        raise FormatError(f"{name}: not readable JSON (nested too deeply)") from None
    if not _strings_valid(doc):
        raise FormatError(f"{name}: not valid Unicode (a string holds a lone surrogate)")
    return doc
