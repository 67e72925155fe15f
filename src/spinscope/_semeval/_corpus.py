"""SemEval-2020 Task 11 files: article folders and tab-separated span labels."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .._errors import FormatError, InputError
from .._ingest import read_text_file
from .._techniques import TECHNIQUE_NAMES

UNKNOWN = "?"

_ARTICLE_FILE = re.compile(r"^article(\d+)\.txt$")
_LINE_END = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True, order=True)
class Label:
    """One span of one article, as in ``article_id<TAB>technique<TAB>start<TAB>end``.

    ``technique`` is ``None`` for span-only (SI) files and ``"?"`` for spans to classify.
    """

    article_id: str
    start: int
    end: int
    technique: str | None = None

    def to_line(self) -> str:
        """The SemEval line for this label (4 columns, or 3 without a technique).

        Example:
            >>> Label("1", 0, 4, "Slogans").to_line()
            '1\\tSlogans\\t0\\t4'
        """
        if self.technique is None:
            return f"{self.article_id}\t{self.start}\t{self.end}"
        return f"{self.article_id}\t{self.technique}\t{self.start}\t{self.end}"


def parse_labels(text: str, name: str = "<labels>", allow_unknown: bool = False) -> list[Label]:
    """Parse SemEval label lines: 4 columns with a technique, or 3 (SI) without.

    Raises:
        FormatError: naming the line that is wrong.

    Example:
        >>> parse_labels("7\\tDoubt\\t3\\t9\\n")
        [Label(article_id='7', start=3, end=9, technique='Doubt')]
    """
    labels: list[Label] = []
    # Lines end at \n, \r\n or \r only: an article id may hold other characters that
    # str.splitlines breaks at (U+2028, \x1c, ...), as a file name can.
    for n, line in enumerate(_LINE_END.split(text), 1):
        if not line.strip():
            continue
        cols = line.split("\t")
        where = f"{name}, line {n}"
        if len(cols) == 4:
            article_id, technique, s, e = cols
            if technique == UNKNOWN and not allow_unknown:
                raise FormatError(f"{where}: technique '?' is only allowed in spans to classify")
            if technique != UNKNOWN and technique not in TECHNIQUE_NAMES:
                raise FormatError(f"{where}: unknown technique {technique!r}")
        elif len(cols) == 3:
            (article_id, s, e), technique = cols, None
        else:
            raise FormatError(
                f"{where}: expected article_id<TAB>technique<TAB>start<TAB>end, "
                f"got {len(cols)} tab-separated columns"
            )
        try:
            start, end = int(s), int(e)
        except ValueError:
            raise FormatError(f"{where}: start and end must be integers") from None
        if not article_id.strip() or start < 0 or end <= start:
            raise FormatError(f"{where}: need an article id and 0 <= start < end")
        labels.append(Label(article_id.strip(), start, end, technique))
    return labels


def read_labels(path: Path, allow_unknown: bool = False) -> list[Label]:
    """Read a SemEval label file. See :func:`parse_labels`."""
    text, _ = read_text_file(path)
    return parse_labels(text, str(path), allow_unknown)


def format_labels(labels: Iterable[Label]) -> str:
    """SemEval lines for ``labels``, newline-terminated.

    Example:
        >>> format_labels([Label("1", 0, 4, "Slogans")])
        '1\\tSlogans\\t0\\t4\\n'
    """
    return "".join(label.to_line() + "\n" for label in labels)


def article_id(path: Path) -> str | None:
    """The id of a corpus article file (``article123.txt`` gives ``"123"``), else ``None``.

    Example:
        >>> article_id(Path("x/article42.txt"))
        '42'
    """
    m = _ARTICLE_FILE.match(path.name)
    return m.group(1) if m else None


def read_articles(folder: Path) -> dict[str, str]:
    """Read every ``article<ID>.txt`` in ``folder`` (or its ``articles/`` subfolder).

    Raises:
        InputError: when the folder holds no article files.
    """
    if (folder / "articles").is_dir():
        folder = folder / "articles"
    if not folder.is_dir():
        raise InputError(f"{folder}: not a directory")
    articles = {}
    for path in sorted(folder.iterdir()):
        aid = article_id(path)
        if aid is not None:
            articles[aid] = read_text_file(path)[0]
    if not articles:
        raise InputError(f"{folder}: no article<ID>.txt files")
    return articles


def validation_ids(ids: Iterable[str], every: int = 5) -> list[str]:
    """The fixed validation split: every ``every``-th article by numeric id (4th, 9th, ...).

    Example:
        >>> validation_ids([str(i) for i in range(10)])
        ['4', '9']
    """
    ordered = sorted(ids, key=lambda i: (len(i), i))
    return [aid for n, aid in enumerate(ordered) if n % every == every - 1]


@dataclass(frozen=True)
class Corpus:
    """A PTC-format folder: ``articles/`` plus ``labels.tsv`` (techniques).

    Example:
        >>> # Corpus.load(Path("../shared/ptc/train"))
    """

    articles: dict[str, str]
    labels: list[Label]

    @classmethod
    def load(cls, folder: Path) -> Corpus:
        """Read articles and ``labels.tsv`` from a PTC-format folder."""
        labels_path = folder / "labels.tsv"
        if not labels_path.is_file():
            raise InputError(f"{folder}: no labels.tsv (article_id, technique, start, end)")
        articles = read_articles(folder)
        labels = read_labels(labels_path)
        unknown = sorted({lb.article_id for lb in labels} - set(articles))
        if unknown:
            raise FormatError(f"{labels_path}: labels for missing articles {unknown[:5]}")
        # A span past its article's end would be cut short, silently, wherever it is used.
        beyond = [lb for lb in labels if lb.end > len(articles[lb.article_id])]
        if beyond:
            lb = beyond[0]
            raise FormatError(
                f"{labels_path}: span {lb.start}-{lb.end} of article {lb.article_id} ends past "
                f"its text ({len(articles[lb.article_id])} characters)"
                + (f", and {len(beyond) - 1} more" if len(beyond) > 1 else "")
            )
        return cls(articles, labels)

    def subset(self, ids: Iterable[str]) -> Corpus:
        """The corpus restricted to ``ids``."""
        keep = set(ids)
        return Corpus(
            {k: v for k, v in self.articles.items() if k in keep},
            [lb for lb in self.labels if lb.article_id in keep],
        )
