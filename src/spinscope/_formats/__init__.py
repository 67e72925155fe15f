"""Output formats of an analysis, in one registry: :data:`FORMATS` (look one up with
:func:`get_format`). Each :class:`Format` has a name, media type, file extension, a one-line
description and a writer of :class:`Record` s (an analysis and where it came from).

Writing analyses in a format::

    fmt = get_format("json")                      # or get_format(name, "analyze")
    write = fmt.writer(Target(sys.stdout, many=True))
    for record in records:
        write(record)

    fmt.render(Record("a.txt", "a", analysis))    # one whole document as a string

Adding a format is one entry in ``_catalog.FORMATS`` (``ATTRIBUTION_FORMATS`` holds those
of ``spinscope attributions``: ``json`` and PolNeAR-style ``brat``). The annotation-tool
formats (``label-studio``, ``doccano``, ``brat``, ``inception``) are also read back:
:func:`import_annotations` gives the corrected spans as SemEval labels. Also here: the
pieces the formats are made of (:func:`analysis_json`, :func:`semeval_lines`,
:func:`render_html`, the terminal view, :func:`said_by`, :func:`aims_at`), which the web
app uses directly, and :func:`notebook_html`, an analysis as Jupyter shows it. rich and
jinja2 are imported only when something is rendered.
"""

from ._annotation_brat import technique_ann
from ._annotation_import import IMPORT_FORMATS, Imported, import_annotations, write_texts
from ._annotations import Article, article_id_of, label_studio_config, safe_name, stem_of
from ._attributions import aims_at, attributions_json, brat_ann, said_by
from ._catalog import ATTRIBUTION_FORMATS, FORMATS, get_format
from ._csv import CSV_COLUMNS, csv_cell
from ._highlight import Segment, segments
from ._html import notebook_html, render_html, report_context
from ._inception import cas_json
from ._json import analysis_json, stored_json
from ._lines import semeval_lines, si_lines
from ._record import Record, Stored
from ._registry import Format, Registry, Target
from ._terminal import print_analysis, render_terminal

__all__ = [
    "ATTRIBUTION_FORMATS",
    "CSV_COLUMNS",
    "FORMATS",
    "IMPORT_FORMATS",
    "Article",
    "Format",
    "Imported",
    "Record",
    "Registry",
    "Segment",
    "Stored",
    "Target",
    "aims_at",
    "analysis_json",
    "article_id_of",
    "attributions_json",
    "brat_ann",
    "cas_json",
    "csv_cell",
    "get_format",
    "import_annotations",
    "label_studio_config",
    "notebook_html",
    "print_analysis",
    "render_html",
    "render_terminal",
    "report_context",
    "safe_name",
    "said_by",
    "segments",
    "semeval_lines",
    "si_lines",
    "stem_of",
    "stored_json",
    "technique_ann",
    "write_texts",
]
