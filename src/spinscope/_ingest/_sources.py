"""The inputs of ``spinscope analyze``: files, the visible files of folders (and of their
subfolders), standard input. ``.html``/``.htm`` files are reduced to their article's text,
as ``spinscope batch`` and the web app do."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from .._errors import InputError
from .._settings import Settings
from ._files import decode_text, path_name, read_text_file
from ._html import extract_article

HTML_SUFFIXES = frozenset({".html", ".htm"})
"""File suffixes read as HTML pages: the article's title and text are analyzed."""


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
        text, warnings = read_text_file(self.path, settings.max_bytes)
        if self.path.suffix.lower() in HTML_SUFFIXES:
            return extract_article(text, self.name), warnings
        return text, warnings


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
        # Names are written to outputs and messages: bytes that are not UTF-8 as U+FFFD.
        if path.is_dir():
            files = _visible_files(path)
            if not files:
                raise InputError(f"{path_name(path)}: directory holds no files")
            sources += [Source(path_name(p), p) for p in files]
        elif path.exists():
            sources.append(Source(path_name(path), path))
        else:
            raise InputError(f"{path_name(path)}: no such file or directory")
    return sources


def _visible_files(folder: Path) -> list[Path]:
    """The regular files under ``folder`` and its subfolders, sorted, skipping anything
    hidden (a name starting with a dot, or inside a hidden folder)."""
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )
