"""``spinscope compare A B``: two articles of the same story side by side (techniques, the
sentences that say the same thing and how each frames them, the quotes both report).

A and B are read as ``spinscope analyze`` reads its inputs (a file, ``.html`` reduced to
its article, or ``-`` for standard input), or fetched when they are http(s) URLs, under
the same guard as the web app's URL fetching.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from .._errors import InputError
from .._ingest import FetchPolicy, collect_sources, extract_article, fetch
from . import _util

if TYPE_CHECKING:
    from .._compare import Comparison
    from .._pipeline import Analysis, Model
    from .._settings import Settings


URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


class CompareAs(StrEnum):
    """The output formats of ``spinscope compare``."""

    text = "text"
    json = "json"


def is_url(item: str) -> bool:
    """Whether an input is a URL rather than a file: it starts with a scheme and ``://``
    (any scheme, so that ``ftp://...`` is refused as a URL, not looked for as a file).

    Example:
        >>> is_url("https://example.org/a"), is_url("ftp://x"), is_url("a.txt")
        (True, True, False)
    """
    return URL.match(item) is not None


def read_input(item: str, settings: Settings, policy: FetchPolicy) -> tuple[str, str, list[str]]:
    """``(name, text, warnings)`` of one input: a URL's article, or a file or ``-``.

    Raises:
        InputError: for a folder, a missing, empty or binary file, or a bad URL.
        FetchError: when the URL cannot be fetched.

    Example:
        >>> # read_input("a.html", Settings(), FetchPolicy())  # ('a.html', 'The article…', [])
    """
    if is_url(item):
        page = fetch(item, policy)
        text = (
            page.text if page.media_type == "text/plain" else extract_article(page.text, page.url)
        )
        return page.url, text, []
    if item != "-" and Path(item).is_dir():
        raise InputError(f"{item}: compare takes one file or URL each, not a folder")
    (source,) = collect_sources([item])
    text, warnings = source.read(settings)
    return source.name, text, warnings


def analyzed(
    model: Model, item: str, policy: FetchPolicy, threshold: float | None
) -> tuple[str, Analysis]:
    """The name and analysis of one input, with its reading warnings; errors name it.

    Example:
        >>> # analyzed(model, "a.txt", FetchPolicy(), None)[1].summary.line()
    """
    from .._compare import analyze_side

    name, text, warnings = read_input(item, model.settings, policy)
    analysis = analyze_side(model, text, name, threshold)
    return name, replace(analysis, warnings=(*warnings, *analysis.warnings))


def write(comparison: Comparison, fmt: CompareAs, output: Path | None) -> None:
    """Print ``comparison`` as tables or JSON, to ``output`` or standard output.

    Raises:
        InputError: when ``output`` cannot be written.

    Example:
        >>> # write(comparison, CompareAs.json, Path("comparison.json"))
    """
    from .._compare import render_comparison

    console, _ = _util.consoles()
    text = json.dumps(comparison.to_dict(), ensure_ascii=False, indent=2)
    if output is None:
        if fmt is CompareAs.json:
            console.out(text, highlight=False)
        else:
            console.print(render_comparison(comparison))
        return
    try:
        with output.open("w", encoding="utf-8") as handle:
            if fmt is CompareAs.json:
                handle.write(text + "\n")
            else:
                # Plain, as analyze writes text to a file: no colours, no markup, unwrapped.
                plain = Console(file=handle, width=100, markup=False, highlight=False)
                plain.print(render_comparison(comparison))
    except OSError as exc:
        raise InputError(f"{output}: cannot write ({exc.strerror})") from None


def compare(
    a: Annotated[
        str, typer.Argument(metavar="A", help="The first article: FILE, URL or - (standard input).")
    ],
    b: Annotated[str, typer.Argument(metavar="B", help="The second article: FILE, URL or -.")],
    format: Annotated[
        CompareAs, typer.Option("--format", "-f", help="text (tables) or json.")
    ] = CompareAs.text,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
    threshold: Annotated[
        float | None,
        typer.Option(help="Minimum confidence of a fragment, 0-1 (default: the model's)."),
    ] = None,
    similarity: Annotated[
        float, typer.Option(help="Least cosine similarity of two aligned sentences, 0-1.")
    ] = 0.75,
    overlap: Annotated[
        float, typer.Option(help="Least share of words two quotes have in common, 0-1.")
    ] = 0.5,
    top: Annotated[int, typer.Option(help="Most confident fragments shown per article.")] = 3,
    allow_private_urls: Annotated[
        bool,
        typer.Option(
            "--allow-private-urls", help="Also fetch URLs on loopback and private networks."
        ),
    ] = False,
    model: _util.ModelOption = None,
) -> None:
    """Compare two articles of the same story: techniques, aligned sentences, shared quotes.

    Example: spinscope compare a.txt https://example.org/b.html -f json
    """
    from .._compare import CompareOptions, compare_analyses

    options = CompareOptions(similarity, overlap, top)
    if threshold is not None and not 0 <= threshold <= 1:
        raise InputError(f"--threshold {threshold} is not between 0 and 1")
    if a == "-" and b == "-":
        raise InputError("only one of A and B can be - (standard input)")
    policy = FetchPolicy(allow_private=allow_private_urls)
    loaded = _util.load_model(model)
    name_a, first = analyzed(loaded, a, policy, threshold)
    name_b, second = analyzed(loaded, b, policy, threshold)
    write(compare_analyses(loaded, first, second, options, (name_a, name_b)), format, output)
