"""The issue's bar with the real shipped model: in the example article, the name calling
"US stooge" aims at Juan Guaido (the rules were not tuned on this article)."""

from __future__ import annotations

import json

import pytest

from spinscope import Model
from spinscope._formats import analysis_json

from ..conftest import EXAMPLE

pytestmark = pytest.mark.slow

ARTICLE = EXAMPLE


def test_us_stooge_aims_at_juan_guaido() -> None:
    if not ARTICLE.is_file():
        pytest.fail(f"example article not found at {ARTICLE}")
    text = ARTICLE.read_text(encoding="utf-8")
    analysis = Model.load().analyze(text)
    stooge = [s for s in analysis.spans if "stooge" in text[s.start : s.end] and s.start < 600]
    assert stooge and all(s.target is not None for s in stooge)
    for s in stooge:
        assert s.target is not None and s.target.shown == "Juan Guaido"
        assert text[s.target.start : s.target.end] == "Juan Guaido"
    doc = json.loads(json.dumps(analysis_json("venezuela.txt", analysis)))
    first = next(d for d in doc["spans"] if d["start"] == stooge[0].start)
    assert first["target"]["text"] == "Juan Guaido" and first["target"]["start"] < first["start"]
