"""Labelled articles to train on, in any format the project reads: a PTC folder, or an
annotation tool's export (the formats ``spinscope import`` reads), as a :class:`Corpus`.

The readers of the tools' exports live in ``_formats``, which ``train`` may not import;
the command line sees both, so the conversion happens here and ``train`` gets a Corpus.
"""

from __future__ import annotations

import json
from pathlib import Path

from .._errors import FormatError, InputError
from .._formats import IMPORT_FORMATS, Imported, import_annotations
from .._semeval import Corpus

PTC = "ptc"
AUTO = "auto"
CORPUS_FORMATS = (PTC, *IMPORT_FORMATS)
# What each format looks like on disk, for the error that lists them.
LOOKS = {
    PTC: "a folder with articles/ and labels.tsv",
    "label-studio": "a Label Studio .json export",
    "doccano": "a doccano .jsonl export",
    "brat": "a brat .ann file or a folder of them, each with its .txt",
    "inception": "an INCEpTION CAS .json file or a folder of them",
}


def _known() -> str:
    return "; ".join(f"{name} ({LOOKS.get(name, name)})" for name in CORPUS_FORMATS)


def _json_kind(path: Path) -> str | None:
    """``label-studio`` for a task list (or one task), ``inception`` for a CAS document."""
    try:
        doc = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(doc, list) or (isinstance(doc, dict) and "data" in doc):
        return "label-studio"
    if isinstance(doc, dict) and ("%FEATURE_STRUCTURES" in doc or "%TYPES" in doc):
        return "inception"
    return None


def detect_format(path: Path) -> str:
    """The format of the labelled articles at ``path``: a PTC folder when it has
    ``labels.tsv``, else by the files' suffix (and, for ``.json``, content).

    Raises:
        InputError: when ``path`` is missing or its format cannot be told, listing the
            formats and how each looks.

    Example:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     path = Path(tmp, "corrected.jsonl")
        ...     _ = path.write_text("")
        ...     detect_format(path)
        'doccano'
    """
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    kind: str | None = None
    if path.is_dir():
        if (path / "labels.tsv").is_file():
            kind = PTC
        elif next(path.rglob("*.ann"), None) is not None:
            kind = "brat"
        elif next(path.rglob("*.json"), None) is not None:
            kind = "inception"
    elif path.suffix.lower() == ".jsonl":
        kind = "doccano"
    elif path.suffix.lower() == ".ann":
        kind = "brat"
    elif path.suffix.lower() == ".json" and path.is_file():
        kind = _json_kind(path)
    if kind is None:
        raise InputError(
            f"{path}: cannot tell its annotation format; pass --corpus-format with one of: "
            f"{_known()}"
        )
    return kind


def corpus_of(imported: Imported, path: Path) -> Corpus:
    """The articles and labels read from an annotation tool's export, as a Corpus.

    Raises:
        InputError: for an article without its text (brat without the ``.txt``), or an
            export without articles.

    Example:
        >>> from spinscope._formats import Article
        >>> from spinscope._semeval import Label
        >>> got = Imported([Article("7", "Lies!", (Label("7", 0, 4, "Doubt"),), "a")])
        >>> corpus_of(got, Path("a")).labels
        [Label(article_id='7', start=0, end=4, technique='Doubt')]
    """
    if not imported.articles:
        more = len(imported.notes) - 1
        skipped = f" ({imported.notes[0]}{f' and {more} more' if more else ''})"
        raise InputError(
            f"{path}: no annotated articles to train on{skipped if imported.notes else ''}"
        )
    articles: dict[str, str] = {}
    for article in imported.articles:
        if article.text is None:
            raise InputError(
                f"{article.where}: no text beside it (brat needs the .txt next to each .ann "
                "to train on)"
            )
        articles[article.article_id] = article.text
    return Corpus(articles, imported.labels)


def load_corpus(path: Path, fmt: str = AUTO) -> tuple[Corpus, list[str]]:
    """The labelled articles at ``path`` in format ``fmt`` (``auto``: detected), and the
    notes of what was skipped (Label Studio tasks nobody annotated).

    Raises:
        InputError: for an unknown or undetectable format, or unusable articles.
        FormatError: for a malformed file.

    Example:
        >>> # corpus, notes = load_corpus(Path("export.json"))
    """
    kind = detect_format(path) if fmt == AUTO else fmt
    if kind == PTC:
        return Corpus.load(path), []
    if kind not in IMPORT_FORMATS:
        raise InputError(f"unknown corpus format {kind!r}; use one of: {_known()}")
    try:
        imported = import_annotations(path, kind)
    except FormatError as exc:
        if fmt != AUTO:
            raise
        raise FormatError(f"{exc} (read as {kind}; pass --corpus-format if it is not)") from None
    return corpus_of(imported, path), imported.notes
