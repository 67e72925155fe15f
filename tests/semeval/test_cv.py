"""Cross-validated figures over fold models (a fake model stands in for each fold)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spinscope import Corpus, InputError, Label, Model
from spinscope._semeval import cross_validate, format_cv, load_cv_folder

from ..fakes import fake_model

TEXT = "Title line\nThey are traitors and liars, we say.\n"
GOLD = [Label("a", 20, 28, "Loaded_Language"), Label("a", 33, 38, "Loaded_Language")]


def corpus() -> Corpus:
    gold = [*GOLD, *(Label("b", lb.start, lb.end, lb.technique) for lb in GOLD)]
    gold.append(Label("c", 0, 5, "Doubt"))  # a span no fake model finds
    return Corpus({"a": TEXT, "b": TEXT, "c": TEXT}, gold)


def test_each_fold_is_predicted_by_its_own_model_and_pooled() -> None:
    asked: list[int] = []

    def model_of(k: int) -> Model:
        asked.append(k)
        return fake_model()

    report = cross_validate(corpus(), {"a": 0, "b": 1, "c": 1}, model_of)
    assert asked == [0, 1]
    assert report.folds[0]["e2e_micro_f1"] == 1.0
    assert report.folds[1]["e2e_micro_f1"] < 1.0
    mean, sd = report.spread("e2e_micro_f1")
    assert mean == pytest.approx(
        (report.folds[0]["e2e_micro_f1"] + report.folds[1]["e2e_micro_f1"]) / 2
    )
    assert sd > 0
    # Pooled over all five gold spans: the four found and the one missed.
    assert 0 < report.pooled["e2e_micro_f1"] < 1
    table = format_cv(report)
    assert "pooled" in table and "Loaded language" in table
    assert report.to_dict()["folds"] == 2


def test_an_article_without_a_fold_is_refused() -> None:
    with pytest.raises(InputError, match="no fold"):
        cross_validate(corpus(), {"a": 0, "b": 1}, lambda k: fake_model())


def test_a_cv_folder_needs_its_folds_and_fold_models(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"folds\.json"):
        load_cv_folder(tmp_path)
    (tmp_path / "folds.json").write_text(json.dumps({"a": 0, "b": 1}))
    (tmp_path / "fold0").mkdir()
    (tmp_path / "fold0" / "config.json").write_text("{}")
    with pytest.raises(InputError, match="fold1"):
        load_cv_folder(tmp_path)
    (tmp_path / "fold1").mkdir()
    (tmp_path / "fold1" / "config.json").write_text("{}")
    folds, dirs = load_cv_folder(tmp_path)
    assert folds == {"a": 0, "b": 1} and [d.name for d in dirs] == ["fold0", "fold1"]


def test_kept_forward_passes_give_the_same_figures_without_the_encoder() -> None:
    models = {0: fake_model(), 1: fake_model()}
    folds = {"a": 0, "b": 1, "c": 1}
    data = corpus()
    forwards = {aid: models[folds[aid]].forward(text) for aid, text in data.articles.items()}
    runs = [m._network.tagger.calls for m in models.values()]  # type: ignore[attr-defined]
    kept = cross_validate(data, folds, models.__getitem__, forwards=forwards)
    after = [m._network.tagger.calls for m in models.values()]  # type: ignore[attr-defined]
    assert after == runs
    assert kept.to_dict() == cross_validate(data, folds, models.__getitem__).to_dict()
