"""``Analysis.to_pandas()``: one row per span with fixed columns and types; a clear error
from spinscope's hierarchy when pandas is missing; ``import spinscope`` never loads it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from spinscope import MissingExtraError, SpinscopeError
from spinscope._pipeline import SPAN_COLUMNS
from spinscope._pipeline._analysis import Span, build_analysis

from ..fakes import fake_model

QUOTED = 'The mayor said "they are traitors". Our city is a disgrace.'


def test_one_row_per_span_in_order_with_its_fragment_and_technique() -> None:
    text = "Vile <lies> and more lies!"
    spans = [Span(16, 25, "Repetition", 0.4), Span(0, 4, "Loaded_Language", 0.9)]
    frame = build_analysis(text, spans, "m", 0.3).to_pandas()
    assert tuple(frame.columns) == SPAN_COLUMNS
    rows = frame[["start", "end", "text", "technique", "title", "confidence"]]
    assert rows.to_dict("records") == [
        {
            "start": 0,
            "end": 4,
            "text": "Vile",
            "technique": "Loaded_Language",
            "title": "Loaded language",
            "confidence": 0.9,
        },
        {
            "start": 16,
            "end": 25,
            "text": "more lies",
            "technique": "Repetition",
            "title": "Repetition",
            "confidence": 0.4,
        },
    ]


def test_offsets_and_confidence_have_number_types_even_without_spans() -> None:
    for spans in ([], [Span(0, 4, "Doubt", 0.5)]):
        frame = build_analysis("Calm words.", spans, "m", 0.3).to_pandas()
        assert tuple(frame.columns) == SPAN_COLUMNS
        types = frame.dtypes.astype(str).to_dict()
        assert [types[c] for c in ("start", "end", "confidence")] == ["int64", "int64", "float64"]


def test_voice_speaker_and_cue_come_from_the_attribution_head() -> None:
    frame = fake_model(attribution=True).analyze(QUOTED).to_pandas()
    assert frame["speaker"].isna().to_list() == [False, True]
    voices = frame[["text", "voice", "speaker", "cue"]].fillna("-").to_dict("records")
    assert voices == [
        {"text": "traitors", "voice": "attributed", "speaker": "mayor", "cue": "said"},
        {"text": "disgrace", "voice": "author", "speaker": "-", "cue": "-"},
    ]


def test_without_an_attribution_head_the_voice_is_unknown() -> None:
    frame = fake_model().analyze(QUOTED).to_pandas()
    assert frame["voice"].to_list() == ["unknown", "unknown"]
    assert frame["speaker"].isna().all() and frame["cue"].isna().all()


def test_without_pandas_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    # A None entry in sys.modules makes `import pandas` raise ImportError.
    monkeypatch.setitem(sys.modules, "pandas", None)
    analysis = build_analysis("Vile lies!", [Span(0, 4, "Loaded_Language", 0.9)], "m", 0.3)
    with pytest.raises(MissingExtraError, match=r'pip install "spinscope\[notebook\]"') as err:
        analysis.to_pandas()
    # One of spinscope's errors, and an ImportError for code that guards optional imports.
    assert isinstance(err.value, SpinscopeError) and isinstance(err.value, ImportError)


def test_import_spinscope_loads_neither_pandas_nor_the_store_nor_the_charts() -> None:
    code = (
        "import sys, spinscope\n"
        "print(sorted(m for m in ('pandas', 'sqlalchemy', 'matplotlib', 'IPython')"
        " if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
