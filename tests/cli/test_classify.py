"""``spinscope classify`` with the shipped model."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .conftest import Run

pytestmark = pytest.mark.slow


def test_classify_fills_techniques_in_input_order(
    run: Run, tmp_path: Path, resources: Path
) -> None:
    articles = tmp_path / "articles"
    articles.mkdir()
    shutil.copy(resources / "article901.txt", articles)
    out = tmp_path / "out.tsv"
    result = run(
        "classify",
        "--articles",
        str(articles),
        "--spans",
        str(resources / "spans.tsv"),
        "-o",
        str(out),
    )
    assert result.exit_code == 0
    got = [line.split("\t") for line in out.read_text().splitlines()]
    want = [line.split("\t") for line in (resources / "spans.tsv").read_text().splitlines()]
    assert [(g[0], g[2], g[3]) for g in got] == [(w[0], w[2], w[3]) for w in want]
    assert all(g[1] != "?" for g in got)
