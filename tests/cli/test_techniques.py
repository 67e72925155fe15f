"""``spinscope techniques``."""

from __future__ import annotations

import json

import pytest

from .conftest import Run

pytestmark = pytest.mark.slow


def test_techniques_lists_all_fourteen(run: Run) -> None:
    doc = json.loads(run("techniques", "--json").output)
    assert len(doc) == 14 and all(t["definition"] and t["example"] for t in doc)
    assert "Flag-waving" in run("techniques").output
