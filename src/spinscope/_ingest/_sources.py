"""The inputs of ``spinscope analyze``: files, the visible files of folders, standard input."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from .._errors import InputError
from .._settings import Settings
from ._files import decode_text, read_text_file


@dataclass(frozen=True)
class Source:
    """One input to analyze: a file path, or standard input (``path`` is ``None``).

    Attributes:
        name: How messages and outputs name it: the path as given, or ``<stdin>``.
        path: The file to read, or ``None`` for standard input.
    """

    name: str
    path: Path | None

    def read(self, settings: Settings) -> tuple[str, list[str]]:
        """The text and its decoding warnings.

        Raises:
            InputError: for input that is missing, binary, empty or over
                ``settings.max_bytes``.
        """
        if self.path is None:
            data = sys.stdin.buffer.read(settings.max_bytes + 1)
            if len(data) > settings.max_bytes:
                raise InputError(f"<stdin>: over the {settings.max_bytes:,}-byte limit")
            return decode_text(data, "<stdin>")
        return read_text_file(self.path, settings.max_bytes)


def collect_sources(inputs: list[str]) -> list[Source]:
    """Expand FILE, DIR (its visible files, sorted) and ``-`` into sources.

    Raises:
        InputError: for a path that does not exist or an empty directory.

    Example:
        >>> collect_sources(["-"])
        [Source(name='<stdin>', path=None)]
    """
    sources: list[Source] = []
    for item in inputs:
        if item == "-":
            sources.append(Source("<stdin>", None))
            continue
        path = Path(item)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
            if not files:
                raise InputError(f"{path}: directory holds no files")
            sources += [Source(str(p), p) for p in files]
        elif path.exists():
            sources.append(Source(str(path), path))
        else:
            raise InputError(f"{path}: no such file or directory")
    return sources
