"""Fuzzing the PolNeAR reader (brat standoff attributions): any ``.ann`` text gives
attributions or a :class:`FormatError` naming the line; a folder whose offsets run past
the text or that is not UTF-8 is refused; what ``attributions -f brat`` writes reads back
with every role's offsets exact."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinscope._attribution import Document, parse_ann, read_split
from spinscope._errors import FormatError, InputError
from spinscope._formats import brat_ann
from spinscope._pipeline import Attribution, Statement, build_analysis

from .strategies import FUZZ, long_texts, outcome, texts

numbers = st.integers(0, 30).map(str) | st.sampled_from(["-1", "9" * 30, "\u0663", "", "1.5", "x"])
fragments = st.lists(st.tuples(numbers, numbers).map(" ".join), min_size=1, max_size=3).map(
    ";".join
)
roles = st.sampled_from(["Source", "Cue", "Content", "Attribution", "Discard"])
t_lines = st.builds(
    lambda n, role, where, words: f"T{n}\t{role} {where}\t{words}",
    st.integers(1, 4),
    roles,
    fragments | texts,
    texts,
)
e_lines = st.builds(
    lambda n, args: f"E{n}\t" + " ".join(args),
    st.integers(1, 3),
    st.lists(
        st.builds(
            lambda r, n: f"{r}:T{n}", roles | st.sampled_from(["Content2", "x"]), st.integers(0, 5)
        ),
        max_size=4,
    ),
)


@FUZZ
@given(st.lists(t_lines | e_lines | texts, max_size=8).map("\n".join) | long_texts)
def test_any_ann_text_is_attributions_or_a_format_error(ann: str) -> None:
    got = outcome(lambda: parse_ann(ann), FormatError)
    if isinstance(got, FormatError):
        assert str(got).startswith("line ")
        return
    for a in got:
        for start, end in (*a.content, *a.cue, *a.source):
            assert 0 <= start < end


@st.composite
def statements(draw: st.DrawFn, length: int) -> Statement:
    cuts = sorted(draw(st.lists(st.integers(0, length), min_size=6, max_size=6, unique=True)))
    pairs = [(cuts[i], cuts[i + 1]) for i in range(0, 6, 2)]
    content = tuple(draw(st.lists(st.sampled_from(pairs), min_size=1, max_size=2, unique=True)))
    cue = draw(st.none() | st.sampled_from(pairs))
    source = draw(st.none() | st.sampled_from(pairs))
    return Statement(tuple(sorted(content)), cue, source, None, "", None, None)


@FUZZ
@given(st.data(), texts.filter(lambda t: len(t) >= 6))
def test_written_attributions_read_back_exactly(data: st.DataObject, text: str) -> None:
    said = data.draw(st.lists(statements(len(text)), max_size=3))
    ann = brat_ann(build_analysis(text, [], "m", 0.3, attributions=said))
    expected = [
        Attribution(
            s.content, () if s.cue is None else (s.cue,), () if s.source is None else (s.source,)
        )
        for s in said
    ]
    assert parse_ann(ann) == expected


def layout(root: Path, text: bytes, ann: bytes) -> None:
    for sub in ("text", "attributions"):
        (root / "dev" / sub).mkdir(parents=True, exist_ok=True)
    (root / "dev" / "text" / "a.txt").write_bytes(text)
    (root / "dev" / "attributions" / "a_x1.ann").write_bytes(ann)


@FUZZ
@given(
    st.binary(max_size=40) | texts.map(str.encode),
    st.lists(t_lines | e_lines, max_size=5).map(lambda ls: "\n".join(ls).encode())
    | st.binary(max_size=40),
)
def test_any_corpus_files_read_within_their_text_or_are_input_errors(
    tmp_path: Path, text: bytes, ann: bytes
) -> None:
    layout(tmp_path, text, ann)
    got = outcome(lambda: read_split(tmp_path, "dev"), InputError)
    if isinstance(got, InputError):
        return
    for doc in got:
        assert isinstance(doc, Document)
        for a in doc.attributions:
            for start, end in (*a.content, *a.cue, *a.source):
                assert 0 <= start < end <= len(doc.text)


@pytest.mark.parametrize(
    ("text", "ann", "problem"),
    [
        ("He said it.", "T1\tSource 0 2;x\tHe", "line 1: offsets '0 2;x' are not"),
        ("He said it.", "T1\tSource 0 2 5\tHe", "are not 'S E'"),
        ("He said it.", "T1\tSource 5 2\tHe", "the end must come after the start"),
        ("He said it.", "T1\tSource 0 " + "9" * 5000 + "\tHe", "are not 'S E'"),
        (
            "He said it.",
            "T1\tSource 0 2\tHe\nE1\tAttribution:T1 Source:T1\nT2\tCue 3 99\tx\nE2\tCue:T2",
            "span 3-99 is not within its text",
        ),
        ("caf\xe9", "", "not UTF-8 text"),
    ],
)
def test_hostile_files_are_format_errors_naming_the_problem(
    tmp_path: Path, text: str, ann: str, problem: str
) -> None:
    layout(tmp_path, text.encode("latin-1" if "\xe9" in text else "utf-8"), ann.encode())
    with pytest.raises(FormatError, match=problem):
        read_split(tmp_path, "dev")
