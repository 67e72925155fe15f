"""What the commands share: error handling, consoles, the model, the store options, and
``--format`` choices taken from a format registry.

User strings (file names, messages quoting them, article text) are never read as rich
markup: the consoles have markup off, and styled lines are built as :class:`Text`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, cast

import typer
from rich.console import Console
from rich.text import Text

from .._errors import SpinscopeError

if TYPE_CHECKING:
    from .._pipeline import Model
    from .._settings import Settings
    from .._store import Filters

F = TypeVar("F", bound=Callable[..., Any])

ModelOption = Annotated[
    Path | None,
    typer.Option(
        "--model",
        help="Model directory, or accurate (default: the shipped model, or $SPINSCOPE_MODEL).",
    ),
]

# Options shared by the commands that read a results store (report, export).
StoreOption = Annotated[
    str, typer.Option("--db", help="Results store: a SQLite file, or a postgresql://... URL.")
]
SourceOption = Annotated[
    list[str] | None,
    typer.Option("--source", "-s", help="Only this source (repeatable; '(unknown)': none)."),
]
FromOption = Annotated[
    str | None, typer.Option("--from", help="Published on or after YYYY-MM[-DD].")
]
ToOption = Annotated[
    str | None, typer.Option("--to", help="Published on or before YYYY-MM[-DD] (whole month).")
]
TechniqueOption = Annotated[
    list[str] | None,
    typer.Option("--technique", "-t", help="Only this technique (repeatable)."),
]
ModelIdOption = Annotated[
    str | None,
    typer.Option("--model", help="Analyses of this model id (default: the latest stored)."),
]


def handle_errors(func: F) -> F:
    """``func``, with every :class:`SpinscopeError` a one-line message and its exit code
    (never a traceback for bad input), and Ctrl-C exit code 130."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except SpinscopeError as exc:
            # One line whatever the width, so the message can be grepped and copied whole.
            Console(stderr=True, markup=False, soft_wrap=True).print(
                error_text(str(exc)), highlight=False
            )
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


def error_text(message: str) -> Text:
    """``error: MESSAGE`` with a red head, ``message`` taken literally (no markup).

    Example:
        >>> error_text("[b]x[/b].txt: no such file").plain
        'error: [b]x[/b].txt: no such file'
    """
    return Text.assemble(("error:", "red"), " ", message)


def consoles() -> tuple[Console, Console]:
    """Standard output and standard error, with rich markup off (strings print as given)."""
    return Console(markup=False), Console(stderr=True, markup=False)


def load_model(path: Path | None) -> Model:
    """The model at ``path`` (default: the shipped one), with settings from the environment.

    Commands call it as ``_util.load_model``, so that tests replace it in one place.
    """
    from .._pipeline import Model
    from .._settings import Settings

    settings = Settings.from_env()
    announce_assembly(path, settings)
    return Model.load(path, settings)


def announce_assembly(path: Path | None, settings: Settings) -> None:
    """Say so on standard error when loading ``path`` first assembles the accurate model,
    so that its 20 s are not a silent wait."""
    from .._pipeline import assembles_first

    if assembles_first(path, settings):
        consoles()[1].print(
            "assembling the accurate model from the all-mpnet-base-v2 wheels, once "
            f"(about 20 s; kept in {settings.models_home()})",
            soft_wrap=True,
        )


def choices(name: str, names: Iterable[str]) -> type[StrEnum]:
    """A ``StrEnum`` called ``name`` with a member per name, for typer's ``--format``
    choices: built from a format registry, so that a new format needs no new member.

    Example:
        >>> [m.value for m in choices("As", ["table", "csv"])]
        ['table', 'csv']
    """
    # Enum's functional API, which mypy follows only for literal member lists.
    functional: Any = StrEnum
    return cast("type[StrEnum]", functional(name, [(n, n) for n in names]))


def or_list(names: Iterable[str]) -> str:
    """``a, b or c``.

    Example:
        >>> or_list(["text", "json", "html"])
        'text, json or html'
    """
    *rest, last = names
    return f"{', '.join(rest)} or {last}" if rest else last


def store_filters(
    model: str | None,
    source: list[str] | None,
    date_from: str | None,
    date_to: str | None,
    technique: list[str] | None,
) -> Filters:
    """The store filters of the shared ``--model/--source/--from/--to/--technique`` options.

    Example:
        >>> store_filters(None, ["a"], None, None, None).sources
        ('a',)
    """
    from .._store import Filters

    return Filters(model, tuple(source or ()), date_from, date_to, tuple(technique or ()))
