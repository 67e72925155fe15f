"""Charts drawn into files."""

from __future__ import annotations

from pathlib import Path

import pytest

from spinscope._errors import InputError
from spinscope._reports import write_charts
from spinscope._store import Filters, Store, build_report

from ..storedata import fill

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_charts_are_written(store: Store, tmp_path: Path, fmt: str) -> None:
    r = build_report(fill(store), Filters())
    paths = write_charts(r, tmp_path / "charts", fmt)
    assert [p.name for p in paths] == [f"{n}.{fmt}" for n in ("techniques", "sources", "months")]
    for p in paths:
        data = p.read_bytes()
        assert len(data) > 5000
        assert data.startswith(PNG) if fmt == "png" else b"<svg" in data[:2000]


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_charts_of_an_empty_store_say_so(store: Store, tmp_path: Path, fmt: str) -> None:
    paths = write_charts(build_report(store, Filters()), tmp_path, fmt)
    assert all(p.stat().st_size > 1000 for p in paths)
    if fmt == "svg":
        # Text is drawn as paths; the message is in the SVG's comments.
        assert "The store holds no analyses" in paths[1].read_text()


def test_unknown_chart_format() -> None:
    with pytest.raises(InputError, match="png or svg"):
        write_charts(build_report(Store.open("sqlite://"), Filters()), Path("x"), "gif")
