"""Reports over a results store: tables, CSV, JSON, charts, and the streamed export.

``spinscope report`` writes a :class:`~spinscope._store.Report` in one of
:data:`REPORT_FORMATS`; ``spinscope export`` writes stored analyses in the analysis formats
of :mod:`spinscope._formats` (a stored row becomes a ``Record`` by :func:`record_of`).
The store itself is imported only when a function needs it, so that importing this
package (for the CLI's ``--format`` choices) stays cheap.
"""

from ._charts import CHART_FORMATS, write_charts
from ._export import ExportCount, export, record_of, semeval_id, write_rows
from ._terminal import print_report
from ._write import REPORT_FORMATS, report_json, write_report

__all__ = [
    "CHART_FORMATS",
    "REPORT_FORMATS",
    "ExportCount",
    "export",
    "print_report",
    "record_of",
    "report_json",
    "semeval_id",
    "write_charts",
    "write_report",
    "write_rows",
]
