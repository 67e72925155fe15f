"""Shared fixtures: the PTC training split beside the checkout, and a fake model."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# The cores here are sometimes throttled; a per-example deadline would make tests flaky.
settings.register_profile("spinscope", deadline=None)
settings.load_profile("spinscope")

ROOT = Path(__file__).resolve().parents[1]
RESOURCES = Path(__file__).resolve().parent / "resources"
PTC = Path(os.environ.get("SPINSCOPE_PTC", ROOT.parent / "shared" / "ptc" / "train"))


@pytest.fixture(scope="session")
def ptc() -> Path:
    """The PTC training split (never copied into the project)."""
    if not (PTC / "labels.tsv").is_file():
        pytest.fail(f"PTC training split not found at {PTC}; set SPINSCOPE_PTC")
    return PTC


@pytest.fixture()
def resources() -> Path:
    return RESOURCES
