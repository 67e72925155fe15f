"""Reports over a results store: tables, CSV, JSON, charts, and the streamed export.

``spinscope report`` writes a :class:`~spinscope._store.Report` in one of
:data:`REPORT_FORMATS` (a notebook shows it as :func:`report_html` draws it); ``spinscope
export`` writes stored analyses in the analysis formats of :mod:`spinscope._formats` (a
stored row becomes a ``Record`` by :func:`record_of`).
``spinscope import --db`` stores corrected annotations as human labels
(:func:`import_to_store`), ``spinscope agreement`` scores the model against them
(:func:`agreement`), and ``spinscope queue`` prints the articles to label first
(:func:`write_queue`). The store itself is imported only when a function needs it, so
that importing this package (for the CLI's ``--format`` choices) stays cheap.
"""

from ._agreement import Agreement, agreement, agreement_json, article_view
from ._charts import CHART_FORMATS, write_charts
from ._export import MAX_KEYS, ExportCount, export, record_of, semeval_id, write_rows
from ._human import StoreImport, import_to_store, key_names
from ._notebook import report_html
from ._review import AGREEMENT_FORMATS, QUEUE_FORMATS, write_agreement, write_queue
from ._terminal import print_report
from ._write import REPORT_FORMATS, report_json, write_report

__all__ = [
    "AGREEMENT_FORMATS",
    "CHART_FORMATS",
    "MAX_KEYS",
    "QUEUE_FORMATS",
    "REPORT_FORMATS",
    "Agreement",
    "ExportCount",
    "StoreImport",
    "agreement",
    "agreement_json",
    "article_view",
    "export",
    "import_to_store",
    "key_names",
    "print_report",
    "record_of",
    "report_html",
    "report_json",
    "semeval_id",
    "write_agreement",
    "write_charts",
    "write_queue",
    "write_report",
    "write_rows",
]
