"""Annotation-tool formats of an analysis, for a person to correct and ``spinscope import``
to read back: ``label-studio`` and ``doccano`` (this module), ``brat``
(:mod:`._annotation_brat`) and ``inception`` (:mod:`._inception`).

- ``label-studio``: a JSON list of Label Studio tasks, an article each: ``data`` (``text``,
  ``source``, ``article_id``) and one ``prediction`` whose ``result`` has a ``labels``
  region per span (``value``: ``start``, ``end``, ``text``, ``labels``; ``score``: the
  span's confidence; the prediction's ``score``: the article's). Offsets are Unicode code
  points, as Label Studio counts them (and Python). Written to a file, the labelling config
  the tasks need goes beside it as ``<stem>.label-config.xml`` (:func:`label_studio_config`).
- ``doccano``: JSON Lines of doccano's sequence labelling import, an article a line:
  ``text``, ``label`` (``[start, end, technique]``, code points), ``source``, ``article_id``
  (doccano keeps the extra keys as metadata and exports them again).
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO
from xml.sax.saxutils import quoteattr

from .._errors import FormatError, InputError
from .._ingest import shown_value
from .._semeval import Label
from .._techniques import TECHNIQUE_NAMES, TECHNIQUES
from ._record import Record
from ._registry import Target

# The names the labelling config gives its tags: the regions' from_name and to_name.
LABELS_TAG = "label"
TEXT_TAG = "text"
CONFIG_SUFFIX = ".label-config.xml"


_ARTICLE = re.compile(r"^article(\d+)(?:\.|$)")
# What splits a SemEval line: a tab, or a line break as str.splitlines sees one.
_BREAKS = re.compile("[\t\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_SUFFIXES = re.compile(r"(?:\.(?:txt|json|jsonl|ann|html?|xml))+$", re.IGNORECASE)


@dataclass(frozen=True)
class Article:
    """One article read back from an annotation tool.

    Attributes:
        article_id: Its SemEval article id (see :func:`article_id_of`).
        text: Its text, where the file holds it (brat: the ``.txt`` beside the ``.ann``).
        labels: Its spans as SemEval labels, by start.
        where: The file (and task or line) it was read from, for messages.
        source: Where the file says the article came from (Label Studio's
            ``data.source``, doccano's ``source``, INCEpTION's ``documentTitle``): the
            stored key of an article written by ``spinscope export``; ``None`` for brat.
    """

    article_id: str
    text: str | None
    labels: tuple[Label, ...]
    where: str
    source: str | None = None


def article_id_of(name: str) -> str:
    """The SemEval article id of a file or source name, as ``analyze -f semeval`` gives
    it: the digits of ``article<ID>``, else the name without folders and extensions.

    Example:
        >>> article_id_of("ptc/article111.txt"), article_id_of("a/news.txt.json")
        ('111', 'news')
        >>> article_id_of("<stdin>"), article_id_of("sha256:ab12")
        ('stdin', 'sha256:ab12')
    """
    base = re.split(r"[/\\]", name.strip())[-1]
    m = _ARTICLE.match(base)
    if m:
        return m.group(1)
    stem = _SUFFIXES.sub("", base).strip("<>")
    return clean_id(stem) or clean_id(name)


def clean_id(name: str) -> str:
    """``name`` as an article id in SemEval lines: tabs and line breaks (those
    ``str.splitlines`` sees too) as spaces, spaces around it left out.

    Example:
        >>> clean_id(" a\\tb\\u2028c ")
        'a b c'
    """
    return _BREAKS.sub(" ", name).strip()


def safe_name(name: str) -> str:
    """``name`` as a file name: anything that is not a word character, ``.`` or ``-`` as
    ``_``, and no leading dot (how brat and INCEpTION folders name an article's files).

    Example:
        >>> safe_name("sha256:ab12"), safe_name("../x y")
        ('sha256_ab12', '_x_y')
    """
    return re.sub(r"[^\w.-]", "_", name).lstrip(".")


def stem_of(source: str, article_id: str) -> str:
    """The file name (without extension) of an article's files in a folder: its source's
    stem when that is a safe file name, else its article id with unsafe characters as
    ``_``.

    Example:
        >>> stem_of("in/article7.txt", "7"), stem_of("<stdin>", "stdin")
        ('article7', 'stdin')
    """
    stem = Path(source).stem
    if re.fullmatch(r"[\w.-]+", stem) and not stem.startswith("."):
        return stem
    return safe_name(article_id) or "article"


def file_stem(record: Record) -> str:
    """The file name (without extension) of a record's files in a folder (:func:`stem_of`).

    Example:
        >>> from spinscope._pipeline import build_analysis
        >>> file_stem(Record("in/article7.txt", "7", build_analysis("x", [], "m", 0.3)))
        'article7'
    """
    return stem_of(record.source, record.article_id)


def span_label(
    article_id: str, start: object, end: object, technique: object, text: str | None, where: str
) -> Label:
    """A span read back as a SemEval label, checked: integer offsets with
    ``0 <= start < end`` (``<= len(text)`` when the text is known) and one of the 14
    techniques.

    Raises:
        FormatError: naming ``where`` and what is wrong.

    Example:
        >>> span_label("7", 0, 4, "Slogans", "Lies!", "a.json")
        Label(article_id='7', start=0, end=4, technique='Slogans')
        >>> span_label("7", 0, 9, "Slogans", "Lies!", "a.json")
        Traceback (most recent call last):
        ...
        spinscope._errors.FormatError: a.json: span 0-9 is not within the text (5 characters)
    """
    # The values come from a file: shown short, never whole or nested deep.
    if type(start) is not int or type(end) is not int:
        raise FormatError(
            f"{where}: span offsets must be integers, got {shown_value(start)}, {shown_value(end)}"
        )
    if not 0 <= start < end:
        raise FormatError(
            f"{where}: span {shown_value(start)}-{shown_value(end)} needs 0 <= start < end"
        )
    if text is not None and end > len(text):
        raise FormatError(
            f"{where}: span {start}-{shown_value(end)} is not within the text "
            f"({len(text)} characters)"
        )
    if technique not in TECHNIQUE_NAMES:
        raise FormatError(f"{where}: unknown technique {shown_value(technique)}")
    return Label(article_id, start, end, str(technique))


def label_studio_config() -> str:
    """The Label Studio labelling config of the tasks: a ``Labels`` tag with the 14
    techniques (in their colours) over a ``Text`` tag.

    Example:
        >>> config = label_studio_config()
        >>> config.count("<Label value="), '<Text name="text" value="$text"/>' in config
        (14, True)
    """
    labels = "".join(
        f"    <Label value={quoteattr(t.name)} background={quoteattr(t.color)}/>\n"
        for t in TECHNIQUES
    )
    return (
        "<View>\n"
        f'  <Labels name="{LABELS_TAG}" toName="{TEXT_TAG}">\n'
        f"{labels}"
        "  </Labels>\n"
        f'  <Text name="{TEXT_TAG}" value="$text"/>\n'
        "</View>\n"
    )


def label_studio_task(record: Record) -> dict[str, Any]:
    """The Label Studio task of one analysis, its spans as a prediction.

    Example:
        >>> from spinscope._pipeline import Span, build_analysis
        >>> a = build_analysis("Lies!", [Span(0, 4, "Slogans", 0.9)], "m", 0.3)
        >>> task = label_studio_task(Record("a.txt", "a", a))
        >>> task["data"]["source"], task["predictions"][0]["result"][0]["value"]
        ('a.txt', {'start': 0, 'end': 4, 'text': 'Lies', 'labels': ['Slogans']})
    """
    a = record.analysis
    result = [
        {
            "id": f"s{n}",
            "from_name": LABELS_TAG,
            "to_name": TEXT_TAG,
            "type": "labels",
            "value": {
                "start": s.start,
                "end": s.end,
                "text": a.text[s.start : s.end],
                "labels": [s.technique],
            },
            "score": round(s.confidence, 4),
        }
        for n, s in enumerate(a.spans, 1)
    ]
    prediction = {
        "model_version": a.model_id,
        "score": round(a.summary.score, 4),
        "result": result,
    }
    data = {"text": a.text, "source": record.source, "article_id": record.article_id}
    return {"data": data, "predictions": [prediction]}


def doccano_line(record: Record) -> dict[str, Any]:
    """The doccano sequence labelling object of one analysis.

    Example:
        >>> from spinscope._pipeline import Span, build_analysis
        >>> a = build_analysis("Lies!", [Span(0, 4, "Slogans", 0.9)], "m", 0.3)
        >>> doccano_line(Record("a.txt", "a", a))["label"]
        [[0, 4, 'Slogans']]
    """
    a = record.analysis
    return {
        "text": a.text,
        "label": [[s.start, s.end, s.technique] for s in a.spans],
        "source": record.source,
        "article_id": record.article_id,
    }


def doccano_writer(target: Target) -> Callable[[Record], None]:
    """``doccano``: one :func:`doccano_line` object a line."""

    def write(record: Record) -> None:
        target.stream.write(json.dumps(doccano_line(record), ensure_ascii=False) + "\n")

    return write


def _rewritable(stream: TextIO) -> bool:
    # A regular file we may seek back in: not a pipe or terminal (nor a stand-in for one
    # that claims to seek), and not opened for appending, where writes land at the end.
    try:
        regular = stat.S_ISREG(os.fstat(stream.fileno()).st_mode)
        return regular and stream.seekable() and "a" not in getattr(stream, "mode", "")
    except (OSError, ValueError):
        return False


def config_path(stream: TextIO) -> Path | None:
    """Where the labelling config of tasks written to ``stream`` goes: beside the file,
    ``tasks.json`` giving ``tasks.label-config.xml``; ``None`` for standard output.

    Example:
        >>> import io
        >>> config_path(io.StringIO()) is None
        True
    """
    name = getattr(stream, "name", None)
    if not isinstance(name, str) or name.startswith("<"):
        return None
    path = Path(name)
    # An export writes under a temporary ``.part`` name and renames it when done.
    if path.suffix == ".part":
        path = path.with_suffix("")
    return path.with_name(re.sub(r"\.[^.]*$", "", path.name) + CONFIG_SUFFIX)


def _write_config(stream: TextIO) -> None:
    where = config_path(stream)
    if where is None:
        return
    try:
        where.write_text(label_studio_config(), encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{where}: cannot write ({exc.strerror})") from None


def label_studio_writer(target: Target) -> Callable[[Record], None]:
    """``label-studio``: a JSON list of :func:`label_studio_task` s, a task a line.

    The list is closed after every task: in a file, the next task goes back over the
    closing bracket, so the file is a whole JSON document whenever it is read. Standard
    output cannot go back, so it takes one article only.

    Raises:
        InputError: for several articles to a stream it cannot go back in.
    """
    stream = target.stream
    rewritable = _rewritable(stream)
    if target.many and not rewritable:
        raise InputError(
            "--format label-studio with several articles needs -o FILE (a JSON list of tasks)"
        )
    _write_config(stream)
    end = 0  # where the list's closing bracket starts
    written = 0
    if rewritable:
        stream.write("[")
        end = stream.tell()
        stream.write("]\n")

    def write(record: Record) -> None:
        nonlocal end, written
        task = json.dumps(label_studio_task(record), ensure_ascii=False)
        if not rewritable:
            stream.write(f"[\n{task}\n]\n")
            return
        # What follows ``end`` is shorter than what replaces it, so nothing is left over.
        stream.seek(end)
        stream.write((",\n" if written else "\n") + task)
        written += 1
        end = stream.tell()
        stream.write("\n]\n")

    return write
