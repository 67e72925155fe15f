"""Distillation targets: teacher tokens read off by the student's, mixed span targets."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tokenizers import Tokenizer, models, pre_tokenizers

from spinscope._errors import TrainingError
from spinscope._pipeline import B_TAG, I_TAG, O_TAG, soft_tags
from spinscope._semeval import Label
from spinscope._techniques import TECHNIQUE_NAMES
from spinscope.train._data import article_examples
from spinscope.train._soft_targets import (
    ArticleTargets,
    average_targets,
    load_targets,
    save_targets,
)


@st.composite
def tokens_and_probs(
    draw: st.DrawFn,
) -> tuple[list[tuple[int, int]], npt.NDArray[np.float32]]:
    """Disjoint sorted character ranges and a probability row for each."""
    n = draw(st.integers(0, 12))
    offsets, pos = [], 0
    for _ in range(n):
        pos += draw(st.integers(0, 3))
        width = draw(st.integers(1, 6))
        offsets.append((pos, pos + width))
        pos += width
    raw = draw(st.lists(st.floats(0.01, 1.0), min_size=3 * n, max_size=3 * n))
    probs = np.asarray(raw, dtype=np.float32).reshape(n, 3)
    return offsets, probs / probs.sum(axis=1, keepdims=True)


@given(tokens_and_probs())
def test_same_tokens_take_the_teacher_rows(
    case: tuple[list[tuple[int, int]], npt.NDArray[np.float32]],
) -> None:
    offsets, probs = case
    teacher = np.asarray(offsets, dtype=np.int64).reshape(-1, 2)
    assert np.array_equal(soft_tags(offsets, teacher, probs), probs)


@given(tokens_and_probs(), st.integers(1, 5))
def test_finer_student_tokens_are_inside_words(
    case: tuple[list[tuple[int, int]], npt.NDArray[np.float32]], cut: int
) -> None:
    """Splitting each teacher token in two: the first piece keeps the row, the second
    (a word continuation) has no B, and every row stays a distribution."""
    offsets, probs = case
    student = []
    for a, b in offsets:
        mid = min(a + cut, b - 1)
        student += [(a, mid), (mid, b)] if mid > a else [(a, b)]
    teacher = np.asarray(offsets, dtype=np.int64).reshape(-1, 2)
    soft = soft_tags(student, teacher, probs)
    assert np.allclose(soft.sum(axis=1), 1.0, atol=1e-5)
    for (a, _), row in zip(student, soft, strict=True):
        if a not in {t[0] for t in offsets}:
            assert row[B_TAG] == 0.0


def test_uncovered_student_tokens_are_outside() -> None:
    soft = soft_tags([(0, 3), (10, 12)], np.array([[0, 3]]), np.array([[0.2, 0.5, 0.3]]))
    assert soft[1].tolist() == [1.0, 0.0, 0.0] and O_TAG == 0 and I_TAG == 2


def _whitespace_tokenizer() -> Tokenizer:
    vocab = {"[UNK]": 0, "they": 1, "are": 2, "corrupt": 3, "traitors": 4, "!": 5}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.Whitespace(), pre_tokenizers.Punctuation()]
    )
    return tok


def _teacher_for(text: str, span: tuple[int, int]) -> ArticleTargets:
    enc = _whitespace_tokenizer().encode(text, add_special_tokens=False)
    offsets = np.asarray(enc.offsets, dtype=np.int64)
    probs = np.tile(np.asarray([[0.7, 0.2, 0.1]], dtype=np.float32), (len(offsets), 1))
    technique = np.zeros(len(TECHNIQUE_NAMES), dtype=np.float32)
    technique[TECHNIQUE_NAMES.index("Loaded_Language")] = 1.0
    return ArticleTargets(offsets, probs, {span: technique})


def test_examples_mix_gold_and_teacher_targets() -> None:
    text = "they are corrupt traitors !"
    span = (9, 25)
    label = Label("1", *span, "Name_Calling,Labeling")
    teacher = _teacher_for(text, span)
    plain = article_examples(_whitespace_tokenizer(), "1", text, [label], TECHNIQUE_NAMES, 16, 2)
    mixed = article_examples(
        _whitespace_tokenizer(), "1", text, [label], TECHNIQUE_NAMES, 16, 2, teacher, 0.25
    )
    assert plain[0].soft is None
    assert mixed[0].soft is not None and mixed[0].soft.shape == (5, 3)
    assert mixed[0].span_keys == [span]
    target = mixed[0].spans[0].target
    assert target[TECHNIQUE_NAMES.index("Name_Calling,Labeling")] == 0.75
    assert target[TECHNIQUE_NAMES.index("Loaded_Language")] == 0.25
    assert np.isclose(target.sum(), 1.0)


def test_targets_survive_a_save_and_load(tmp_path: Path) -> None:
    targets = {
        "1": _teacher_for("they are corrupt traitors !", (9, 25)),
        "22": ArticleTargets(np.zeros((0, 2), np.int64), np.zeros((0, 3), np.float32), {}),
    }
    save_targets(tmp_path / "t.npz", targets)
    back = load_targets(tmp_path / "t.npz")
    assert sorted(back) == ["1", "22"]
    # float16 on disk: soft targets need no more precision than that
    assert np.allclose(back["1"].probs, targets["1"].probs, atol=1e-3)
    assert list(back["1"].spans) == [(9, 25)]
    assert np.array_equal(back["1"].spans[(9, 25)], targets["1"].spans[(9, 25)])
    assert back["22"].spans == {} and back["22"].offsets.shape == (0, 2)


def test_saved_targets_read_back_only_the_articles_asked_for(tmp_path: Path) -> None:
    targets = {
        "1": _teacher_for("they are corrupt traitors !", (9, 25)),
        "2": _teacher_for("a noble and brave nation", (2, 7)),
    }
    save_targets(tmp_path / "t.npz", targets)
    back = load_targets(tmp_path / "t.npz", ["2"])
    assert list(back) == ["2"] and back["2"].offsets.dtype == np.int64
    assert back["2"].probs.dtype == np.float32
    with pytest.raises(TrainingError, match="no teacher targets for 1 of the articles"):
        load_targets(tmp_path / "t.npz", ["2", "3"])


def test_a_file_that_is_not_teacher_targets_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "t.npz").write_text("not an npz")
    with pytest.raises(TrainingError, match="not a file of teacher targets"):
        load_targets(tmp_path / "t.npz")


def _targets(
    offsets: list[tuple[int, int]], probs: npt.NDArray[np.float32], span: float
) -> ArticleTargets:
    spans = {(0, 4): np.asarray([span, 1.0 - span], dtype=np.float32)}
    return ArticleTargets(np.asarray(offsets, dtype=np.int64).reshape(-1, 2), probs, spans)


@given(tokens_and_probs())
def test_a_teacher_averaged_with_itself_is_itself(
    case: tuple[list[tuple[int, int]], npt.NDArray[np.float32]],
) -> None:
    offsets, probs = case
    one = _targets(offsets, probs, 0.25)
    (both,) = average_targets([{"a": one}, {"a": one}]).values()
    assert np.allclose(both.probs, probs) and np.array_equal(both.offsets, one.offsets)
    assert both.spans[(0, 4)].tolist() == [0.25, 0.75]


@given(tokens_and_probs(), st.integers(1, 5))
def test_teachers_with_other_tokenizers_average_onto_the_first_ones_tokens(
    case: tuple[list[tuple[int, int]], npt.NDArray[np.float32]], cut: int
) -> None:
    """The second teacher cuts every token in two: the mean sits on the first teacher's
    tokens, each row still a distribution and halfway between the two teachers."""
    offsets, probs = case
    finer, finer_probs = [], []
    for (a, b), row in zip(offsets, probs, strict=True):
        mid = min(a + cut, b - 1)
        pieces = [(a, mid), (mid, b)] if mid > a else [(a, b)]
        finer += pieces
        finer_probs += [row[::-1]] * len(pieces)
    second = np.asarray(finer_probs, dtype=np.float32).reshape(-1, 3)
    out = average_targets(
        [{"a": _targets(offsets, probs, 1.0)}, {"a": _targets(finer, second, 0.0)}]
    )["a"]
    assert out.probs.shape == probs.shape
    assert np.allclose(out.probs.sum(axis=1), 1.0, atol=1e-5)
    assert np.allclose(out.probs, (probs + probs[:, ::-1]) / 2, atol=1e-6)
    assert out.spans[(0, 4)].tolist() == [0.5, 0.5]


def test_averaging_keeps_only_articles_every_teacher_labelled() -> None:
    row = np.asarray([[0.2, 0.3, 0.5]], dtype=np.float32)
    one = _targets([(0, 4)], row, 0.5)
    assert list(average_targets([{"a": one, "b": one}, {"b": one}])) == ["b"]
    with pytest.raises(TrainingError):
        average_targets([])
