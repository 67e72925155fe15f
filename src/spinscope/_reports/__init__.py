"""Reports over a results store: tables, CSV, JSON, charts, and the streamed export."""

from ._charts import write_charts
from ._export import ExportFormat, export
from ._report import ReportFormat, open_existing, write_report

__all__ = [
    "ExportFormat",
    "ReportFormat",
    "export",
    "open_existing",
    "write_charts",
    "write_report",
]
