"""Output formats as data: a :class:`Format` is one entry of a :class:`Registry`.

A format is a name, a media type, a file extension, a one-line description and a writer.
A writer is made for one :class:`Target` (a stream, and how to write to it) and then
called once per item: an analysis :class:`~spinscope._formats.Record` for the formats of
:data:`~spinscope._formats.FORMATS`, a report for those of ``spinscope._reports``.

Adding a format is adding one entry; the commands that list it in ``commands`` offer it,
their ``--format`` choices and error messages come from the registry.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TextIO, TypeVar

from .._errors import InputError

if TYPE_CHECKING:
    from rich.console import Console

T = TypeVar("T")


@dataclass(frozen=True)
class Target:
    """Where a writer writes, and how.

    Attributes:
        stream: The text stream written to.
        console: A rich console for the terminal formats (``text``, a report's ``table``);
            ``None`` makes them write plain text to ``stream``.
        many: Several items go to this one stream (``json`` then writes one per line).
        with_text: Include the articles' texts where a format may leave them out (``jsonl``).
    """

    stream: TextIO
    console: Console | None = None
    many: bool = False
    with_text: bool = True


@dataclass(frozen=True)
class Format(Generic[T]):
    """One output format.

    Attributes:
        name: What ``--format`` takes, e.g. ``json``.
        media_type: The HTTP ``Content-Type`` of a document in this format.
        extension: The usual file extension, without the dot.
        description: One line saying what a document holds.
        writer: Given a :class:`Target`, returns the function that writes one item to it.
            Whatever comes once per document (a CSV header) is written when it is made;
            what the function returns is ignored.
        commands: The CLI commands that offer this format (``analyze``, ``export``, ...).
        folder: When set, a document per item can go into a folder: it writes ``item``
            there and returns the files written (``html``: a file per analysis).
    """

    name: str
    media_type: str
    extension: str
    description: str
    writer: Callable[[Target], Callable[[T], object]]
    commands: tuple[str, ...] = ()
    folder: Callable[[T, Path], list[Path]] | None = None

    def render(self, item: T) -> str:
        """One item as a whole document in this format (plain text for terminal formats).

        Example:
            >>> shout = Format("shout", "text/x-shout", "txt", "Upper case.",
            ...                lambda t: lambda s: t.stream.write(s.upper()))
            >>> shout.render("hi")
            'HI'
        """
        buffer = io.StringIO()
        self.writer(Target(buffer))(item)
        return buffer.getvalue()


class Registry(Generic[T]):
    """Formats by name, in the order they were registered (the order commands list them).

    Example:
        >>> plain = Format("plain", "text/plain", "txt", "As is.",
        ...                lambda t: t.stream.write, commands=("show",))
        >>> formats = Registry([plain])
        >>> formats.get("plain").extension, formats.names("show"), formats.names("other")
        ('txt', ['plain'], [])
        >>> formats.get("nope", "show")
        Traceback (most recent call last):
        ...
        spinscope._errors.InputError: unknown format 'nope'; use one of plain
    """

    def __init__(self, formats: Iterable[Format[T]] = ()) -> None:
        self._formats: dict[str, Format[T]] = {}
        for fmt in formats:
            self.register(fmt)

    def register(self, fmt: Format[T]) -> None:
        """Add ``fmt``; its name must be new to this registry (media types may repeat:
        SemEval and SI lines are both plain text).

        Raises:
            ValueError: for a name already registered.
        """
        if fmt.name in self._formats:
            raise ValueError(f"format {fmt.name!r} is already registered")
        self._formats[fmt.name] = fmt

    def unregister(self, name: str) -> None:
        """Remove the format called ``name`` (a no-op when there is none)."""
        self._formats.pop(name, None)

    def get(self, name: str, command: str | None = None) -> Format[T]:
        """The format called ``name``, among those ``command`` offers when given.

        Raises:
            InputError: naming the formats there are, for an unknown name.
        """
        fmt = self._formats.get(name)
        if fmt is None or (command is not None and command not in fmt.commands):
            known = ", ".join(self.names(command))
            raise InputError(f"unknown format {name!r}; use one of {known}")
        return fmt

    def names(self, command: str | None = None) -> list[str]:
        """The names of every format, or of those ``command`` offers, in order."""
        return [f.name for f in self if command is None or command in f.commands]

    def __iter__(self) -> Iterator[Format[T]]:
        return iter(list(self._formats.values()))

    def __len__(self) -> int:
        return len(self._formats)

    def __contains__(self, name: object) -> bool:
        return name in self._formats
