"""``spinscope evaluate``: prediction files, and the shipped model on a corpus."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from .conftest import Run

pytestmark = pytest.mark.slow


def test_evaluate_corpus_on_the_validation_split(run: Run, ptc: Path, tmp_path: Path) -> None:
    from spinscope import Corpus
    from spinscope._semeval._corpus import format_labels, validation_ids

    corpus = Corpus.load(ptc)
    ids = sorted(corpus.articles)[:10]
    (tmp_path / "articles").mkdir()
    for aid in ids:
        shutil.copy(ptc / "articles" / f"article{aid}.txt", tmp_path / "articles")
    (tmp_path / "labels.tsv").write_text(format_labels(corpus.subset(ids).labels))
    result = run("evaluate", "--corpus", str(tmp_path), "--validation", "--json")
    doc = json.loads(result.output)
    assert doc["articles"] == len(validation_ids(ids)) == 2
    assert 0 <= doc["si"]["f1"] <= 1


def test_evaluate_prints_hand_checked_figures(run: Run, resources: Path) -> None:
    gold, pred = str(resources / "gold.tsv"), str(resources / "pred.tsv")
    si = run("evaluate", "--gold", gold, "--pred", pred, "--task", "si").output
    # P = 3/3, R = (1 + 1 + 11/22) / 3, F1 = 2PR/(P+R) = 0.9091
    assert "SI  F1 0.9091" in si
    tc = run("evaluate", "--gold", gold, "--pred", gold, "--task", "tc").output
    assert "micro-F1 1.0000" in tc
    e2e = run("evaluate", "--gold", gold, "--pred", pred, "--task", "e2e").output
    assert "E2E micro-F1" in e2e and "Slogans" in e2e


def test_evaluate_cv_scores_each_fold_model_on_its_own_articles(
    run: Run, ptc: Path, tmp_path: Path
) -> None:
    from spinscope import Corpus
    from spinscope._pipeline import default_model_path
    from spinscope._semeval._corpus import format_labels

    corpus = Corpus.load(ptc)
    ids = sorted(corpus.articles)[:4]
    (tmp_path / "corpus" / "articles").mkdir(parents=True)
    for aid in ids:
        shutil.copy(ptc / "articles" / f"article{aid}.txt", tmp_path / "corpus" / "articles")
    (tmp_path / "corpus" / "labels.tsv").write_text(format_labels(corpus.subset(ids).labels))
    cv = tmp_path / "cv"
    cv.mkdir()
    (cv / "folds.json").write_text(json.dumps({aid: k % 2 for k, aid in enumerate(ids)}))
    for k in (0, 1):
        (cv / f"fold{k}").symlink_to(default_model_path())
    doc = json.loads(
        run("evaluate", "--corpus", str(tmp_path / "corpus"), "--cv", str(cv), "--json").output
    )
    assert doc["articles"] == 4 and doc["folds"] == 2 and len(doc["per_fold"]) == 2
    assert 0 < doc["pooled"]["si_f1"] <= 1
    table = run("evaluate", "--corpus", str(tmp_path / "corpus"), "--cv", str(cv)).output
    assert "pooled" in table and "Loaded language" in table
    missing = run("evaluate", "--cv", str(cv))
    assert missing.exit_code == 2 and "--cv needs --corpus" in missing.output
