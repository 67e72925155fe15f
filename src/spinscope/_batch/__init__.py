"""Batch analysis of whole corpora into a results store, locally or on a Ray cluster."""

from ._inputs import Item, check_inputs, count_inputs, read_inputs
from ._progress import print_summary, progress_bar
from ._run import BatchOptions, BatchSummary, run_batch
from ._work import ModelSpec, analyze_items

__all__ = [
    "BatchOptions",
    "BatchSummary",
    "Item",
    "ModelSpec",
    "analyze_items",
    "check_inputs",
    "count_inputs",
    "print_summary",
    "progress_bar",
    "read_inputs",
    "run_batch",
]
