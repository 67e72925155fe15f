"""``brat``: the spans of an analysis as brat standoff, written and read back.

An article is a ``<stem>.ann`` of ``T`` lines (``T1<TAB>Type start end<TAB>text``) beside
its text as ``<stem>.txt``, as the attribution ``brat`` format keeps them
(:func:`~spinscope._formats._attributions.write_ann`). Offsets are characters of the text
(Python ``str`` indices; a ``\\r\\n`` is two), as brat counts them. brat keeps type names
to ``[A-Za-z0-9_-]``, so a technique's commas are written as ``_``
(``Name_Calling_Labeling``); both spellings are read back. A folder also gets an
``annotation.conf`` and a ``visual.conf`` declaring the 14 techniques, so that it is a
brat collection as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from .._errors import FormatError, InputError
from .._pipeline import Analysis
from .._semeval import Label
from .._techniques import TECHNIQUES
from ._annotations import Article, article_id_of, file_stem, span_label
from ._attributions import _text_bound, write_ann
from ._record import Record
from ._registry import Target

# ASCII digits only (``\d`` would take any script's), at most 18 of them: no offset is
# longer, and int() refuses over 4,300.
_FRAGMENTS = re.compile(r"[0-9]{1,18} [0-9]{1,18}(?:;[0-9]{1,18} [0-9]{1,18})*")


def brat_type(technique: str) -> str:
    """The brat type name of a technique: its SemEval name with ``,`` as ``_``.

    Example:
        >>> brat_type("Name_Calling,Labeling")
        'Name_Calling_Labeling'
    """
    return re.sub(r"[^A-Za-z0-9_-]", "_", technique)


TECHNIQUE_OF_TYPE = {brat_type(t.name): t.name for t in TECHNIQUES}


def technique_ann(analysis: Analysis, source: str = "<text>") -> str:
    """The brat standoff ``T`` lines of an analysis's spans.

    Example:
        >>> from spinscope._pipeline import Span, build_analysis
        >>> a = build_analysis("Lies!", [Span(0, 4, "Name_Calling,Labeling", 0.9)], "m", 0.3)
        >>> technique_ann(a)
        'T1\\tName_Calling_Labeling 0 4\\tLies\\n'
    """
    return "".join(
        _text_bound(n, brat_type(s.technique), [(s.start, s.end)], analysis.text) + "\n"
        for n, s in enumerate(analysis.spans, 1)
    )


def brat_configs() -> dict[str, str]:
    """The ``annotation.conf`` and ``visual.conf`` of a folder of technique spans.

    Example:
        >>> brat_configs()["annotation.conf"].splitlines()[:2]
        ['[entities]', 'Appeal_to_Authority']
    """
    entities = "".join(brat_type(t.name) + "\n" for t in TECHNIQUES)
    labels = "".join(f"{brat_type(t.name)} | {t.title}\n" for t in TECHNIQUES)
    colours = "".join(f"{brat_type(t.name)}\tbgColor:{t.color}\n" for t in TECHNIQUES)
    return {
        "annotation.conf": f"[entities]\n{entities}\n[relations]\n\n[events]\n\n[attributes]\n",
        "visual.conf": f"[labels]\n{labels}\n[drawing]\n{colours}",
    }


def technique_brat_writer(target: Target) -> Callable[[Record], None]:
    """``brat``: the ``.ann`` text of each article (one article: a file brat reads, its
    offsets into the analyzed text)."""

    def write(record: Record) -> None:
        target.stream.write(technique_ann(record.analysis, record.source))

    return write


def technique_brat_folder(record: Record, folder: Path) -> list[Path]:
    """Write ``<stem>.ann`` and ``<stem>.txt`` (:func:`file_stem`) into ``folder``, and
    its ``annotation.conf`` and ``visual.conf`` when it has none.

    Raises:
        InputError: when ``<stem>.txt`` exists with other text, or a file cannot be written.
    """
    try:
        for name, content in brat_configs().items():
            if not (folder / name).exists():
                (folder / name).write_text(content, encoding="utf-8")
        return write_ann(record, folder, file_stem(record), technique_ann)
    except OSError as exc:
        raise InputError(f"{folder}: cannot write ({exc.strerror})") from None


def _t_line(line: str, article_id: str, text: str | None, where: str) -> Label:
    cols = line.split("\t")
    if len(cols) < 2 or " " not in cols[1]:
        raise FormatError(f"{where}: expected T<n><TAB>Type start end<TAB>text")
    kind, fragments = cols[1].split(" ", 1)
    technique = TECHNIQUE_OF_TYPE.get(kind, kind)
    if not _FRAGMENTS.fullmatch(fragments):
        raise FormatError(f"{where}: offsets must be 'start end' or 'start end;start end'")
    ends = [int(n) for n in re.split(r"[ ;]", fragments)]
    # brat refuses a fragment that ends where it starts or before; so does a span.
    backwards = [f"{s}-{e}" for s, e in zip(ends[::2], ends[1::2], strict=True) if s >= e]
    if backwards:
        raise FormatError(f"{where}: fragment {backwards[0]} needs start < end")
    # A discontinuous span (brat's S E;S2 E2) is read as one, from its first start to its
    # last end: SemEval spans are contiguous.
    return span_label(article_id, min(ends), max(ends), technique, text, where)


def parse_technique_ann(content: str, article_id: str, text: str | None, name: str) -> list[Label]:
    """The technique spans of a brat ``.ann`` file's ``T`` lines; other lines (notes,
    relations, attributes, comments) are left alone.

    Raises:
        FormatError: naming the line, for a malformed ``T`` line, offsets outside ``text``
            or a type that is not a technique.

    Example:
        >>> parse_technique_ann("T1\\tDoubt 0 4\\tLies\\n#1\\tNote T1\\tok\\n", "7", None, "a")
        [Label(article_id='7', start=0, end=4, technique='Doubt')]
    """
    labels = []
    seen: dict[str, int] = {}
    # Lines end at \n only: a span's text may hold other characters str.splitlines breaks at.
    for n, line in enumerate(content.split("\n"), 1):
        line = line.removesuffix("\r")
        if not line.startswith("T"):
            continue
        # brat refuses a file where an id comes twice: which span would T3 be?
        ident = line.split("\t", 1)[0]
        if ident in seen:
            raise FormatError(
                f"{name}, line {n}: id {ident[:20]} comes twice (also line {seen[ident]})"
            )
        seen[ident] = n
        labels.append(_t_line(line, article_id, text, f"{name}, line {n}"))
    return sorted(labels, key=lambda x: (x.start, x.end, x.technique or ""))


def _read(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise FormatError(f"{path}: not UTF-8 text") from None


def read_brat(path: Path) -> list[Article]:
    """Read the ``.ann`` file ``path``, or every ``.ann`` in the folder ``path`` and its
    subfolders, each with the ``.txt`` beside it when there is one (its spans are then
    checked against it). The article id is the file's (:func:`article_id_of`).

    Raises:
        InputError: for a folder without ``.ann`` files.
        FormatError: for a malformed ``.ann`` file.
    """
    files = sorted(path.rglob("*.ann")) if path.is_dir() else [path]
    if not files:
        raise InputError(f"{path}: no .ann files")
    articles = []
    for ann in files:
        txt = ann.with_suffix(".txt")
        text = _read(txt) if txt.is_file() else None
        aid = article_id_of(ann.name)
        labels = parse_technique_ann(_read(ann), aid, text, str(ann))
        articles.append(Article(aid, text, tuple(labels), str(ann)))
    return articles
