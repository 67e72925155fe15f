"""Every analysis format, one :class:`Format` entry each: the registry ``spinscope analyze``,
``spinscope export`` and the web app's downloads all write through.

To add a format, write a writer (``Target -> (Record -> None)``, see
:mod:`spinscope._formats._registry`) and add an entry here; list the commands that should
offer it in ``commands``. The order here is the order commands list their formats in.
:data:`ATTRIBUTION_FORMATS` are those of ``spinscope attributions``: who says what in an
article, whatever its techniques.
"""

from __future__ import annotations

from ._annotation_brat import technique_brat_folder, technique_brat_writer
from ._annotations import doccano_writer, label_studio_writer
from ._attributions import brat_folder, brat_writer
from ._attributions import json_writer as attributions_json_writer
from ._csv import csv_writer
from ._html import html_folder, html_writer
from ._inception import inception_folder, inception_writer
from ._json import json_writer, jsonl_writer
from ._lines import semeval_writer, si_writer
from ._record import Record
from ._registry import Format, Registry
from ._terminal import text_writer

FORMATS: Registry[Record] = Registry(
    [
        Format(
            "text",
            "text/plain",
            "txt",
            "The article with its fragments highlighted, a legend, sentence scores, a summary.",
            text_writer,
            commands=("analyze",),
        ),
        Format(
            "json",
            "application/json",
            "json",
            "An analysis with its source: spans, sentences, passages, summary and text.",
            json_writer,
            commands=("analyze",),
        ),
        Format(
            "jsonl",
            "application/x-ndjson",
            "jsonl",
            "An article a line: key, stored details, figures, spans and (optionally) text.",
            jsonl_writer,
            commands=("export",),
        ),
        Format(
            "csv",
            "text/csv",
            "csv",
            "A span a row: key, source, published, technique, start, end, confidence, text.",
            csv_writer,
            commands=("export",),
        ),
        Format(
            "semeval",
            "text/plain",
            "tsv",
            "SemEval-2020 Task 11 technique lines: id, technique, start, end.",
            semeval_writer,
            commands=("analyze", "export"),
        ),
        Format(
            "si",
            "text/plain",
            "tsv",
            "SemEval-2020 Task 11 span identification lines: id, start, end.",
            si_writer,
            commands=("analyze",),
        ),
        Format(
            "html",
            "text/html",
            "html",
            "A standalone HTML report of one analysis, viewable offline.",
            html_writer,
            commands=("analyze",),
            folder=html_folder,
        ),
        Format(
            "label-studio",
            "application/json",
            "json",
            "Label Studio tasks: text and spans as a prediction (labelling config beside it).",
            label_studio_writer,
            commands=("analyze", "export"),
        ),
        Format(
            "doccano",
            "application/x-ndjson",
            "jsonl",
            "doccano sequence labelling, an article a line: text, label [start, end, technique].",
            doccano_writer,
            commands=("analyze", "export"),
        ),
        Format(
            "brat",
            "text/plain",
            "ann",
            "brat standoff, a .ann of T lines per article beside its .txt (a folder).",
            technique_brat_writer,
            commands=("analyze", "export"),
            folder=technique_brat_folder,
        ),
        Format(
            "inception",
            "application/json",
            "json",
            "UIMA CAS JSON for INCEpTION: a webanno.custom.Propaganda span per span.",
            inception_writer,
            commands=("analyze", "export"),
            folder=inception_folder,
        ),
    ]
)


ATTRIBUTION_FORMATS: Registry[Record] = Registry(
    [
        Format(
            "json",
            "application/json",
            "json",
            "Every attribution of an article: speaker, and source, cue and content offsets.",
            attributions_json_writer,
            commands=("attributions",),
        ),
        Format(
            "brat",
            "text/plain",
            "ann",
            "brat standoff lines as in PolNeAR: Source, Cue, Content, Attribution, E.",
            brat_writer,
            commands=("attributions",),
            folder=brat_folder,
        ),
    ]
)


def get_format(name: str, command: str | None = None) -> Format[Record]:
    """The analysis format called ``name`` (among those ``command`` offers, when given).

    Raises:
        InputError: naming the known formats, for an unknown name.

    Example:
        >>> get_format("json").media_type
        'application/json'
        >>> get_format("jsonl", "analyze")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        spinscope._errors.InputError: unknown format 'jsonl'; use one of text, json, ...
    """
    return FORMATS.get(name, command)
