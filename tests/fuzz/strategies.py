"""What the fuzz tests share: generators of hostile and of valid input, their settings,
and the one property every reader must have (a result or a project error, nothing else).

Each test here runs a bounded number of examples (``FUZZ``: 100; ``SLOW_FUZZ`` for
readers that take milliseconds an example: 40), so that the fuzz tests together stay
under a minute in CI. ``SPINSCOPE_TEST_FUZZ_EXAMPLES`` multiplies them for a deeper run.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from spinscope._errors import SpinscopeError

T = TypeVar("T")
E = TypeVar("E", bound=SpinscopeError)

# A deeper run: SPINSCOPE_TEST_FUZZ_EXAMPLES=20 gives twenty times the examples of CI.
SCALE = max(1, int(os.environ.get("SPINSCOPE_TEST_FUZZ_EXAMPLES", "1")))
# Example files are written to temporary folders, whose fixtures hypothesis must not reset.
_CHECKS = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
FUZZ = settings(max_examples=100 * SCALE, deadline=None, suppress_health_check=_CHECKS)
SLOW_FUZZ = settings(max_examples=40 * SCALE, deadline=None, suppress_health_check=_CHECKS)

# The characters most often miscounted or mis-split: beyond the BMP (an emoji, a flag of
# two), combining and zero-width ones, every kind of line break, a byte order mark.
TRICKY = st.sampled_from(
    [
        "😀",
        "🇺🇦",
        "é",
        "e\u0301",
        "\u200b",
        "\u200d",
        "\u2060",
        "\ufeff",
        "\r\n",
        "\r",
        "\n",
        "\t",
        "\x0b",
        "\x0c",
        "\x1c",
        "\x85",
        "\u2028",
        "\u2029",
        " ",
        "ß",
        "İ",
        "ﬁ",
    ]
)
# Unicode text (no lone surrogate: that is not text) rich in the characters above.
TEXT_CHARS = st.characters(exclude_categories=["Cs"]) | TRICKY
texts = st.lists(TEXT_CHARS, min_size=1, max_size=40).map("".join)
long_texts = st.lists(TEXT_CHARS, max_size=300).map("".join)
# Words to build text a reader accepts as prose.
words = st.sampled_from(["Lies", "and", "traitors", "Café", "naïve", "über", "😀", "city"])

# A file name as the file system holds it: any bytes but "/" and NUL, UTF-8 or not. Line
# breaks are left out: a name is shown as it is, so a message naming it would break too.
file_names = st.binary(min_size=1, max_size=12).filter(
    lambda b: not set(b) & set(b"/\x00\n\r") and b not in (b".", b"..")
)

# Any JSON document: what a file of a format might hold instead of what it should.
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.lists(TEXT_CHARS, max_size=6).map("".join)
)


def json_docs(keys: list[str] | None = None) -> st.SearchStrategy[Any]:
    """Any JSON document; its objects' keys drawn mostly from ``keys`` (a format's own
    field names), so that the documents reach past a reader's first checks."""
    names = st.text(max_size=8) if not keys else st.sampled_from(keys) | st.text(max_size=4)
    return st.recursive(
        json_scalars,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(names, inner, max_size=5),
        max_leaves=24,
    )


def outcome(call: Callable[[], T], expected: type[E]) -> T | E:
    """What ``call()`` gives: its result, or the error of kind ``expected`` it raised,
    whose message must be one line (the CLI prints it as it is). Any other exception,
    a project error of another kind included, fails the test."""
    try:
        return call()
    except expected as exc:
        assert "\n" not in str(exc), repr(str(exc))
        return exc


def nested(depth: int, leaf: str = "1") -> str:
    """JSON text of ``depth`` nested lists: deeper than Python's parser can go for 100,000."""
    return "[" * depth + leaf + "]" * depth
