"""``spinscope export``: every stored analysis in an analysis format, streamed.

The store is read a page at a time (:func:`spinscope._store.iter_analyses`); each row
becomes the same :class:`~spinscope._formats.Record` that ``spinscope analyze`` writes
(:func:`record_of`) and is written as soon as it is read, so memory stays flat however
large the store. The formats are those of :data:`spinscope._formats.FORMATS` that list
``export`` among their commands:

* ``jsonl``: one object per article: key, title, source, url, published, model,
  threshold, score, coverage, n_spans, spans (start, end, technique, confidence, text)
  and the article's text.
* ``csv``: one row per span: key, source, published, technique, start, end,
  confidence, fragment (the span's text). Articles without spans have no rows.
* ``semeval``: ``article_id<TAB>technique<TAB>start<TAB>end`` lines of SemEval-2020
  Task 11 (technique classification), as ``spinscope analyze -f semeval`` writes them.
* the annotation-tool formats, for a person to correct (``spinscope import`` reads them
  back): ``label-studio`` (a JSON list of tasks; a file, with its labelling config
  beside it), ``doccano`` (JSONL), and, into the folder ``-o DIR`` (:func:`write_folder`),
  ``brat`` (``.ann`` and ``.txt`` per article) and ``inception`` (UIMA CAS JSON each).
"""

from __future__ import annotations

import os
import re
import sys
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from .._errors import InputError
from .._formats import Record, Stored, Target, get_format
from .._pipeline import Analysis, Summary

if TYPE_CHECKING:
    from .._store import AnalysisRow, Filters, Store

# The most keys one export selects: they go into one query, and databases limit its
# parameters (SQLite to 32,766).
MAX_KEYS = 10_000
_ARTICLE_KEY = re.compile(r"(?:^|[/\\])article(\d+)(?:\.[A-Za-z0-9]+)?$")


@dataclass
class ExportCount:
    """What an export wrote.

    Example:
        >>> str(ExportCount(1, 3))
        '1 analysis (3 spans)'
    """

    articles: int = 0
    spans: int = 0

    def __str__(self) -> str:
        analyses = "analysis" if self.articles == 1 else "analyses"
        spans = "span" if self.spans == 1 else "spans"
        return f"{self.articles:,} {analyses} ({self.spans:,} {spans})"


def semeval_id(key: str) -> str:
    """The SemEval article id of a stored key: the digits of ``article<ID>`` (a PTC file,
    also below folders and with an extension), else the key itself.

    Tabs and line breaks, which would break the line format, become spaces.

    Example:
        >>> semeval_id("ptc/train/article111111112.txt"), semeval_id("article7")
        ('111111112', '7')
        >>> semeval_id("sha256:ab12")
        'sha256:ab12'
    """
    m = _ARTICLE_KEY.search(key)
    if m:
        return m.group(1)
    return re.sub(r"[\t\r\n]", " ", key)


def record_of(row: AnalysisRow) -> Record:
    """A stored analysis as the formats' :class:`Record`: its key as the source, the
    stored spans and figures (no sentences or passages: the store keeps none), and what
    the store holds about the article.

    Example:
        >>> from spinscope._pipeline import Span
        >>> from spinscope._store import AnalysisRow, ArticleRecord
        >>> a = ArticleRecord("x/article5.txt", "Lies!", source="S")
        >>> row = AnalysisRow(a, "m", 0.3, 0.9, 0.8, "2020", (Span(0, 4, "Slogans", 0.9),))
        >>> r = record_of(row)
        >>> r.source, r.article_id, r.analysis.summary.score, r.stored.publisher
        ('x/article5.txt', '5', 0.9, 'S')
    """
    a = row.article
    counts = dict(Counter(s.technique for s in row.spans).most_common())
    summary = Summary(row.score, row.coverage, counts)
    analysis = Analysis(
        a.text, row.spans, (), summary, row.model_id, row.threshold, attributions=row.attributions
    )
    stored = Stored(a.title, a.source, a.url, a.published, row.created_at)
    return Record(a.key, semeval_id(a.key), analysis, stored)


def write_rows(
    rows: Iterable[AnalysisRow], fmt: str, out: TextIO, with_text: bool = True
) -> ExportCount:
    """Write ``rows`` to ``out`` in the format called ``fmt`` as they come; how many
    articles and spans.

    Raises:
        InputError: for a format that ``export`` does not offer.

    Example:
        >>> import io
        >>> from spinscope._pipeline import Span
        >>> from spinscope._store import AnalysisRow, ArticleRecord
        >>> a = ArticleRecord("article5.txt", "Lies!")
        >>> row = AnalysisRow(a, "m", 0.3, 0.9, 0.8, "2020", (Span(0, 4, "Slogans", 0.9),))
        >>> buf = io.StringIO()
        >>> write_rows([row], "semeval", buf)
        ExportCount(articles=1, spans=1)
        >>> buf.getvalue()
        '5\\tSlogans\\t0\\t4\\n'
    """
    write = get_format(fmt, "export").writer(Target(out, many=True, with_text=with_text))
    count = ExportCount()
    for row in rows:
        count.articles += 1
        count.spans += len(row.spans)
        write(record_of(row))
    return count


def write_folder(rows: Iterable[AnalysisRow], fmt: str, output: Path | None) -> ExportCount:
    """Write ``rows`` into the folder ``output`` in a format with a folder form (``brat``:
    a ``.ann`` and a ``.txt`` per article; ``inception``: a ``.json`` each), as they come.

    Raises:
        InputError: without ``output``, or when it cannot be made.

    Example:
        >>> write_folder([], "brat", None)
        Traceback (most recent call last):
        ...
        spinscope._errors.InputError: --format brat writes files per article: give -o DIR
    """
    folder = get_format(fmt, "export").folder
    if folder is None or output is None:
        raise InputError(f"--format {fmt} writes files per article: give -o DIR")
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{output}: cannot make the folder ({exc.strerror})") from None
    count = ExportCount()
    for row in rows:
        count.articles += 1
        count.spans += len(row.spans)
        folder(record_of(row), output)
    return count


def export(
    store: Store,
    filters: Filters,
    fmt: str,
    output: Path | None,
    with_text: bool = True,
    keys: Collection[str] | None = None,
) -> ExportCount:
    """Export every analysis matching ``filters`` (of the articles ``keys`` only, when
    given) in the format called ``fmt`` to ``output`` (standard output if ``None``).

    A file is written under a temporary name and renamed when complete, so an interrupted
    export never leaves a truncated file that looks finished.

    Raises:
        InputError: for an unknown format, when ``output`` cannot be written (or is
            missing, for a format with a folder form), or for over :data:`MAX_KEYS` keys.

    Example:
        >>> import io, contextlib
        >>> from spinscope._store import Filters, Store
        >>> with contextlib.redirect_stdout(io.StringIO()):
        ...     count = export(Store.open("sqlite://"), Filters(), "jsonl", None)
        >>> count
        ExportCount(articles=0, spans=0)
    """
    from .._store import iter_analyses

    folder = get_format(fmt, "export").folder
    if keys is not None and len(keys) > MAX_KEYS:
        raise InputError(f"--keys: {len(keys):,} keys; give at most {MAX_KEYS:,}")
    rows = iter_analyses(store, filters, keys=keys)
    if folder is not None:
        return write_folder(rows, fmt, output)
    if output is None:
        return write_rows(rows, fmt, sys.stdout, with_text)
    partial = output.with_name(output.name + ".part")
    try:
        with partial.open("w", encoding="utf-8", newline="") as handle:
            count = write_rows(rows, fmt, handle, with_text)
        os.replace(partial, output)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise InputError(f"{output}: cannot write ({exc.strerror})") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return count
