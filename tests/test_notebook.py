"""``docs/notebook.ipynb`` run headless in a real Jupyter kernel (nbclient + ipykernel): the
Python API, the rich display of an analysis and of a report, and ``to_pandas``, with the
shipped model and beside a small store whose figures are known (``storedata``)."""

from __future__ import annotations

import ast
import json
import re
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

import spinscope
from spinscope._formats import notebook_html
from spinscope._store import Store

from .storedata import fill

pytestmark = pytest.mark.slow

NOTEBOOK = Path(__file__).resolve().parents[1] / "docs" / "notebook.ipynb"
KERNEL = "spinscope-test"


def kernel_here(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A kernel spec that runs this interpreter, found first on the Jupyter path, so the
    kernel imports this checkout's spinscope whatever kernels the machine has; its
    connection files and IPython's history go under ``folder`` too, not the home folder."""
    spec = folder / "kernels" / KERNEL
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernel = {"argv": argv, "display_name": KERNEL, "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(folder))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(folder / "runtime"))
    monkeypatch.setenv("IPYTHONDIR", str(folder / "ipython"))


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> list[Any]:
    """The notebook's code cells after a run in a folder holding ``spinscope.db``."""
    folder = tmp_path_factory.mktemp("notebook")
    fill(Store.open(str(folder / "spinscope.db"))).close()
    with pytest.MonkeyPatch.context() as monkeypatch:
        kernel_here(folder / "jupyter", monkeypatch)
        nb = nbformat.read(NOTEBOOK, as_version=4)  # type: ignore[no-untyped-call]
        client = NotebookClient(
            nb, timeout=60, kernel_name=KERNEL, resources={"metadata": {"path": str(folder)}}
        )
        client.execute()
    return [c for c in nb.cells if c.cell_type == "code"]


def result(cell: Any, mime: str) -> str:
    """The ``mime`` data of the cell's result (its last expression's value)."""
    (out,) = [o for o in cell.outputs if o.output_type == "execute_result"]
    return str(out.data[mime])


def cell_defining(cells: list[Any], name: str) -> Any:
    return next(c for c in cells if re.search(rf"^{name} = ", c.source, re.M))


def test_every_cell_runs_without_an_error(executed: list[Any]) -> None:
    errors = [o for c in executed for o in c.outputs if o.output_type == "error"]
    assert errors == []


def test_the_analysis_shows_as_the_same_highlighted_fragment_as_in_process(
    executed: list[Any],
) -> None:
    cell = cell_defining(executed, "text")
    assign = next(n for n in ast.parse(cell.source).body if isinstance(n, ast.Assign))
    text = ast.literal_eval(assign.value)
    shown = result(cell, "text/html")
    assert shown == notebook_html(spinscope.load_model().analyze(text))
    assert shown.startswith('<div class="spinscope-analysis">')
    # The article's markup: highlighted fragments, its tag and quotes escaped, no script.
    assert '<mark class="hl' in shown and "<script" not in shown and "</script" not in shown
    # Escaped wherever the model's highlights cut the tag (where they do is the model's call).
    assert "&lt;script" in shown and "&lt;/script" in shown
    assert "&#34;experts&#34;" in shown


def test_to_pandas_lists_the_fragments(executed: list[Any]) -> None:
    table = result(cell_defining(executed, "spans"), "text/html")
    assert "<table" in table and "technique" in table and "voice" in table
    assert 'The so-called "experts"' in table


def test_the_report_shows_tables_and_inline_charts(executed: list[Any]) -> None:
    shown = result(cell_defining(executed, "report"), "text/html")
    assert shown.startswith('<div class="spinscope-report">')
    assert "5 analyses by model m1" in shown and "Daily Planet" in shown
    assert shown.count('src="data:image/png;base64,') == 3


def test_report_frames_pivot_by_source(executed: list[Any]) -> None:
    pivot = result(cell_defining(executed, "frames"), "text/plain")
    assert "Daily Planet" in pivot and "Loaded_Language" in pivot
