"""The model directory's README.md in the Hugging Face layout: a YAML header the Hub reads,
holding the model's figures, above the model card."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinscope import ModelConfig
from spinscope._pipeline import default_model_path
from spinscope.train import render_hf_readme, write_hf_readme
from spinscope.train._hf_card import hf_metadata, to_yaml

yaml: Any = pytest.importorskip("yaml", reason="PyYAML comes with the train extra")


def header(readme: str) -> dict[str, Any]:
    """The YAML between the first two ``---`` lines, parsed."""
    first, body, _ = readme.split("---\n", 2)
    assert first == ""
    parsed: dict[str, Any] = yaml.safe_load(body)
    return parsed


def metrics(meta: dict[str, Any]) -> dict[tuple[str, str], float]:
    """``(dataset type, metric name) -> value`` over the model-index."""
    (entry,) = meta["model-index"]
    return {
        (r["dataset"]["type"], m["name"]): m["value"]
        for r in entry["results"]
        for m in r["metrics"]
    }


def test_the_shipped_readme_is_the_shipped_card_with_its_figures() -> None:
    folder = default_model_path()
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert readme == render_hf_readme(folder), "re-render: write_hf_readme(default_model_path())"
    assert readme.endswith((folder / "MODEL_CARD.md").read_text(encoding="utf-8"))
    meta = header(readme)
    config = ModelConfig.load(folder)
    assert meta["license"] == "apache-2.0" and meta["language"] == ["en"]
    assert meta["pipeline_tag"] == "token-classification"
    assert meta["base_model"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert {"propaganda", "semeval-2020-task-11", "onnx"} <= set(meta["tags"])
    assert meta["model-index"][0]["name"] == config.model_id
    v = config.validation
    assert metrics(meta) == {
        ("propaganda-techniques-corpus", "SI F1"): v["si_f1"],
        ("propaganda-techniques-corpus", "TC micro-F1"): v["tc_micro_f1"],
        ("propaganda-techniques-corpus", "end-to-end micro-F1"): v["e2e_micro_f1"],
        ("propaganda-techniques-corpus", "end-to-end macro-F1"): v["e2e_macro_f1"],
    }


def test_a_fine_tuned_model_reports_corrections_and_the_original_corpus(tmp_path: Path) -> None:
    figures = {"si_f1": 0.5, "tc_micro_f1": 0.7, "e2e_micro_f1": 0.3, "e2e_macro_f1": 0.2}
    validation = {
        "split": "every 5th corrected article by id (4 articles)",
        **figures,
        "original_model": {"model_id": "old", "si_f1": 0.41},
        "original_corpus": {"split": "every 5th article by id (70 articles)", "si_f1": 0.4},
    }
    ModelConfig("new", encoder="my-encoder", validation=validation).save(tmp_path)
    (tmp_path / "MODEL_CARD.md").write_text("# card\n", encoding="utf-8")
    meta = header(write_hf_readme(tmp_path).read_text(encoding="utf-8"))
    assert "base_model" not in meta
    found = metrics(meta)
    assert found[("corrections", "SI F1")] == 0.5
    assert found[("corrections", "end-to-end macro-F1")] == 0.2
    assert found[("propaganda-techniques-corpus", "SI F1")] == 0.4
    assert len(found) == 5


def test_a_model_without_figures_has_an_empty_index() -> None:
    meta = hf_metadata(ModelConfig("bare"))
    assert meta["model-index"] == [{"name": "bare", "results": []}]
    assert yaml.safe_load("\n".join(to_yaml(meta)))["model-index"][0]["results"] == []


scalars = st.one_of(
    st.text(max_size=12),
    st.integers(-5, 5),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
)
keys = st.text(alphabet="abcdefghij-_", min_size=1, max_size=6)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3),
    max_leaves=8,
)


@given(st.dictionaries(keys, values, max_size=4))
def test_yaml_lines_read_back_as_the_data(data: dict[str, Any]) -> None:
    assert yaml.safe_load("\n".join(to_yaml(data))) == (data or None)
