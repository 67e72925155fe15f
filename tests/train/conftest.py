"""The smoke corpus and smoke model the training tests share (built once a session)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from spinscope import Corpus
from spinscope._semeval import format_labels


@pytest.fixture(scope="session")
def tiny_corpus(ptc: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ten PTC articles in a temporary folder (never inside the project)."""
    full = Corpus.load(ptc)
    ids = sorted(full.articles)[:10]
    folder = tmp_path_factory.mktemp("tiny")
    (folder / "articles").mkdir()
    for aid in ids:
        shutil.copy(ptc / "articles" / f"article{aid}.txt", folder / "articles")
    (folder / "labels.tsv").write_text(format_labels(full.subset(ids).labels))
    return folder


@pytest.fixture(scope="session")
def trained(tiny_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A one-layer network fitted for two steps, exported, tuned and documented; the
    corpus is given as a Corpus, as the command line gives one read from any format."""
    pytest.importorskip("torch", reason="needs the train extra")
    from spinscope.train import train

    out = tmp_path_factory.mktemp("model")
    train(Corpus.load(tiny_corpus), out, layers=1, max_steps=2, epochs=1, seed=3)
    return out
