"""Fuzzing ``spinscope import``'s readers (Label Studio, doccano, brat, INCEpTION CAS
JSON): any file gives articles whose every span lies within its text, or a one-line
:class:`FormatError`/:class:`InputError` naming the problem; what spinscope writes comes
back exactly, ids included, whatever the text (emoji, ``\\r\\n``, zero-width characters).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinscope._errors import FormatError, InputError
from spinscope._formats import FORMATS, Imported, Record, Target, import_annotations
from spinscope._pipeline import Analysis, Span, build_analysis
from spinscope._semeval import Label, parse_labels
from spinscope._store import Store
from spinscope._techniques import TECHNIQUE_NAMES

from .strategies import FUZZ, SLOW_FUZZ, json_docs, nested, outcome, texts

FORMAT_FILES = {
    "label-studio": "t.json",
    "doccano": "d.jsonl",
    "brat": "a.ann",
    "inception": "c.json",
}
# The field names of the four formats, so that generated documents get past the first checks.
KEYS = ["data", "text", "annotations", "predictions", "result", "value", "start", "end"]
KEYS += ["labels", "label", "entities", "start_offset", "end_offset", "id", "article_id"]
KEYS += ["source", "was_cancelled", "updated_at", "%FEATURE_STRUCTURES", "%ID", "%TYPE"]
KEYS += ["sofaID", "sofaString", "begin", "technique", "documentId", "documentTitle"]
METADATA = "de.tudarmstadt.ukp.dkpro.core.api.metadata.type.DocumentMetaData"
VALUES = st.sampled_from(
    ["uima.cas.Sofa", "_InitialView", "webanno.custom.Propaganda", METADATA, *TECHNIQUE_NAMES[:3]]
)
offsets = st.one_of(
    st.integers(-3, 12),
    st.sampled_from([10**18, -(10**18), 2**63, 1.5, True, None, "3", float("inf")]),
)


def read(fmt: str, content: bytes, folder: Path) -> Imported | InputError:
    """Import ``content`` as the one file of ``fmt`` (brat: beside its text)."""
    path = folder / FORMAT_FILES[fmt]
    path.write_bytes(content)
    return outcome(lambda: import_annotations(path, fmt, predictions=True), InputError)


def check(got: Imported | InputError) -> None:
    """A reader's result is sound: every span within its text, a known technique, and
    ids that survive the SemEval lines they are written as."""
    if isinstance(got, InputError):
        return
    for article in got.articles:
        for label in article.labels:
            assert 0 <= label.start < label.end
            assert article.text is None or label.end <= len(article.text)
            assert label.technique in TECHNIQUE_NAMES
    assert parse_labels(got.semeval()) == got.labels


@pytest.mark.parametrize("fmt", list(FORMAT_FILES))
@FUZZ
@given(data=st.binary(max_size=300))
def test_any_bytes_are_articles_or_an_input_error(tmp_path: Path, fmt: str, data: bytes) -> None:
    check(read(fmt, data, tmp_path))


def json_bytes(doc: Any) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode("utf-8", errors="surrogatepass")


@pytest.mark.parametrize("fmt", ["label-studio", "doccano", "inception"])
@FUZZ
@given(
    doc=st.recursive(
        st.none() | st.booleans() | offsets | texts | VALUES,
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=6)
        ),
        max_leaves=30,
    )
    | json_docs(KEYS)
)
def test_any_json_is_articles_or_a_format_error(tmp_path: Path, fmt: str, doc: Any) -> None:
    content = json_bytes(doc)
    if fmt == "doccano" and isinstance(doc, list):  # JSON Lines: each item a line
        content = b"\n".join(json_bytes(line) for line in doc)
    check(read(fmt, content, tmp_path))


@st.composite
def label_studio_tasks(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Tasks as Label Studio exports them, with any offsets, labels and ids."""
    tasks = []
    for _ in range(draw(st.integers(1, 3))):
        regions = [
            {
                "value": {
                    "start": draw(offsets),
                    "end": draw(offsets),
                    "labels": draw(st.lists(VALUES | texts, max_size=2)),
                }
            }
            for _ in range(draw(st.integers(0, 3)))
        ]
        data = {"text": draw(texts)} | draw(
            st.fixed_dictionaries(
                {}, optional={"article_id": texts | st.integers(), "source": texts}
            )
        )
        tasks.append(
            {
                "id": draw(st.integers(0, 3) | texts),
                "data": data,
                "annotations": [{"result": regions}],
            }
        )
    return tasks


@FUZZ
@given(tasks=label_studio_tasks())
def test_label_studio_tasks_with_any_offsets(tmp_path: Path, tasks: list[dict[str, Any]]) -> None:
    check(read("label-studio", json_bytes(tasks), tmp_path))


@FUZZ
@given(
    text=texts,
    lines=st.lists(
        st.tuples(
            st.sampled_from(["T1", "T2", "T3", "#1", "E1", "T"]),
            VALUES | texts,
            st.lists(offsets.map(str), min_size=1, max_size=4),
        ),
        max_size=4,
    ),
)
def test_brat_lines_with_any_offsets(
    tmp_path: Path, text: str, lines: list[tuple[str, str, list[str]]]
) -> None:
    (tmp_path / "a.txt").write_bytes(text.encode())
    ann = "".join(f"{ident}\t{kind} {' '.join(numbers)}\tx\n" for ident, kind, numbers in lines)
    check(read("brat", ann.encode(), tmp_path))


@st.composite
def analyses(draw: st.DrawFn) -> Analysis:
    text = draw(texts)
    spans = []
    for _ in range(draw(st.integers(0, 4))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        spans.append(Span(start, end, draw(st.sampled_from(TECHNIQUE_NAMES)), 0.5))
    return build_analysis(text, spans, "m", 0.3)


def written(fmt: str, records: list[Record], folder: Path) -> Path:
    """Write ``records`` in ``fmt`` as ``analyze -o`` does; the path to import."""
    form = FORMATS.get(fmt)
    if form.folder is not None:
        for record in records:
            form.folder(record, folder)
        return folder
    path = folder / f"out.{form.extension}"
    with path.open("w", encoding="utf-8") as handle:
        put = form.writer(Target(handle, many=len(records) > 1))
        for record in records:
            put(record)
    return path


@pytest.mark.parametrize("fmt", list(FORMAT_FILES))
@SLOW_FUZZ
@given(first=analyses(), second=analyses(), article_id=texts)
def test_what_spinscope_writes_comes_back_exactly(
    fmt: str, first: Analysis, second: Analysis, article_id: str
) -> None:
    """Offsets, techniques and texts come back whatever the text; the ids of Label
    Studio and doccano (which carry them as they are) come back as SemEval ids."""
    records = [Record("in/article12.txt", "12", first), Record("x/news.txt", article_id, second)]
    with tempfile.TemporaryDirectory() as tmp:
        got = import_annotations(written(fmt, records, Path(tmp)), fmt, predictions=True)
    check(got)
    assert [a.text for a in got.articles] == [r.analysis.text for r in records]
    for article, record in zip(got.articles, records, strict=True):
        spans = sorted((s.start, s.end, s.technique) for s in record.analysis.spans)
        assert [(x.start, x.end, x.technique) for x in article.labels] == spans
    assert got.articles[0].article_id == "12"


@FUZZ
@given(
    text=texts,
    spans=st.lists(
        st.tuples(st.integers(0, 50), st.integers(1, 50), st.sampled_from(TECHNIQUE_NAMES)),
        max_size=4,
    ),
)
def test_imported_labels_are_stored_and_read_back(
    text: str, spans: list[tuple[int, int, str]]
) -> None:
    """``import --db``: what a reader accepted, the store takes as it is (a span
    listed twice once), offsets and text exact."""
    from spinscope._reports import import_to_store
    from spinscope._store import human_view

    line = {"text": text, "label": [list(s) for s in spans], "article_id": "7"}
    with tempfile.TemporaryDirectory() as tmp:
        got = read("doccano", json_bytes(line), Path(tmp))
    if isinstance(got, InputError):
        return
    with Store.open("sqlite://") as store:
        import_to_store(store, got, "doccano")
        view = human_view(store, "7")
        # The store keeps NUL as U+FFFD, one character for one (PostgreSQL cannot hold it).
        assert view is not None and view.text == text.replace("\x00", "\ufffd")
        assert sorted((h.start, h.end, h.technique) for h in view.labels) == sorted(
            {(x.start, x.end, x.technique) for x in got.labels}
        )


def cas(structures: list[dict[str, Any]]) -> dict[str, Any]:
    sofa = {"%ID": 1, "%TYPE": "uima.cas.Sofa", "sofaID": "_InitialView", "sofaString": "Lies!"}
    return {"%FEATURE_STRUCTURES": [sofa, *structures]}


def span_fs(ident: Any, begin: Any, end: Any) -> dict[str, Any]:
    return {
        "%ID": ident,
        "%TYPE": "webanno.custom.Propaganda",
        "begin": begin,
        "end": end,
        "technique": "Doubt",
    }


def ls_task(start: Any, end: Any, aid: Any = "7") -> dict[str, Any]:
    value = {"start": start, "end": end, "labels": ["Doubt"]}
    return {
        "data": {"text": "Lies!", "article_id": aid},
        "annotations": [{"result": [{"value": value}]}],
    }


HOSTILE = [
    ("label-studio", nested(100_000), "nested too deeply"),
    ("doccano", nested(100_000), "line 1: not readable JSON \\(nested too deeply\\)"),
    ("inception", '{"%FEATURE_STRUCTURES": ' + nested(100_000) + "}", "nested too deeply"),
    ("label-studio", "[" + "9" * 5000 + "]", "too many digits"),
    ("doccano", '{"text": "a", "label": [[0, ' + "9" * 5000 + ', "Doubt"]]}', "too many digits"),
    ("label-studio", json.dumps([ls_task(-1, 3)]), "span -1-3 needs 0 <= start < end"),
    ("label-studio", json.dumps([ls_task(4, 2)]), "span 4-2 needs 0 <= start < end"),
    ("label-studio", json.dumps([ls_task(0, 10**40)]), "span 0-10000.*0000 is not within"),
    ("label-studio", json.dumps([ls_task(0, 2.0)]), "must be integers"),
    ("label-studio", json.dumps([ls_task(0, 2), ls_task(1, 3)]), "article id '7' comes twice"),
    (
        "label-studio",
        '[{"data": {"text": "a\\ud800"}, "annotations": [{"result": []}]}]',
        "lone surrogate",
    ),
    ("doccano", '{"text": "Lies!", "label": [[0, 9, "Doubt"]]}', "span 0-9 is not within the text"),
    ("doccano", '{"text": "x", "id": 1}\n{"text": "y", "id": "1"}', "comes twice"),
    ("doccano", '{"text": "x", "source": "\\udfff"}', "line 1: not valid Unicode"),
    ("brat", "T1\tDoubt 0 " + "9" * 5000 + "\tx\n", "line 1: offsets must be"),
    ("brat", "T1\tDoubt 3 1\tx\n", "line 1: fragment 3-1 needs start < end"),
    ("brat", "T1\tDoubt 0 2;4 3\tx\n", "fragment 4-3 needs start < end"),
    ("brat", "T1\tDoubt -1 2\tx\n", "offsets must be"),
    ("brat", "T1\tDoubt \u0660 \u0664\tx\n", "offsets must be"),  # Arabic-Indic digits
    ("brat", "T1\tDoubt 0 2\tx\nT1\tDoubt 0 3\tx\n", "line 2: id T1 comes twice"),
    ("inception", json.dumps(cas([span_fs(2, 0, 4), span_fs(2, 1, 4)])), "id 2 comes twice"),
    ("inception", json.dumps(cas([span_fs(1, 0, 4)])), "id 1 comes twice"),
    ("inception", json.dumps(cas([span_fs(2, 3, 1)])), "span 3-1 needs 0 <= start < end"),
    ("inception", json.dumps(cas([span_fs(2, 0, 99)])), "0-99 are not character boundaries"),
    ("inception", json.dumps(cas([span_fs(2, -1, 2)])), "-1-2 are not character boundaries"),
    (
        "inception",
        json.dumps({"%FEATURE_STRUCTURES": {"x": {"%TYPE": "uima.cas.Sofa"}}}),
        "no text",
    ),
]


@pytest.mark.parametrize(("fmt", "content", "problem"), HOSTILE)
def test_hostile_files_are_format_errors_naming_the_problem(
    tmp_path: Path, fmt: str, content: str, problem: str
) -> None:
    got = read(fmt, content.encode("utf-8"), tmp_path)
    assert isinstance(got, FormatError), got
    assert str(tmp_path) in str(got)
    import re

    assert re.search(problem, str(got)), str(got)


def test_ids_with_tabs_and_line_breaks_stay_one_semeval_column(tmp_path: Path) -> None:
    tasks = [
        ls_task(0, 4, "a\tb\u2028c"),
        ls_task(0, 4, " 9 "),
        {**ls_task(0, 4, None), "id": None},
    ]
    got = read("label-studio", json.dumps(tasks).encode(), tmp_path)
    assert not isinstance(got, InputError)
    assert [a.article_id for a in got.articles] == ["a b c", "9", "3"]
    assert parse_labels(got.semeval()) == [Label(i, 0, 4, "Doubt") for i in ("a b c", "9", "3")]
