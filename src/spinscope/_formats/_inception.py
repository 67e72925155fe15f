"""``inception``: the spans of an analysis as a UIMA CAS JSON document, the format
INCEpTION imports as "UIMA CAS JSON", written and read back.

A document holds the text (the ``uima.cas.Sofa``), a ``DocumentMetaData`` with the
article's source (``documentTitle``) and id (``documentId``), and a span of the custom
layer ``webanno.custom.Propaganda`` per span, its ``technique`` feature the technique. The
type system in ``%TYPES`` declares both. UIMA counts offsets in UTF-16 code units (Java's
``String``), so a character beyond the Basic Multilingual Plane (an emoji) counts two:
offsets are converted both ways (:func:`utf16_offsets`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .._errors import FormatError, InputError
from .._ingest import load_json
from .._semeval import Label
from ._annotations import Article, article_id_of, file_stem, span_label
from ._record import Record
from ._registry import Target

LAYER = "webanno.custom.Propaganda"
FEATURE = "technique"
METADATA = "de.tudarmstadt.ukp.dkpro.core.api.metadata.type.DocumentMetaData"
SOFA = "uima.cas.Sofa"
VIEW = "_InitialView"


def utf16_offsets(text: str) -> list[int]:
    """The UTF-16 offset of each character boundary of ``text``: item ``i`` is where
    ``text[i]`` starts in UTF-16 code units (and the last item is the length).

    Example:
        >>> utf16_offsets("a😀b")
        [0, 1, 3, 4]
    """
    offsets = [0]
    for ch in text:
        offsets.append(offsets[-1] + (2 if ord(ch) > 0xFFFF else 1))
    return offsets


def _types() -> dict[str, Any]:
    string = "uima.cas.String"
    return {
        LAYER: {
            "%NAME": LAYER,
            "%SUPER_TYPE": "uima.tcas.Annotation",
            FEATURE: {"%NAME": FEATURE, "%RANGE": string},
        },
        METADATA: {
            "%NAME": METADATA,
            "%SUPER_TYPE": "uima.tcas.DocumentAnnotation",
            "documentTitle": {"%NAME": "documentTitle", "%RANGE": string},
            "documentId": {"%NAME": "documentId", "%RANGE": string},
        },
    }


def cas_json(record: Record) -> dict[str, Any]:
    """The UIMA CAS JSON document of one analysis, its offsets in UTF-16 code units.

    Example:
        >>> from spinscope._pipeline import Span, build_analysis
        >>> a = build_analysis("😀 Lies!", [Span(2, 6, "Slogans", 0.9)], "m", 0.3)
        >>> span = cas_json(Record("a.txt", "a", a))["%FEATURE_STRUCTURES"][2]
        >>> span["begin"], span["end"], span["technique"]
        (3, 7, 'Slogans')
    """
    text = record.analysis.text
    u16 = utf16_offsets(text)
    structures: list[dict[str, Any]] = [
        {"%ID": 1, "%TYPE": SOFA, "sofaNum": 1, "sofaID": VIEW, "mimeType": "text"}
        | {"sofaString": text},
        {"%ID": 2, "%TYPE": METADATA, "@sofa": 1, "begin": 0, "end": u16[-1]}
        | {"language": "x-unspecified", "documentTitle": record.source}
        | {"documentId": record.article_id},
    ]
    for s in record.analysis.spans:
        structures.append(
            {"%ID": len(structures) + 1, "%TYPE": LAYER, "@sofa": 1}
            | {"begin": u16[s.start], "end": u16[s.end], FEATURE: s.technique}
        )
    members = [fs["%ID"] for fs in structures[1:]]
    return {
        "%TYPES": _types(),
        "%FEATURE_STRUCTURES": structures,
        "%VIEWS": {VIEW: {"%SOFA": 1, "%MEMBERS": members}},
    }


def inception_writer(target: Target) -> Callable[[Record], None]:
    """``inception``: the CAS JSON document of one article (INCEpTION imports a
    document a file, so several articles go into a folder).

    Raises:
        InputError: for several articles to one stream.
    """
    if target.many:
        raise InputError("--format inception with several articles needs -o DIR (a file each)")

    def write(record: Record) -> None:
        target.stream.write(json.dumps(cas_json(record), ensure_ascii=False, indent=1) + "\n")

    return write


def inception_folder(record: Record, folder: Path) -> list[Path]:
    """Write the CAS JSON document of ``record`` as ``<stem>.json`` into ``folder``.

    Raises:
        InputError: when it cannot be written.
    """
    path = folder / f"{file_stem(record)}.json"
    try:
        content = json.dumps(cas_json(record), ensure_ascii=False, indent=1) + "\n"
        path.write_text(content, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot write ({exc.strerror})") from None
    return [path]


def _structures(doc: Any, where: str) -> list[dict[str, Any]]:
    found = doc.get("%FEATURE_STRUCTURES") if isinstance(doc, dict) else None
    if isinstance(found, dict):  # the format's other form, keyed by id
        found = [{**v, "%ID": k} for k, v in found.items() if isinstance(v, dict)]
    if not isinstance(found, list) or not all(isinstance(fs, dict) for fs in found):
        raise FormatError(f"{where}: not a UIMA CAS JSON document (no %FEATURE_STRUCTURES)")
    seen: set[str] = set()
    for fs in found:
        # An id that comes twice makes a reference ambiguous: the file is not a CAS.
        ident = _ident(fs)
        if ident in seen:
            raise FormatError(f"{where}: feature structure id {ident} comes twice")
        if ident is not None:
            seen.add(ident)
    return found


def _ident(fs: dict[str, Any]) -> str | None:
    """A feature structure's ``%ID`` as text (ids are numbers, or keys in the keyed form)."""
    ident = fs.get("%ID")
    return str(ident) if isinstance(ident, str | int) and not isinstance(ident, bool) else None


def parse_cas(doc: Any, name: str) -> Article:
    """The article of a UIMA CAS JSON document: its text, id and propaganda spans (their
    UTF-16 offsets as character offsets).

    The id is that of the ``DocumentMetaData``'s ``documentId``, else of its
    ``documentTitle``, else of ``name`` (:func:`article_id_of`).

    Raises:
        FormatError: for a document without text, a span without a technique or with
            offsets that are not character boundaries of the text.

    Example:
        >>> from spinscope._pipeline import Span, build_analysis
        >>> a = build_analysis("😀 Lies!", [Span(2, 6, "Slogans", 0.9)], "m", 0.3)
        >>> parse_cas(cas_json(Record("a.txt", "a", a)), "x.json").labels
        (Label(article_id='a', start=2, end=6, technique='Slogans'),)
    """
    structures = _structures(doc, name)
    sofas = [fs for fs in structures if fs.get("%TYPE") == SOFA and fs.get("sofaID") == VIEW]
    if not sofas or not isinstance(sofas[0].get("sofaString"), str):
        raise FormatError(f"{name}: no text (a uima.cas.Sofa with a sofaString)")
    text: str = sofas[0]["sofaString"]
    meta = next((fs for fs in structures if fs.get("%TYPE") == METADATA), {})
    given = [meta.get("documentId"), meta.get("documentTitle"), name]
    aid = article_id_of(next(g for g in given if isinstance(g, str) and g.strip()))
    character = {u: i for i, u in enumerate(utf16_offsets(text))}
    labels: list[Label] = []
    for fs in structures:
        if fs.get("%TYPE") != LAYER:
            continue
        where = f"{name}, feature structure {_ident(fs)}"
        if not fs.get(FEATURE):
            raise FormatError(f"{where}: a {LAYER} span without a {FEATURE}")
        begin, end = fs.get("begin", 0), fs.get("end", 0)
        # UIMA leaves a zero offset out; bool is an int to Python but not an offset.
        start = character.get(begin) if type(begin) is int else None
        stop = character.get(end) if type(end) is int else None
        if start is None or stop is None:
            raise FormatError(
                f"{where}: UTF-16 offsets {begin}-{end} are not character boundaries of the text"
            )
        labels.append(span_label(aid, start, stop, fs[FEATURE], text, where))
    labels.sort(key=lambda x: (x.start, x.end, x.technique or ""))
    title = meta.get("documentTitle")
    source = title.strip() if isinstance(title, str) and title.strip() else None
    return Article(aid, text, tuple(labels), name, source)


def read_inception(path: Path) -> list[Article]:
    """Read the CAS JSON file ``path``, or every ``.json`` file in the folder ``path``
    and its subfolders (an INCEpTION export unpacked), an article each.

    Raises:
        InputError: for a folder without ``.json`` files, or a file that cannot be read.
        FormatError: for a file that is not CAS JSON, or a malformed span.
    """
    files = sorted(path.rglob("*.json")) if path.is_dir() else [path]
    if not files:
        raise InputError(f"{path}: no .json files")
    articles = []
    for file in files:
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise InputError(f"{file}: cannot read ({exc.strerror})") from None
        articles.append(parse_cas(load_json(data, str(file)), str(file)))
    return articles
