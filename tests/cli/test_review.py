"""Human review on the command line, on SQLite and PostgreSQL: ``import --db`` stores the
corrected labels, ``agreement`` scores the model against them, ``queue`` lists what to
label next, and ``export --keys`` takes the queue's keys; errors are one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from spinscope._store import Store
from spinscope._store._schema import human_labels
from tests.clirun import invoke

from ..storedata import fill


def label_rows(db_url: str) -> int:
    with Store.open_existing(db_url) as store, store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(human_labels)).scalar_one())


@pytest.mark.parametrize("fmt", ["label-studio", "doccano", "brat", "inception"])
def test_exported_spans_come_back_as_human_labels_once(
    store: Store, db_url: str, tmp_path: Path, fmt: str
) -> None:
    fill(store)
    out = tmp_path / ("tasks.json" if fmt == "label-studio" else "out")
    assert invoke("export", "--db", db_url, "-f", fmt, "-o", str(out)).exit_code == 0
    args = ["import", str(out), "-f", fmt, "--predictions", "--db", db_url]
    first = invoke(*args)
    assert first.exit_code == 0, first.output
    assert first.stdout == ""  # with --db, SemEval lines only with -o
    assert "stored 7 human labels of 5 articles" in first.stderr
    assert "(0 new to the store, 0 replacing" in first.stderr
    again = invoke(*args)
    assert "5 replacing earlier labels" in again.stderr and label_rows(db_url) == 7
    # The model's own spans, corrected by nobody: it agrees with them entirely.
    scored = json.loads(invoke("agreement", "--db", db_url, "-f", "json").stdout)
    assert scored["articles"] == 5 and scored["micro"]["f1"] == 1.0


def test_import_with_db_and_output_writes_both(store: Store, db_url: str, tmp_path: Path) -> None:
    fill(store)
    jsonl = tmp_path / "d.jsonl"
    jsonl.write_text(
        json.dumps({"text": "Lies, all lies.", "label": [[0, 4, "Doubt"]], "id": "fresh"}) + "\n",
        encoding="utf-8",
    )
    tsv = tmp_path / "back.tsv"
    result = invoke("import", str(jsonl), "-f", "doccano", "--db", db_url, "-o", str(tsv))
    assert result.exit_code == 0, result.output
    assert tsv.read_text(encoding="utf-8") == "fresh\tDoubt\t0\t4\n"
    assert "(1 new to the store" in result.stderr
    shown = invoke("agreement", "--db", db_url, "--article", "fresh", "-f", "json")
    doc = json.loads(shown.stdout)
    assert doc["human"][0]["text"] == "Lies" and doc["model"] is None and doc["spans"] == []


def test_import_errors_are_one_line(store: Store, db_url: str, tmp_path: Path) -> None:
    fill(store)
    jsonl = tmp_path / "d.jsonl"
    jsonl.write_text(
        json.dumps({"text": "Other text.", "label": [], "id": "article222"}) + "\n",
        encoding="utf-8",
    )
    clash = invoke("import", str(jsonl), "-f", "doccano", "--db", db_url)
    assert clash.exit_code == 2 and clash.stderr.startswith("error: ")
    assert "stored as 'article222' with another text" in clash.stderr
    missing = invoke("import", str(jsonl), "-f", "doccano", "--db", str(tmp_path / "no.db"))
    assert missing.exit_code == 5 and "no such file" in missing.stderr
    wrong = invoke("import", str(jsonl), "-f", "xml", "--db", db_url)
    assert wrong.exit_code == 2 and "Traceback" not in wrong.output


def test_agreement_table_and_article_view(store: Store, db_url: str, tmp_path: Path) -> None:
    fill(store)
    none = invoke("agreement", "--db", db_url)
    assert none.exit_code == 2 and "holds no human labels" in none.stderr
    jsonl = tmp_path / "d.jsonl"
    line = {"text": store_text(db_url), "label": [[12, 35, "Doubt"]], "source": "article222"}
    jsonl.write_text(json.dumps(line) + "\n", encoding="utf-8")
    assert invoke("import", str(jsonl), "-f", "doccano", "--db", db_url).exit_code == 0
    table = invoke("agreement", "--db", db_url)
    assert table.exit_code == 0, table.output
    assert "Model m1 against human labels: 1 labelled article" in table.stdout
    assert "Doubt" in table.stdout and "all techniques (micro)" in table.stdout
    view = invoke("agreement", "--db", db_url, "--article", "article222")
    assert view.exit_code == 0 and "human" in view.stdout and "0.60" in view.stdout
    unknown = invoke("agreement", "--db", db_url, "--article", "plain-key")
    assert unknown.exit_code == 2 and "plain-key: no human labels" in unknown.stderr


def store_text(db_url: str) -> str:
    from spinscope._store import stored_texts

    with Store.open_existing(db_url) as store:
        return stored_texts(store, ["article222"])["article222"]


def test_queue_as_table_json_and_ids(store: Store, db_url: str) -> None:
    fill(store)
    table = invoke("queue", "--db", db_url, "-n", "2")
    assert table.exit_code == 0, table.output
    assert "plain-key" in table.stdout and "article222" in table.stdout
    assert "notes/quiet.txt" not in table.stdout
    doc = json.loads(invoke("queue", "--db", db_url, "--json").stdout)
    assert [d["key"] for d in doc][:2] == ["plain-key", "article222"] and len(doc) == 5
    assert doc[0]["near"] == 1 and doc[0]["uncertainty"] == 0.5
    ids = invoke("queue", "--db", db_url, "-n", "3", "-f", "ids").stdout
    assert ids == "plain-key\narticle222\nptc/article111.txt\n"
    wide = invoke("queue", "--db", db_url, "-f", "ids", "--window", "0.65", "-n", "1")
    assert wide.stdout == "article222\n"


def test_queue_ids_pipe_into_export(store: Store, db_url: str) -> None:
    fill(store)
    ids = invoke("queue", "--db", db_url, "-n", "2", "-f", "ids").stdout
    out = invoke("export", "--db", db_url, "-f", "semeval", "--keys", "-", input=ids)
    assert out.exit_code == 0, out.output
    assert sorted(out.stdout.splitlines()) == [
        "222\tDoubt\t12\t35",
        "222\tLoaded_Language\t0\t4",
        "plain-key\tLoaded_Language\t5\t10",
    ]
    empty = invoke("export", "--db", db_url, "--keys", "-", input="\n")
    assert empty.exit_code == 2 and "no keys" in empty.stderr


def test_queue_errors_are_one_line(store: Store, db_url: str, tmp_path: Path) -> None:
    empty = invoke("queue", "--db", db_url)
    assert (
        empty.exit_code == 2 and "the queue is empty: the store holds no analyses" in empty.stderr
    )
    fill(store)
    both = invoke("queue", "--db", db_url, "--json", "-f", "ids")
    assert both.exit_code == 2 and "give one of them" in both.stderr
    assert invoke("queue", "--db", db_url, "-f", "xml").exit_code == 2
    assert invoke("queue", "--db", db_url, "-n", "0").exit_code == 2
    assert invoke("queue", "--db", db_url, "--window", "2").exit_code == 2
    missing = invoke("queue", "--db", str(tmp_path / "nope.db"))
    assert missing.exit_code == 5 and missing.stderr.startswith("error: ")


def test_queue_window_help_names_the_store_default() -> None:
    from spinscope._store import NEAR_WINDOW

    assert f"(default {NEAR_WINDOW})" in " ".join(invoke("queue", "--help").stdout.split())
