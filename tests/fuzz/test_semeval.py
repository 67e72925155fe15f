"""Fuzzing the SemEval readers: label lines (``labels.tsv``, SI and TC files), corpus
folders (``Corpus.load``) and cross-validation folders. Any input gives labels or a
one-line :class:`InputError`; written labels read back exactly."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinscope._errors import FormatError, InputError
from spinscope._semeval import Corpus, Label, format_labels, load_cv_folder, parse_labels
from spinscope._techniques import TECHNIQUE_NAMES

from .strategies import FUZZ, json_docs, long_texts, nested, outcome, texts

# Any id SemEval lines can hold: no tab, \r or \n in it, no whitespace around it (other
# characters that str.splitlines breaks at, such as U+2028, included).
ids = texts.map(lambda t: re.sub("[\t\r\n]", " ", t).strip()).filter(bool)
labels = st.builds(
    Label,
    ids,
    st.integers(0, 10**6),
    st.integers(1, 10**6),
    st.none() | st.sampled_from(TECHNIQUE_NAMES),
).filter(lambda x: x.start < x.end)
columns = st.sampled_from(["1", "Doubt", "0", "4", "-1", "?", "", " 3", "1e3", "4.0"]) | texts


@FUZZ
@given(
    long_texts | st.lists(st.lists(columns, max_size=5).map("\t".join), max_size=5).map("\n".join)
)
def test_any_text_is_labels_or_a_format_error(text: str) -> None:
    got = outcome(lambda: parse_labels(text, "l.tsv", allow_unknown=True), FormatError)
    if isinstance(got, FormatError):
        assert str(got).startswith("l.tsv, line ")
        return
    for label in got:
        assert label.article_id and 0 <= label.start < label.end


@FUZZ
@given(st.lists(labels, max_size=6), st.sampled_from(["\n", "\r\n"]))
def test_written_labels_read_back_exactly(written: list[Label], newline: str) -> None:
    text = format_labels(written).replace("\n", newline)
    # A file mixes 4-column and 3-column lines only when it is hand-made; each reads back.
    assert parse_labels(text) == written


def corpus(tmp_path: Path, articles: dict[str, bytes], labels_text: bytes) -> Path:
    folder = tmp_path / "corpus"
    (folder / "articles").mkdir(parents=True, exist_ok=True)
    for old in (folder / "articles").iterdir():
        old.unlink()
    for aid, data in articles.items():
        (folder / "articles" / f"article{aid}.txt").write_bytes(data)
    (folder / "labels.tsv").write_bytes(labels_text)
    return folder


@FUZZ
@given(
    st.dictionaries(
        st.sampled_from(["1", "2", "30"]),
        st.binary(max_size=30) | texts.map(str.encode),
        max_size=3,
    ),
    st.lists(
        st.tuples(
            st.sampled_from(["1", "2", "9"]),
            st.sampled_from(TECHNIQUE_NAMES),
            st.integers(-2, 40),
            st.integers(-2, 40),
        ),
        max_size=5,
    ),
)
def test_any_corpus_folder_loads_within_its_texts_or_is_an_input_error(
    tmp_path: Path, articles: dict[str, bytes], rows: list[tuple[str, str, int, int]]
) -> None:
    lines = "".join(f"{a}\t{t}\t{s}\t{e}\n" for a, t, s, e in rows).encode()
    got = outcome(lambda: Corpus.load(corpus(tmp_path, articles, lines)), InputError)
    if isinstance(got, Corpus):
        for label in got.labels:
            assert 0 <= label.start < label.end <= len(got.articles[label.article_id])


def test_a_span_past_its_articles_end_is_a_format_error(tmp_path: Path) -> None:
    folder = corpus(tmp_path, {"1": b"short"}, b"1\tDoubt\t0\t5\n1\tDoubt\t2\t40\n1\tDoubt\t3\t9\n")
    with pytest.raises(
        FormatError, match=r"span 2-40 of article 1 ends past its text \(5 characters\), and 1 more"
    ):
        Corpus.load(folder)


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("1\tDoubt\t4\t2", "0 <= start < end"),
        ("1\tDoubt\t-1\t2", "0 <= start < end"),
        ("1\tDoubt\t0\t" + "9" * 5000, "must be integers"),
        ("1\tLying\t0\t4", "unknown technique"),
        ("1\tDoubt\t0", "must be integers"),  # SI columns, a technique as the start
    ],
)
def test_hostile_lines_name_their_problem(line: str, problem: str) -> None:
    with pytest.raises(FormatError, match=problem):
        parse_labels(line + "\n")


def test_ids_holding_what_splitlines_breaks_at_stay_one_line() -> None:
    written = [Label("a\u2028b\x1cc\x85d", 0, 4, "Doubt"), Label("2", 1, 3, "Slogans")]
    assert parse_labels(format_labels(written)) == written
    assert parse_labels("1\tDoubt\t0\t4\r2\tDoubt\t1\t3\r") == [
        Label("1", 0, 4, "Doubt"),
        Label("2", 1, 3, "Doubt"),
    ]


def cv_folder(tmp_path: Path, content: bytes) -> Path:
    (tmp_path / "cv").mkdir(exist_ok=True)
    (tmp_path / "cv" / "folds.json").write_bytes(content)
    return tmp_path / "cv"


@FUZZ
@given(json_docs(["1", "2"]).map(lambda d: json.dumps(d).encode()) | st.binary(max_size=40))
def test_any_folds_json_is_folds_or_an_input_error(tmp_path: Path, content: bytes) -> None:
    got = outcome(lambda: load_cv_folder(cv_folder(tmp_path, content)), InputError)
    assert isinstance(got, InputError), got  # no fold model directories exist here


@pytest.mark.parametrize(
    ("doc", "problem"),
    [
        ({"a": [1]}, "fold number"),
        ({"a": None}, "fold number"),
        ({"a": 1.5}, "fold number"),
        ({"a": -1}, "fold number"),
        ({"a": True}, "fold number"),
        ([1], "fold number"),
    ],
)
def test_malformed_folds_name_the_problem(tmp_path: Path, doc: Any, problem: str) -> None:
    with pytest.raises(InputError, match=problem):
        load_cv_folder(cv_folder(tmp_path, json.dumps(doc).encode()))
    with pytest.raises(InputError, match="nested too deeply"):
        load_cv_folder(cv_folder(tmp_path, nested(100_000).encode()))
    with pytest.raises(InputError, match="fold number"):
        load_cv_folder(cv_folder(tmp_path, b'{"a": 1e999}'))
