"""Reading corrected annotations back (``spinscope import``): the files the annotation-tool
formats write, after a person has corrected them in the tool and exported them, as SemEval
label lines.

- ``label-studio``: a JSON export (a list of tasks; one task object is read too). A task's
  spans are those of its latest annotation that was not cancelled (the person's), or, with
  ``predictions``, those of its latest prediction when nobody annotated it; tasks without
  either are skipped and said so. The id: ``data.article_id``, else that of
  ``data.source`` (:func:`article_id_of`), else the task's ``id``.
- ``doccano``: a JSONL export of sequence labelling, a line an article: ``label`` (or
  ``labels``/``entities``) as ``[start, end, technique]`` or doccano's
  ``{"start_offset", "end_offset", "label"}``. The id as for Label Studio, from the line's
  ``article_id``, ``source`` or ``id``.
- ``brat``: a folder of ``.ann`` files (:func:`read_brat`); ``inception``: a CAS JSON file
  or a folder of them (:func:`read_inception`).

Every span is checked (offsets within the text, one of the 14 techniques); an article id
that comes twice is an error, as its spans would run together.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._errors import FormatError, InputError
from .._ingest import load_json
from .._semeval import Label, format_labels
from ._annotation_brat import read_brat
from ._annotations import Article, article_id_of, clean_id, safe_name, span_label
from ._inception import read_inception

IMPORT_FORMATS = ("label-studio", "doccano", "brat", "inception")


@dataclass
class Imported:
    """What :func:`import_annotations` read.

    Attributes:
        articles: Each article read, in file order.
        notes: What was skipped, for the user.
    """

    articles: list[Article] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def labels(self) -> list[Label]:
        """Every span, article by article."""
        return [label for a in self.articles for label in a.labels]

    def semeval(self) -> str:
        """The spans as SemEval lines.

        Example:
            >>> Imported([Article("7", None, (Label("7", 0, 4, "Doubt"),), "a")]).semeval()
            '7\\tDoubt\\t0\\t4\\n'
        """
        return format_labels(self.labels)


def _load_json(path: Path) -> Any:
    if path.is_dir():
        raise InputError(f"{path}: is a folder; give the exported file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    return load_json(data, str(path))


def _source(fields: dict[str, Any]) -> str | None:
    source = fields.get("source")
    return source.strip() if isinstance(source, str) and source.strip() else None


def _article_id(fields: dict[str, Any], own_id: object, n: int) -> str:
    """The id of a task or line: its ``article_id``, else that of its ``source``, else
    its own ``id``, else its number in the file."""
    given = fields.get("article_id")
    source = _source(fields)
    if _usable_id(given):
        aid = str(given)
    elif source is not None:
        aid = article_id_of(source)
    else:
        aid = str(own_id) if _usable_id(own_id) else str(n)
    return clean_id(aid) or str(n)


def _usable_id(value: object) -> bool:
    # A string or a whole number: anything else (null, a list) is no one's id.
    return isinstance(value, str | int) and not isinstance(value, bool) and bool(str(value).strip())


def _latest(items: Any, where: str) -> dict[str, Any] | None:
    if items is None:
        return None
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise FormatError(f"{where}: annotations and predictions must be lists of objects")
    kept = [i for i in items if not i.get("was_cancelled")]
    # ISO 8601 times sort as text; those without one count as oldest, in list order.
    kept.sort(key=lambda i: str(i.get("updated_at") or i.get("created_at") or ""))
    return kept[-1] if kept else None


def _task_labels(result: Any, aid: str, text: str, where: str) -> list[Label]:
    if not isinstance(result, list):
        raise FormatError(f"{where}: 'result' must be a list")
    labels = []
    for n, region in enumerate(result, 1):
        value = region.get("value") if isinstance(region, dict) else None
        if not isinstance(value, dict) or "labels" not in value:
            continue  # a region of another kind (a choice, a relation): not a span
        at = f"{where}, result {n}"
        techniques = value["labels"]
        if not isinstance(techniques, list) or not techniques:
            raise FormatError(f"{at}: 'labels' must be a list of techniques")
        for technique in techniques:
            labels.append(
                span_label(aid, value.get("start"), value.get("end"), technique, text, at)
            )
    return labels


def _ls_article(task: Any, n: int, path: Path, predictions: bool) -> Article | str:
    where = f"{path}, task {n}"
    data = task.get("data") if isinstance(task, dict) else None
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        raise FormatError(f"{where}: a task needs data.text")
    text: str = data["text"]
    chosen = _latest(task.get("annotations"), where)
    if chosen is None and predictions:
        chosen = _latest(task.get("predictions"), where)
    if chosen is None:
        return f"{where}: not annotated" + ("" if predictions else " (see --predictions)")
    aid = _article_id(data, task.get("id"), n)
    labels = _task_labels(chosen.get("result", []), aid, text, where)
    return Article(aid, text, tuple(sorted(labels, key=_order)), where, _source(data))


def _order(label: Label) -> tuple[int, int, str]:
    return label.start, label.end, label.technique or ""


def read_label_studio(path: Path, predictions: bool = False) -> Imported:
    """Read a Label Studio JSON export (see the module's docstring).

    Raises:
        FormatError: for a file that is not a task list, or a malformed task or span.
    """
    doc = _load_json(path)
    tasks = [doc] if isinstance(doc, dict) else doc
    if not isinstance(tasks, list):
        raise FormatError(f"{path}: expected a JSON list of Label Studio tasks")
    imported = Imported()
    for n, task in enumerate(tasks, 1):
        got = _ls_article(task, n, path, predictions)
        if isinstance(got, str):
            imported.notes.append(f"skipped {got}")
        else:
            imported.articles.append(got)
    return imported


def _doccano_span(item: Any, aid: str, text: str, where: str) -> Label:
    if isinstance(item, dict):
        item = [item.get("start_offset"), item.get("end_offset"), item.get("label")]
    if not isinstance(item, list) or len(item) != 3:
        raise FormatError(f"{where}: a label must be [start, end, technique]")
    return span_label(aid, item[0], item[1], item[2], text, where)


def read_doccano(path: Path) -> Imported:
    """Read a doccano JSONL export of sequence labelling (see the module's docstring).

    Raises:
        FormatError: naming the line, for a line that is not an article with labels.
    """
    if path.is_dir():
        raise InputError(f"{path}: is a folder; give the exported .jsonl file")
    try:
        # Lines end at \n only: a JSON string may hold U+2028 and others splitlines breaks at.
        lines = path.read_bytes().decode("utf-8-sig").split("\n")
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise FormatError(f"{path}: not UTF-8 text") from None
    imported = Imported()
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}, line {n}"
        doc = load_json(line, where)
        if not isinstance(doc, dict) or not isinstance(doc.get("text"), str):
            raise FormatError(f"{where}: expected an object with a text")
        spans: Any = next((doc[k] for k in ("label", "labels", "entities") if k in doc), [])
        if not isinstance(spans, list):
            raise FormatError(f"{where}: 'label' must be a list of [start, end, technique]")
        aid = _article_id(doc, doc.get("id"), n)
        labels = [_doccano_span(item, aid, doc["text"], where) for item in spans]
        imported.articles.append(
            Article(aid, doc["text"], tuple(sorted(labels, key=_order)), where, _source(doc))
        )
    return imported


def _of_articles(read: Callable[[Path], list[Article]]) -> Callable[[Path, bool], Imported]:
    return lambda path, _predictions: Imported(read(path))


READERS: dict[str, Callable[[Path, bool], Imported]] = {
    "label-studio": read_label_studio,
    "doccano": lambda path, _predictions: read_doccano(path),
    "brat": _of_articles(read_brat),
    "inception": _of_articles(read_inception),
}


def import_annotations(path: Path, fmt: str, predictions: bool = False) -> Imported:
    """Read the corrected annotations at ``path``, exported from the tool of ``fmt``.

    Raises:
        InputError: for an unknown format, or a path that does not exist.
        FormatError: for a malformed file, naming the file (and line, task or span), or an
            article id that comes twice.

    Example:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     path = Path(tmp, "d.jsonl")
        ...     _ = path.write_text('{"text": "Lies!", "label": [[0, 4, "Doubt"]], "id": 7}')
        ...     import_annotations(path, "doccano").semeval()
        '7\\tDoubt\\t0\\t4\\n'
    """
    read = READERS.get(fmt)
    if read is None:
        raise InputError(f"unknown format {fmt!r}; use one of {', '.join(IMPORT_FORMATS)}")
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    imported = read(path, predictions)
    seen: dict[str, str] = {}
    for article in imported.articles:
        if article.article_id in seen:
            raise FormatError(
                f"{article.where}: article id {article.article_id!r} comes twice "
                f"(also {seen[article.article_id]})"
            )
        seen[article.article_id] = article.where
    return imported


def write_texts(imported: Imported, folder: Path) -> list[Path]:
    """Write each article's text, where it was read, as ``article<ID>.txt`` into
    ``folder`` (the layout of a SemEval corpus's ``articles/``).

    Raises:
        InputError: when a file cannot be written.
    """
    written = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for article in imported.articles:
            if article.text is not None:
                # An id is only a file name once anything that is not a word is ``_``.
                safe = safe_name(article.article_id)
                path = folder / f"article{safe}.txt"
                path.write_text(article.text, encoding="utf-8", newline="")
                written.append(path)
    except OSError as exc:
        raise InputError(f"{folder}: cannot write ({exc.strerror})") from None
    return written
