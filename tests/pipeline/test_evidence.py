"""Evidence: the index of annotated fragments, its file, and what spans get from it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from spinscope import load_model
from spinscope._errors import ModelError
from spinscope._formats._why import why
from spinscope._pipeline import EVIDENCE_FILE, Evidence, EvidenceIndex, Example, Span
from spinscope._pipeline._evidence import _best_first, recurrences

TECHNIQUES = ["Doubt", "Loaded_Language", "Slogans"]


def _index(vectors: npt.NDArray[np.float32], n_texts: int = 4) -> EvidenceIndex:
    techniques = [TECHNIQUES[i % 3] for i in range(len(vectors))]
    texts = [f"fragment {i % n_texts}" for i in range(len(vectors))]
    return EvidenceIndex.of(vectors, techniques, texts)


vectors = arrays(
    np.float32, st.tuples(st.integers(1, 30), st.just(8)), elements=st.floats(-1, 1, width=32)
)


@given(vectors, arrays(np.float32, 8, elements=st.floats(-1, 1, width=32)))
def test_nearest_is_at_most_three_distinct_texts_of_the_technique_best_first(
    rows: npt.NDArray[np.float32], query: npt.NDArray[np.float32]
) -> None:
    index = _index(rows)
    for technique in TECHNIQUES:
        found = index.nearest(query, technique)
        assert len(found) <= 3
        assert len({e.text for e in found}) == len(found)
        assert all(e.technique == technique for e in found)
        sims = [e.similarity for e in found]
        assert sims == sorted(sims, reverse=True)
        assert all(-1.0001 <= s <= 1.0001 for s in sims)


@given(
    vectors,
    st.lists(
        st.tuples(
            arrays(np.float32, 8, elements=st.floats(-1, 1, width=32)),
            st.sampled_from([*TECHNIQUES, "Bandwagon"]),
        ),
        max_size=12,
    ),
)
def test_a_batch_of_queries_finds_what_each_query_finds_alone_to_the_bit(
    rows: npt.NDArray[np.float32], queries: list[tuple[npt.NDArray[np.float32], str]]
) -> None:
    index = _index(rows)
    batch = index.nearest_each(queries)
    assert batch == [index.nearest(q, t) for q, t in queries]
    for (query, technique), found in zip(queries, batch, strict=True):
        if technique not in index.vectors:
            assert found == ()
            continue
        unit = query / max(float(np.linalg.norm(query)), 1e-12)
        # the search as it was: a matrix-vector product of the fragments with the one
        # query, then the best fragments with distinct texts
        sims = np.einsum("ij,j->i", index.vectors[technique], unit)
        texts = index.texts[technique]
        expected: list[Example] = []
        for i in _best_first(sims, 24):
            if texts[i].lower() not in {e.text.lower() for e in expected}:
                expected.append(Example(texts[i], technique, float(sims[i])))
        assert found == tuple(expected[:3])


def test_nearest_finds_the_fragment_pointing_the_same_way() -> None:
    rows = np.eye(3, dtype=np.float32)
    index = EvidenceIndex.of(rows, ["Doubt"] * 3, ["is it?", "who knows", "maybe"])
    (first, *_rest) = index.nearest(np.array([0.1, 2.0, 0.0], np.float32), "Doubt")
    assert first.text == "who knows" and first.similarity > 0.99
    assert index.nearest(np.ones(3, np.float32), "Slogans") == ()


@given(vectors)
def test_the_index_file_keeps_texts_techniques_and_vectors(
    tmp_path_factory: pytest.TempPathFactory, rows: npt.NDArray[np.float32]
) -> None:
    folder = tmp_path_factory.mktemp("ev")
    index = _index(rows, n_texts=len(rows))
    index.save(folder)
    back = EvidenceIndex.load(folder)
    assert back is not None
    assert back.texts == index.texts
    for t in index.vectors:
        # int8 rows, renormalised on load: within one step (1/127) of the unit vectors
        assert np.allclose(back.vectors[t], index.vectors[t], atol=1 / 127 + 1e-3)


def test_a_folder_without_an_index_has_none_and_a_broken_one_is_a_model_error(
    tmp_path: Path,
) -> None:
    assert EvidenceIndex.load(tmp_path) is None
    (tmp_path / EVIDENCE_FILE).write_bytes(b"not a zip")
    with pytest.raises(ModelError, match="unreadable evidence index"):
        EvidenceIndex.load(tmp_path)


@given(st.text(max_size=40), st.text(min_size=1, max_size=8))
def test_a_fragment_recurs_at_least_once(text: str, fragment: str) -> None:
    assert recurrences(text.lower(), fragment) >= 1


def test_evidence_in_words_and_json() -> None:
    ev = Evidence((Example("x" * 100, "Doubt", 0.5),), 1)
    line = why(Span(0, 1, "Doubt", 0.5, evidence=ev))
    assert line is not None and line.startswith("like “") and "…" in line
    assert "recurs" not in line
    assert why(Span(0, 1, "Doubt", 0.5)) is None
    assert why(Span(0, 1, "Doubt", 0.5, evidence=Evidence((), 1))) is None
    assert ev.to_dict() == {
        "examples": [{"text": "x" * 100, "technique": "Doubt", "similarity": 0.5}],
        "recurs": 1,
    }


@pytest.mark.slow
def test_the_shipped_model_gives_every_span_evidence_of_its_technique() -> None:
    model = load_model()
    text = (
        "The corrupt traitors in Washington want to destroy our great nation. "
        "Make America great again! Make America great again!"
    )
    analysis = model.analyze(text, threshold=0.0)
    assert analysis.spans
    for span in analysis.spans:
        assert span.evidence is not None
        assert span.evidence.examples, span
        assert all(e.technique == span.technique for e in span.evidence.examples)
    doc = analysis.spans[0].to_dict(text)
    assert doc["evidence"]["examples"][0]["technique"] == analysis.spans[0].technique
