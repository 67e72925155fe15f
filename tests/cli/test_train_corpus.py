"""``spinscope train --corpus``: labelled articles in any format ``spinscope import`` reads,
detected or named with ``--corpus-format``, become the corpus training reads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spinscope._cli._corpus import detect_format, load_corpus
from spinscope._errors import InputError
from spinscope._semeval import Corpus, format_labels, parse_labels
from tests.clirun import invoke

from .conftest import Run

TEXTS = {
    "article5.txt": "Café 😀 the traitors and liars.\r\nÜber 🇺🇦 our city is a disgrace!\r\n",
    "article7.txt": "Shameful cronies, é. They lie and lie again.\n",
}
WRITTEN = {"label-studio": "t.json", "doccano": "d.jsonl", "brat": "b", "inception": "c"}


@pytest.fixture()
def inputs(tmp_path: Path) -> list[str]:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in TEXTS.items():
        (folder / name).write_bytes(text.encode("utf-8"))
    return [str(folder / name) for name in TEXTS]


def _accepted(path: Path) -> None:
    """A person accepted every predicted span in Label Studio: predictions become
    annotations (training reads what people annotated, never bare predictions)."""
    tasks = json.loads(path.read_text(encoding="utf-8"))
    for task in tasks:
        task["annotations"] = task.pop("predictions")
    path.write_text(json.dumps(tasks), encoding="utf-8")


@pytest.mark.parametrize("fmt", sorted(WRITTEN))
def test_each_annotation_format_is_detected_and_read_as_a_corpus(
    fake_run: Run, inputs: list[str], tmp_path: Path, fmt: str
) -> None:
    expected = parse_labels(fake_run("analyze", *inputs, "-f", "semeval").stdout)
    path = tmp_path / WRITTEN[fmt]
    assert fake_run("analyze", *inputs, "-f", fmt, "-o", str(path)).exit_code == 0
    if fmt == "label-studio":
        _accepted(path)
    assert detect_format(path) == fmt
    corpus, notes = load_corpus(path)
    named, _ = load_corpus(path, fmt)
    assert notes == [] and named == corpus
    assert sorted(format_labels(corpus.labels).splitlines()) == sorted(
        format_labels(expected).splitlines()
    )
    assert corpus.articles == {"5": TEXTS["article5.txt"], "7": TEXTS["article7.txt"]}


def test_a_ptc_folder_is_read_as_before(tmp_path: Path) -> None:
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "article3.txt").write_text("They lie.", encoding="utf-8")
    (tmp_path / "labels.tsv").write_text("3\tDoubt\t5\t8\n", encoding="utf-8")
    assert detect_format(tmp_path) == "ptc"
    assert load_corpus(tmp_path) == (Corpus.load(tmp_path), [])


def test_an_unknown_format_names_every_format(tmp_path: Path) -> None:
    odd = tmp_path / "labels.csv"
    odd.write_text("a,b\n", encoding="utf-8")
    result = invoke("train", "--corpus", str(odd), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2
    assert "cannot tell its annotation format; pass --corpus-format" in result.stderr
    for fmt in ("ptc (a folder with articles/ and labels.tsv)", "label-studio", "inception"):
        assert fmt in result.stderr
    other = tmp_path / "other.json"
    other.write_text('{"hello": 1}', encoding="utf-8")
    with pytest.raises(InputError, match="cannot tell"):
        detect_format(other)
    with pytest.raises(InputError, match="no such file"):
        detect_format(tmp_path / "missing.jsonl")


def test_articles_without_text_or_annotations_cannot_train(
    fake_run: Run, inputs: list[str], tmp_path: Path
) -> None:
    fake_run("analyze", *inputs, "-f", "brat", "-o", str(tmp_path / "b"))
    for txt in (tmp_path / "b").glob("*.txt"):
        txt.unlink()
    with pytest.raises(InputError, match="no text beside it"):
        load_corpus(tmp_path / "b")
    fake_run("analyze", *inputs, "-f", "label-studio", "-o", str(tmp_path / "t.json"))
    result = invoke("train", "--corpus", str(tmp_path / "t.json"), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2 and "no annotated articles to train on" in result.stderr
    assert "(skipped " in result.stderr and "not annotated" in result.stderr
