"""Who says what, as text: a span's voice in plain words, and the attribution formats.

- :func:`said_by` is what the terminal view and the HTML report say of a span's voice,
  and :func:`aims_at` of whom it aims at;
- ``json`` of ``spinscope attributions``: every attribution of an article with each role's
  offsets and text (:func:`attributions_json`);
- ``brat``: a brat standoff ``.ann`` file per article in the layout of the PolNeAR corpus
  (:func:`brat_ann`): ``T`` lines for each attribution's Source, Cue and Content (a
  discontinuous content is written ``S E;S2 E2``) and an ``Attribution`` line at the cue
  (at the content when there is no cue), and an ``E`` line tying them together. Offsets
  are character offsets into the analyzed text, so a folder gets that text beside each
  ``.ann`` (:func:`brat_folder`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .._errors import InputError, ModelError
from .._pipeline import Analysis, Span, Statement
from ._json import document_writer
from ._record import Record
from ._registry import Target

OWN_VOICE = "the article's own voice"
_LINE_BREAK = re.compile("[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def said_by(span: Span) -> str:
    """A span's voice in plain words.

    Example:
        >>> st = Statement(((0, 9),), (10, 14), (15, 17), "Ann Lee", "x", "said", "he")
        >>> said_by(Span(0, 4, "Doubt", 0.5, st)), said_by(Span(0, 4, "Doubt", 0.5))
        ('said by Ann Lee (“said”)', "the article's own voice")
    """
    if span.attribution is None:
        return OWN_VOICE
    who = f"said by {span.speaker}" if span.speaker else "attributed to an unnamed source"
    return f"{who} (“{span.cue}”)" if span.cue else who


def aims_at(span: Span) -> str | None:
    """Whom a span aims at, in plain words: its target's name (``None`` when it names no
    one).

    Example:
        >>> from spinscope._pipeline import Target
        >>> aims_at(Span(5, 11, "Name_Calling,Labeling", 0.9, target=Target(0, 4, "Juan\\nGuaido")))
        'aims at Juan Guaido'
        >>> aims_at(Span(9, 15, "Doubt", 0.5, target=Target(0, 6, "Guaido", "Juan Guaido")))
        'aims at Juan Guaido'
    """
    if span.target is None:
        return None
    return "aims at " + span.target.shown


def _statements(analysis: Analysis, source: str) -> tuple[Statement, ...]:
    if analysis.attributions is None:
        raise ModelError(f"{source}: analyzed by a model without an attribution head")
    return analysis.attributions


def attributions_json(source: str, analysis: Analysis) -> dict[str, Any]:
    """The ``json`` object of one article's attributions.

    Raises:
        ModelError: when the analysis was made without an attribution head.

    Example:
        >>> from spinscope._pipeline import build_analysis
        >>> st = Statement(((8, 12),), (3, 7), (0, 2), "Ann Lee", "rain", "said", "He")
        >>> a = build_analysis("He said rain.", [], "m", 0.3, attributions=[st])
        >>> attributions_json("a.txt", a)["attributions"][0]["speaker"]
        'Ann Lee'
    """
    said = _statements(analysis, source)
    return {
        "source": source,
        "model": analysis.model_id,
        "length": len(analysis.text),
        "attributions": [a.to_dict() for a in said],
        "warnings": list(analysis.warnings),
    }


def _text_bound(ident: int, role: str, fragments: list[tuple[int, int]], text: str) -> str:
    where = ";".join(f"{s} {e}" for s, e in fragments)
    # A line break inside a span is written as a space, so each T line stays one line,
    # also to readers that split lines as str.splitlines does (U+0085, U+2028, ...).
    words = " ".join(_LINE_BREAK.sub(" ", text[s:e]) for s, e in fragments)
    return f"T{ident}\t{role} {where}\t{words}"


def brat_ann(analysis: Analysis, source: str = "<text>") -> str:
    """The brat standoff annotation of one article's attributions (PolNeAR's layout).

    Raises:
        ModelError: when the analysis was made without an attribution head.

    Example:
        >>> from spinscope._pipeline import build_analysis
        >>> st = Statement(((8, 12),), (3, 7), (0, 2), "Ann Lee", "rain", "said", "He")
        >>> ann = brat_ann(build_analysis("He said rain.", [], "m", 0.3, attributions=[st]))
        >>> print(ann.replace("\\t", " | "))
        T1 | Source 0 2 | He
        T2 | Cue 3 7 | said
        T3 | Content 8 12 | rain
        T4 | Attribution 3 7 | said
        E1 | Attribution:T4 Content:T3 Cue:T2 Source:T1
        <BLANKLINE>
    """
    text = analysis.text
    lines: list[str] = []
    n = 0
    for e, st in enumerate(_statements(analysis, source), 1):
        roles: dict[str, int] = {}
        for role, where in (("Source", st.source), ("Cue", st.cue)):
            if where is not None:
                n += 1
                lines.append(_text_bound(n, role, [where], text))
                roles[role] = n
        n += 1
        lines.append(_text_bound(n, "Content", list(st.content), text))
        roles["Content"] = n
        n += 1
        anchor = [st.cue] if st.cue is not None else list(st.content)
        lines.append(_text_bound(n, "Attribution", anchor, text))
        args = [f"Attribution:T{n}"] + [
            f"{role}:T{roles[role]}" for role in ("Content", "Cue", "Source") if role in roles
        ]
        lines.append(f"E{e}\t{' '.join(args)}")
    return "".join(line + "\n" for line in lines)


json_writer = document_writer(attributions_json)
"""``json``: the attributions document, indented, or one line per article when there are
several."""


def brat_writer(target: Target) -> Callable[[Record], None]:
    """``brat``: the ``.ann`` text of each article (one article: a file brat reads)."""

    def write(record: Record) -> None:
        target.stream.write(brat_ann(record.analysis, record.source))

    return write


def brat_folder(record: Record, folder: Path) -> list[Path]:
    """Write ``<stem>.ann`` and the analyzed text as ``<stem>.txt`` into ``folder``, as brat
    and PolNeAR keep them (see :func:`write_ann`).

    Raises:
        InputError: when ``<stem>.txt`` exists with other text, before anything is written.
    """
    return write_ann(record, folder, Path(record.source).stem, brat_ann)


def write_ann(
    record: Record, folder: Path, stem: str, ann: Callable[[Analysis, str], str]
) -> list[Path]:
    """Write ``ann(analysis, source)`` as ``<stem>.ann`` and the analyzed text as
    ``<stem>.txt`` into ``folder``. An existing ``<stem>.txt`` is left alone when it holds
    that text already (the input itself, say).

    Raises:
        InputError: when ``<stem>.txt`` exists with other text (the offsets would not
            fit it), before anything is written.
    """
    ann_path, txt = folder / f"{stem}.ann", folder / f"{stem}.txt"
    text = record.analysis.text
    same = txt.is_file() and txt.read_bytes() == text.encode("utf-8")
    if txt.exists() and not same:
        raise InputError(
            f"{txt}: exists and is not the analyzed text of {record.source}; "
            "write the brat files into another folder"
        )
    content = ann(record.analysis, record.source)
    if not same:
        txt.write_text(text, encoding="utf-8", newline="")
    ann_path.write_text(content, encoding="utf-8", newline="")
    return [ann_path, txt]
