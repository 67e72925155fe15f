"""``spinscope export``: every stored analysis, streamed page by page, in the analysis formats."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import event

from spinscope._errors import InputError
from spinscope._formats import get_format
from spinscope._reports import ExportCount, export, record_of, semeval_id, write_rows
from spinscope._semeval import parse_labels
from spinscope._store import Filters, Store, iter_analyses

from ..storedata import ARTICLES, TEXT, fill, fill_random

SEMEVAL = [
    "111\tLoaded_Language\t0\t4",
    "111\tLoaded_Language\t5\t10",
    "111\tName_Calling,Labeling\t16\t24",
    "222\tLoaded_Language\t0\t4",
    "222\tDoubt\t12\t35",
    "sha256:abc\tFlag-Waving\t60\t72",
    "plain-key\tLoaded_Language\t5\t10",
]


def text_of(
    store: Store, fmt: str, filters: Filters | None = None, with_text: bool = True
) -> tuple[str, ExportCount]:
    buf = io.StringIO()
    count = write_rows(iter_analyses(store, filters or Filters()), fmt, buf, with_text)
    return buf.getvalue(), count


# -- reading the store --------------------------------------------------------------


def test_every_analysis_of_the_latest_model_in_stored_order(store: Store) -> None:
    rows = list(iter_analyses(fill(store), Filters()))
    assert [r.article.key for r in rows] == [a.key for a, _ in ARTICLES]
    assert {r.model_id for r in rows} == {"m1"}
    first = rows[0]
    assert first.article.title == "Liars everywhere"
    assert first.article.url == "https://planet.example/1"
    assert [(s.start, s.end, s.technique) for s in first.spans] == [
        (0, 4, "Loaded_Language"),
        (5, 10, "Loaded_Language"),
        (16, 24, "Name_Calling,Labeling"),
    ]
    assert rows[3].spans == ()


@pytest.mark.parametrize("page_size", [1, 2, 3, 5, 6])
def test_pages_join_up_whatever_their_size(store: Store, page_size: int) -> None:
    fill(store)
    whole = list(iter_analyses(store, Filters()))
    assert list(iter_analyses(store, Filters(), page_size=page_size)) == whole


def test_streams_one_page_at_a_time(store: Store) -> None:
    fill_random(store, 50)
    statements: list[str] = []

    def seen(conn: object, cursor: object, statement: str, *args: object) -> None:
        if "FROM analyses" in statement and "JOIN articles" in statement:
            statements.append(statement)

    event.listen(store.engine, "before_cursor_execute", seen)
    try:
        stream = iter_analyses(store, Filters(), page_size=10)
        next(stream)
        # Reading the first article runs one page query, not one for the whole store.
        assert len(statements) == 1
        assert sum(1 for _ in stream) == 49
        # Five full pages, and one that finds nothing more.
        assert len(statements) == 6
    finally:
        event.remove(store.engine, "before_cursor_execute", seen)


def test_filters_apply_to_articles_and_their_spans(store: Store) -> None:
    fill(store)
    rows = list(iter_analyses(store, Filters(techniques=("Loaded_Language",))))
    assert [r.article.key for r in rows] == ["ptc/article111.txt", "article222", "plain-key"]
    assert all(s.technique == "Loaded_Language" for r in rows for s in r.spans)
    # Article figures stay those stored for the whole analysis.
    assert rows[0].score == pytest.approx(next(iter_analyses(store, Filters())).score)
    gazette = list(iter_analyses(store, Filters(sources=("Gazette",), date_to="2020-02-10")))
    assert [r.article.key for r in gazette] == ["sha256:abc"]
    m0 = list(iter_analyses(store, Filters(model_id="m0")))
    assert [(r.article.key, [s.technique for s in r.spans]) for r in m0] == [
        ("ptc/article111.txt", ["Slogans"])
    ]


def test_an_empty_store_exports_nothing(store: Store) -> None:
    out, count = text_of(store, "csv")
    assert out.splitlines() == ["key,source,published,technique,start,end,confidence,fragment"]
    assert (count.articles, count.spans) == (0, 0)


# -- formats --------------------------------------------------------------------------


def test_a_stored_row_is_the_record_analyze_writes(store: Store) -> None:
    row = next(iter_analyses(fill(store), Filters()))
    record = record_of(row)
    assert (record.source, record.article_id) == ("ptc/article111.txt", "111")
    assert record.analysis.spans == row.spans and record.analysis.text == TEXT
    assert record.analysis.summary.score == row.score
    assert record.analysis.summary.counts == {"Loaded_Language": 2, "Name_Calling,Labeling": 1}
    assert record.stored is not None and record.stored.publisher == "Daily Planet"
    assert record.stored.analyzed_at == row.created_at
    assert get_format("semeval").render(record) == "\n".join(SEMEVAL[:3]) + "\n"


def test_only_the_export_formats_are_exported(store: Store) -> None:
    with pytest.raises(InputError, match="use one of jsonl, csv, semeval"):
        text_of(fill(store), "html")


def test_jsonl_one_object_per_article(store: Store) -> None:
    out, count = text_of(fill(store), "jsonl")
    docs = [json.loads(line) for line in out.splitlines()]
    assert len(docs) == count.articles == 5 and count.spans == 7
    first = docs[0]
    assert {k: first[k] for k in ("key", "title", "source", "url", "published", "model")} == {
        "key": "ptc/article111.txt",
        "title": "Liars everywhere",
        "source": "Daily Planet",
        "url": "https://planet.example/1",
        "published": "2020-01-05",
        "model": "m1",
    }
    assert first["text"] == TEXT and first["n_spans"] == 3
    assert 0 < first["score"] <= 1 and 0 < first["coverage"] <= 1
    for doc in docs:
        for s in doc["spans"]:
            assert doc["text"][s["start"] : s["end"]] == s["text"]
            assert set(s) == {"start", "end", "technique", "confidence", "text"}
    assert docs[4]["source"] is None and docs[4]["published"] is None


def test_jsonl_without_text(store: Store) -> None:
    out, _ = text_of(fill(store), "jsonl", with_text=False)
    doc = json.loads(out.splitlines()[0])
    assert "text" not in doc and doc["spans"][0]["text"] == "Vile"


def test_csv_one_row_per_span(store: Store) -> None:
    out, count = text_of(fill(store), "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == count.spans == 7
    assert rows[2] == {
        "key": "ptc/article111.txt",
        "source": "Daily Planet",
        "published": "2020-01-05",
        "technique": "Name_Calling,Labeling",
        "start": "16",
        "end": "24",
        "confidence": "0.7",
        "fragment": "traitors",
    }
    assert rows[-1]["source"] == "" and rows[-1]["fragment"] == "liars"


def test_semeval_lines_parse_back(store: Store) -> None:
    out, _ = text_of(fill(store), "semeval")
    assert out.splitlines() == SEMEVAL
    labels = parse_labels(out, "export")
    assert [(lb.article_id, lb.technique) for lb in labels][:2] == [
        ("111", "Loaded_Language"),
        ("111", "Loaded_Language"),
    ]


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("article111", "111"),
        ("article111.txt", "111"),
        ("corpus/train/article999001.txt", "999001"),
        ("C:\\ptc\\article5.txt", "5"),
        ("article12b", "article12b"),
        ("myarticle12", "myarticle12"),
        ("sha256:abcd", "sha256:abcd"),
        ("with\ttab", "with tab"),
    ],
)
def test_semeval_ids(key: str, expected: str) -> None:
    assert semeval_id(key) == expected


def test_a_file_appears_only_when_complete(store: Store, tmp_path: Path) -> None:
    fill(store)
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "spans.tsv"
    count = export(store, Filters(), "semeval", out)
    assert out.read_text().splitlines() == SEMEVAL and count.spans == 7
    assert list(out.parent.iterdir()) == [out]


def test_an_unwritable_output_is_an_input_error(store: Store, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot write"):
        export(fill(store), Filters(), "csv", tmp_path / "no" / "such" / "x.csv")


def test_a_large_store_exports_every_article_once(store: Store) -> None:
    fill_random(store, 450)
    out, count = text_of(store, "jsonl")
    keys = [json.loads(line)["key"] for line in out.splitlines()]
    assert count.articles == len(set(keys)) == 450
