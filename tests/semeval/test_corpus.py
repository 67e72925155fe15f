from __future__ import annotations

from pathlib import Path

import pytest

from spinscope import Corpus, FormatError, Label, format_labels, parse_labels
from spinscope._semeval._corpus import validation_ids


def test_labels_round_trip_through_the_semeval_format() -> None:
    labels = [Label("1", 0, 4, "Slogans"), Label("2", 3, 9, "Doubt"), Label("3", 1, 2)]
    assert parse_labels(format_labels(labels)) == labels


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("1\tNope\t0\t4", "unknown technique"),
        ("1\tDoubt\tx\t4", "integers"),
        ("1\tDoubt\t5\t4", "start < end"),
        ("1\tDoubt\t4", "integers"),
        ("1\t2", "columns"),
        ("1\t?\t0\t4", "only allowed"),
    ],
)
def test_malformed_lines_name_the_line(line: str, message: str) -> None:
    with pytest.raises(FormatError, match=message) as info:
        parse_labels("1\tDoubt\t0\t4\n" + line, "f.tsv")
    assert "f.tsv, line 2" in str(info.value)


def test_question_marks_are_allowed_in_spans_to_classify() -> None:
    assert parse_labels("1\t?\t0\t4", allow_unknown=True)[0].technique == "?"


def test_validation_split_is_every_fifth_article_by_numeric_id() -> None:
    ids = [str(i) for i in (3, 20, 100, 7, 5, 9, 11, 1000, 12, 13)]
    assert validation_ids(ids) == ["11", "1000"]


def test_ptc_training_split_loads(ptc: Path) -> None:
    corpus = Corpus.load(ptc)
    assert len(corpus.articles) == 371
    assert len(corpus.labels) == 6128
    val = validation_ids(corpus.articles)
    assert len(val) == 74
    assert corpus.subset(val).articles.keys() == set(val)
