"""The real accurate model: assembled from the shipped parts and the installed wheels, then
run through the library and the CLI (needs the five all-mpnet-base-v2 wheels, which the
README's test command installs)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pytest

from spinscope import Corpus, Model, Settings
from spinscope._pipeline import default_model_path
from spinscope._pipeline._accurate import MEMBER, parts_path
from spinscope._pipeline._wheels import INSTALL_WHEELS, WHEELS
from spinscope._semeval._corpus import validation_ids
from spinscope._semeval._evaluate import evaluate

from ..clirun import invoke

pytestmark = pytest.mark.slow

# Floors on 15 validation articles (in the full model's training data), as for the shipped
# model: a broken assembly, tokenizer or member fails loudly.
FLOORS = {"si": 0.25, "tc": 0.45, "e2e": 0.12}


def _wheels_installed() -> bool:
    try:
        metadata.distribution(WHEELS[0])
    except metadata.PackageNotFoundError:
        return False
    return True


needs_wheels = pytest.mark.skipif(not _wheels_installed(), reason=f"run: {INSTALL_WHEELS}")


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Where the module assembles the model (130 MB; removed after it: CI's disk is small)."""
    folder = tmp_path_factory.mktemp("models")
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def accurate(models_dir: Path) -> Model:
    return Model.load(Path("accurate"), Settings(models_dir=models_dir))


def test_the_parts_ship_with_the_package_and_are_small() -> None:
    sizes = {p.name: p.stat().st_size for p in parts_path().iterdir()}
    assert {"member.onnx", "member_weights.npz", "parts.json", "MODEL_CARD.md"} <= set(sizes)
    assert sum(sizes.values()) <= 40 * 1024 * 1024, sizes
    card = (parts_path() / "MODEL_CARD.md").read_text(encoding="utf-8")
    accurate = json.loads((parts_path() / "accurate.json").read_text())
    assert accurate["model_id"] in card
    shipped = json.loads((default_model_path() / "config.json").read_text())["model_id"]
    assert accurate["primary"] == shipped  # packed beside the shipped network


@needs_wheels
def test_accurate_model_is_the_shipped_one_with_an_mpnet_member(accurate: Model) -> None:
    assert accurate.config.members == (MEMBER,)
    assert accurate.model_id.startswith("spinscope-accurate")
    assert (accurate.path / MEMBER / "tagger.onnx").stat().st_size > 100_000_000


@needs_wheels
def test_accurate_model_beats_floors_on_validation_articles(accurate: Model, ptc: Path) -> None:
    corpus = Corpus.load(ptc)
    ids = validation_ids(corpus.articles)[:15]
    train_labels = corpus.subset(set(corpus.articles) - set(validation_ids(corpus.articles)))
    report = evaluate(accurate, corpus.subset(ids), train_labels.labels)
    assert report.si.f1 >= FLOORS["si"] and report.si.f1 > report.si_baseline.f1
    assert report.tc.micro.f1 >= FLOORS["tc"] and report.tc.micro.f1 > report.tc_baseline.micro.f1
    assert report.e2e.micro.f1 >= FLOORS["e2e"]


@needs_wheels
def test_cli_analyzes_with_the_accurate_model(
    accurate: Model, models_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SPINSCOPE_MODELS_DIR", str(models_dir))
    text = "These corrupt traitors will destroy our great nation unless we stop them now!"
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    result = invoke("analyze", str(tmp_path / "a.txt"), "--model", "accurate", "-f", "json")
    assert result.exit_code == 0, result.output
    analysis = json.loads(result.stdout)
    assert analysis["model"] == accurate.model_id
    for span in analysis["spans"]:
        assert text[span["start"] : span["end"]] == span["text"]
